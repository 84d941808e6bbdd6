-- core.staff_fte: FTE (årsarbetare) by month, unit, profession, employment form and hired-staff flag, with the employee-months and hours behind it. Employee-level rows stay in staging (pseudonymous).
-- partition: period month
SELECT period, county_code, unit_id, unit_type, care_level, profession, profession_group,
       gp_specialist, gp_trainee, employment_form, hired,
       -- exact decimal sums: the same data gives the same figures, whatever order the threads add in
       count(*) AS employee_months, sum(fte::DECIMAL(18, 4)) AS fte,
       sum(hours_worked::DECIMAL(18, 2)) AS hours_worked, sum(sick_hours::DECIMAL(18, 2)) AS sick_hours,
       bool_or(synthetic) AS synthetic
FROM staging.staffing
WHERE finding IS NULL
GROUP BY ALL
ORDER BY period, unit_id, profession, employment_form, hired
