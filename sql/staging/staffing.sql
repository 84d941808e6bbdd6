-- staging.staffing: employee-months typed (pseudonymous ids only), joined to the unit as registered
-- that month and to the profession list.
CREATE OR REPLACE TABLE staging.staffing AS
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           trim(r.employee_id) AS employee_id, trim(r.person_id) AS person_id, trim(r.unit_id) AS unit_id,
           trim(r.profession) AS profession, lower(trim(r.employment_form)) AS employment_form,
           parse_decimal(r.fte) AS fte, parse_decimal(r.hours_worked) AS hours_worked,
           parse_decimal(r.sick_hours) AS sick_hours, parse_flag(r.hired) AS hired,
           r.fte AS fte_text, r.hours_worked AS hours_worked_text, r.sick_hours AS sick_hours_text, r.hired AS hired_text,
           row_number() OVER (PARTITION BY r.period, trim(r.employee_id) ORDER BY r.source_file, r.source_row) AS occurrence
    FROM raw.staffing r
)
SELECT
    t.*, u.unit_type, u.care_level, u.county_code, u.municipality_code, p.profession_group, p.gp_specialist, p.gp_trainee,
    CASE
        WHEN t.period IS NULL THEN ['period', 'not a month (YYYY-MM)', t.month_text]
        WHEN is_blank(t.employee_id) THEN ['anställningsnummer', 'missing value', t.employee_id]
        WHEN u.unit_id IS NULL THEN ['enhets_id', 'unknown unit (not in the organisation register that month)', t.unit_id]
        WHEN p.profession IS NULL THEN ['yrke', 'not a profession in data/reference/professions.csv', t.profession]
        WHEN t.employment_form IS NULL OR t.employment_form NOT IN ('tillsvidare', 'visstid', 'timavlönad')
            THEN ['anställningsform', 'not one of tillsvidare, visstid, timavlönad', t.employment_form]
        WHEN t.fte IS NULL THEN ['sysselsättningsgrad', 'not a number', t.fte_text]
        WHEN t.fte < 0 THEN ['sysselsättningsgrad', 'negative FTE', t.fte_text]
        WHEN t.hours_worked IS NULL THEN ['arbetade_timmar', 'not a number', t.hours_worked_text]
        WHEN t.hours_worked < 0 THEN ['arbetade_timmar', 'negative hours', t.hours_worked_text]
        WHEN t.sick_hours IS NULL THEN ['sjuktimmar', 'not a number', t.sick_hours_text]
        WHEN t.sick_hours < 0 THEN ['sjuktimmar', 'negative hours', t.sick_hours_text]
        WHEN t.hired IS NULL THEN ['inhyrd', 'not J or N', t.hired_text]
        WHEN t.occurrence > 1 THEN ['anställningsnummer', 'duplicated employee-month', t.employee_id]
    END AS finding
FROM typed t
LEFT JOIN core.unit_months u ON u.unit_id = t.unit_id AND u.period = t.period
LEFT JOIN core.professions p ON p.profession = t.profession;
