-- The changes of the published indicator values between two releases (release_changes): each
-- value that is new, revised, withdrawn, newly withheld or shown again, or computed by a new definition version,
-- with its numbers before and after and, for a ratio, the numerator's and the denominator's part of its move
-- (sql/vintages/macros.sql). Its cause is added by sql/vintages/causes_indicator_values.sql.
-- Read from vintage_before_<table> (the versions that changed, as the earlier release published them),
-- vintage_after_<table> (as the later one does) and vintage_published_before_<table> (all the earlier one
-- published): a release against the one before (pipelines/vintages/history.py), or any two releases
-- (pipelines/vintages/diff.py), into vintage_changes_work.
INSERT INTO vintage_changes_work BY NAME
WITH before AS (
    SELECT * FROM vintage_before_indicator_values
), after AS (
    SELECT * FROM vintage_after_indicator_values
), pairs AS (
    SELECT coalesce(a.indicator_id, b.indicator_id) AS indicator_id, coalesce(a.area_code, b.area_code) AS area_code,
           coalesce(a.unit_id, b.unit_id) AS unit_id, coalesce(a.period, b.period) AS period,
           coalesce(a.sex, b.sex) AS sex, coalesce(a.age_group, b.age_group) AS age_group,
           coalesce(a.category, b.category) AS category,
           b.version_id IS NOT NULL AS was, a.version_id IS NOT NULL AS is_now,
           b.value AS value_before, a.value AS value_after,
           b.numerator AS numerator_before, a.numerator AS numerator_after,
           b.denominator AS denominator_before, a.denominator AS denominator_after,
           b.definition_version AS definition_version_before, a.definition_version AS definition_version_after,
           b.suppressed AS suppressed_before, a.suppressed AS suppressed_after,
           b.complete AS complete_before, a.complete AS complete_after,
           CASE WHEN NOT coalesce(a.complete, true) THEN a.incomplete_note END AS incomplete_note,
           coalesce(a.suppression_reason, b.suppression_reason) AS suppression_reason,
           coalesce(a.synthetic, b.synthetic) AS synthetic
    FROM before b
    FULL JOIN after a
      ON a.indicator_id = b.indicator_id AND a.area_code = b.area_code AND a.unit_id IS NOT DISTINCT FROM b.unit_id
     AND a.period = b.period AND a.sex = b.sex AND a.age_group = b.age_group AND a.category = b.category
), published_periods AS (
    -- the indicator's periods the release before published (its versions still open)
    SELECT DISTINCT h.indicator_id, h.period
    FROM vintage_published_before_indicator_values h
    SEMI JOIN (SELECT DISTINCT indicator_id, period FROM after) a USING (indicator_id, period)
)
SELECT $release::VARCHAR AS release, $previous_release::VARCHAR AS previous_release,
       $published_at::TIMESTAMPTZ AS published_at, 'indicator' AS measure,
       p.* EXCLUDE (was, is_now, complete_before, complete_after),
       vintage_value_change(p.was, p.is_now, k.period IS NOT NULL, p.definition_version_before,
                            p.definition_version_after, p.suppressed_before, p.suppressed_after, p.value_before,
                            p.value_after, p.numerator_before, p.numerator_after, p.denominator_before,
                            p.denominator_after, p.complete_before, p.complete_after) AS change,
       p.value_after - p.value_before AS move,
       CASE WHEN p.value_before <> 0 THEN (p.value_after - p.value_before) / abs(p.value_before) END AS move_share,
       CASE WHEN i.kind = 'count' THEN p.value_after - p.value_before
            ELSE vintage_numerator_effect(i.scale, p.numerator_before, p.denominator_before, p.numerator_after,
                                          p.denominator_after) END AS numerator_effect,
       CASE WHEN i.kind = 'count' THEN NULL
            ELSE vintage_denominator_effect(i.scale, p.numerator_before, p.denominator_before, p.numerator_after,
                                            p.denominator_after) END AS denominator_effect
FROM pairs p
LEFT JOIN vintage_indicator_kinds i USING (indicator_id)
LEFT JOIN published_periods k ON k.indicator_id = p.indicator_id AND k.period = p.period
