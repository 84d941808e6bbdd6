-- core.quality_results: the Great Expectations rules of the last validation of each staging table.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.quality_results (
    run_id      VARCHAR NOT NULL,
    suite       VARCHAR NOT NULL,    -- the source
    rule        VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,    -- blocking: the row cannot be used; warning: analysts should know
    success     BOOLEAN NOT NULL,
    evaluated   BIGINT NOT NULL,     -- rows the rule judged
    unexpected  BIGINT NOT NULL      -- rows that broke it
);
