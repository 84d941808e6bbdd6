-- One versioned table's part of a release (pipelines/vintages/history.py fills the placeholders in braces from
-- sql/vintages/versioned.yaml and the published table's columns): what this release publishes of it where its
-- inputs changed, the versions published before that it no longer publishes as they were, and its new versions.
-- Nothing here is written to the history: these are the release's own temporary tables, kept only once the
-- release is current.

-- what this release publishes, in scope (the years whose inputs changed, or everything)
CREATE OR REPLACE TEMP TABLE vintage_current_{table} AS
SELECT * FROM ({select}) n WHERE {scope_n};

-- the versions the release before published (still open) that this one no longer publishes as they were:
-- revised (another version replaces it) or withdrawn (nothing is published under its key any more)
CREATE OR REPLACE TEMP TABLE vintage_end_{table} AS
SELECT h.version_id,
       $previous_release::VARCHAR AS last_release,
       $previous_published_at::TIMESTAMPTZ AS last_published_at,
       $release::VARCHAR AS ended_release,
       $published_at::TIMESTAMPTZ AS ended_at,
       CASE WHEN n.{first_key} IS NULL THEN 'withdrawn' ELSE 'revised' END AS end_reason
FROM meta.vintage_{table} h
LEFT JOIN vintage_current_{table} n ON {key_match}
WHERE h.ended_release IS NULL AND {scope_h} AND (n.{first_key} IS NULL OR {differs});

-- the values this release publishes that no open version holds as they are: new keys, and new versions of keys
CREATE OR REPLACE TEMP TABLE vintage_new_{table} AS
SELECT n.*,
       (SELECT coalesce(max(version_id), 0) FROM meta.vintage_{table}) + row_number() OVER () AS version_id,
       $release::VARCHAR AS first_release,
       $published_at::TIMESTAMPTZ AS first_published_at,
       NULL::VARCHAR AS last_release,
       NULL::TIMESTAMPTZ AS last_published_at,
       NULL::VARCHAR AS ended_release,
       NULL::TIMESTAMPTZ AS ended_at,
       NULL::VARCHAR AS end_reason
FROM vintage_current_{table} n
LEFT JOIN (SELECT * FROM meta.vintage_{table} h WHERE h.ended_release IS NULL AND {scope_h}) h ON {key_match}
WHERE h.version_id IS NULL OR {differs};
