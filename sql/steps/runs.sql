-- release_runs: one row per publication, so that a published value can be traced to the run, the code and
-- the files behind it; carried from release to release by pipelines/publish.py (a temporary table while a
-- release is written, the table runs in every release).
CREATE OR REPLACE TEMP TABLE release_runs (
    run_id          VARCHAR,               -- the publish run (Dagster run id)
    refresh_run_id  VARCHAR,               -- the refresh run it published
    started         TIMESTAMPTZ,           -- when that refresh started
    finished        TIMESTAMPTZ NOT NULL,  -- when publishing began writing the release
    code_version    VARCHAR NOT NULL,      -- package version + hash of pipelines/, sql/, indicators/, goals/, data/reference/
    source_files    STRUCT(source VARCHAR, file VARCHAR, sha256 VARCHAR, "rows" BIGINT)[],
    row_counts      JSON                   -- rows of every published table in this release
)
