-- Notes on indicators.benchmark_comparison after each build (one line each, shown in the refresh's summary and on
-- the asset): a pair of indicators/benchmarks.yaml whose Kolada KPI has no value loaded is skipped, not refused
-- (a landing area may hold any subset of Kolada's KPIs).
SELECT 'benchmark_comparison: ' || count(*) || ' of ' || (SELECT count(*) FROM core.benchmark_mapping)
       || ' pairs of indicators/benchmarks.yaml skipped, no value of their Kolada KPI is loaded ('
       || string_agg(indicator_id || ' -> ' || kpi_id, ', ' ORDER BY entry) || ')' AS note
FROM core.benchmark_mapping
WHERE kpi_id NOT IN (SELECT kpi_id FROM core.benchmark_values)
HAVING count(*) > 0
