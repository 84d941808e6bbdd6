-- The warehouse's own bookkeeping (pipelines/incremental.py): what changed, what each relation has
-- taken in, its partitions' fingerprints and the definition each relation was built by.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE SEQUENCE IF NOT EXISTS meta.change_seq START 1;

-- One row per partition a step changed: a relation's rows for that period differ from before (or the
-- partition appeared or went). partition '*': the relation changed as a whole.
CREATE TABLE IF NOT EXISTS meta.changes (
    seq        BIGINT NOT NULL,
    relation   VARCHAR NOT NULL,   -- 'schema.name'
    partition  VARCHAR NOT NULL,   -- 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or '*'
    run_id     VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);

-- The last change of each upstream relation that a relation has taken in.
CREATE TABLE IF NOT EXISTS meta.consumed (
    relation   VARCHAR NOT NULL,
    upstream   VARCHAR NOT NULL,
    seq        BIGINT NOT NULL
);

-- Each partition of each relation as it is now: rows and an order-independent content fingerprint.
-- A relation without partitions has the one partition ''.
CREATE TABLE IF NOT EXISTS meta.partitions (
    relation    VARCHAR NOT NULL,
    partition   VARCHAR NOT NULL,
    rows        BIGINT NOT NULL,
    fingerprint VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL
);

-- The definition (SQL, catalogue entry, suite, macros it uses) each relation was last built by.
CREATE TABLE IF NOT EXISTS meta.definitions (
    relation        VARCHAR NOT NULL,
    definition_hash VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    built_at        TIMESTAMPTZ NOT NULL
);

-- Every landed file as last seen: a file whose size and modification time are unchanged is not read
-- again (pipelines/lineage.py); its sha256 decides when they differ.
CREATE TABLE IF NOT EXISTS meta.landed (
    source       VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,   -- path relative to <landing>/<source>/
    size_bytes   BIGINT NOT NULL,
    mtime_ns     BIGINT NOT NULL,
    sha256       VARCHAR NOT NULL
);

-- The retractions of decisions.yaml the raw loads have carried out (pipelines/decisions.py, pipelines/lineage.py):
-- a version listed here has had its rows taken out; one no longer in the file is brought back.
CREATE TABLE IF NOT EXISTS meta.retracted (
    source       VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    rows         BIGINT NOT NULL,   -- the rows taken out
    run_id       VARCHAR NOT NULL
);
CREATE SCHEMA IF NOT EXISTS meta;

-- Each row-level rule per partition: the rows it judged and the rows that broke it.
CREATE TABLE IF NOT EXISTS meta.audit_results (
    suite       VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,
    partition   VARCHAR NOT NULL,
    evaluated   BIGINT NOT NULL,
    unexpected  BIGINT NOT NULL,
    definition  VARCHAR NOT NULL,   -- the suite file's fingerprint when it was judged
    run_id      VARCHAR NOT NULL
);

-- The first failing rows of each rule and partition: where they are and the value as delivered.
CREATE TABLE IF NOT EXISTS meta.audit_failing (
    suite        VARCHAR NOT NULL,
    rule         VARCHAR NOT NULL,
    partition    VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    source_row   BIGINT NOT NULL,
    value        VARCHAR,
    run_id       VARCHAR NOT NULL
);

-- Table-level rules (the columns a relation has): judged on the relation as a whole.
CREATE TABLE IF NOT EXISTS meta.audit_tables (
    suite    VARCHAR NOT NULL,
    rule     VARCHAR NOT NULL,
    success  BOOLEAN NOT NULL,
    rows     BIGINT NOT NULL,   -- the relation's rows when it was judged
    run_id   VARCHAR NOT NULL
);

-- Great Expectations' verdicts remembered (pipelines/quality/audit.py): per suite, each combination of the values
-- a set of rules reads, judged once under one definition and the versions of GX, DuckDB and pandas.
CREATE TABLE IF NOT EXISTS meta.audit_verdicts (
    suite        VARCHAR NOT NULL,
    definition   VARCHAR NOT NULL,   -- fingerprint of the suite file and the versions that judged
    columns      VARCHAR NOT NULL,   -- the set ('values: a, b', 'present: a') or 'table' (the columns it has)
    combination  VARCHAR NOT NULL,   -- MD5 of the values as JSON (a table: of its columns and their types)
    failed       VARCHAR[] NOT NULL  -- the rules the combination breaks
);

-- The first row each file version of a monthly source delivered per month (pipelines/regional/ingest.py), so
-- the continuity of the months is read from the register, not from the rows (month_gaps, sql/macros/continuity.sql).
CREATE TABLE IF NOT EXISTS meta.first_rows (
    source           VARCHAR NOT NULL,
    file_version_id  BIGINT NOT NULL,
    period           VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,
    source_row       BIGINT NOT NULL
);
