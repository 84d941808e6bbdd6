-- indicators.rank_intervals: each region's rank among the regions with a value, per indicator, year, sex, age group and category (1 = best by the polarity; without a judgement 1 = highest), with a 95 % interval for the rank where every ranked value has a confidence interval: 1,000 simulated draws of every region's value within its interval (draw_within_interval, seeded_normal: seeded and reproducible), the region ranked in each draw, and the 2.5th and 97.5th percentiles of its ranks (Marshall and Spiegelhalter 1998; docs/statistics.md, "Rank with its uncertainty"). Values without an interval, and Kolada's ranks (core.benchmark_ranks), have a rank and no interval, and say why.
WITH settings AS (
    SELECT 20240613 AS seed, 1000 AS draws
), own AS (
    SELECT v.indicator_id, v.area_code, v.period, v.sex, v.age_group, v.category, v.value, v.ci_lower, v.ci_upper,
           i.polarity, i.statistic_reason, v.synthetic
    FROM indicators.indicator_values v
    JOIN core.indicators i USING (indicator_id)
    JOIN core.areas a ON a.area_code = v.area_code AND a.level = 'county'
    WHERE v.unit_id IS NULL AND length(v.period) = 4 AND v.value IS NOT NULL
), ranked AS (
    SELECT *,
           rank() OVER (PARTITION BY indicator_id, period, sex, age_group, category
                        ORDER BY CASE WHEN polarity = 'lower_is_better' THEN value END ASC,
                                 CASE WHEN polarity <> 'lower_is_better' THEN value END DESC) AS rank,
           count(*) OVER (PARTITION BY indicator_id, period, sex, age_group, category) AS regions_ranked,
           count(*) OVER (PARTITION BY indicator_id, period, sex, age_group, category)
               = count(ci_lower) OVER (PARTITION BY indicator_id, period, sex, age_group, category)
             AND count(*) OVER (PARTITION BY indicator_id, period, sex, age_group, category)
               = count(ci_upper) OVER (PARTITION BY indicator_id, period, sex, age_group, category) AS every_interval,
           bool_or(synthetic) OVER (PARTITION BY indicator_id, period, sex, age_group, category) AS group_synthetic
    FROM own
), draws AS (
    SELECT r.indicator_id, r.area_code, r.period, r.sex, r.age_group, r.category, r.polarity, d.draw,
           draw_within_interval(r.value, r.ci_lower, r.ci_upper,
                                seeded_normal(s.seed, concat_ws('|', r.indicator_id, r.period, r.sex, r.age_group,
                                                                r.category, r.area_code), d.draw)) AS drawn
    FROM ranked r
    CROSS JOIN settings s
    CROSS JOIN LATERAL (SELECT unnest(range(1, s.draws + 1)) AS draw) d
    WHERE r.every_interval AND r.regions_ranked >= 2
), draw_ranks AS (
    SELECT indicator_id, area_code, period, sex, age_group, category, draw,
           rank() OVER (PARTITION BY indicator_id, period, sex, age_group, category, draw
                        ORDER BY CASE WHEN polarity = 'lower_is_better' THEN drawn END ASC,
                                 CASE WHEN polarity <> 'lower_is_better' THEN drawn END DESC) AS draw_rank
    FROM draws
), intervals AS (
    SELECT indicator_id, area_code, period, sex, age_group, category,
           quantile_disc(draw_rank, 0.025) AS rank_lower,
           quantile_disc(draw_rank, 0.975) AS rank_upper,
           avg(CASE WHEN draw_rank = 1 THEN 1.0 ELSE 0.0 END) AS share_of_draws_first,
           count(*) AS draws
    FROM draw_ranks
    GROUP BY indicator_id, area_code, period, sex, age_group, category
), own_ranks AS (
    SELECT 'indicator' AS source, r.indicator_id, NULL::VARCHAR AS kpi_id, r.area_code, r.period, r.sex,
           r.age_group, r.category, r.value, r.polarity, r.rank::INTEGER AS rank, i.rank_lower::INTEGER AS rank_lower,
           i.rank_upper::INTEGER AS rank_upper, r.regions_ranked::INTEGER AS regions_ranked, i.share_of_draws_first,
           i.draws::INTEGER AS draws, CASE WHEN i.draws IS NOT NULL THEN (SELECT seed FROM settings) END AS seed,
           CASE WHEN i.draws IS NOT NULL THEN 'simulation within the 95 % confidence intervals' ELSE 'rank only' END
               AS method,
           CASE WHEN i.draws IS NOT NULL THEN NULL
                WHEN r.regions_ranked < 2 THEN 'one region with a value: nothing to rank against'
                WHEN r.ci_lower IS NULL THEN 'no interval for the rank: the value has no confidence interval ('
                                             || coalesce(r.statistic_reason, 'none published') || ')'
                ELSE 'no interval for the rank: a ranked region''s value has no confidence interval' END
               AS interval_note,
           r.group_synthetic AS synthetic
    FROM ranked r
    LEFT JOIN intervals i USING (indicator_id, area_code, period, sex, age_group, category)
), kolada_ranks AS (
    SELECT 'kolada' AS source, NULL::VARCHAR AS indicator_id, b.kpi_id, b.area_code, b.period, b.sex,
           'all' AS age_group, 'all' AS category, b.value,
           CASE WHEN b.polarity IN ('higher_is_better', 'lower_is_better') THEN b.polarity ELSE 'no_judgement' END
               AS polarity,
           b.rank::INTEGER AS rank, NULL::INTEGER AS rank_lower, NULL::INTEGER AS rank_upper,
           b.regions_ranked::INTEGER AS regions_ranked, NULL::DOUBLE AS share_of_draws_first, NULL::INTEGER AS draws,
           NULL::INTEGER AS seed, 'rank only' AS method,
           'no interval for the rank: Kolada publishes no confidence interval' AS interval_note, false AS synthetic
    FROM core.benchmark_ranks b
    WHERE b.rank IS NOT NULL
)
SELECT source, indicator_id, kpi_id, area_code, period, sex, age_group, category, value, polarity, rank,
       rank_lower, rank_upper, regions_ranked, share_of_draws_first, draws, seed, method, interval_note,
       CASE polarity WHEN 'higher_is_better' THEN 'higher is better: 1 = the highest value'
                     WHEN 'lower_is_better' THEN 'lower is better: 1 = the lowest value'
                     ELSE 'no judgement of better or worse: 1 = the highest value' END AS rank_basis,
       synthetic
FROM (SELECT * FROM own_ranks UNION ALL BY NAME SELECT * FROM kolada_ranks)
ORDER BY source, indicator_id, kpi_id, period, sex, age_group, category, rank, area_code
