-- core.staff_fte_counted: FTE as SKR's staff statistics count it (employee-months with 8 hours or more worked that month), by month, unit, profession and hired flag.
-- partition: period month
SELECT period, county_code, unit_id, unit_type, care_level, profession, profession_group, gp_specialist,
       gp_trainee, hired, sum(fte::DECIMAL(18, 4)) AS fte, count(*) AS employee_months,
       bool_or(synthetic) AS synthetic
FROM staging.staffing
WHERE finding IS NULL AND hours_worked >= 8
GROUP BY ALL
