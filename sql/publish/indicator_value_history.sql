-- Every version of every published indicator value, with the releases it was part of: a value (with its numerator, denominator, interval, flags and definition version) is one row from the release that first published it until the release that revised or withdrew it, so what was published at any moment is one query: SELECT * FROM indicator_values_as_of(DATE '2026-03-01'). Kept whole when old releases are pruned. synthetic = true: built on synthetic data, never report as real.
-- indicator_id: the indicator (table indicators)
-- area_code: SCB area code: '00' Riket, two digits a county (region), four digits a municipality
-- period: 'YYYY' (the year) or 'YYYY-MM' (the month)
-- sex: 'T' all, 'K' women, 'M' men
-- value: the value as that release published it (NULL when withheld or missing)
-- numerator: its numerator as published
-- denominator: its denominator as published; NULL for counts
-- ci_lower: lower bound of its 95 % confidence interval as published
-- ci_upper: upper bound of its 95 % confidence interval as published
-- ci_method: 'wilson' or 'poisson'; NULL where the indicator has no interval
-- unit_id: the health centre or hospital; NULL for the area's whole value
-- age_group: the age group, or 'all'
-- category: the profession group or specialty, or 'all'
-- definition_version: the version of the indicator's definition it was computed by
-- synthetic: true when built on synthetic data: never report it as real
-- suppressed: true when withheld by disclosure control in those releases
-- suppression_reason: why it was withheld; NULL when shown
-- complete: true when the deliveries it rests on were complete; false: it had no value (table coverage)
-- coverage: the share of what it rests on that was delivered
-- incomplete_note: what was missing, in Swedish; NULL when complete
-- persons: the persons it rests on where neither its numerator nor its denominator counts them; NULL otherwise
-- version_id: the version's number, unique in the table
-- first_release: the release that first published this version (table releases)
-- first_published_at: when that release was made
-- last_release: the last release that published it; NULL while the release you read still publishes it
-- last_published_at: when that last release was made; NULL while still published
-- ended_release: the release that no longer published it as it was; NULL while still published
-- ended_at: when that release was made; NULL while still published
-- end_reason: 'revised' (a later version replaced it: see release_changes) or 'withdrawn' (no longer published); NULL while still published
--! partition: period year
SELECT h.indicator_id, h.area_code, h.period, h.sex, h.value, h.numerator, h.denominator, h.ci_lower, h.ci_upper,
       h.ci_method, h.unit_id, h.age_group, h.category, h.definition_version, h.synthetic, h.suppressed,
       h.suppression_reason, h.complete, h.coverage, h.incomplete_note, h.persons, h.version_id, h.first_release,
       h.first_published_at,
       coalesce(e.last_release, h.last_release) AS last_release,
       coalesce(e.last_published_at, h.last_published_at) AS last_published_at,
       coalesce(e.ended_release, h.ended_release) AS ended_release,
       coalesce(e.ended_at, h.ended_at) AS ended_at,
       coalesce(e.end_reason, h.end_reason) AS end_reason
FROM meta.vintage_indicator_values h
LEFT JOIN vintage_end_indicator_values e USING (version_id)
UNION ALL
SELECT indicator_id, area_code, period, sex, value, numerator, denominator, ci_lower, ci_upper, ci_method, unit_id,
       age_group, category, definition_version, synthetic, suppressed, suppression_reason, complete, coverage,
       incomplete_note, persons, version_id, first_release,
       first_published_at, last_release, last_published_at, ended_release, ended_at, end_reason
FROM vintage_new_indicator_values
ORDER BY indicator_id, area_code, unit_id NULLS FIRST, period, sex, age_group, category, first_published_at
