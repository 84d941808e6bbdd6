-- The changes of the goals' progress between two releases (release_changes, measure 'goal'):
-- a new status ('status changed', e.g. on track -> at risk), a goal new or gone, or its numbers revised with the
-- same status. The cause is what moved under it: a new yearly value, revised values, or the goal itself changed
-- in the registry (goals/*.yaml).
-- Read from vintage_before_<table> (the versions that changed, as the earlier release published them),
-- vintage_after_<table> (as the later one does) and vintage_published_before_<table> (all the earlier one
-- published): a release against the one before (pipelines/vintages/history.py), or any two releases
-- (pipelines/vintages/diff.py), into vintage_changes_work.
INSERT INTO vintage_changes_work BY NAME
WITH before AS (
    SELECT * FROM vintage_before_goal_progress
), after AS (
    SELECT * FROM vintage_after_goal_progress
), pairs AS (
    SELECT coalesce(a.goal_id, b.goal_id) AS goal_id, coalesce(a.area_code, b.area_code) AS area_code,
           coalesce(a.indicator_id, b.indicator_id) AS indicator_id, coalesce(a.sex, b.sex) AS sex,
           coalesce(a.age_group, b.age_group) AS age_group, coalesce(a.category, b.category) AS category,
           CAST(coalesce(a.latest_year, b.latest_year) AS VARCHAR) AS period,
           b.goal_id IS NOT NULL AS was, a.goal_id IS NOT NULL AS is_now,
           b.status AS status_before, a.status AS status_after,
           b.latest_value AS value_before, a.latest_value AS value_after,
           b.latest_year AS year_before, a.latest_year AS year_after,
           b.suppressed AS suppressed_before, a.suppressed AS suppressed_after,
           coalesce(a.synthetic, b.synthetic) AS synthetic, a.status_reason AS reason_after,
           (a.target_value, a.deadline_year, a.direction, a.baseline_year)
               IS DISTINCT FROM (b.target_value, b.deadline_year, b.direction, b.baseline_year) AS goal_changed
    FROM before b
    FULL JOIN after a ON a.goal_id = b.goal_id AND a.area_code = b.area_code
)
SELECT $release::VARCHAR AS release, $previous_release::VARCHAR AS previous_release,
       $published_at::TIMESTAMPTZ AS published_at, 'goal' AS measure,
       goal_id, area_code, indicator_id, sex, age_group, category, period, status_before, status_after,
       value_before, value_after, suppressed_before, suppressed_after, synthetic,
       CASE WHEN NOT was THEN 'new goal' WHEN NOT is_now THEN 'goal withdrawn'
            WHEN status_before IS DISTINCT FROM status_after THEN 'status changed'
            ELSE 'goal values revised' END AS change,
       value_after - value_before AS move,
       CASE WHEN value_before <> 0 THEN (value_after - value_before) / abs(value_before) END AS move_share,
       CASE WHEN NOT was OR NOT is_now THEN 'goal registry'
            WHEN goal_changed THEN 'goal registry'
            WHEN year_before IS DISTINCT FROM year_after THEN 'new yearly value'
            ELSE 'revised values' END AS cause,
       CASE WHEN NOT was THEN 'the goal is new in the registry (goals/*.yaml) or now followed for this area'
            WHEN NOT is_now THEN 'the goal is no longer in the registry (goals/*.yaml) for this area'
            ELSE concat_ws('; ',
                   CASE WHEN goal_changed THEN 'the goal changed in the registry (target, deadline, direction or baseline)' END,
                   CASE WHEN year_before IS DISTINCT FROM year_after
                        THEN format('a new yearly value: latest year {} (was {})', year_after, year_before) END,
                   CASE WHEN year_before IS NOT DISTINCT FROM year_after AND vintage_number_differs(value_before, value_after)
                        THEN format('the values behind it were revised (latest value {} -> {})',
                                    round(value_before, 6), round(value_after, 6)) END,
                   CASE WHEN status_before IS DISTINCT FROM status_after
                        THEN format('status {} -> {}: {}', status_before, status_after, reason_after) END)
       END AS cause_detail
FROM pairs
