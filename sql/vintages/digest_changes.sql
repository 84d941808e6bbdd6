-- One release's changes (release_changes) with what the digest names them by: the indicator's Swedish title,
-- decimals and kind, the Kolada KPI's title, the goal's text, the area's and the unit's names. Read from a
-- release's analyst.duckdb.
CREATE OR REPLACE TEMP TABLE digest_changes AS
SELECT c.*,
       coalesce(i.title_sv, k.title, c.indicator_id) AS title,
       coalesce(i.decimals, -1) AS decimals,
       i.kind, i.unit_sv,
       g.title_sv AS goal_title, g.region_code,
       a.name AS area_name, a.level AS area_level,
       u.unit_name,
       c.unit_id IS NULL AND c.sex = 'T' AND coalesce(c.age_group, 'all') = 'all'
           AND coalesce(c.category, 'all') = 'all' AS whole_area
FROM release_changes c
LEFT JOIN indicators i ON c.measure <> 'kolada' AND i.indicator_id = c.indicator_id
LEFT JOIN benchmark_kpis k ON c.measure = 'kolada' AND k.kpi_id = c.indicator_id
LEFT JOIN goals g ON g.goal_id = c.goal_id
LEFT JOIN areas a ON a.area_code = c.area_code
LEFT JOIN (SELECT unit_id, arg_max(unit_name, valid_from) AS unit_name FROM units GROUP BY unit_id) u
       ON u.unit_id = c.unit_id
WHERE c.release = $release
