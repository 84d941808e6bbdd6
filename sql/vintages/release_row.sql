-- The release being written, as a row of releases: when it was made, the release it follows, how many changes
-- and warnings it brings, the last file version of every source behind it (so the next release knows which files
-- are new) and what every relation was built by (so the next knows which definitions changed).
CREATE OR REPLACE TEMP TABLE vintage_release_row AS
SELECT $release::VARCHAR AS release, $run_id::VARCHAR AS run_id, $published_at::TIMESTAMPTZ AS published_at,
       $published_on::DATE AS published_on, $previous_release::VARCHAR AS previous_release,
       (SELECT count(*) FROM vintage_pending_changes) AS changes,
       (SELECT count(*) FROM vintage_pending_changes WHERE anomaly IS NOT NULL) AS warnings,
       (SELECT list({'source': source, 'file_version_id': last_version} ORDER BY source)
        FROM (SELECT source, max(file_version_id) AS last_version FROM vintage_file_marks GROUP BY source)) AS file_versions,
       (SELECT list({'relation': relation, 'definition_hash': definition_hash} ORDER BY relation)
        FROM meta.definitions) AS definitions
