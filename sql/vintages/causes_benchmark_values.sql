-- The cause of each Kolada value's change: the Kolada page loaded since the release before that brought it (its
-- latest revision in benchmark_revisions: a revision, a deletion, a first sight), with the date it was seen.
CREATE OR REPLACE TEMP TABLE vintage_kolada_causes AS
SELECT c.change_id, r.kind, r.page, r.seen_on, r.file_version_id
FROM vintage_pending_changes c
JOIN vintage_new_kolada_revisions r
  ON r.kpi_id = c.indicator_id AND r.area_code = c.area_code AND r.period = c.period AND r.sex = c.sex
WHERE c.measure = 'kolada'
QUALIFY row_number() OVER (PARTITION BY c.change_id ORDER BY r.revision DESC) = 1;

UPDATE vintage_pending_changes p
SET cause = CASE x.kind WHEN 'deleted' THEN 'kolada deletion' WHEN 'first seen' THEN 'new kolada value'
                        ELSE 'kolada revision' END,
    cause_detail = format('kolada: {} in {} (file version {}), seen {}',
                          CASE x.kind WHEN 'deleted' THEN 'deleted' WHEN 'first seen' THEN 'first seen'
                                      WHEN 'restored' THEN 'published again' WHEN 'status changed' THEN 'new status'
                                      ELSE 'revised' END,
                          x.page, x.file_version_id, strftime(x.seen_on, '%Y-%m-%d')),
    kolada_page = x.page, kolada_seen_on = x.seen_on
FROM vintage_kolada_causes x
WHERE p.change_id = x.change_id;

UPDATE vintage_pending_changes
SET cause = 'not traced',
    cause_detail = 'no Kolada page loaded since the release before holds it (a page file replaced without it?)'
WHERE measure = 'kolada' AND cause IS NULL;
