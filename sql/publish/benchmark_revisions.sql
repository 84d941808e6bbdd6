-- Kolada's values as the warehouse has seen them (Källa: Kolada): for every KPI, area, year and sex, the value as first seen and every later value, status, deletion or return, with the page and the date it was seen. Kolada revises values and removes them without notice; this is the record of when. The report marks a revised value "reviderad <date>".
-- kpi_id: Kolada's KPI id (see benchmark_kpis)
-- area_code: SCB area code ('00' Riket, two digits a region, four a municipality)
-- period: the year, 'YYYY'
-- sex: 'T' total, 'K' women, 'M' men
-- revision: 1 for the first sight, then 2, 3, ... in the order the pages were loaded
-- kind: 'first seen', 'revised' (a new value), 'status changed', 'deleted' (Kolada marked it isdeleted) or 'restored' (a value again after a deletion)
-- value: the value from then on; NULL when deleted or missing
-- previous_value: the value before; NULL at the first sight
-- status: Kolada's status of the value from then on
-- deleted: true when Kolada marked it deleted
-- page: the page file that brought it, relative to <landing>/kolada/
-- file_version_id: the page file's version in load order (table source_files)
-- source_item: the value's place in the page
-- seen_at: when the page was seen: the time of the fetch (the fetch folder's name) or, for a page landed by hand, its file's modification time
-- seen_on: the date of seen_at in Stockholm
-- seen_from: 'fetch folder' or 'file time': where seen_at comes from
-- load_run: the refresh run that loaded the page
-- first_in_release: the first release made after the page was loaded (table releases)
SELECT kpi_id, area_code, period, sex, revision, kind, value, previous_value, status, deleted, page, file_version_id,
       source_item, seen_at, seen_on, seen_from, load_run, first_in_release
FROM (SELECT * FROM meta.vintage_kolada_revisions UNION ALL BY NAME SELECT * FROM vintage_new_kolada_revisions)
ORDER BY kpi_id, area_code, period, sex, revision
