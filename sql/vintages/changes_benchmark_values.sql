-- The changes of Kolada's published values between two releases (release_changes, measure
-- 'kolada'): new, revised, withdrawn (Kolada deleted it, or no page holds it any more) or a new status. The
-- cause is the Kolada page that brought it (sql/vintages/causes_benchmark_values.sql).
-- Read from vintage_before_<table> (the versions that changed, as the earlier release published them),
-- vintage_after_<table> (as the later one does) and vintage_published_before_<table> (all the earlier one
-- published): a release against the one before (pipelines/vintages/history.py), or any two releases
-- (pipelines/vintages/diff.py), into vintage_changes_work.
INSERT INTO vintage_changes_work BY NAME
WITH before AS (
    SELECT * FROM vintage_before_benchmark_values
), after AS (
    SELECT * FROM vintage_after_benchmark_values
), pairs AS (
    SELECT coalesce(a.kpi_id, b.kpi_id) AS indicator_id, coalesce(a.area_code, b.area_code) AS area_code,
           coalesce(a.period, b.period) AS period, coalesce(a.sex, b.sex) AS sex,
           b.kpi_id IS NOT NULL AS was, a.kpi_id IS NOT NULL AS is_now,
           b.value AS value_before, a.value AS value_after
    FROM before b
    FULL JOIN after a ON a.kpi_id = b.kpi_id AND a.area_code = b.area_code AND a.period = b.period AND a.sex = b.sex
), published_periods AS (
    SELECT DISTINCT h.kpi_id AS indicator_id, h.period
    FROM vintage_published_before_benchmark_values h
    SEMI JOIN (SELECT DISTINCT kpi_id, period FROM after) a USING (kpi_id, period)
)
SELECT $release::VARCHAR AS release, $previous_release::VARCHAR AS previous_release,
       $published_at::TIMESTAMPTZ AS published_at, 'kolada' AS measure,
       p.* EXCLUDE (was, is_now), NULL::VARCHAR AS unit_id, 'all' AS age_group, 'all' AS category,
       vintage_value_change(p.was, p.is_now, k.period IS NOT NULL, NULL, NULL, false, false, p.value_before,
                            p.value_after, NULL, NULL, NULL, NULL, NULL, NULL) AS change,
       p.value_after - p.value_before AS move,
       CASE WHEN p.value_before <> 0 THEN (p.value_after - p.value_before) / abs(p.value_before) END AS move_share,
       false AS synthetic
FROM pairs p
LEFT JOIN published_periods k ON k.indicator_id = p.indicator_id AND k.period = p.period
