-- staging.beds: the 06:00 census typed, joined to the ward as registered on that day, with the number of days missing since the ward's previous census and the finding of the first blocking rule of pipelines/quality/suites/beds.yaml each row breaks (pipelines/quality/quarantine.py adds it).
-- partition: period month
-- lookback: 1
-- The days missing before a census are counted back to the start of the month before at most (a longer gap
-- is the whole month missing), and never from before the ward was registered or the first day the census was
-- delivered; so a month reads only itself and the month before (scope_from(1): the month before the first
-- month built, sql/staging/macros.sql).
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.census_date AS census_date_text,
           -- days after the day the file was delivered (its modification time): above 0 cannot have been counted
           datediff('day', (SELECT max(f.modified_at) FROM raw.regional_files f
                            WHERE f.source = 'beds' AND f.file_version_id = r.file_version_id)::DATE,
                    parse_date(r.census_date)) AS days_after_delivery,
           -- within the period the file's name gives (false: a row of another month, held out)
           in_named_period(r.period, (SELECT max(f.named_period) FROM raw.regional_files f
                                            WHERE f.source = 'beds' AND f.file_version_id = r.file_version_id))
               AS in_file_period,
           parse_date(r.census_date) AS census_date, nullif(trim(r.ward_id), '') AS ward_id,
           parse_integer(r.beds_available) AS beds_available, parse_integer(r.beds_occupied) AS beds_occupied,
           parse_integer(r.overcrowded) AS overcrowded, parse_integer(r.outlying) AS outlying,
           parse_integer(r.discharge_ready) AS discharge_ready, parse_integer(r.discharges) AS discharges,
           r.beds_available AS beds_available_text, r.beds_occupied AS beds_occupied_text,
           r.overcrowded AS overcrowded_text, r.outlying AS outlying_text,
           r.discharge_ready AS discharge_ready_text, r.discharges AS discharges_text,
           lag(parse_date(r.census_date)) OVER (PARTITION BY trim(r.ward_id) ORDER BY parse_date(r.census_date))
               AS previous_census_date,
           -- the earliest day the gap before a census is counted from
           greatest(date_trunc('month', parse_date(r.census_date)) - INTERVAL 1 MONTH,
                    (SELECT min(TRY_CAST(p AS DATE)) FROM raw.regional_files, unnest(periods) AS d(p)
                     WHERE source = 'beds')) AS horizon
    FROM raw.beds r
    WHERE r.period >= scope_from(1) OR r.period IS NULL
), repeated AS (
    -- the same ward twice on a day: the first row counts, the others are held out
    SELECT census_date, ward_id, min({'f': source_file, 'r': source_row}) AS first_row
    FROM typed WHERE census_date IS NOT NULL AND ward_id IS NOT NULL GROUP BY ALL HAVING count(*) > 1
), resolved AS (
    SELECT t.*, CASE WHEN d.first_row IS NULL OR d.first_row = {'f': t.source_file, 'r': t.source_row} THEN 1
                     ELSE 2 END AS occurrence,
           t.beds_occupied - t.beds_available - t.overcrowded AS beds_over_capacity,
           datediff('day', greatest(t.previous_census_date, t.horizon - INTERVAL 1 DAY, u.valid_from - INTERVAL 1 DAY),
                    t.census_date) - 1 AS days_missing_before,
           CASE WHEN datediff('day', greatest(t.previous_census_date, t.horizon - INTERVAL 1 DAY,
                                              u.valid_from - INTERVAL 1 DAY), t.census_date) > 1
                THEN t.census_date_text || ' (census before it: '
                     || coalesce(strftime(t.previous_census_date, '%Y-%m-%d'), 'none since '
                                 || strftime(greatest(t.horizon, u.valid_from), '%Y-%m-%d')) || ')'
           END AS continuity_text,
           u.unit_id, u.unit_name AS ward_name, u.unit_type, u.care_level, u.hospital, u.specialty,
           u.county_code, u.municipality_code
    FROM typed t
    LEFT JOIN repeated d ON d.census_date = t.census_date AND d.ward_id = t.ward_id
    LEFT JOIN core.units u ON u.unit_id = t.ward_id AND t.census_date >= u.valid_from
                          AND (u.valid_to IS NULL OR t.census_date <= u.valid_to)
)
SELECT
    *
FROM resolved
