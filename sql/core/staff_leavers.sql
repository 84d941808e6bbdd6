-- core.staff_leavers: permanent staff in December of one year and how many of them are gone in December of the next (turnover), per county and the later year; complete when the payroll export delivered every unit in both Decembers (core.staffing_coverage), else incomplete_note says what is missing.
-- partition: period year
-- lookback: 1
WITH december AS (
    SELECT county_code, CAST(left(period, 4) AS INTEGER) AS year, employee_id,
           bool_or(employment_form = 'tillsvidare' AND NOT hired) AS permanent, bool_or(synthetic) AS synthetic
    FROM staging.staffing
    WHERE finding IS NULL AND period LIKE '%-12'
    GROUP BY ALL
), delivered AS (
    SELECT DISTINCT county_code, year FROM december
), counted AS (
    SELECT s.county_code, s.year + 1 AS year, count(*) AS permanent_at_start,
           count(*) FILTER (WHERE e.employee_id IS NULL) AS left_by_end, bool_or(s.synthetic) AS synthetic
    FROM december s
    JOIN delivered d ON d.county_code = s.county_code AND d.year = s.year + 1
    LEFT JOIN december e ON e.county_code = s.county_code AND e.year = s.year + 1 AND e.employee_id = s.employee_id
    WHERE s.permanent
    GROUP BY s.county_code, s.year
)
SELECT t.*, CAST(t.year AS VARCHAR) AS period, coalesce(b.complete, false) AND coalesce(e.complete, false) AS complete,
       least(coalesce(b.delivered / b.expected, 0), coalesce(e.delivered / e.expected, 0)) AS coverage,
       nullif(concat_ws('; ', b.note, e.note), '') AS incomplete_note
FROM counted t
LEFT JOIN core.staffing_coverage b ON b.county_code = t.county_code AND b.period = (t.year - 1) || '-12' AND b.unit_id IS NULL
LEFT JOIN core.staffing_coverage e ON e.county_code = t.county_code AND e.period = t.year || '-12' AND e.unit_id IS NULL
