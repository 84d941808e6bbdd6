-- Listed inhabitants at the end of each month per region and health centre, by age group and sex; the
-- yearly value is December's. A month a health centre of the region is missing from the listing has no
-- value for the region (core.listings_coverage says which).
WITH banded AS (
    SELECT period, county_code, health_centre_id, sex, listing_age_group(age_band) AS age_group, listed, synthetic
    FROM core.listed_inhabitants
), periods AS (
    SELECT *, period AS month FROM banded
    UNION ALL
    SELECT left(period, 4), * EXCLUDE (period), period FROM banded WHERE period LIKE '%-12'
), summed AS (
    SELECT county_code, health_centre_id AS unit_id, period, any_value(month) AS month,
           coalesce(sex, 'T') AS sex, coalesce(age_group, 'all') AS age_group, sum(listed) AS numerator,
           bool_or(synthetic) AS synthetic
    FROM periods
    GROUP BY period, county_code, CUBE (health_centre_id, sex, age_group)
)
SELECT s.county_code AS area_code, s.unit_id, s.period, s.sex, s.age_group, s.numerator, NULL::DOUBLE AS denominator,
       s.synthetic, c.complete, c.coverage, c.note AS incomplete_note
FROM summed s
LEFT JOIN coverage_sites('core.listings_coverage') c
       ON c.county_code = s.county_code AND c.period = s.month AND c.site IS NOT DISTINCT FROM s.unit_id
