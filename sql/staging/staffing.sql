-- staging.staffing: employee-months typed (pseudonymous ids only), joined to the unit as registered that month and to the profession list, with the finding of the first blocking rule of pipelines/quality/suites/staffing.yaml each row breaks (pipelines/quality/quarantine.py adds it).
-- partition: period month
-- lookback: 1
WITH typed AS NOT MATERIALIZED (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           -- months after the month the file was delivered (its modification time): above 0 cannot have happened
           datediff('month', date_trunc('month', (SELECT max(f.modified_at) FROM raw.regional_files f
                                                  WHERE f.source = 'staffing' AND f.file_version_id = r.file_version_id))::DATE,
                    strptime(r.period || '-01', '%Y-%m-%d')::DATE) AS months_after_delivery,
           -- within the period the file's name gives (false: a row of another month, held out)
           in_named_period(r.period, (SELECT max(f.named_period) FROM raw.regional_files f
                                            WHERE f.source = 'staffing' AND f.file_version_id = r.file_version_id))
               AS in_file_period,
           nullif(trim(r.employee_id), '') AS employee_id, trim(r.person_id) AS person_id, trim(r.unit_id) AS unit_id,
           trim(r.profession) AS profession, lower(trim(r.employment_form)) AS employment_form,
           parse_decimal(r.fte) AS fte, parse_decimal(r.hours_worked) AS hours_worked,
           parse_decimal(r.sick_hours) AS sick_hours, parse_flag(r.hired) AS hired,
           r.fte AS fte_text, r.hours_worked AS hours_worked_text, r.sick_hours AS sick_hours_text, r.hired AS hired_text
    FROM raw.staffing r
    WHERE in_scope(r.period)
), repeated_keys AS (
    -- counted by a hash of the key (fast); a collision only brings one more key to the exact count below
    SELECT period, hash(employee_id) AS key_hash FROM typed WHERE employee_id IS NOT NULL
    GROUP BY ALL HAVING count(*) > 1
), repeated AS (
    -- the same employee twice in a month: the first row (by file and row) counts, the others are held out
    SELECT t.source_file, t.source_row,
           row_number() OVER (PARTITION BY t.period, t.employee_id ORDER BY t.source_file, t.source_row) AS occurrence
    FROM typed t SEMI JOIN repeated_keys k ON k.period = t.period AND k.key_hash = hash(t.employee_id)
)
SELECT
    t.*, coalesce(d.occurrence, 1) AS occurrence,
    u.unit_type, u.care_level, u.county_code, u.municipality_code, p.profession_group, p.gp_specialist, p.gp_trainee,
    g.months_missing_before, g.continuity_text
FROM typed t
LEFT JOIN repeated d ON d.source_file = t.source_file AND d.source_row = t.source_row
LEFT JOIN core.unit_months u ON u.unit_id = t.unit_id AND u.period = t.period
LEFT JOIN core.professions p ON p.profession = t.profession
LEFT JOIN month_gaps('staffing') g ON g.source_file = t.source_file AND g.source_row = t.source_row
