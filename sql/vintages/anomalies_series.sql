-- A release's anomalies (the digest's warnings; quality_results, suite 'releases'), each naming the value, the
-- size of its move and the files behind it (release_changes.anomaly; the numbers in anomaly_score,
-- anomaly_baseline_period, anomaly_baseline_value, anomaly_usual_change):

-- new_value_within_series_variation: a new indicator value far outside its series' usual variation. The
-- series is the value's own (the same indicator, area, unit, sex, age group and category; months with months,
-- years with years) as this release publishes it; its last $series_changes changes from one period to the next
-- give the usual change (their median) and its spread (1.4826 × their median absolute deviation, a robust
-- standard deviation). The new value's change from the series' last value is an anomaly when it is more than
-- $series_z spreads from the usual change (any move, where the series never varied), and at least
-- $series_floor of the last value; judged with $min_changes changes or more.
UPDATE vintage_pending_changes c
SET anomaly_rule = 'new_value_within_series_variation',
    anomaly_score = a.z,
    anomaly_baseline_period = a.last_period,
    anomaly_baseline_value = a.last_value,
    anomaly_usual_change = a.usual,
    anomaly = format('{}: new value {:g} is far outside its series'' usual variation (change {:+g} from {} in {}, '
                     'usually {:+g}; {}){}',
                     concat_ws(' ', c.indicator_id, c.area_code, c.unit_id, c.period, c.sex,
                               nullif(c.age_group, 'all'), nullif(c.category, 'all')),
                     c.value_after, c.value_after - a.last_value, a.last_value, a.last_period, a.usual,
                     CASE WHEN a.z IS NULL THEN 'the series never varied'
                          ELSE format('robust z {:+.1f}', a.z) END,
                     CASE WHEN c.cause_detail IS NOT NULL THEN '; ' || c.cause_detail ELSE '' END)
FROM (
    WITH fresh AS (
        SELECT change_id, indicator_id, area_code, unit_id, period, sex, age_group, category, value_after
        FROM vintage_pending_changes
        WHERE measure = 'indicator' AND change IN ('new period', 'new value') AND value_after IS NOT NULL
    ), published AS (
        SELECT h.indicator_id, h.area_code, h.unit_id, h.period, h.sex, h.age_group, h.category, h.value
        FROM meta.vintage_indicator_values h
        ANTI JOIN vintage_end_indicator_values e USING (version_id)
        WHERE h.ended_release IS NULL
        UNION ALL
        SELECT indicator_id, area_code, unit_id, period, sex, age_group, category, value
        FROM vintage_new_indicator_values
    ), series AS (
        SELECT f.change_id, p.period, p.value
        FROM fresh f
        JOIN published p
          ON p.indicator_id = f.indicator_id AND p.area_code = f.area_code AND p.unit_id IS NOT DISTINCT FROM f.unit_id
         AND p.sex = f.sex AND p.age_group = f.age_group AND p.category = f.category
         AND length(p.period) = length(f.period) AND p.period < f.period
        WHERE p.value IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY f.change_id ORDER BY p.period DESC) <= $series_changes + 1
    ), steps AS (
        SELECT change_id, period, value, value - lag(value) OVER (PARTITION BY change_id ORDER BY period) AS step
        FROM series
    ), usual AS (
        SELECT change_id, count(step) AS steps, median(step) AS usual, mad(step) AS spread,
               arg_max(value, period) AS last_value, max(period) AS last_period
        FROM steps GROUP BY change_id
    )
    SELECT f.change_id, u.usual, u.last_value, u.last_period,
           (f.value_after - u.last_value - u.usual) / nullif(1.4826 * u.spread, 0) AS z
    FROM fresh f JOIN usual u USING (change_id)
    WHERE u.steps >= $min_changes AND u.last_value <> 0
      AND abs(f.value_after - u.last_value - u.usual) >= $series_floor * abs(u.last_value)
      AND (u.spread = 0 OR abs(f.value_after - u.last_value - u.usual) > $series_z * 1.4826 * u.spread)
) a
WHERE c.change_id = a.change_id;
