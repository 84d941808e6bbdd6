-- The cause of each indicator value's change, as far as the lineage shows it (release_changes.cause,
-- cause_detail, source_files):
--   the file versions loaded since the release before, of a source the indicator reads
--   (vintage_indicator_sources, from the relations its SQL reads), that delivered the value's period: a year's
--   file for the months of the year, a month's for the month and its year, the register for every period
--   (where none delivered the period itself, every new file of those sources: a later year's population,
--   a month that feeds a growth rate); each with the version it replaced;
--   a new definition version (the catalogue's `version`), or a definition changed without one
--   (meta.definitions, the relation indicators.<id>); disclosure control for a value newly withheld or shown.
CREATE OR REPLACE TEMP TABLE vintage_indicator_causes AS
WITH changed AS (
    SELECT change_id, indicator_id, period, change, definition_version_before, definition_version_after,
           suppression_reason
    FROM vintage_pending_changes WHERE measure = 'indicator'
), overlapping AS (
    SELECT c.change_id, f.source, f.file_version_id
    FROM changed c
    JOIN vintage_indicator_sources s USING (indicator_id)
    JOIN vintage_new_file_periods f
      ON f.source = s.source AND (f.period = '*' OR left(f.period, 4) = left(c.period, 4))
    WHERE f.period = '*' OR starts_with(f.period, c.period) OR starts_with(c.period, f.period)
    GROUP BY ALL
), fallback AS (
    SELECT c.change_id, f.source, f.file_version_id
    FROM changed c
    JOIN vintage_indicator_sources s USING (indicator_id)
    JOIN vintage_new_files f ON f.source = s.source
    ANTI JOIN overlapping o ON o.change_id = c.change_id
), files AS (
    SELECT x.change_id, x.matched,
           list({'source': f.source, 'file': f.file, 'file_version_id': f.file_version_id,
                 'replaced_file': f.replaced_file, 'replaced_version_id': f.replaced_version_id,
                 'periods': f.periods} ORDER BY f.source, f.file_version_id) AS source_files,
           bool_or(f.replaced_file IS NOT NULL) AS replaced,
           string_agg(CASE WHEN f.replaced_file IS NULL
                           THEN format('{}: new file {} (file version {})', f.source, f.file, f.file_version_id)
                           ELSE format('{}: {} (file version {}) replaced {} (file version {})', f.source, f.file,
                                       f.file_version_id, f.replaced_file, f.replaced_version_id) END,
                      '; ' ORDER BY f.source, f.file_version_id) AS files_text
    FROM (SELECT *, true AS matched FROM overlapping UNION ALL SELECT *, false FROM fallback) x
    JOIN vintage_new_files f USING (source, file_version_id)
    GROUP BY x.change_id, x.matched
)
SELECT c.change_id, f.source_files,
       CASE WHEN c.change = 'definition version changed' THEN 'definition version'
            WHEN c.change IN ('newly suppressed', 'no longer suppressed') THEN 'disclosure control'
            WHEN f.change_id IS NOT NULL AND f.replaced THEN 'source file replaced'
            WHEN f.change_id IS NOT NULL THEN 'new source file'
            WHEN d.relation IS NOT NULL THEN 'definition changed'
            ELSE 'not traced' END AS cause,
       concat_ws('; ',
           CASE WHEN c.change = 'definition version changed'
                THEN format('definition version {} -> {} (indicators/{}.yaml)', c.definition_version_before,
                            c.definition_version_after, c.indicator_id) END,
           CASE WHEN c.change = 'newly suppressed' THEN 'withheld by disclosure control: ' || c.suppression_reason
                WHEN c.change = 'no longer suppressed'
                THEN 'shown again: disclosure control no longer withholds it' END,
           f.files_text || CASE WHEN NOT f.matched THEN ' (no new file delivered the period itself)' ELSE '' END,
           CASE WHEN d.relation IS NOT NULL AND c.change <> 'definition version changed'
                THEN format('the definition of indicators.{} changed without a new version (its SQL, catalogue entry '
                            'or a macro it uses)', c.indicator_id) END,
           CASE WHEN f.change_id IS NULL AND d.relation IS NULL
                     AND c.change NOT IN ('definition version changed', 'newly suppressed', 'no longer suppressed')
                THEN 'no file of the sources it reads and no definition changed since the release before' END
       ) AS cause_detail
FROM changed c
LEFT JOIN files f USING (change_id)
LEFT JOIN vintage_changed_definitions d ON d.relation = 'indicators.' || c.indicator_id;

UPDATE vintage_pending_changes p
SET source_files = x.source_files, cause = x.cause, cause_detail = x.cause_detail
FROM vintage_indicator_causes x
WHERE p.change_id = x.change_id;
