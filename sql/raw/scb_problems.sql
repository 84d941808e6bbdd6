-- What an SCB file version delivered that cannot be used, first problem first: the file is refused whole.
-- {name} (the SCB table's raw name) is filled in by pipelines/population/ingest.py. Parameter: $file_version_id.
WITH p AS (SELECT * FROM scb_parsed('raw.{name}') WHERE file_version_id = $file_version_id),
problems AS (
    SELECT source_row, 'region' AS label_column, area_label AS offending,
           'a region such as "19 Västmanlands län", "1980 Västerås", "2580" or "Riket"' AS expected
    FROM p WHERE area_code_delivered IS NULL
    UNION ALL
    SELECT p.source_row, 'region', p.area_label, 'a code in the area register (Riket, 21 counties, 290 municipalities)'
    FROM p LEFT JOIN core.areas a USING (area_code)
    WHERE p.area_code IS NOT NULL AND a.area_code IS NULL
    UNION ALL
    SELECT source_row, 'ålder', age_label, 'a single year of age such as "0 år", "42", "100+ år", "100+1" or a total'
    FROM p WHERE NOT age_is_total AND age IS NULL
    UNION ALL
    SELECT source_row, 'kön', sex_label, '"män"/"kvinnor"/"totalt" or the codes 1, 2, 1+2'
    FROM p WHERE sex IS NULL
    UNION ALL
    SELECT source_row, source_column, period_label, 'a year such as "2023", "Folkmängd 2023" or "000007ME 2025"'
    FROM p WHERE year IS NULL OR year NOT BETWEEN 1749 AND 2200
    UNION ALL
    SELECT source_row, source_column, value_text, 'a whole, non-negative number of persons or ".." for missing'
    FROM p WHERE NOT value_understood
    UNION ALL
    -- the same person cell twice in one file would be counted twice
    SELECT max(source_row), 'region/civilstånd/ålder/kön/år',
           concat_ws(' | ', any_value(area_label), any_value(civil_status_label), any_value(age_label),
                     any_value(sex_label), any_value(period_label)),
           'each combination of region, civil status, age, sex and year at most once'
    FROM p
    WHERE area_code IS NOT NULL AND sex IS NOT NULL AND year IS NOT NULL
    GROUP BY area_code, lower(trim(coalesce(civil_status_label, ''))), coalesce(age::VARCHAR, 'total'), sex, year
    HAVING count(*) > 1
)
SELECT source_row, label_column, offending, expected, count(*) OVER () AS problem_count
FROM problems
ORDER BY source_row, label_column
LIMIT 1
