-- Every version of every published Kolada value (Källa: Kolada), with the releases it was part of: one row from the release that first published the value until the release that revised or withdrew it (benchmark_values_as_of(moment) gives what was published then; benchmark_revisions, every value as Kolada's pages delivered it).
-- kpi_id: Kolada's KPI id (see benchmark_kpis)
-- area_code: SCB area code ('00' Riket, two digits a region, four a municipality)
-- period: the year, 'YYYY'
-- sex: 'T' total, 'K' women, 'M' men
-- value: the value as those releases published it
-- status: Kolada's status of the value as published
-- version_id: the version's number, unique in the table
-- first_release: the release that first published this version (table releases)
-- first_published_at: when that release was made
-- last_release: the last release that published it; NULL while the release you read still publishes it
-- last_published_at: when that last release was made; NULL while still published
-- ended_release: the release that no longer published it as it was; NULL while still published
-- ended_at: when that release was made; NULL while still published
-- end_reason: 'revised' or 'withdrawn' (Kolada deleted it, or no page holds it any more); NULL while still published
SELECT h.kpi_id, h.area_code, h.period, h.sex, h.value, h.status, h.version_id, h.first_release,
       h.first_published_at,
       coalesce(e.last_release, h.last_release) AS last_release,
       coalesce(e.last_published_at, h.last_published_at) AS last_published_at,
       coalesce(e.ended_release, h.ended_release) AS ended_release,
       coalesce(e.ended_at, h.ended_at) AS ended_at,
       coalesce(e.end_reason, h.end_reason) AS end_reason
FROM meta.vintage_benchmark_values h
LEFT JOIN vintage_end_benchmark_values e USING (version_id)
UNION ALL
SELECT kpi_id, area_code, period, sex, value, status, version_id, first_release, first_published_at, last_release,
       last_published_at, ended_release, ended_at, end_reason
FROM vintage_new_benchmark_values
ORDER BY kpi_id, area_code, period, sex, first_published_at
