-- staging.deflators: the price index typed, one row per delivered year, with which delivery is the latest for the year (a later file, by delivery order, replaces an earlier one's year) and the finding of the first blocking rule of pipelines/quality/suites/deflators.yaml each row breaks (pipelines/quality/quarantine.py adds it); rows with a finding stay out of core.deflators.
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.file_version_id,
           parse_integer(r.year) AS year, r.year AS year_text,
           parse_decimal(r.price_index) AS price_index, r.price_index AS price_index_text,
           nullif(trim(r.index_source), '') AS index_source
    FROM raw.deflators r
)
SELECT *,
       row_number() OVER (PARTITION BY source_file, year ORDER BY source_row) AS occurrence,
       file_version_id = max(file_version_id) OVER (PARTITION BY year) AS latest
FROM typed
