-- Take apart the Kolada page read by sql/raw/kolada_read.sql (temp table kolada_page): its items and
-- each data item's gender entries, then list every way it departs from Kolada's page shape, first
-- problem first. Needs core.areas and kolada_area_id (sql/macros/kolada.sql).
-- Returns at most one row: item (NULL: the page itself), field, found (JSON text, NULL: missing),
-- expected, and how many problems the file has in all.
-- (the arrays are cast to lists and unnested: json_each carries the whole document on every element it
-- returns, which for a page of 5,000 values is gigabytes)
CREATE OR REPLACE TEMP TABLE kolada_items AS
SELECT item, j, (j->'kpi') IS NOT NULL AS is_data, (j->'kpi') IS NULL AND (j->'id') IS NOT NULL AS is_kpi
FROM (
    SELECT generate_subscripts(v, 1) AS item, unnest(v) AS j
    FROM (SELECT CAST(CASE WHEN json_type(p.j) = 'OBJECT' AND json_type(p.j->'values') = 'ARRAY'
                           THEN (p.j->'values') END AS JSON[]) AS v
          FROM kolada_page p WHERE p.document = 1)
);

CREATE OR REPLACE TEMP TABLE kolada_entries AS
SELECT item, generate_subscripts(v, 1) AS entry, unnest(v) AS j
FROM (SELECT item, CAST(CASE WHEN json_type(j) = 'OBJECT' AND json_type(j->'values') = 'ARRAY'
                             THEN (j->'values') END AS JSON[]) AS v
      FROM kolada_items WHERE is_data);

CREATE OR REPLACE TEMP MACRO kolada_found(v) AS left(CAST(v AS VARCHAR), 80);
CREATE OR REPLACE TEMP MACRO kolada_is_text(v) AS coalesce(json_type(v) = 'VARCHAR', false);
CREATE OR REPLACE TEMP MACRO kolada_is_whole(v) AS coalesce(json_type(v) IN ('UBIGINT', 'BIGINT'), false);
CREATE OR REPLACE TEMP MACRO kolada_is_number(v) AS coalesce(json_type(v) IN ('UBIGINT', 'BIGINT', 'DOUBLE'), false);
CREATE OR REPLACE TEMP MACRO kolada_is_null(v) AS coalesce(json_type(v) = 'NULL', false);
CREATE OR REPLACE TEMP MACRO kolada_deleted(v) AS coalesce(v->'isdeleted', v->'is_deleted');

