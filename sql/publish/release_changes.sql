-- What changed in each release against the release before, and why, as far as the lineage shows it: per indicator (or Kolada KPI, or goal), area, unit, period, sex, age group and category, the kind of change (new period, new value, revised value, withdrawn value, newly suppressed, no longer suppressed, newly incomplete, complete again, definition version changed; for goals status changed, e.g. on track -> at risk), the numbers before and after, for a ratio the numerator's and the denominator's part of the move (they add up to it: docs/statistics.md), and the cause: which source file version replaced which, a new definition version, disclosure control, a Kolada revision or deletion. A release's warnings are its rows with an anomaly. vardpuls diff prints it; the report's page "Vad har ändrats" says it in Swedish. synthetic = true: built on synthetic data.
-- release: the release that brought the change (table releases)
-- previous_release: the release it is compared with, the one before it
-- published_at: when the release was made
-- measure: 'indicator' (indicator_values), 'kolada' (benchmark_values) or 'goal' (goal_progress)
-- indicator_id: the indicator, the Kolada KPI id, or the indicator the goal follows
-- goal_id: the goal (measure 'goal'); NULL otherwise
-- area_code: SCB area code
-- unit_id: the health centre or hospital; NULL for the area's whole value
-- period: 'YYYY' or 'YYYY-MM' (a goal: its latest year)
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, or 'all'
-- category: the profession group or specialty, or 'all'
-- change: new period (the indicator had no value for the period), new value (a new area, unit or breakdown of a period it had), revised value, withdrawn value (no longer published), newly suppressed, no longer suppressed, definition version changed, flags changed; for goals status changed, goal values revised, new goal, goal withdrawn
-- value_before: the value the release before published (a goal: its latest value)
-- value_after: the value this release publishes
-- move: value_after - value_before
-- move_share: move / |value_before|
-- numerator_before: the numerator the release before published
-- numerator_after: the numerator this release publishes
-- denominator_before: the denominator the release before published
-- denominator_after: the denominator this release publishes
-- numerator_effect: the part of move the numerator accounts for (a ratio: scale × (N1 - N0) × (1/D0 + 1/D1) / 2; a count: all of it)
-- denominator_effect: the part of move the denominator accounts for (scale × (1/D1 - 1/D0) × (N0 + N1) / 2); numerator_effect + denominator_effect = move
-- definition_version_before: the definition version the value was computed by before
-- definition_version_after: the definition version it is computed by now
-- suppressed_before: whether disclosure control withheld it before
-- suppressed_after: whether disclosure control withholds it now
-- suppression_reason: why it is (or was) withheld
-- incomplete_note: what is missing, where the deliveries the value rests on became incomplete (change 'newly incomplete'; table coverage)
-- status_before: a goal's status before (achieved, on track, at risk, off track, no data, monitored)
-- status_after: a goal's status now
-- synthetic: true when built on synthetic data: never report it as real
-- cause: source file replaced, new source file, definition version, definition changed (without a new version), disclosure control, kolada revision, kolada deletion, new kolada value, goal registry, new yearly value, revised values, not traced
-- cause_detail: the cause in words, with the files and versions
-- source_files: the file versions loaded since the release before behind the change: source, file, file_version_id, the file and version it replaced for its periods (NULL: the periods are new), periods
-- kolada_page: the Kolada page that brought the change (relative to <landing>/kolada/)
-- kolada_seen_on: the date that page was seen (fetched, or its file's date)
-- anomaly_rule: the release check it breaks (quality_results, suite 'releases'): revision_within_share or new_value_within_series_variation; NULL when none
-- anomaly: the warning in words, naming the value, the size of its move and the files behind it
-- anomaly_score: the move as a share of the value before (revision_within_share), or its robust z-score against the series' usual change (new_value_within_series_variation)
-- anomaly_baseline_period: the series' last period before the new value (new_value_within_series_variation)
-- anomaly_baseline_value: the value the move is measured from
-- anomaly_usual_change: the series' usual change from one period to the next (the median of its last changes)
SELECT release, previous_release, published_at, measure, indicator_id, goal_id, area_code, unit_id, period, sex,
       age_group, category, change, value_before, value_after, move, move_share, numerator_before, numerator_after,
       denominator_before, denominator_after, numerator_effect, denominator_effect, definition_version_before,
       definition_version_after, suppressed_before, suppressed_after, suppression_reason, incomplete_note, status_before, status_after,
       synthetic, cause, cause_detail, source_files, kolada_page, kolada_seen_on, anomaly_rule, anomaly,
       anomaly_score, anomaly_baseline_period, anomaly_baseline_value, anomaly_usual_change
FROM (SELECT * FROM meta.vintage_changes UNION ALL BY NAME SELECT * EXCLUDE (change_id) FROM vintage_pending_changes)
ORDER BY published_at, release, measure, indicator_id, goal_id, area_code, unit_id NULLS FIRST, period, sex,
         age_group, category
