-- Write the page read by sql/raw/kolada_page.sql (found without problems) to raw, as delivered.
-- Parameters: $version (file version id), $file (path under <landing>/kolada/), $sha, $run.
-- Returns what the file register records: format, page kind, stated count, items, rows, next and previous page.
INSERT INTO raw.kolada_values
SELECT $version, $file, $sha, i.item, e.entry, $run,
       (i.j->>'kpi'), (i.j->>'municipality'), (i.j->>'period'), (e.j->>'gender'),
       (e.j->>'value'),          -- JSON null gives NULL: a missing value stays missing, 0 stays 0
       (e.j->>'status'), (e.j->>'count'),
       coalesce(e.j->>'isdeleted', e.j->>'is_deleted')
FROM kolada_entries e JOIN kolada_items i USING (item);

INSERT INTO raw.kolada_kpis
SELECT $version, $file, $sha, item, $run,
       (j->>'id'), (j->>'title'), (j->>'description'), (j->>'operating_area'), (j->>'municipality_type'),
       (j->>'is_divided_by_gender'), j
FROM kolada_items WHERE is_kpi;

SELECT CASE WHEN (p.j->'next_url') IS NOT NULL OR (p.j->'previous_url') IS NOT NULL THEN 'kolada_v3'
            WHEN (p.j->'next_page') IS NOT NULL OR (p.j->'previous_page') IS NOT NULL THEN 'kolada_v2'
            ELSE 'kolada' END AS format,
       CASE WHEN bool_or(i.is_data) THEN 'data' WHEN bool_or(i.is_kpi) THEN 'kpi' ELSE 'empty' END AS page_kind,
       TRY_CAST(p.j->>'count' AS BIGINT) AS stated_count,
       count(i.item) AS item_count,
       CASE WHEN bool_or(i.is_data) THEN (SELECT count(*) FROM kolada_entries) ELSE count(i.item) END AS row_count,
       coalesce(p.j->>'next_url', (p.j->>'next_page')) AS next_page,
       coalesce(p.j->>'previous_url', (p.j->>'previous_page')) AS previous_page
FROM kolada_page p LEFT JOIN kolada_items i ON true
WHERE p.document = 1
GROUP BY p.j;
