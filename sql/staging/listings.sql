-- staging.listings: listed inhabitants typed, joined to the health centre as registered that month, with the finding of the first blocking rule of pipelines/quality/suites/listings.yaml each row breaks (pipelines/quality/quarantine.py adds it).
-- partition: period month
-- lookback: 1
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           -- months after the month the file was delivered (its modification time): above 0 cannot have happened
           datediff('month', date_trunc('month', (SELECT max(f.modified_at) FROM raw.regional_files f
                                                  WHERE f.source = 'listings' AND f.file_version_id = r.file_version_id))::DATE,
                    strptime(r.period || '-01', '%Y-%m-%d')::DATE) AS months_after_delivery,
           -- within the period the file's name gives (false: a row of another month, held out)
           in_named_period(r.period, (SELECT max(f.named_period) FROM raw.regional_files f
                                            WHERE f.source = 'listings' AND f.file_version_id = r.file_version_id))
               AS in_file_period,
           nullif(trim(r.health_centre_id), '') AS health_centre_id, nullif(trim(r.age_band), '') AS age_band,
           nullif(upper(trim(r.sex)), '') AS sex,
           parse_integer(r.listed) AS listed, r.listed AS listed_text
    FROM raw.listings r
), repeated AS (
    -- the same health centre, age band and sex twice in a month: the first row counts, the others are held out
    SELECT period, health_centre_id, age_band, sex, min({'f': source_file, 'r': source_row}) AS first_row
    FROM typed WHERE health_centre_id IS NOT NULL GROUP BY ALL HAVING count(*) > 1
)
SELECT t.*, CASE WHEN d.first_row IS NULL OR d.first_row = {'f': t.source_file, 'r': t.source_row} THEN 1 ELSE 2 END
           AS occurrence,
       u.unit_name AS health_centre_name, u.unit_type, u.municipality_code, u.county_code,
       g.months_missing_before, g.continuity_text
FROM typed t
LEFT JOIN repeated d ON d.period = t.period AND d.health_centre_id = t.health_centre_id
                    AND d.age_band IS NOT DISTINCT FROM t.age_band AND d.sex IS NOT DISTINCT FROM t.sex
LEFT JOIN core.unit_months u ON u.unit_id = t.health_centre_id AND u.period = t.period
LEFT JOIN month_gaps('listings') g ON g.source_file = t.source_file AND g.source_row = t.source_row
