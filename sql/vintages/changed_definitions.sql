-- The relations whose definition (SQL, catalogue entry, macros: meta.definitions) is not the one they were built
-- by when the release before was made.
CREATE OR REPLACE TEMP TABLE vintage_changed_definitions AS
WITH before AS (
    SELECT unnest(definitions, recursive := true) FROM meta.vintage_releases WHERE release = $previous_release
)
SELECT d.relation, b.definition_hash AS hash_before, d.definition_hash AS hash_after
FROM meta.definitions d
LEFT JOIN before b USING (relation)
WHERE b.definition_hash IS DISTINCT FROM d.definition_hash
  -- a release from before the history kept its definitions says nothing of them
  AND (SELECT definitions IS NOT NULL FROM meta.vintage_releases WHERE release = $previous_release)
