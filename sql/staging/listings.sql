-- staging.listings: listed inhabitants typed, joined to the health centre as registered that month.
CREATE OR REPLACE TABLE staging.listings AS
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           trim(r.health_centre_id) AS health_centre_id, trim(r.age_band) AS age_band, upper(trim(r.sex)) AS sex,
           parse_integer(r.listed) AS listed, r.listed AS listed_text,
           row_number() OVER (PARTITION BY r.period, trim(r.health_centre_id), trim(r.age_band), upper(trim(r.sex))
                              ORDER BY r.source_file, r.source_row) AS occurrence
    FROM raw.listings r
)
SELECT
    t.*, u.unit_name AS health_centre_name, u.unit_type, u.municipality_code, u.county_code,
    CASE
        WHEN t.period IS NULL THEN ['period', 'not a month (YYYY-MM)', t.month_text]
        WHEN u.unit_id IS NULL THEN ['vårdcentral_id', 'unknown unit (not in the organisation register that month)', t.health_centre_id]
        WHEN u.unit_type <> 'vårdcentral' THEN ['vårdcentral_id', 'not a health centre (vårdcentral) but ' || u.unit_type, t.health_centre_id]
        WHEN t.age_band IS NULL OR t.age_band NOT IN ('0-5', '6-17', '18-44', '45-64', '65-74', '75-79', '80-84', '85+')
            THEN ['åldersgrupp', 'not one of 0-5, 6-17, 18-44, 45-64, 65-74, 75-79, 80-84, 85+', t.age_band]
        WHEN t.sex IS NULL OR t.sex NOT IN ('K', 'M') THEN ['kön', 'not K or M', t.sex]
        WHEN t.listed IS NULL THEN ['antal_listade', 'not a whole number', t.listed_text]
        WHEN t.listed < 0 THEN ['antal_listade', 'negative count', t.listed_text]
        WHEN t.occurrence > 1 THEN ['vårdcentral_id', 'duplicated month, health centre, age band and sex', t.health_centre_id]
    END AS finding
FROM typed t
LEFT JOIN core.unit_months u ON u.unit_id = t.health_centre_id AND u.period = t.period;
