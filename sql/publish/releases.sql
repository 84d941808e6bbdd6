-- Every release in the history, oldest first: its name (releases/<name>), the run that published it, when it was made, the release it followed, how many changes and warnings it brought (release_changes), the last file version of each source behind it and what each relation was built by. release_as_of(moment) names the release current at a moment; the latest row is the release you are reading.
-- release: the release's name, '<UTC time>-<run>' (its folder under releases/, which may since have been pruned)
-- run_id: the publish run (Dagster run id; table runs)
-- published_at: when the release was made (the time in its name); it became current when complete, seconds to minutes later
-- published_on: that moment's date in Stockholm
-- previous_release: the release it followed; NULL for the first in the history
-- changes: rows it added to release_changes
-- warnings: of them, the ones with an anomaly (the digest's warnings)
-- file_versions: the last file version of each source behind it: source, file_version_id (table source_files)
-- definitions: what each relation was built by: relation, definition_hash
SELECT release, run_id, published_at, published_on, previous_release, changes, warnings, file_versions, definitions
FROM (SELECT * FROM meta.vintage_releases UNION ALL BY NAME SELECT * FROM vintage_release_row)
ORDER BY published_at, release
