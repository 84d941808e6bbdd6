-- core.beds_coverage: the 06:00 census against the organisation register: every ward (vårdavdelning) owes a census row for every day it was registered open (core.units, valid_from to valid_to). Per ward and month the days owed and delivered; per county and month the ward-days owed and delivered and which wards are missing days; per ward and per county and year how many of its months are complete (a yearly value needs all twelve). Days are judged from the first to the last the county's census delivered in the year, so a month is whole only when those days span it (a month still running is not). Rows held out by a blocking rule are not delivered. Macro coverage_periods, sql/macros/coverage.sql.
-- partition: period year
WITH judged AS (
    SELECT county_code, year(census_date) AS year, min(census_date) AS first_day, max(census_date) AS last_day
    FROM core.bed_days GROUP BY ALL
), ward_days AS (
    SELECT u.county_code, d.day, u.unit_id, u.unit_name, u.hospital, u.synthetic
    FROM core.units u
    JOIN judged j ON j.county_code = u.county_code
                 AND u.valid_from <= j.last_day AND coalesce(u.valid_to, j.last_day) >= j.first_day,
         LATERAL (SELECT unnest(generate_series(greatest(u.valid_from, j.first_day),
                                                least(coalesce(u.valid_to, j.last_day), j.last_day),
                                                INTERVAL 1 DAY))::DATE AS day) d
    WHERE u.unit_type = 'vårdavdelning'
), units AS (
    SELECT w.county_code, strftime(w.day, '%Y-%m') AS period, w.unit_id, arg_max(w.unit_name, w.day) AS unit_name,
           arg_max(w.hospital, w.day) AS hospital, count(*) AS expected, count(b.ward_id) AS delivered,
           any_value(j.first_day <= date_trunc('month', w.day) AND j.last_day >= last_day(w.day)) AS month_whole,
           bool_or(w.synthetic) AS synthetic
    FROM ward_days w
    JOIN judged j ON j.county_code = w.county_code AND j.year = year(w.day)
    LEFT JOIN core.bed_days b ON b.ward_id = w.unit_id AND b.census_date = w.day
    GROUP BY w.county_code, strftime(w.day, '%Y-%m'), w.unit_id
)
SELECT * FROM coverage_periods(units, 'beds', 'vårdplatsläget', 'ward-days')
