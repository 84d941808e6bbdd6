-- The floor: the same landed files loaded and the same core facts and a few of the same indicators
-- computed by plain DuckDB SQL, with no lineage stamps, no file register, no replacement by period,
-- no validation and no quarantine. bench/floor.py runs it section by section (`-- stage: NAME`) and
-- times each; bench/run.py runs it in the same benchmark run as the pipeline, over the same files.
--
-- {{name}} is filled in by bench/floor.py: {{organisation}}, {{listings}}, {{staffing}}, {{cost}},
-- {{beds}} are table expressions reading every landed file of the source at once (read_csv with the
-- delivered header and the types of pipelines/regional/formats.yaml, or read_parquet), renamed to the
-- English column names; {{reference}} is data/reference; {{out}} the folder to publish into.
--
-- What it keeps of the pipeline's work, so that the floor is a floor of the same job:
--   * identity columns (employee_id, person_id) pseudonymised with the same keyed SHA-256 as
--     sql/staging/macros.sql (deidentify), but only those columns, not every delivered value;
--   * every fact joined to the organisation register as it was in the row's month (or day);
--   * FTE counted as SKR does (8 hours or more worked in the month), exact decimal sums;
--   * the indicators' monthly and whole-year values, per region and per unit, as the pipeline's SQL;
--   * an analyst DuckDB file and one zstd Parquet file per table.
-- What it leaves out: the SCB population and projections (42,840 cells at national scale; no
-- per-inhabitant indicator is computed here), Kolada, goals, confidence intervals, CSV exports.

-- stage: load
CREATE OR REPLACE MACRO pseudonym(v, secret) AS
    CASE
        WHEN v IS NULL OR length(v) < 10 THEN v
        WHEN regexp_full_match(trim(v), '(\d{2})?\d{6}[-+]?\d{4}')
            THEN 'P' || translate(left(sha256(secret || ':' || right(regexp_replace(trim(v), '[-+]', '', 'g'), 10)), 16),
                                  '0123456789', 'ghijklmnop')
        ELSE v
    END;
CREATE OR REPLACE MACRO flag(v) AS lower(trim(v)) IN ('j', 'ja', '1', 'true', 'y', 'yes');

CREATE TABLE organisation AS SELECT * FROM {{organisation}};
CREATE TABLE listings AS SELECT * FROM {{listings}};
CREATE TABLE staffing AS
SELECT * REPLACE (pseudonym(employee_id, '{{key}}') AS employee_id, pseudonym(person_id, '{{key}}') AS person_id,
                  flag(hired) AS hired, lower(trim(employment_form)) AS employment_form)
FROM {{staffing}};
CREATE TABLE cost AS SELECT * FROM {{cost}};
CREATE TABLE beds AS SELECT * FROM {{beds}};

-- stage: facts
CREATE TABLE professions AS
SELECT profession, profession_group, gp_specialist::BOOLEAN AS gp_specialist, gp_trainee::BOOLEAN AS gp_trainee
FROM read_csv('{{reference}}/professions.csv', header = true, all_varchar = true);
CREATE TABLE activity_areas AS
SELECT activity_code, activity_area, health_care::BOOLEAN AS health_care, primary_care::BOOLEAN AS primary_care
FROM read_csv('{{reference}}/activity_areas.csv', header = true, all_varchar = true);
CREATE TABLE accounts AS
SELECT account, hired_staff::BOOLEAN AS hired_staff, personnel::BOOLEAN AS personnel
FROM read_csv('{{reference}}/accounts.csv', header = true, all_varchar = true);

CREATE TABLE units AS
SELECT unit_id, unit_name, lower(unit_type) AS unit_type, lower(care_level) AS care_level, hospital, specialty,
       municipality_code, left(municipality_code, 2) AS county_code, cost_centre, activity_code, valid_from, valid_to
FROM organisation
ORDER BY unit_id, valid_from;

