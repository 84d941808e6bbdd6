-- Two releases of the history compared (vardpuls diff FROM TO, when FROM is not the release just before TO), in
-- a release's analyst.duckdb: what each published of a versioned table ({history}: its versions open at the
-- release's time), and the versions that differ, for sql/vintages/changes_{table}.sql to read.
CREATE OR REPLACE TEMP TABLE vintage_published_before_{table} AS
SELECT * FROM {history} WHERE first_published_at <= $from_time AND (ended_at IS NULL OR ended_at > $from_time);

CREATE OR REPLACE TEMP TABLE vintage_published_after_{table} AS
SELECT * FROM {history} WHERE first_published_at <= $to_time AND (ended_at IS NULL OR ended_at > $to_time);

CREATE OR REPLACE TEMP TABLE vintage_before_{table} AS
SELECT * FROM vintage_published_before_{table} ANTI JOIN vintage_published_after_{table} USING (version_id);

CREATE OR REPLACE TEMP TABLE vintage_after_{table} AS
SELECT * FROM vintage_published_after_{table} ANTI JOIN vintage_published_before_{table} USING (version_id);

-- a value that changed and changed back between the two releases has not changed between them
CREATE OR REPLACE TEMP TABLE vintage_unchanged_{table} AS
SELECT b.version_id AS before_id, a.version_id AS after_id
FROM vintage_before_{table} b JOIN vintage_after_{table} a ON {same};

DELETE FROM vintage_before_{table} WHERE version_id IN (SELECT before_id FROM vintage_unchanged_{table});

DELETE FROM vintage_after_{table} WHERE version_id IN (SELECT after_id FROM vintage_unchanged_{table});
