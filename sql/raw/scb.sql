-- The raw tables of an SCB table ({name}: population, population_projections): every value exactly as the file
-- delivered it (labels as text), stamped with its file, the file's sha256, its row number and the load run,
-- and the register of the file versions loaded. {name} is filled in by pipelines/population/ingest.py.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE SEQUENCE IF NOT EXISTS raw.{name}_file_version_seq START 1;

CREATE TABLE IF NOT EXISTS raw.{name}_files (
    file_version_id  BIGINT PRIMARY KEY,   -- load order: a later version of an area and year wins
    source_file      VARCHAR NOT NULL,     -- path relative to <landing>/{name}/
    sha256           VARCHAR NOT NULL,
    size_bytes       BIGINT NOT NULL,
    modified_at      TIMESTAMP NOT NULL,
    format           VARCHAR NOT NULL,     -- jsonstat2, pxweb_web_export, pxwebapi_v2_csv, pxweb_v1_csv
    encoding         VARCHAR NOT NULL,
    separator        VARCHAR,
    title            VARCHAR,
    synthetic        BOOLEAN NOT NULL,     -- the file says it is synthetic (title, note or extension)
    row_count        BIGINT NOT NULL,
    load_run         VARCHAR NOT NULL,
    loaded_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.{name} (
    file_version_id     BIGINT NOT NULL,
    source_file         VARCHAR NOT NULL,
    source_sha256       VARCHAR NOT NULL,
    source_row          BIGINT NOT NULL,   -- line in the file (JSON-stat: position in 'value', from 1)
    source_column       VARCHAR NOT NULL,  -- the column the value came from ("2023", "Folkmängd 2023", ...)
    load_run            VARCHAR NOT NULL,
    area_label          VARCHAR,
    civil_status_label  VARCHAR,
    age_label           VARCHAR,
    sex_label           VARCHAR,
    period_label        VARCHAR,
    value_text          VARCHAR
);