-- the version of each unit valid in each month (the last one to start in it), up to the last month delivered
CREATE TABLE unit_months AS
WITH horizon AS (
    SELECT greatest(current_date, coalesce((SELECT max(period) FROM staffing) || '-01', '1900-01-01')::DATE,
                    coalesce((SELECT max(census_date) FROM beds), DATE '1900-01-01'))
        AS last_month
)
SELECT strftime(m.month, '%Y-%m') AS period, u.*
FROM units u, horizon h,
     LATERAL (SELECT unnest(generate_series(date_trunc('month', u.valid_from),
                                            date_trunc('month', coalesce(u.valid_to, h.last_month)),
                                            INTERVAL 1 MONTH))::DATE AS month) m
QUALIFY row_number() OVER (PARTITION BY u.unit_id, m.month ORDER BY u.valid_from DESC) = 1;

CREATE TABLE listed_inhabitants AS
SELECT l.period, u.county_code, u.municipality_code, l.health_centre_id, u.unit_name AS health_centre_name,
       l.age_band, upper(l.sex) AS sex, l.listed
FROM listings l
LEFT JOIN unit_months u ON u.unit_id = l.health_centre_id AND u.period = l.period
ORDER BY l.period, l.health_centre_id, l.age_band, sex;

-- FTE by month, unit, profession, employment form and hired; the SKR count (8 hours or more) beside it
CREATE TABLE staff_fte AS
SELECT s.period, u.county_code, s.unit_id, u.unit_type, u.care_level, s.profession, p.profession_group,
       p.gp_specialist, p.gp_trainee, s.employment_form, s.hired,
       count(*) AS employee_months, sum(s.fte::DECIMAL(18, 4)) AS fte,
       sum(s.hours_worked::DECIMAL(18, 2)) AS hours_worked, sum(s.sick_hours::DECIMAL(18, 2)) AS sick_hours,
       count(*) FILTER (WHERE s.hours_worked >= 8) AS employee_months_counted,
       coalesce(sum(s.fte::DECIMAL(18, 4)) FILTER (WHERE s.hours_worked >= 8), 0) AS fte_counted
FROM staffing s
LEFT JOIN unit_months u ON u.unit_id = s.unit_id AND u.period = s.period
LEFT JOIN professions p ON p.profession = s.profession
GROUP BY ALL
ORDER BY s.period, s.unit_id, s.profession, s.employment_form, s.hired;

CREATE TABLE cost_fact AS
WITH cost_centre_months AS (
    SELECT * FROM unit_months
    QUALIFY row_number() OVER (PARTITION BY cost_centre, period ORDER BY valid_from DESC, unit_id) = 1
)
SELECT c.period, u.county_code, c.cost_centre, u.unit_id, c.activity_code, a.activity_area, a.health_care,
       a.primary_care, c.account, left(c.account, 1) AS account_class, coalesce(k.hired_staff, false) AS hired_staff,
       coalesce(k.personnel, left(c.account, 1) = '5') AS personnel,
       sum(c.amount_sek::DECIMAL(18, 2)) AS amount_sek, count(*) AS ledger_rows
FROM cost c
LEFT JOIN cost_centre_months u ON u.cost_centre = c.cost_centre AND u.period = c.period
LEFT JOIN activity_areas a ON a.activity_code = c.activity_code
LEFT JOIN accounts k ON k.account = c.account
GROUP BY ALL
ORDER BY c.period, c.cost_centre, c.activity_code, c.account;

CREATE TABLE bed_days AS
SELECT b.census_date, strftime(b.census_date, '%Y-%m') AS period, u.county_code, u.hospital, b.ward_id,
       u.unit_name AS ward_name, u.specialty, u.care_level, b.beds_available, b.beds_occupied, b.overcrowded,
       b.outlying, b.discharge_ready, b.discharges
FROM beds b
LEFT JOIN units u ON u.unit_id = b.ward_id AND b.census_date >= u.valid_from
                 AND (u.valid_to IS NULL OR b.census_date <= u.valid_to)
ORDER BY b.census_date, b.ward_id;

