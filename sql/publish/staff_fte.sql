-- FTE (årsarbetare, sum of sysselsättningsgrad) by month, unit, profession, employment form and hired-staff flag, with employee-months, hours worked and sick hours. No person-level data. Sick leave is health data: the sick hours of a row resting on fewer employees than the disclosure threshold are withheld (sick_hours NULL, sick_hours_suppressed, suppression_reason; the rule: table disclosure_rule), and so are those of every row of a unit whose sick-leave share that month is withheld, and of one more row of a unit with a single withheld row, so its published sick-leave share cannot give the withheld hours away.
-- period: the month, 'YYYY-MM'
-- county_code: the county (region) of the unit: the first two digits of its municipality code
-- unit_id: the unit worked at, its enhets_id (see units)
-- unit_type: the unit's type (enhetstyp) that month: vårdcentral, vårdavdelning, ambulansstation or övrig
-- care_level: the unit's care level (vårdnivå) that month, e.g. 'primärvård'
-- profession: the profession (yrke) in Swedish, as in data/reference/professions.csv, e.g. 'Sjuksköterska'
-- profession_group: doctor, nurse, assistant_nurse, ambulance, allied, administration or management (data/reference/professions.csv)
-- gp_specialist: true for specialists in general medicine (Specialistläkare allmänmedicin)
-- gp_trainee: true for trainees in general medicine (ST-läkare allmänmedicin)
-- employment_form: the employment form (anställningsform): 'tillsvidare' (permanent), 'visstid' (fixed-term) or 'timavlönad' (paid by the hour)
-- hired: true for staff hired from an agency (inhyrd personal, inhyrd = J); false for the region's own employees
-- employee_months: the number of employee-months (employees delivered that month) in the row
-- fte: årsarbetare: the sum of sysselsättningsgrad (contracted working time, 1.0 = full time; 0 for hourly paid) over every employee-month of the row, whatever the hours worked; the FTE indicators count only employee-months with 8 hours or more worked (SKR's rule), and most only employees, not hired staff
-- hours_worked: the sum of hours worked in the month (arbetade timmar: scheduled hours minus vacation, leave and sickness)
-- sick_hours: the sum of hours of sick leave in the month (sjuktimmar); NULL where withheld (sick_hours_suppressed)
-- sick_hours_suppressed: true when the sick hours are withheld by disclosure control
-- suppression_reason: why: 'primary: fewer than N employees', or 'secondary: ...' (the unit's sick-leave share is withheld, or the row would give a withheld one away); NULL when shown
-- synthetic: true when any employee-month behind the row is synthetic (datakälla SYNTETISK): never report it as real
--! partition: period year
WITH rule AS (
    SELECT min(min_count) AS min_count FROM core.disclosure_rule
), rows AS (
    SELECT f.*,
           CASE WHEN f.unit_type = 'vårdcentral' THEN f.unit_id WHEN f.unit_type = 'vårdavdelning' THEN u.hospital END
               AS site
    FROM core.staff_fte f
    LEFT JOIN core.unit_months u ON u.unit_id = f.unit_id AND u.period = f.period
), withheld_shares AS (
    -- the sick-leave shares disclosure control withholds, per site and month
    SELECT DISTINCT area_code, unit_id, period
    FROM publish.disclosure_cells
    WHERE source = 'indicator_values' AND indicator_id = 'sick_leave_share' AND suppressed AND length(period) = 7
), judged AS (
    SELECT r.*,
           r.employee_months > 0 AND r.employee_months < rule.min_count AS small,
           w.unit_id IS NOT NULL AS share_withheld, rule.min_count
    FROM rows r
    CROSS JOIN rule
    LEFT JOIN withheld_shares w ON w.area_code = r.county_code AND w.unit_id = r.site AND w.period = r.period
), counted AS (
    SELECT *,
           count(*) FILTER (WHERE small OR share_withheld) OVER (PARTITION BY period, unit_id) AS withheld_in_unit,
           row_number() OVER (PARTITION BY period, unit_id, small OR share_withheld
                              ORDER BY employee_months, profession, employment_form, hired) AS order_in_unit
    FROM judged
), protected AS (
    SELECT *,
           CASE WHEN small THEN 'primary: fewer than ' || min_count || ' employees'
                WHEN share_withheld THEN 'secondary: the sick-leave share of the unit that month is withheld'
                -- a unit with exactly one withheld row: its smallest shown row too
                WHEN withheld_in_unit = 1 AND order_in_unit = 1
                    THEN 'secondary: the unit''s other rows would reveal a withheld row'
           END AS suppression_reason
    FROM counted
)
SELECT period, county_code, unit_id, unit_type, care_level, profession, profession_group, gp_specialist, gp_trainee,
       employment_form, hired, employee_months, fte, hours_worked,
       CASE WHEN suppression_reason IS NULL THEN sick_hours END AS sick_hours,
       suppression_reason IS NOT NULL AS sick_hours_suppressed, suppression_reason, synthetic
FROM protected
ORDER BY period, unit_id, profession, employment_form, hired
