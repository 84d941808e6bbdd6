-- FTE of region-employed staff at ambulance units (care level ambulanssjukvård): every month, and for the
-- year November's, employee-months with 8 hours or more worked. A month every unit of the region delivered
-- without any: 0; a month a unit is missing from the payroll export: no value (core.staffing_coverage).
WITH fte AS (
    SELECT period, county_code, coalesce(sum(fte) FILTER (WHERE care_level = 'ambulanssjukvård'), 0) AS fte,
           bool_or(synthetic) AS synthetic
    FROM core.staff_fte_counted
    WHERE NOT hired
    GROUP BY ALL
), periods AS (
    SELECT period, period AS month, county_code, fte, synthetic FROM fte
    UNION ALL
    SELECT left(period, 4), period, county_code, fte, synthetic FROM fte WHERE period LIKE '%-11'
)
SELECT p.county_code AS area_code, p.period, 'T' AS sex, p.fte AS numerator, NULL::DOUBLE AS denominator, p.synthetic,
       c.complete, c.coverage, c.note AS incomplete_note
FROM periods p
LEFT JOIN core.staffing_coverage c ON c.county_code = p.county_code AND c.period = p.month AND c.unit_id IS NULL