-- stage: indicators
CREATE TABLE months_delivered AS
SELECT 'listings' AS source, county_code, period FROM listed_inhabitants GROUP BY ALL
UNION ALL
SELECT 'staffing', county_code, period FROM staff_fte GROUP BY ALL
UNION ALL
SELECT 'cost', county_code, period FROM cost_fact GROUP BY ALL
UNION ALL
SELECT 'beds', county_code, period FROM bed_days
GROUP BY ALL HAVING count(DISTINCT census_date) = day(last_day(min(census_date)));

CREATE TABLE years_delivered AS
SELECT source, county_code, left(period, 4) AS year FROM months_delivered GROUP BY ALL HAVING count(*) = 12;

CREATE TABLE indicator_values (
    indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, period VARCHAR,
    numerator DOUBLE, denominator DOUBLE, value DOUBLE);

-- listed inhabitants per GP FTE (specialists in general medicine employed by the region, at health centres)
INSERT INTO indicator_values
WITH fte AS (
    SELECT period, county_code, unit_id, sum(fte_counted) AS fte
    FROM staff_fte WHERE unit_type = 'vårdcentral' AND gp_specialist AND NOT hired GROUP BY ALL
), listed AS (
    SELECT period, county_code, health_centre_id AS unit_id, sum(listed) AS listed FROM listed_inhabitants GROUP BY ALL
), months AS (
    SELECT period, county_code FROM months_delivered WHERE source = 'listings'
    INTERSECT
    SELECT period, county_code FROM months_delivered WHERE source = 'staffing'
), monthly AS (
    SELECT period, county_code, unit_id, coalesce(l.listed, 0) AS listed, coalesce(f.fte, 0) AS fte
    FROM listed l FULL JOIN fte f USING (period, county_code, unit_id)
    SEMI JOIN months USING (period, county_code)
), years AS (
    SELECT left(period, 4) AS year, county_code FROM months GROUP BY ALL HAVING count(*) = 12
), periods AS (
    SELECT period, county_code, unit_id, listed, fte, 1 AS months FROM monthly
    UNION ALL
    SELECT left(m.period, 4), m.county_code, m.unit_id, m.listed, m.fte, 12
    FROM monthly m SEMI JOIN years y ON y.year = left(m.period, 4) AND y.county_code = m.county_code
), summed AS (
    SELECT period, county_code, unit_id, sum(listed) / any_value(months) AS listed, sum(fte) / any_value(months) AS fte
    FROM periods GROUP BY GROUPING SETS ((period, county_code), (period, county_code, unit_id))
)
SELECT 'listed_per_gp_specialist', county_code, unit_id, period, listed, fte, listed / nullif(fte, 0) FROM summed;

-- sick-leave share of region-employed staff (permanent and fixed-term, as SKR counts it): sick hours over the
-- ordinary hours of their contracted working time (FTE times the month's full-time hours, the calendar macros of
-- sql/macros/calendar.sql), per region, health centre and hospital
INSERT INTO indicator_values
WITH months AS (
    SELECT period, ordinary_full_time_hours(period) AS full_time_hours FROM (SELECT DISTINCT period FROM staff_fte)
), staff AS (
    SELECT s.period, s.county_code,
           CASE WHEN s.unit_type = 'vårdcentral' THEN s.unit_id WHEN s.unit_type = 'vårdavdelning' THEN u.hospital END
               AS unit_id,
           s.fte * m.full_time_hours AS ordinary_hours, s.sick_hours
    FROM staff_fte s
    JOIN months m USING (period)
    LEFT JOIN unit_months u ON u.unit_id = s.unit_id AND u.period = s.period
    WHERE NOT s.hired AND s.employment_form IN ('tillsvidare', 'visstid')
), periods AS (
    SELECT * FROM staff
    UNION ALL
    SELECT left(s.period, 4), s.* EXCLUDE (period)
    FROM staff s SEMI JOIN years_delivered y ON y.source = 'staffing' AND y.county_code = s.county_code
                                            AND y.year = left(s.period, 4)
), summed AS (
    SELECT period, county_code, unit_id, sum(sick_hours)::DOUBLE AS sick_hours, sum(ordinary_hours)::DOUBLE AS hours,
           GROUPING(unit_id) = 0 AS by_unit
    FROM periods GROUP BY GROUPING SETS ((period, county_code), (period, county_code, unit_id))
)
SELECT 'sick_leave_share', county_code, unit_id, period, sick_hours, hours, 100 * sick_hours / nullif(hours, 0)
FROM summed WHERE NOT (by_unit AND unit_id IS NULL);

