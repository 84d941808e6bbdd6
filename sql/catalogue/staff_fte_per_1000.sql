-- FTE (årsarbetare) of region-employed staff per 1,000 inhabitants, by profession group: every month, and
-- for the year November's (SKR's count month), employee-months with 8 hours or more worked. A month a unit
-- of the region is missing from the payroll export has no value (core.staffing_coverage).
WITH fte AS (
    SELECT period, county_code, profession_group, sum(fte) AS fte, bool_or(synthetic) AS synthetic
    FROM core.staff_fte_counted
    WHERE NOT hired
    GROUP BY ALL
), periods AS (
    SELECT *, period AS month FROM fte
    UNION ALL
    SELECT left(period, 4), * EXCLUDE (period), period FROM fte WHERE period LIKE '%-11'
), summed AS (
    SELECT period, any_value(month) AS month, county_code, coalesce(profession_group, 'all') AS category,
           sum(fte) AS fte, bool_or(synthetic) AS synthetic
    FROM periods
    GROUP BY GROUPING SETS ((period, county_code, profession_group), (period, county_code))
)
SELECT s.county_code AS area_code, s.period, 'T' AS sex, s.category, s.fte AS numerator,
       p.persons_total AS denominator, s.synthetic OR coalesce(p.synthetic, false) AS synthetic,
       c.complete, c.coverage, c.note AS incomplete_note
FROM summed s
LEFT JOIN core.population_bands p
       ON p.area_code = s.county_code AND p.year = CAST(left(s.period, 4) AS INTEGER) AND p.sex = 'T'
LEFT JOIN core.staffing_coverage c ON c.county_code = s.county_code AND c.period = s.month AND c.unit_id IS NULL
