-- Share of region-employed FTE working in primary care (units of care level primärvård): every month, and
-- for the year November's, employee-months with 8 hours or more worked. A month a unit of the region is
-- missing from the payroll export has no value (core.staffing_coverage).
WITH fte AS (
    SELECT period, county_code, coalesce(sum(fte) FILTER (WHERE care_level = 'primärvård'), 0) AS primary_care_fte,
           sum(fte) AS fte, bool_or(synthetic) AS synthetic
    FROM core.staff_fte_counted
    WHERE NOT hired
    GROUP BY ALL
), periods AS (
    SELECT *, period AS month FROM fte
    UNION ALL
    SELECT left(period, 4), * EXCLUDE (period), period FROM fte WHERE period LIKE '%-11'
)
SELECT p.county_code AS area_code, p.period, 'T' AS sex, p.primary_care_fte AS numerator, p.fte AS denominator,
       p.synthetic, c.complete, c.coverage, c.note AS incomplete_note
FROM periods p
LEFT JOIN core.staffing_coverage c ON c.county_code = p.county_code AND c.period = p.month AND c.unit_id IS NULL
