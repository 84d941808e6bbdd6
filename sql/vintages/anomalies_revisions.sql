-- A release's anomalies (the digest's warnings; quality_results, suite 'releases'), each naming the value, the
-- size of its move and the files behind it (release_changes.anomaly; the numbers in anomaly_score,
-- anomaly_baseline_period, anomaly_baseline_value, anomaly_usual_change):

-- revision_within_share: an indicator or Kolada value revised by more than $revision_share of its value before
UPDATE vintage_pending_changes
SET anomaly_rule = 'revision_within_share',
    anomaly_score = move_share,
    anomaly_baseline_value = value_before,
    anomaly = format('{}: revised from {:g} to {:g} ({:+.1f} %, more than {:g} %){}',
                     concat_ws(' ', indicator_id, area_code, unit_id, period, sex, nullif(age_group, 'all'),
                               nullif(category, 'all')),
                     value_before, value_after, 100 * move_share, 100 * $revision_share,
                     CASE WHEN cause_detail IS NOT NULL THEN '; ' || cause_detail ELSE '' END)
WHERE change = 'revised value' AND measure IN ('indicator', 'kolada') AND value_before <> 0
  AND abs(value_after - value_before) / abs(value_before) > $revision_share;
