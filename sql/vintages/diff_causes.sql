-- The causes of the changes between two releases (vardpuls diff FROM TO): what the releases after FROM up to TO
-- recorded for the same value in release_changes, together (their causes in words, every file version behind
-- them, the last Kolada page, every warning). A value changed and changed back leaves no change to explain.
UPDATE vintage_changes_work c
SET cause = r.cause, cause_detail = r.cause_detail, source_files = r.source_files, kolada_page = r.kolada_page,
    kolada_seen_on = r.kolada_seen_on, anomaly_rule = r.anomaly_rule, anomaly = r.anomaly
FROM (
    SELECT measure, indicator_id, goal_id, area_code, unit_id, period, sex, age_group, category,
           arg_max(cause, published_at) AS cause,
           string_agg(DISTINCT cause_detail, '; ') AS cause_detail,
           list_distinct(flatten(list(source_files) FILTER (WHERE source_files IS NOT NULL))) AS source_files,
           arg_max(kolada_page, published_at) AS kolada_page, arg_max(kolada_seen_on, published_at) AS kolada_seen_on,
           arg_max(anomaly_rule, published_at) AS anomaly_rule, string_agg(anomaly, '; ') AS anomaly
    FROM release_changes
    WHERE published_at > $from_time AND published_at <= $to_time
    GROUP BY ALL
) r
WHERE c.measure = r.measure AND c.indicator_id IS NOT DISTINCT FROM r.indicator_id
  AND c.goal_id IS NOT DISTINCT FROM r.goal_id AND c.area_code IS NOT DISTINCT FROM r.area_code
  AND c.unit_id IS NOT DISTINCT FROM r.unit_id AND c.sex IS NOT DISTINCT FROM r.sex
  AND c.age_group IS NOT DISTINCT FROM r.age_group AND c.category IS NOT DISTINCT FROM r.category
  AND (c.measure = 'goal' OR c.period IS NOT DISTINCT FROM r.period)
