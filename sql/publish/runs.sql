-- Every publication: run id, the refresh it published, start and end, code version, every source file behind it (source, file, sha256, rows) and the row count of every published table.
-- run_id: the publish run (Dagster run id); the latest row is the release you are reading
-- refresh_run_id: the refresh run whose results were published
-- started: when that refresh started
-- finished: when publishing began writing this release
-- code_version: package version and a hash of the code, SQL, indicator and goal definitions and reference data
-- source_files: every loaded file version behind the values: source, file, sha256, rows
-- row_counts: rows of every published table in this release (JSON)
SELECT run_id, refresh_run_id, started, finished, code_version, source_files, row_counts
FROM release_runs ORDER BY finished
