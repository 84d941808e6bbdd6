-- indicators.benchmark_assessment: every yearly value of a county or municipality (the area as a whole) compared with Riket and with the median of the regions, as Fingertips compares an area with England: better, similar or worse by whether the value's 95 % and 99.8 % intervals hold the benchmark (benchmark_compare); higher or lower where the polarity makes no judgement. Values without an interval, and Kolada's values (core.benchmark_ranks), are placed in quintiles among the regions instead (fingertips_quintile, five regions with a value or more). Methods and sources: docs/statistics.md, "Comparison with a benchmark".
WITH own AS (
    SELECT v.indicator_id, v.area_code, a.level, v.period, v.sex, v.age_group, v.category, v.value,
           v.ci_lower AS ci_lower_95, v.ci_upper AS ci_upper_95,
           -- the 99.8 % interval by the same method as the published 95 % one (sql/core/indicator_values_insert.sql)
           CASE v.ci_method WHEN 'wilson' THEN wilson_lower(v.numerator, v.denominator, 3.090232) * i.scale
                            WHEN 'poisson' THEN poisson_lower(v.numerator, 3.090232) / v.denominator * i.scale
           END AS ci_lower_998,
           CASE v.ci_method WHEN 'wilson' THEN wilson_upper(v.numerator, v.denominator, 3.090232) * i.scale
                            WHEN 'poisson' THEN poisson_upper(v.numerator, 3.090232) / v.denominator * i.scale
           END AS ci_upper_998,
           i.polarity, i.statistic, i.statistic_reason, v.synthetic
    FROM indicators.indicator_values v
    JOIN core.indicators i USING (indicator_id)
    JOIN core.areas a ON a.area_code = v.area_code
    WHERE v.unit_id IS NULL AND length(v.period) = 4
), riket AS (
    SELECT indicator_id, period, sex, age_group, category, value AS riket_value, synthetic AS riket_synthetic
    FROM own
    WHERE area_code = '00'
), regions AS (
    SELECT indicator_id, period, sex, age_group, category,
           median(value) AS regions_median,
           count(value) AS regions_with_value,
           quantile_cont(value, [0.2, 0.4, 0.6, 0.8]) AS bounds,
           bool_or(synthetic) AS regions_synthetic
    FROM own
    WHERE level = 'county' AND value IS NOT NULL
    GROUP BY indicator_id, period, sex, age_group, category
), own_assessed AS (
    SELECT 'indicator' AS source, o.indicator_id, NULL::VARCHAR AS kpi_id, o.area_code, o.level, o.period, o.sex,
           o.age_group, o.category, o.value, o.ci_lower_95, o.ci_upper_95, o.ci_lower_998, o.ci_upper_998,
           o.polarity, o.statistic, o.statistic_reason, r.riket_value,
           CASE WHEN o.level = 'county' THEN g.regions_median END AS regions_median,
           CASE WHEN o.level = 'county' THEN g.regions_with_value END AS regions_with_value,
           CASE WHEN o.level = 'county' THEN g.bounds END AS bounds,
           o.synthetic OR coalesce(r.riket_synthetic, false)
               OR (o.level = 'county' AND coalesce(g.regions_synthetic, false)) AS synthetic
    FROM own o
    LEFT JOIN riket r USING (indicator_id, period, sex, age_group, category)
    LEFT JOIN regions g USING (indicator_id, period, sex, age_group, category)
    WHERE o.level IN ('county', 'municipality')
), kolada AS (
    SELECT 'kolada' AS source, NULL::VARCHAR AS indicator_id, b.kpi_id, b.area_code, 'county' AS level, b.period,
           b.sex, 'all' AS age_group, 'all' AS category, b.value, NULL::DOUBLE AS ci_lower_95,
           NULL::DOUBLE AS ci_upper_95, NULL::DOUBLE AS ci_lower_998, NULL::DOUBLE AS ci_upper_998,
           CASE WHEN b.polarity IN ('higher_is_better', 'lower_is_better') THEN b.polarity ELSE 'no_judgement' END
               AS polarity,
           'none' AS statistic, 'Kolada publishes no confidence interval' AS statistic_reason, b.riket_value,
           b.regions_median,
           count(b.value) OVER (PARTITION BY b.kpi_id, b.period, b.sex) AS regions_with_value,
           quantile_cont(b.value, [0.2, 0.4, 0.6, 0.8]) OVER (PARTITION BY b.kpi_id, b.period, b.sex) AS bounds,
           false AS synthetic
    FROM core.benchmark_ranks b
), assessed AS (
    SELECT * FROM own_assessed
    UNION ALL BY NAME
    SELECT * FROM kolada
)
SELECT source, indicator_id, kpi_id, area_code, period, sex, age_group, category, value,
       ci_lower_95, ci_upper_95, ci_lower_998, ci_upper_998, polarity,
       CASE WHEN value IS NULL THEN 'not compared'
            WHEN ci_lower_95 IS NOT NULL AND ci_upper_95 IS NOT NULL THEN 'confidence intervals'
            WHEN fingertips_quintile(value, bounds, regions_with_value) IS NOT NULL THEN 'quintiles'
            ELSE 'not compared' END AS method,
       riket_value,
       benchmark_compare(value, ci_lower_95, ci_upper_95, riket_value, polarity) AS compared_to_riket_95,
       benchmark_compare(value, ci_lower_998, ci_upper_998, riket_value, polarity) AS compared_to_riket_998,
       regions_median,
       -- the median of fewer than three regions is the region itself or half of it: nothing to compare with
       CASE WHEN regions_with_value >= 3
            THEN benchmark_compare(value, ci_lower_95, ci_upper_95, regions_median, polarity) END AS compared_to_median_95,
       CASE WHEN regions_with_value >= 3
            THEN benchmark_compare(value, ci_lower_998, ci_upper_998, regions_median, polarity) END
           AS compared_to_median_998,
       regions_with_value,
       fingertips_quintile(value, bounds, regions_with_value) AS quintile,
       quintile_assessment(fingertips_quintile(value, bounds, regions_with_value), polarity) AS quintile_assessment,
       nullif(concat_ws('; ',
           CASE WHEN value IS NULL THEN 'no value' END,
           CASE WHEN value IS NOT NULL AND ci_lower_95 IS NULL THEN 'no confidence interval: ' || statistic_reason END,
           CASE WHEN value IS NOT NULL AND ci_lower_95 IS NOT NULL AND riket_value IS NULL
                THEN 'no value for Riket to compare with' END,
           CASE WHEN value IS NOT NULL AND ci_lower_95 IS NOT NULL AND level = 'county' AND coalesce(regions_with_value, 0) < 3
                THEN 'the median of the regions needs three regions with a value' END,
           CASE WHEN level = 'municipality' THEN 'a municipality: compared with Riket only' END,
           CASE WHEN value IS NOT NULL AND level = 'county' AND coalesce(regions_with_value, 0) < 5
                THEN 'quintiles need five regions with a value, ' || coalesce(regions_with_value, 0) || ' have one' END
       ), '') AS comparison_note,
       synthetic
FROM assessed
ORDER BY source, indicator_id, kpi_id, area_code, period, sex, age_group, category
