-- Refuses indicators.benchmark_comparison (what it held stays) when Kolada's KPI metadata pages are loaded and a pair
-- of indicators/benchmarks.yaml names a KPI they do not describe and no loaded value names: not a Kolada KPI
-- (mistyped, or retired by Kolada). A KPI that is simply not fetched is skipped (the pair has no rows).
WITH known AS (
    SELECT kpi_id FROM core.benchmark_kpis UNION SELECT kpi_id FROM core.benchmark_values
), unknown AS (
    SELECT m.entry, m.kpi_id FROM core.benchmark_mapping m
    WHERE (SELECT count(*) FROM core.benchmark_kpis) > 0 AND m.kpi_id NOT IN (SELECT kpi_id FROM known)
)
SELECT 'indicators/benchmarks.yaml, entry ' || entry || ', field ''kpi_id'': ''' || kpi_id
       || ''' is not a known Kolada KPI (the loaded pages describe ' || (SELECT count(*) FROM known)
       || ' KPIs); expected the id of a KPI in <landing>/kolada/' AS problem
FROM unknown ORDER BY entry LIMIT 1
