-- The history of what was published (pipelines/vintages): every release, the changes each brought with their
-- causes, and every Kolada value as it was seen. Kept in the live warehouse across runs and carried into every
-- release's analyst.duckdb (releases, release_changes, benchmark_revisions); written only once a release is
-- current, so a release that fails leaves it as it was. The versions of each published value are the tables
-- meta.vintage_<table> (shaped like the published table, pipelines/vintages/history.py), one per entry of
-- sql/vintages/versioned.yaml.
CREATE SCHEMA IF NOT EXISTS meta;

-- One row per release that became current.
CREATE TABLE IF NOT EXISTS meta.vintage_releases (
    release           VARCHAR NOT NULL,       -- releases/<name>: '<UTC time>-<run>'
    run_id            VARCHAR NOT NULL,       -- the publish run
    published_at      TIMESTAMPTZ NOT NULL,   -- when the release was made (the time in its name)
    published_on      DATE NOT NULL,          -- that moment's date in Stockholm
    previous_release  VARCHAR,                -- the release it followed; NULL for the first with a history
    changes           BIGINT NOT NULL,        -- rows it added to release_changes
    warnings          BIGINT NOT NULL,        -- of them, those with an anomaly
    file_versions     STRUCT(source VARCHAR, file_version_id BIGINT)[],  -- the last file version of each source behind it
    definitions       STRUCT(relation VARCHAR, definition_hash VARCHAR)[] -- what each relation was built by
);

-- Per release, every published value that changed against the release before, with its cause.
CREATE TABLE IF NOT EXISTS meta.vintage_changes (
    release                    VARCHAR NOT NULL,
    previous_release           VARCHAR,
    published_at               TIMESTAMPTZ NOT NULL,
    measure                    VARCHAR NOT NULL,   -- 'indicator', 'kolada' or 'goal'
    indicator_id               VARCHAR,            -- the indicator, the Kolada KPI, or the indicator a goal follows
    goal_id                    VARCHAR,
    area_code                  VARCHAR,
    unit_id                    VARCHAR,
    period                     VARCHAR,
    sex                        VARCHAR,
    age_group                  VARCHAR,
    category                   VARCHAR,
    change                     VARCHAR NOT NULL,
    value_before               DOUBLE,
    value_after                DOUBLE,
    move                       DOUBLE,
    move_share                 DOUBLE,
    numerator_before           DOUBLE,
    numerator_after            DOUBLE,
    denominator_before         DOUBLE,
    denominator_after          DOUBLE,
    numerator_effect           DOUBLE,
    denominator_effect         DOUBLE,
    definition_version_before  BIGINT,
    definition_version_after   BIGINT,
    suppressed_before          BOOLEAN,
    suppressed_after           BOOLEAN,
    suppression_reason         VARCHAR,
    incomplete_note            VARCHAR,            -- what is missing, where the deliveries became incomplete
    status_before              VARCHAR,
    status_after               VARCHAR,
    synthetic                  BOOLEAN,
    cause                      VARCHAR,
    cause_detail               VARCHAR,
    source_files               STRUCT(source VARCHAR, file VARCHAR, file_version_id BIGINT, replaced_file VARCHAR,
                                      replaced_version_id BIGINT, periods VARCHAR[])[],
    kolada_page                VARCHAR,
    kolada_seen_on             DATE,
    anomaly_rule               VARCHAR,
    anomaly                    VARCHAR,
    anomaly_score              DOUBLE,
    anomaly_baseline_period    VARCHAR,
    anomaly_baseline_value     DOUBLE,
    anomaly_usual_change       DOUBLE
);

ALTER TABLE meta.vintage_changes ADD COLUMN IF NOT EXISTS incomplete_note VARCHAR;

-- Every Kolada value as first seen, and every later value, status, deletion or return, in load order.
CREATE TABLE IF NOT EXISTS meta.vintage_kolada_revisions (
    kpi_id            VARCHAR NOT NULL,
    area_code         VARCHAR NOT NULL,
    period            VARCHAR NOT NULL,
    sex               VARCHAR NOT NULL,
    revision          BIGINT NOT NULL,    -- 1 for the first sight, then 2, 3, ...
    kind              VARCHAR NOT NULL,   -- 'first seen', 'revised', 'status changed', 'deleted', 'restored'
    value             DOUBLE,
    previous_value    DOUBLE,
    status            VARCHAR,
    deleted           BOOLEAN NOT NULL,
    page              VARCHAR NOT NULL,   -- the page file, relative to <landing>/kolada/
    file_version_id   BIGINT NOT NULL,
    source_item       INTEGER,
    seen_at           TIMESTAMPTZ,
    seen_on           DATE,
    seen_from         VARCHAR,            -- 'fetch folder' (the fetch's time) or 'file time' (the page file's time)
    load_run          VARCHAR,
    first_in_release  VARCHAR NOT NULL    -- the first release made after it was loaded
);

-- Every file version's periods (and, for SCB's tables, areas) as the releases saw them: a later SCB file replaces
-- an earlier one's rows for an area and year in staging, so what the earlier delivered is kept here, to say which
-- file version a new one replaced.
CREATE TABLE IF NOT EXISTS meta.vintage_file_periods (
    source           VARCHAR NOT NULL,
    file_version_id  BIGINT NOT NULL,
    source_file      VARCHAR NOT NULL,
    period           VARCHAR NOT NULL,   -- 'YYYY', 'YYYY-MM', 'YYYY-MM-DD', or '*' (the whole source)
    area             VARCHAR NOT NULL    -- the SCB area code; '' for the region's own files
);
