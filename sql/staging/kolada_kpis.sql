-- staging.kolada_kpis: the latest description of every KPI in the current Kolada metadata pages.
WITH current_files AS (
    SELECT * FROM raw.kolada_files
    QUALIFY row_number() OVER (PARTITION BY source_file ORDER BY file_version_id DESC) = 1
)
SELECT k.*
FROM raw.kolada_kpis k
JOIN current_files f USING (file_version_id)
QUALIFY row_number() OVER (PARTITION BY k.id ORDER BY k.file_version_id DESC) = 1
