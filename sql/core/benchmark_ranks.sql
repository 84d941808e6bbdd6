-- core.benchmark_ranks: each region (county) among the regions with a value, per KPI, year and sex: its rank by the KPI's polarity (1 = best, ties share the best rank), Riket's value and the median of the regions (for an even number of values the mean of the middle two), and the distance to each.
WITH regions AS (
    SELECT v.kpi_id, v.area_code, v.period, v.sex, v.value,
           coalesce(k.polarity, 'no_judgement') AS polarity
    FROM core.benchmark_values v
    JOIN core.areas a ON a.area_code = v.area_code AND a.level = 'county'
    LEFT JOIN core.benchmark_kpis k USING (kpi_id)
),
ranked AS (
    SELECT *,
           CASE WHEN value IS NOT NULL THEN
               rank() OVER (PARTITION BY kpi_id, period, sex, value IS NULL
                            ORDER BY CASE WHEN polarity = 'lower_is_better' THEN value END ASC,
                                     CASE WHEN polarity <> 'lower_is_better' THEN value END DESC)
           END AS rank,
           count(value) OVER (PARTITION BY kpi_id, period, sex) AS regions_ranked,
           median(value) OVER (PARTITION BY kpi_id, period, sex) AS regions_median
    FROM regions
)
SELECT r.kpi_id, r.area_code, r.period, r.sex, r.value, r.polarity, r.rank, r.regions_ranked,
       CASE r.polarity
           WHEN 'higher_is_better' THEN 'higher is better: ranked by value, highest first'
           WHEN 'lower_is_better' THEN 'lower is better: ranked by value, lowest first'
           ELSE 'no judgement of better or worse: ranked by value, highest first'
       END AS rank_basis,
       riket.value AS riket_value,
       r.value - riket.value AS difference_to_riket,
       r.regions_median,
       r.value - r.regions_median AS difference_to_median
FROM ranked r
LEFT JOIN core.benchmark_values riket
       ON riket.kpi_id = r.kpi_id AND riket.area_code = '00' AND riket.period = r.period AND riket.sex = r.sex
