-- core.gp_listing: listed inhabitants and the FTE of the doctors who count as GPs at health centres, per month and per year (averages over its 12 months), per county (unit_id NULL) and per health centre, in three variants of who counts: 'specialists' (specialists in general medicine employed by the region), 'with_trainees' (and trainees in general medicine, ST), 'with_trainees_hired' (and hired doctors of either kind). complete when both the listing and the payroll export delivered everything the value rests on (core.listings_coverage, core.staffing_coverage: every health centre of the county that month, or the centre itself; a year all twelve months); listed or fte is NULL where its source did not, never 0, and incomplete_note says what is missing; coverage is the smaller share delivered of the two.
-- partition: period year
WITH variants AS (
    SELECT * FROM (VALUES ('specialists', false, false), ('with_trainees', true, false),
                          ('with_trainees_hired', true, true)) v(variant, with_trainees, with_hired)
), fte AS (
    SELECT v.variant, f.period, f.county_code, f.unit_id, sum(f.fte) AS fte, bool_or(f.synthetic) AS synthetic
    FROM core.staff_fte_counted f, variants v
    WHERE f.unit_type = 'vårdcentral' AND (f.gp_specialist OR (v.with_trainees AND f.gp_trainee))
      AND (v.with_hired OR NOT f.hired)
    GROUP BY ALL
), listed AS (
    SELECT period, county_code, health_centre_id AS unit_id, sum(listed) AS listed, bool_or(synthetic) AS synthetic
    FROM core.listed_inhabitants
    GROUP BY ALL
), centres AS (
    -- every health centre the listing owed that month, and every one with GP FTE
    SELECT v.variant, c.period, c.county_code, c.unit_id
    FROM core.listings_coverage c, variants v
    WHERE c.unit_id IS NOT NULL AND length(c.period) = 7
    UNION
    SELECT variant, period, county_code, unit_id FROM fte
), listing_sites AS (
    SELECT * FROM coverage_sites('core.listings_coverage')
), staffing_sites AS (
    SELECT * FROM coverage_sites('core.staffing_coverage')
), monthly AS (
    -- a centre's month: its listed inhabitants where its listing came, its GP FTE where its payroll rows came (0
    -- when they came without a GP)
    SELECT c.variant, c.period, c.county_code, c.unit_id,
           CASE WHEN lc.complete THEN coalesce(l.listed, 0) END AS listed,
           CASE WHEN sc.complete THEN coalesce(f.fte, 0) END AS fte,
           coalesce(l.synthetic, false) OR coalesce(f.synthetic, false) AS synthetic
    FROM centres c
    LEFT JOIN listed l ON l.period = c.period AND l.unit_id = c.unit_id
    LEFT JOIN fte f ON f.variant = c.variant AND f.period = c.period AND f.unit_id = c.unit_id
    LEFT JOIN listing_sites lc ON lc.period = c.period AND lc.site = c.unit_id
    LEFT JOIN staffing_sites sc ON sc.period = c.period AND sc.site = c.unit_id
), periods AS (
    SELECT variant, period, county_code, unit_id, listed, fte, synthetic, 1 AS months FROM monthly
    UNION ALL
    SELECT variant, left(period, 4), county_code, unit_id, listed, fte, synthetic, 12 FROM monthly
), summed AS (
    SELECT variant, period, county_code, unit_id, sum(listed) / any_value(months) AS listed,
           sum(fte) / any_value(months) AS fte, bool_or(synthetic) AS synthetic
    FROM periods
    GROUP BY GROUPING SETS ((variant, period, county_code), (variant, period, county_code, unit_id))
)
SELECT s.variant, s.period, s.county_code, s.unit_id,
       CASE WHEN coalesce(lc.complete, false) THEN s.listed END AS listed,
       CASE WHEN coalesce(sc.complete, false) THEN s.fte END AS fte,
       s.synthetic,
       coalesce(lc.complete, false) AND coalesce(sc.complete, false) AS complete,
       least(coalesce(lc.coverage, 0), coalesce(sc.coverage, 0)) AS coverage,
       nullif(concat_ws('; ', CASE WHEN lc.period IS NULL THEN 'listningen saknas för ' || s.period ELSE lc.note END,
                        CASE WHEN sc.period IS NULL THEN 'personalexporten saknas för ' || s.period ELSE sc.note END),
              '') AS incomplete_note
FROM summed s
LEFT JOIN listing_sites lc ON lc.county_code = s.county_code AND lc.period = s.period
                          AND lc.site IS NOT DISTINCT FROM s.unit_id
LEFT JOIN staffing_sites sc ON sc.county_code = s.county_code AND sc.period = s.period
                           AND sc.site IS NOT DISTINCT FROM s.unit_id
