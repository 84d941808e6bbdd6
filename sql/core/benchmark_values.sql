-- core.benchmark_values: Kolada's value per KPI, area (SCB code), year and sex.
SELECT kpi_id, area_code, period, sex, value, status, kolada_count,
       file_version_id, source_file, source_sha256, source_item, load_run
FROM staging.kolada_values
ORDER BY kpi_id, area_code, period, sex
