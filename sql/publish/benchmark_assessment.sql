-- Every yearly value of a region (county) or municipality compared with Riket and with the median of the regions, as Fingertips compares an area with England: better, similar or worse by whether the benchmark lies inside the value's 95 % and 99.8 % confidence intervals (higher or lower where the indicator makes no judgement); values without an interval, and Kolada's, placed in quintiles among the regions (docs/statistics.md, "Comparison with a benchmark"). synthetic = true: built on synthetic data. A withheld value (disclosure control) is compared with nothing, and a comparison among the regions is withheld where a region's value is.
-- source: indicator (an own indicator, indicator_id) or kolada (a Kolada KPI, kpi_id)
-- indicator_id: the own indicator (table indicators); NULL for Kolada
-- kpi_id: the Kolada KPI (table benchmark_kpis); NULL for own indicators
-- area_code: the county (region) or municipality, SCB's code
-- period: the year, 'YYYY'
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, 'all' when not broken down
-- category: the category (profession group, specialty), 'all' when not broken down
-- value: the value (as in indicator_values or benchmark_ranks)
-- ci_lower_95: lower limit of the 95 % confidence interval (as in indicator_values); NULL without an interval
-- ci_upper_95: upper limit of the 95 % confidence interval
-- ci_lower_998: lower limit of the 99.8 % confidence interval, by the same method (Wilson, or exact Poisson below 10 and Byar from 10)
-- ci_upper_998: upper limit of the 99.8 % confidence interval
-- polarity: higher_is_better, lower_is_better or no_judgement: what better means
-- method: confidence intervals (compared by interval), quintiles (no interval: placed among the regions) or not compared
-- riket_value: Riket's value the same year; NULL where there is none
-- compared_to_riket_95: better, similar or worse than Riket by the 95 % interval (similar: Riket's value inside it); higher or lower without a judgement; NULL when not compared
-- compared_to_riket_998: the same by the 99.8 % interval
-- regions_median: the median of the regions' values the same year (regions only; the mean of the middle two for an even number)
-- compared_to_median_95: better, similar or worse than the median of the regions by the 95 % interval; higher or lower without a judgement; NULL with fewer than three regions with a value
-- compared_to_median_998: the same by the 99.8 % interval
-- regions_with_value: the number of regions with a value the same year (regions only)
-- quintile: 1 (the lowest fifth of the regions' values) to 5 (the highest), by the 20th, 40th, 60th and 80th percentiles as Fingertips places values; five regions with a value are needed
-- quintile_assessment: the quintile by the polarity: best, better, middle, worse, worst; lowest, low, middle, high, highest without a judgement
-- comparison_note: why a comparison is missing (no interval, no value for Riket, too few regions), or withheld
-- synthetic: true when the value, or a value compared with, is built on synthetic data: never report it as real
-- suppressed: true when the value is withheld by disclosure control (table disclosure_rule): value, intervals and every comparison are then NULL
WITH withheld AS (
    SELECT d.indicator_id, d.area_code, d.period, d.sex, d.age_group, d.category, a.level
    FROM publish.disclosure_cells d
    JOIN core.areas a USING (area_code)
    WHERE d.source = 'indicator_values' AND d.suppressed AND d.unit_id IS NULL
), regions_withheld AS (
    SELECT DISTINCT indicator_id, period, sex, age_group, category FROM withheld WHERE level = 'county'
)
SELECT b.source, b.indicator_id, b.kpi_id, b.area_code, b.period, b.sex, b.age_group, b.category,
       CASE WHEN w.area_code IS NULL THEN b.value END AS value,
       CASE WHEN w.area_code IS NULL THEN b.ci_lower_95 END AS ci_lower_95,
       CASE WHEN w.area_code IS NULL THEN b.ci_upper_95 END AS ci_upper_95,
       CASE WHEN w.area_code IS NULL THEN b.ci_lower_998 END AS ci_lower_998,
       CASE WHEN w.area_code IS NULL THEN b.ci_upper_998 END AS ci_upper_998,
       b.polarity,
       CASE WHEN w.area_code IS NULL THEN b.method ELSE 'not compared' END AS method,
       CASE WHEN r.area_code IS NULL THEN b.riket_value END AS riket_value,
       CASE WHEN w.area_code IS NULL AND r.area_code IS NULL THEN b.compared_to_riket_95 END AS compared_to_riket_95,
       CASE WHEN w.area_code IS NULL AND r.area_code IS NULL THEN b.compared_to_riket_998 END AS compared_to_riket_998,
       CASE WHEN g.indicator_id IS NULL THEN b.regions_median END AS regions_median,
       CASE WHEN w.area_code IS NULL AND g.indicator_id IS NULL THEN b.compared_to_median_95 END AS compared_to_median_95,
       CASE WHEN w.area_code IS NULL AND g.indicator_id IS NULL THEN b.compared_to_median_998 END AS compared_to_median_998,
       b.regions_with_value,
       CASE WHEN w.area_code IS NULL AND g.indicator_id IS NULL THEN b.quintile END AS quintile,
       CASE WHEN w.area_code IS NULL AND g.indicator_id IS NULL THEN b.quintile_assessment END AS quintile_assessment,
       CASE WHEN w.area_code IS NOT NULL THEN 'withheld: the value is suppressed by disclosure control'
            ELSE nullif(concat_ws('; ', b.comparison_note,
                                  CASE WHEN r.area_code IS NOT NULL THEN 'Riket''s value is withheld' END,
                                  CASE WHEN g.indicator_id IS NOT NULL THEN 'a region''s value is withheld: no '
                                                                            || 'comparison among the regions' END), '')
       END AS comparison_note,
       b.synthetic,
       w.area_code IS NOT NULL AS suppressed
FROM indicators.benchmark_assessment b
LEFT JOIN withheld w
       ON b.source = 'indicator' AND w.indicator_id = b.indicator_id AND w.area_code = b.area_code
      AND w.period = b.period AND w.sex = b.sex AND w.age_group = b.age_group AND w.category = b.category
LEFT JOIN withheld r
       ON b.source = 'indicator' AND r.indicator_id = b.indicator_id AND r.area_code = '00'
      AND r.period = b.period AND r.sex = b.sex AND r.age_group = b.age_group AND r.category = b.category
LEFT JOIN regions_withheld g
       ON b.source = 'indicator' AND g.indicator_id = b.indicator_id AND g.period = b.period AND g.sex = b.sex
      AND g.age_group = b.age_group AND g.category = b.category
ORDER BY b.source, b.indicator_id, b.kpi_id, b.area_code, b.period, b.sex, b.age_group, b.category
