-- FTE (årsarbetare, sum of sysselsättningsgrad) by month, unit, profession, employment form and hired-staff flag, with employee-months, hours worked and sick hours. No person-level data.
SELECT period, county_code, unit_id, unit_type, care_level, profession, profession_group, gp_specialist, gp_trainee,
       employment_form, hired, employee_months, fte, hours_worked, sick_hours, synthetic
FROM core.staff_fte ORDER BY period, unit_id, profession, employment_form, hired
