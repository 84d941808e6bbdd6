-- staging.kolada_values: Kolada in the warehouse's terms: one row per KPI, area (SCB code), year and sex; of the last loaded version of every page file, the last loaded holding it wins, and a value a later page marks deleted (Kolada removed it) is gone (its rows stay in raw for the history).
-- Kolada's area ids are mapped by kolada_area_id (sql/macros/kolada.sql) over the area register.
WITH area_codes AS (
    SELECT kolada_area_id(level, area_code) AS municipality, area_code, level FROM core.areas
), current_files AS (
    SELECT * FROM raw.kolada_files
    QUALIFY row_number() OVER (PARTITION BY source_file ORDER BY file_version_id DESC) = 1
)
SELECT * EXCLUDE (deleted)
FROM (
    SELECT v.kpi AS kpi_id,
           a.area_code,
           v.period,
           v.gender AS sex,
           CAST(v.value AS DOUBLE) AS value,
           nullif(v.status, '') AS status,
           CAST(v.kolada_count AS INTEGER) AS kolada_count,
           v.file_version_id, v.source_file, v.source_sha256, v.source_item, v.source_entry, v.load_run,
           coalesce(lower(v.deleted) IN ('true', '1'), false) AS deleted
    FROM raw.kolada_values v
    JOIN current_files f USING (file_version_id)
    JOIN area_codes a ON a.municipality = v.municipality
    QUALIFY row_number() OVER (PARTITION BY v.kpi, a.area_code, v.period, v.gender
                               ORDER BY v.file_version_id DESC) = 1
)
WHERE NOT deleted
