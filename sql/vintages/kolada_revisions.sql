-- Kolada's values as the warehouse has seen them (benchmark_revisions): for every KPI, area (SCB code), year and
-- sex, the value as first seen and every later value, status, deletion (`isdeleted`) or return, in the order the
-- pages were loaded. Only the rows loaded since the last one judged are read ($since: a file version), each
-- compared with the key's last known revision. A page is seen when it was fetched (the fetch folder's time,
-- <landing>/kolada/<UTC time>/, as `vardpuls fetch kolada` writes it), else when its file was last modified.
CREATE OR REPLACE TEMP TABLE vintage_new_kolada_revisions AS
WITH area_codes AS (
    SELECT kolada_area_id(level, area_code) AS municipality, area_code FROM core.areas
), delivered AS (
    SELECT v.kpi AS kpi_id, a.area_code, v.period, v.gender AS sex, TRY_CAST(v.value AS DOUBLE) AS value,
           nullif(v.status, '') AS status, coalesce(lower(v.deleted) IN ('true', '1'), false) AS deleted,
           v.source_file AS page, v.file_version_id, v.source_item, v.load_run,
           regexp_extract(v.source_file, '^(\d{8}T\d{6}Z)(-\d+)?/', 1) AS fetch_stamp,
           f.modified_at
    FROM raw.kolada_values v
    JOIN raw.kolada_files f USING (file_version_id)
    JOIN area_codes a ON a.municipality = v.municipality
    WHERE v.file_version_id > $since
), known AS (
    SELECT r.kpi_id, r.area_code, r.period, r.sex, r.value, r.status, r.deleted, r.file_version_id, r.source_item,
           r.revision
    FROM meta.vintage_kolada_revisions r
    SEMI JOIN (SELECT DISTINCT kpi_id, area_code, period, sex FROM delivered) d USING (kpi_id, area_code, period, sex)
    QUALIFY row_number() OVER (PARTITION BY r.kpi_id, r.area_code, r.period, r.sex ORDER BY r.revision DESC) = 1
), sequence AS (
    SELECT kpi_id, area_code, period, sex, value, status, deleted, file_version_id, source_item, revision,
           false AS now, NULL AS page, NULL AS load_run, NULL::TIMESTAMPTZ AS seen_at, NULL AS seen_from
    FROM known
    UNION ALL
    SELECT kpi_id, area_code, period, sex, value, status, deleted, file_version_id, source_item, NULL, true, page,
           load_run,
           CASE WHEN fetch_stamp <> '' THEN timezone('UTC', strptime(fetch_stamp, '%Y%m%dT%H%M%SZ'))
                ELSE CAST(modified_at AS TIMESTAMPTZ) END,
           CASE WHEN fetch_stamp <> '' THEN 'fetch folder' ELSE 'file time' END
    FROM delivered
), compared AS (
    SELECT *,
           lag(value) OVER w AS previous_value, lag(status) OVER w AS previous_status,
           lag(deleted) OVER w AS previous_deleted, lag(file_version_id) OVER w IS NULL AS first,
           max(revision) OVER (PARTITION BY kpi_id, area_code, period, sex) AS last_revision
    FROM sequence
    WINDOW w AS (PARTITION BY kpi_id, area_code, period, sex ORDER BY file_version_id, source_item)
), judged AS (
    SELECT *,
           CASE WHEN first THEN CASE WHEN deleted THEN 'deleted' ELSE 'first seen' END
                WHEN deleted AND NOT previous_deleted THEN 'deleted'
                WHEN deleted THEN NULL
                WHEN previous_deleted THEN 'restored'
                WHEN vintage_number_differs(value, previous_value) THEN 'revised'
                WHEN status IS DISTINCT FROM previous_status THEN 'status changed' END AS kind
    FROM compared
    WHERE now
)
SELECT kpi_id, area_code, period, sex,
       coalesce(last_revision, 0) + row_number() OVER (PARTITION BY kpi_id, area_code, period, sex
                                                        ORDER BY file_version_id, source_item) AS revision,
       kind, value, CASE WHEN NOT first THEN previous_value END AS previous_value, status, deleted, page,
       file_version_id, source_item, seen_at, CAST(timezone('Europe/Stockholm', seen_at) AS DATE) AS seen_on,
       seen_from, load_run, $release::VARCHAR AS first_in_release
FROM judged
WHERE kind IS NOT NULL
