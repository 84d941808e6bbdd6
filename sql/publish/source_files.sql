-- Every landed file version loaded into the warehouse: source, file, sha256, format, rows, whether it is synthetic, and the load run.
-- source: the source: population, population_projections (SCB), kolada, or the region's organisation, listings, staffing, cost, beds
-- source_file: the file's path relative to <landing>/<source>/
-- sha256: the SHA-256 of the file's bytes (hex)
-- size_bytes: the file's size in bytes
-- modified_at: the file's modification time when loaded (local time of the loading machine)
-- format: 'csv' or 'parquet' (the region's sources); 'jsonstat2', 'pxweb_web_export', 'pxwebapi_v2_csv' or 'pxweb_v1_csv' (SCB); '<kolada_v3|kolada_v2|kolada> <data|kpi|empty> page' (Kolada)
-- encoding: the text encoding the file was read with, e.g. 'utf-8', 'cp1252' ('latin-1': cp1252 read as latin-1 where the two agree); NULL for Parquet
-- synthetic: true when the file is synthetic (every row's datakälla says SYNTETISK; an SCB file's title, note or name says so); false for Kolada (real data)
-- row_count: rows the file version put in raw: data rows (the region's sources), value cells (SCB), values or KPIs (Kolada)
-- load_run: the refresh run (Dagster run id) that loaded the file version
-- loaded_at: when it was loaded (local time)
-- file_version_id: the version's number in load order, unique within the source; a later version of the same file or period replaces the earlier one's rows, and earlier versions stay listed
SELECT source, source_file, sha256, size_bytes, modified_at, format, encoding, synthetic, row_count, load_run,
       loaded_at, file_version_id
FROM core.source_files
ORDER BY source, file_version_id
