-- indicators.unit_funnels: every yearly value of a health centre or hospital placed in the funnel plot of its region: 95 % and 99.8 % control limits around the region's own value at the unit's size, and whether the unit lies within, above or below them (Spiegelhalter 2005; PHEindicatormethods, calculate_funnel_limits and assign_funnel_significance). A proportion (statistic wilson) by the Wilson limits (funnel_proportion_limit); a rate of counts (poisson) by whether the unit's exact or Byar interval holds the region's rate; an indicator with statistic none only where its catalogue entry names the part treated as a Poisson count (funnel.count: listed inhabitants per GP FTE count the doctors' FTE), by the normal approximation to the Poisson (FTE are not whole numbers). Methods: docs/statistics.md, "Funnel plots".
WITH catalogue AS (
    SELECT indicator_id, statistic, scale, polarity, funnel_count,
           CASE WHEN statistic = 'wilson' THEN 'binomial (Wilson score limits)'
                WHEN statistic = 'poisson' THEN 'Poisson (exact below 10 events, Byar from 10)'
                ELSE 'Poisson count of the ' || funnel_count || ', normal approximation' END AS model
    FROM core.indicators
    WHERE funnel_count IS NOT NULL AND kind = 'ratio'
), units AS (
    SELECT v.indicator_id, v.area_code, v.unit_id, v.period, v.sex, v.age_group, v.category, v.value,
           v.numerator, v.denominator, v.ci_lower, v.ci_upper, v.synthetic, c.statistic, c.scale, c.polarity,
           c.funnel_count, c.model,
           -- the count of the model and the exposure it is counted over (the funnel plot's x axis)
           CASE WHEN c.funnel_count = 'denominator' THEN v.denominator ELSE v.numerator END AS count,
           CASE WHEN c.funnel_count = 'denominator' THEN v.numerator ELSE v.denominator END AS exposure
    FROM indicators.indicator_values v
    JOIN catalogue c USING (indicator_id)
    WHERE v.unit_id IS NOT NULL AND length(v.period) = 4
), targets AS (
    SELECT v.indicator_id, v.area_code, v.period, v.sex, v.age_group, v.category, v.value AS target_value,
           CASE WHEN c.funnel_count = 'denominator' THEN v.denominator / v.numerator ELSE v.numerator / v.denominator END
               AS target_rate,
           v.synthetic AS target_synthetic
    FROM indicators.indicator_values v
    JOIN catalogue c USING (indicator_id)
    WHERE v.unit_id IS NULL AND length(v.period) = 4 AND v.numerator > 0 AND v.denominator > 0
), placed AS (
    SELECT u.*, t.target_value, t.target_rate, t.target_synthetic,
           u.count IS NOT NULL AND u.exposure > 0 AND u.count >= 0 AND t.target_rate IS NOT NULL AS usable,
           -- the spread of the unit's value around the target by chance alone, per unit of exposure
           CASE WHEN u.statistic = 'wilson' THEN sqrt(t.target_rate * (1 - t.target_rate) / u.exposure)
                ELSE sqrt(t.target_rate / u.exposure) END AS chance_se
    FROM units u
    JOIN targets t USING (indicator_id, area_code, period, sex, age_group, category)
), limits AS (
    SELECT *,
           CASE WHEN NOT usable THEN NULL
                WHEN statistic = 'wilson' THEN funnel_proportion_limit(target_rate, exposure, 1.959964, 'lower') * scale
                WHEN statistic = 'poisson' THEN NULL
                WHEN funnel_count = 'numerator' THEN greatest(0, target_rate - 1.959964 * chance_se) * scale
                ELSE scale / (target_rate + 1.959964 * chance_se) END AS lower_95,
           CASE WHEN NOT usable THEN NULL
                WHEN statistic = 'wilson' THEN funnel_proportion_limit(target_rate, exposure, 1.959964, 'upper') * scale
                WHEN statistic = 'poisson' THEN NULL
                WHEN funnel_count = 'numerator' THEN (target_rate + 1.959964 * chance_se) * scale
                WHEN target_rate > 1.959964 * chance_se THEN scale / (target_rate - 1.959964 * chance_se) END AS upper_95,
           CASE WHEN NOT usable THEN NULL
                WHEN statistic = 'wilson' THEN funnel_proportion_limit(target_rate, exposure, 3.090232, 'lower') * scale
                WHEN statistic = 'poisson' THEN NULL
                WHEN funnel_count = 'numerator' THEN greatest(0, target_rate - 3.090232 * chance_se) * scale
                ELSE scale / (target_rate + 3.090232 * chance_se) END AS lower_998,
           CASE WHEN NOT usable THEN NULL
                WHEN statistic = 'wilson' THEN funnel_proportion_limit(target_rate, exposure, 3.090232, 'upper') * scale
                WHEN statistic = 'poisson' THEN NULL
                WHEN funnel_count = 'numerator' THEN (target_rate + 3.090232 * chance_se) * scale
                WHEN target_rate > 3.090232 * chance_se THEN scale / (target_rate - 3.090232 * chance_se) END AS upper_998,
           -- a rate of counts: the unit's own interval of its count against the region's rate
           CASE WHEN usable AND statistic = 'poisson' THEN
               funnel_position(target_rate,
                               poisson_lower(count, 1.959964) / exposure, poisson_upper(count, 1.959964) / exposure,
                               poisson_lower(count, 3.090232) / exposure, poisson_upper(count, 3.090232) / exposure)
           END AS poisson_position
    FROM placed
), positioned AS (
    SELECT *,
           CASE WHEN NOT usable OR value IS NULL THEN NULL
                WHEN statistic = 'poisson' THEN poisson_position
                WHEN value > coalesce(upper_998, 'infinity'::DOUBLE) THEN 'above 99.8 %'
                WHEN value > coalesce(upper_95, 'infinity'::DOUBLE) THEN 'above 95 %'
                WHEN value < lower_998 THEN 'below 99.8 %'
                WHEN value < lower_95 THEN 'below 95 %'
                ELSE 'within' END AS position,
           -- Spiegelhalter's z-score of the unit (its distance from the target in chance standard errors), on
           -- the count's rate per unit of exposure
           CASE WHEN usable AND chance_se > 0 THEN (count / exposure - target_rate) / chance_se END AS z_score
    FROM limits
)
SELECT indicator_id, area_code, unit_id, period, sex, age_group, category, value, numerator, denominator,
       funnel_count AS counted, count, exposure, model, target_value, lower_95, upper_95, lower_998, upper_998,
       position,
       CASE WHEN position IS NULL THEN NULL
            WHEN position = 'within' THEN 'similar'
            WHEN polarity = 'higher_is_better' THEN CASE WHEN position LIKE 'above%' THEN 'better' ELSE 'worse' END
            WHEN polarity = 'lower_is_better' THEN CASE WHEN position LIKE 'above%' THEN 'worse' ELSE 'better' END
            ELSE CASE WHEN position LIKE 'above%' THEN 'higher' ELSE 'lower' END END AS assessment,
       z_score,
       -- over-dispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators"): the mean
       -- squared z-score of the region's units; about 1 when units differ by chance alone, much more when they
       -- differ for other reasons too (the limits then flag many units); summed in the units' order, so the
       -- same units give the same last digit however the rows arrived
       avg(z_score * z_score ORDER BY unit_id) OVER (PARTITION BY indicator_id, area_code, period, sex, age_group, category)
           AS overdispersion,
       count(z_score) OVER (PARTITION BY indicator_id, area_code, period, sex, age_group, category) AS units_in_funnel,
       synthetic OR target_synthetic AS synthetic
FROM positioned
ORDER BY indicator_id, area_code, period, sex, age_group, category, unit_id