WITH
shape AS (SELECT 'a Kolada API page {"count", "values", "next_url"} (v3) or {"count", "values", "next_page"} (v2)' AS page),
documents AS (SELECT count(*) AS n FROM kolada_page),
page AS (SELECT j FROM kolada_page WHERE document = 1 AND json_type(j) = 'OBJECT'),
first_kind AS (SELECT is_data FROM kolada_items WHERE is_data OR is_kpi ORDER BY item LIMIT 1),
data_items AS (SELECT item, j FROM kolada_items WHERE is_data),
kpi_items AS (SELECT item, j FROM kolada_items WHERE is_kpi),
problems AS (
    -- the page
    SELECT NULL::INTEGER AS item, NULL AS field, n || ' JSON values' AS found, 'one JSON object: ' || page AS expected
    FROM documents, shape WHERE n <> 1
    UNION ALL
    SELECT NULL, NULL, kolada_found(j), 'a JSON object: ' || page
    FROM kolada_page, shape WHERE document = 1 AND json_type(j) <> 'OBJECT'
    UNION ALL
    SELECT NULL, 'values', kolada_found(j->'values'), 'an array of values (data) or of KPIs (metadata)'
    FROM page WHERE coalesce(json_type(j->'values'), '') <> 'ARRAY'
    UNION ALL
    SELECT NULL, 'count', kolada_found(j->'count'), 'a whole number'
    FROM page WHERE (j->'count') IS NOT NULL AND NOT kolada_is_whole(j->'count')
    UNION ALL
    SELECT NULL, link, kolada_found(j->link), 'the address of a page (text) or null'
    FROM page, (VALUES ('next_url'), ('next_page'), ('previous_url'), ('previous_page')) links(link)
    WHERE (j->link) IS NOT NULL AND NOT (kolada_is_text(j->link) OR kolada_is_null(j->link))
    -- every item: a data value or a KPI, one kind per page
    UNION ALL
    SELECT item, NULL, kolada_found(j),
           'an object: a data value {"kpi", "municipality", "period", "values"} or a KPI {"id", "title", ...}'
    FROM kolada_items WHERE json_type(j) <> 'OBJECT' OR NOT (is_data OR is_kpi)
    UNION ALL
    SELECT i.item, NULL, CASE WHEN i.is_data THEN 'a data value' ELSE 'a KPI' END,
           'items of one kind only: this page begins with ' || CASE WHEN f.is_data THEN 'data values' ELSE 'KPIs' END
    FROM kolada_items i, first_kind f WHERE (i.is_data OR i.is_kpi) AND i.is_data <> f.is_data
    -- data values
    UNION ALL
    SELECT item, 'kpi', kolada_found(j->'kpi'), 'a KPI id (text) such as "N70845"'
    FROM data_items WHERE NOT kolada_is_text(j->'kpi') OR trim(j->>'kpi') = ''
    UNION ALL
    SELECT d.item, 'municipality', kolada_found(d.j->'municipality'),
           'a Kolada area id (text): "0000" (Riket), "00" and a county code for a region such as "0019", '
           || 'or a municipality code such as "1980", as in the area register'
    FROM data_items d
    LEFT JOIN (SELECT kolada_area_id(level, area_code) AS municipality, area_code FROM core.areas) a
           ON a.municipality = (d.j->>'municipality')
    WHERE NOT kolada_is_text(d.j->'municipality') OR a.area_code IS NULL
    UNION ALL
    SELECT item, 'period', kolada_found(j->'period'), 'a year such as 2023 or "2023"'
    FROM data_items
    WHERE NOT (kolada_is_text(j->'period') OR kolada_is_whole(j->'period'))
       OR NOT regexp_full_match(j->>'period', '\d{4}')
    UNION ALL
    SELECT item, 'values', kolada_found(j->'values'), 'an array of {"gender", "value", "status", "count"}'
    FROM data_items WHERE coalesce(json_type(j->'values'), '') <> 'ARRAY'
    UNION ALL
    SELECT item, 'values[' || entry || ']', kolada_found(j), 'an object {"gender", "value", "status", "count"}'
    FROM kolada_entries WHERE json_type(j) <> 'OBJECT'
    UNION ALL
    SELECT item, 'values[' || entry || '].gender', kolada_found(j->'gender'), '"T" (total), "K" (women) or "M" (men)'
    FROM kolada_entries
    WHERE json_type(j) = 'OBJECT' AND (NOT kolada_is_text(j->'gender') OR (j->>'gender') NOT IN ('T', 'K', 'M'))
    UNION ALL
    SELECT item, 'values[' || entry || '].value', kolada_found(j->'value'), 'a number, or null for a missing value'
    FROM kolada_entries
    WHERE json_type(j) = 'OBJECT' AND NOT (kolada_is_number(j->'value') OR kolada_is_null(j->'value'))
    UNION ALL
    SELECT item, 'values[' || entry || '].status', kolada_found(j->'status'), 'text such as "" or "Missing", or null'
    FROM kolada_entries
    WHERE json_type(j) = 'OBJECT' AND (j->'status') IS NOT NULL
      AND NOT (kolada_is_text(j->'status') OR kolada_is_null(j->'status'))
    UNION ALL
    SELECT item, 'values[' || entry || '].count', kolada_found(j->'count'), 'a whole number or null'
    FROM kolada_entries
    WHERE json_type(j) = 'OBJECT' AND (j->'count') IS NOT NULL
      AND NOT (kolada_is_whole(j->'count') OR kolada_is_null(j->'count'))
    UNION ALL
    SELECT item, 'values[' || entry || '].isdeleted', kolada_found(kolada_deleted(j)),
           'true or false (1 or 0): whether Kolada has removed the value, or null'
    FROM kolada_entries
    WHERE json_type(j) = 'OBJECT' AND kolada_deleted(j) IS NOT NULL
      AND NOT (coalesce(json_type(kolada_deleted(j)) IN ('BOOLEAN', 'NULL'), false)
               OR coalesce(kolada_is_whole(kolada_deleted(j)) AND (kolada_deleted(j)->>'$') IN ('0', '1'), false))
    UNION ALL
    SELECT item, 'values[' || entry || ']', kolada_found(j),
           'one value per KPI, area, period and gender: item ' || first_item || ' already holds it'
    FROM (
        SELECT e.item, e.entry, e.j,
               min(e.item) OVER (PARTITION BY (i.j->>'kpi'), (i.j->>'municipality'), (i.j->>'period'), (e.j->>'gender'))
                   AS first_item,
               row_number() OVER (PARTITION BY (i.j->>'kpi'), (i.j->>'municipality'), (i.j->>'period'), (e.j->>'gender')
                                  ORDER BY e.item, e.entry) AS occurrence
        FROM kolada_entries e JOIN kolada_items i USING (item)
        WHERE json_type(e.j) = 'OBJECT'
    ) WHERE occurrence > 1
    -- KPI metadata
    UNION ALL
    SELECT item, 'id', kolada_found(j->'id'), 'a KPI id (text) such as "N70845"'
    FROM kpi_items WHERE NOT kolada_is_text(j->'id') OR trim(j->>'id') = ''
    UNION ALL
    SELECT item, 'title', kolada_found(j->'title'), 'the KPI''s title (text)'
    FROM kpi_items WHERE NOT kolada_is_text(j->'title') OR trim(j->>'title') = ''
    UNION ALL
    SELECT item, 'id', kolada_found(j->'id'), 'each KPI once per page: item ' || first_item || ' already describes it'
    FROM (
        SELECT item, j, min(item) OVER (PARTITION BY (j->>'id')) AS first_item,
               row_number() OVER (PARTITION BY (j->>'id') ORDER BY item) AS occurrence
        FROM kpi_items
    ) WHERE occurrence > 1
)
SELECT item, field, found, expected, count(*) OVER () AS problems
FROM problems
ORDER BY item NULLS FIRST, field NULLS FIRST
LIMIT 1;
