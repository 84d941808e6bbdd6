-- Every file version of the region's own sources loaded into raw.<source>.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE SEQUENCE IF NOT EXISTS raw.regional_file_version_seq START 1;

CREATE TABLE IF NOT EXISTS raw.regional_files (
    source           VARCHAR NOT NULL,     -- organisation, listings, staffing, cost, beds
    file_version_id  BIGINT NOT NULL,
    source_file      VARCHAR NOT NULL,     -- path relative to <landing>/<source>/
    sha256           VARCHAR NOT NULL,
    size_bytes       BIGINT NOT NULL,
    modified_at      TIMESTAMP NOT NULL,
    format           VARCHAR NOT NULL,     -- csv or parquet
    encoding         VARCHAR,
    synthetic        BOOLEAN NOT NULL,     -- every row said datakälla = SYNTETISK
    row_count        BIGINT NOT NULL,
    periods          VARCHAR[] NOT NULL,   -- the months or days this version delivered (and replaced)
    load_run         VARCHAR NOT NULL,
    loaded_at        TIMESTAMP NOT NULL,
    named_period     VARCHAR               -- the month or day the file's name gives (personal_2024-03.csv: 2024-03)
);
-- a warehouse made before the name's period was kept
ALTER TABLE raw.regional_files ADD COLUMN IF NOT EXISTS named_period VARCHAR;
