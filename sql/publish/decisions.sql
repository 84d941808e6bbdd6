-- The operator's decisions about deliveries (decisions.yaml beside the live database, written by vardpuls retract and vardpuls acknowledge): file versions retracted (their rows taken out of the warehouse, the periods they held recomputed) and quarantines acknowledged (the rows stay held out and listed in quarantine, but no longer fail the night).
-- action: 'retract' or 'acknowledge'
-- source: the source the file was delivered in (see source_files)
-- file: the file, path relative to <landing>/<source>/
-- reason: why, as the operator wrote it
-- decided_at: when the decision was made (ISO 8601 with the offset)
-- decided_by: the user account that made it
-- sha256: retract: the SHA-256 of the version retracted (a corrected file, other bytes, loads as usual); NULL for acknowledge
-- rule: acknowledge: the blocking rule acknowledged (see quality_rules); NULL for every rule of the file, and for retract
SELECT action, source, file, reason, decided_at, decided_by, sha256, rule
FROM core.decisions
ORDER BY decided_at, action, source, file