-- occupancy at 06:00 over whole months and years, per region and hospital
INSERT INTO indicator_values
WITH days AS (
    SELECT b.census_date, b.period, strftime(b.census_date, '%Y') AS year, b.county_code, b.hospital,
           b.beds_available, b.beds_occupied
    FROM bed_days b
    JOIN months_delivered m ON m.source = 'beds' AND m.county_code = b.county_code AND m.period = b.period
), periods AS (
    SELECT period, * EXCLUDE (period, year) FROM days
    UNION ALL
    SELECT d.year, d.* EXCLUDE (period, year)
    FROM days d JOIN years_delivered y ON y.source = 'beds' AND y.county_code = d.county_code AND y.year = d.year
), summed AS (
    SELECT period, county_code, hospital, sum(beds_available) AS available, sum(beds_occupied) AS occupied
    FROM periods
    GROUP BY GROUPING SETS ((period, county_code), (period, county_code, hospital))
    HAVING NOT (GROUPING(hospital) = 0 AND hospital IS NULL)
)
SELECT 'occupancy', county_code, hospital, period, occupied, available, 100 * occupied / nullif(available, 0)
FROM summed;

-- primary care's share of health-care net cost, and hired staff cost over the own personnel cost, per whole year
CREATE TABLE cost_years AS
SELECT c.county_code, left(c.period, 4) AS year,
       sum(c.amount_sek) FILTER (WHERE c.health_care)::DOUBLE AS health_care_net_cost,
       sum(c.amount_sek) FILTER (WHERE c.health_care AND c.primary_care)::DOUBLE AS primary_care_net_cost,
       sum(c.amount_sek) FILTER (WHERE c.health_care AND c.hired_staff)::DOUBLE AS hired_staff_cost,
       sum(c.amount_sek) FILTER (WHERE c.health_care AND c.personnel AND NOT c.hired_staff)::DOUBLE
           AS own_personnel_cost
FROM cost_fact c
JOIN years_delivered y ON y.source = 'cost' AND y.county_code = c.county_code AND y.year = left(c.period, 4)
GROUP BY ALL;
INSERT INTO indicator_values
SELECT 'primary_care_cost_share', county_code, NULL, year, coalesce(primary_care_net_cost, 0), health_care_net_cost,
       100 * coalesce(primary_care_net_cost, 0) / nullif(health_care_net_cost, 0)
FROM cost_years
UNION ALL
SELECT 'hired_staff_cost_share', county_code, NULL, year, coalesce(hired_staff_cost, 0), own_personnel_cost,
       100 * coalesce(hired_staff_cost, 0) / nullif(own_personnel_cost, 0)
FROM cost_years;

-- stage: publish
ATTACH '{{out}}/analyst.duckdb' AS analyst;
CREATE TABLE analyst.units AS SELECT * FROM units;
CREATE TABLE analyst.listed_inhabitants AS SELECT * FROM listed_inhabitants;
CREATE TABLE analyst.staff_fte AS SELECT * FROM staff_fte;
CREATE TABLE analyst.cost AS SELECT * FROM cost_fact;
CREATE TABLE analyst.bed_days AS SELECT * FROM bed_days;
CREATE TABLE analyst.indicator_values AS SELECT * FROM indicator_values ORDER BY ALL;
DETACH analyst;
COPY units TO '{{out}}/parquet/units.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY listed_inhabitants TO '{{out}}/parquet/listed_inhabitants.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY staff_fte TO '{{out}}/parquet/staff_fte.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY cost_fact TO '{{out}}/parquet/cost.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY bed_days TO '{{out}}/parquet/bed_days.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (SELECT * FROM indicator_values ORDER BY ALL) TO '{{out}}/parquet/indicator_values.parquet'
    (FORMAT parquet, COMPRESSION zstd);
