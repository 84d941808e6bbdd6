-- The release's checks against the release before, as rows of quality_results (suite 'releases', severity
-- warning): how many values each judged and how many it flagged (the values themselves: release_changes.anomaly).
CREATE OR REPLACE TEMP TABLE release_checks AS
SELECT 'releases' AS suite, 'revision_within_share' AS rule,
       format('A value revised since the release before moves by at most {:g} % of its value '
              '(VARDPULS_ANOMALY_REVISION_SHARE); the ones that moved more: release_changes.anomaly',
              100 * $revision_share) AS title,
       'warning' AS severity,
       count(*) FILTER (WHERE anomaly_rule = 'revision_within_share') = 0 AS success,
       count(*) FILTER (WHERE change = 'revised value' AND measure IN ('indicator', 'kolada')
                        AND value_before <> 0) AS evaluated,
       count(*) FILTER (WHERE anomaly_rule = 'revision_within_share') AS unexpected
FROM vintage_pending_changes
UNION ALL
SELECT 'releases', 'new_value_within_series_variation',
       format('A new value lies within {:g} robust standard deviations of its series'' usual change from one '
              'period to the next (VARDPULS_ANOMALY_SERIES_Z; the last {} changes); the ones outside: '
              'release_changes.anomaly', $series_z, $series_changes),
       'warning',
       count(*) FILTER (WHERE anomaly_rule = 'new_value_within_series_variation') = 0,
       count(*) FILTER (WHERE measure = 'indicator' AND change IN ('new period', 'new value')
                        AND value_after IS NOT NULL),
       count(*) FILTER (WHERE anomaly_rule = 'new_value_within_series_variation')
FROM vintage_pending_changes
