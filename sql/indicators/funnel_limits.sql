-- indicators.funnel_limits: the control limits of every funnel plot of indicators.unit_funnels as lines to draw, one row per line and point: the 95 % and 99.8 % limits, lower and upper, on the value's scale, at sizes (exposure) from half the smallest unit's to 1.1 times the largest's. Proportions and the normal approximation: 60 sizes spaced evenly on a log scale. Rates of counts (statistic poisson), as PHEindicatormethods draws them: for each count o, the size at which a unit with o events has an interval that just reaches the region's rate (o = 0..20, then 60 counts spaced on a log scale). Methods: docs/statistics.md, "Funnel plots".
WITH funnels AS (
    SELECT f.indicator_id, f.area_code, f.period, f.sex, f.age_group, f.category, f.counted,
           any_value(f.target_value) AS target_value, min(f.exposure) AS min_exposure, max(f.exposure) AS max_exposure,
           bool_or(f.synthetic) AS synthetic
    FROM indicators.unit_funnels f
    WHERE f.exposure > 0 AND f.target_value IS NOT NULL
    GROUP BY f.indicator_id, f.area_code, f.period, f.sex, f.age_group, f.category, f.counted
), models AS (
    SELECT f.*, i.statistic, i.scale,
           CASE WHEN f.counted = 'denominator' THEN v.denominator / v.numerator ELSE v.numerator / v.denominator END
               AS target_rate
    FROM funnels f
    JOIN core.indicators i USING (indicator_id)
    JOIN indicators.indicator_values v
      ON v.indicator_id = f.indicator_id AND v.area_code = f.area_code AND v.period = f.period AND v.sex = f.sex
     AND v.age_group = f.age_group AND v.category = f.category AND v.unit_id IS NULL
), levels AS (
    SELECT * FROM (VALUES ('95 %', 1.959964), ('99.8 %', 3.090232)) l(level, z)
), sizes AS (
    -- proportions and the normal approximation: the limits at each size
    SELECT m.*, l.level, l.z,
           exp(ln(m.min_exposure * 0.5) + g.i / 59.0 * (ln(m.max_exposure * 1.1) - ln(m.min_exposure * 0.5))) AS exposure
    FROM models m
    CROSS JOIN levels l
    CROSS JOIN range(60) g(i)
    WHERE m.statistic <> 'poisson'
), by_size AS (
    SELECT indicator_id, area_code, period, sex, age_group, category, target_value, synthetic, level, exposure,
           side,
           CASE
               WHEN statistic = 'wilson' THEN funnel_proportion_limit(target_rate, exposure, z, side) * scale
               WHEN counted = 'numerator' AND side = 'lower' THEN greatest(0, target_rate - z * sqrt(target_rate / exposure)) * scale
               WHEN counted = 'numerator' THEN (target_rate + z * sqrt(target_rate / exposure)) * scale
               -- the count is the denominator: the rate's upper limit is the value's lower one
               WHEN side = 'lower' THEN scale / (target_rate + z * sqrt(target_rate / exposure))
               WHEN target_rate > z * sqrt(target_rate / exposure) THEN scale / (target_rate - z * sqrt(target_rate / exposure))
           END AS limit_value
    FROM sizes
    CROSS JOIN (VALUES ('lower'), ('upper')) s(side)
), counts AS (
    -- rates of counts: for each count o the size where o's lower limit (upper limit) equals the region's rate
    SELECT m.*, l.level, l.z, o.count
    FROM models m
    CROSS JOIN levels l
    CROSS JOIN LATERAL (
        SELECT DISTINCT count FROM (
            SELECT range::DOUBLE AS count FROM range(21)
            UNION ALL
            SELECT round(exp(ln(20) + g.i / 59.0 * (ln(greatest(21, m.target_rate * m.max_exposure * 1.5)) - ln(20))))
            FROM range(60) g(i))
    ) o
    WHERE m.statistic = 'poisson' AND m.target_rate > 0
), by_count AS (
    SELECT indicator_id, area_code, period, sex, age_group, category, target_value, synthetic, level,
           poisson_lower(count, z) / target_rate AS exposure, 'upper' AS side,
           count * target_rate / poisson_lower(count, z) * scale AS limit_value
    FROM counts
    WHERE count > 0
    UNION ALL
    SELECT indicator_id, area_code, period, sex, age_group, category, target_value, synthetic, level,
           poisson_upper(count, z) / target_rate AS exposure, 'lower' AS side,
           count * target_rate / poisson_upper(count, z) * scale AS limit_value
    FROM counts
)
SELECT l.indicator_id, l.area_code, l.period, l.sex, l.age_group, l.category, l.level, l.side, l.exposure,
       l.limit_value, l.target_value, l.synthetic
FROM (SELECT * FROM by_size UNION ALL BY NAME SELECT * FROM by_count) l
JOIN funnels f USING (indicator_id, area_code, period, sex, age_group, category)
WHERE l.exposure >= f.min_exposure * 0.5 * (1 - 1e-9) AND l.exposure <= f.max_exposure * 1.1 * (1 + 1e-9)
ORDER BY l.indicator_id, l.area_code, l.period, l.sex, l.age_group, l.category, l.level, l.side, l.exposure
