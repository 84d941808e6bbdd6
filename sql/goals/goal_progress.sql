-- goals.goal_progress: where every goal of the registry (core.goals) stands, one row per goal and area.
--
-- Method (README, "Goal status"): the goal's series is the indicator's yearly values for the area's whole
-- value (no unit), the goal's sex, age group and category, from the baseline year on. A least-squares
-- line through them gives the observed yearly change (its slope) and the projected value at the deadline;
-- with three values or more, Student's t (n - 2 degrees of freedom) gives 95 % intervals: the slope's from
-- its standard error, the projection's from the line's (s * sqrt(1/n + (deadline - mean year)^2 / Sxx)),
-- and the year of attainment from the slope's interval (the line turned about the mean point). The status
-- follows the rules written out in the CASE below; certainty says what it rests on (fewer than three values:
-- an uncertain basis; three or more: whether the 95 % interval agrees with the status).
--
-- What it takes (README, "Goal status"): for a goal with a number and a deadline still ahead, on an indicator
-- whose catalogue entry names a lever (indicators/<id>.yaml, lever), the change in the lever's units of work
-- (FTE, beds, MSEK) that reaches the target at the deadline: the other part of the value is carried from the
-- latest year to the deadline as SCB's population projection (BE0401) of its ages grows from the population
-- of the latest year (core.population) to the deadline's (core.population_projections), or held at its
-- latest value; then numerator = target x denominator / scale, or denominator = numerator x scale / target,
-- or for a count the target itself, minus the latest value of that part.
WITH goal_areas AS (
    SELECT g.*, a.area_code
    FROM core.goals g, unnest(g.areas) AS a(area_code)
), observed AS (
    SELECT ga.goal_id, ga.area_code, CAST(v.period AS INTEGER) AS year, v.value, v.numerator, v.denominator,
           v.synthetic
    FROM goal_areas ga
    JOIN indicators.indicator_values v
      ON v.indicator_id = ga.indicator_id AND v.area_code = ga.area_code AND v.unit_id IS NULL
     AND v.sex = ga.sex AND v.age_group = ga.age_group AND v.category = ga.category
    WHERE length(v.period) = 4 AND v.value IS NOT NULL AND CAST(v.period AS INTEGER) >= ga.baseline_year
), gaps AS (
    -- years without a value between the first and the latest with one (not delivered, incomplete, a gap in
    -- the source's series)
    SELECT goal_id, area_code,
           list_filter(range(first_year, latest_year + 1), lambda y: NOT list_contains(years, y)) AS missing_years
    FROM (SELECT goal_id, area_code, min(year) AS first_year, max(year) AS latest_year, list(year) AS years
          FROM observed GROUP BY goal_id, area_code)
), series AS (
    -- the line uses consecutive years only: the latest run of them (a year less its rank is the same along a
    -- run); the years before a gap are left out
    SELECT * EXCLUDE (run)
    FROM (SELECT *, year - row_number() OVER (PARTITION BY goal_id, area_code ORDER BY year) AS run FROM observed)
    QUALIFY run = max(run) OVER (PARTITION BY goal_id, area_code)
    -- A trend verdict per series (a trend test over the indicator's whole series) joins here when the
    -- statistics provide one; until then the line below is the only judgement of direction.
), fit AS (
    SELECT goal_id, area_code, n, x_mean, y_mean, sxy / sxx AS slope, sxx, syy, sxy, latest_year, latest_value,
           first_value, first_year, latest_numerator, latest_denominator, synthetic
    FROM (
        SELECT *,
               list_sum(list_transform(xs, lambda x: (x - x_mean) * (x - x_mean))) AS sxx,
               list_sum(list_transform(ys, lambda y: (y - y_mean) * (y - y_mean))) AS syy,
               list_sum(list_transform(list_zip(xs, ys), lambda p: (p[1] - x_mean) * (p[2] - y_mean))) AS sxy
        FROM (
            -- the sums over ordered lists: the same series gives the same figures to the last digit,
            -- whatever order the threads read it in
            SELECT goal_id, area_code, count(*) AS n, list(year ORDER BY year) AS xs, list(value ORDER BY year) AS ys,
                   list_avg(list(year ORDER BY year)) AS x_mean, list_avg(list(value ORDER BY year)) AS y_mean,
                   max(year) AS latest_year, arg_max(value, year) AS latest_value,
                   arg_min(value, year) AS first_value, min(year) AS first_year,
                   arg_max(numerator, year) AS latest_numerator, arg_max(denominator, year) AS latest_denominator,
                   bool_or(synthetic) AS synthetic
            FROM series
            GROUP BY goal_id, area_code
        )
    )
), measured AS (
    SELECT ga.*, coalesce(f.n, 0) AS n, f.x_mean, f.y_mean, f.slope, f.sxx, f.latest_year, f.latest_value,
           f.first_year, f.latest_numerator, f.latest_denominator, coalesce(gp.missing_years, []) AS missing_years,
           b.value AS baseline_value, coalesce(b.value, f.first_value) AS start_value,
           coalesce(f.synthetic, false) AS synthetic,
           ga.target_value IS NOT NULL OR ga.target_change IS NOT NULL AS has_target,
           coalesce(ga.target_value, b.value + ga.target_change) AS target,
           CASE ga.direction WHEN 'up' THEN 1 WHEN 'down' THEN -1 ELSE 0 END AS wanted_sign,
           CASE WHEN f.n >= 3 THEN sqrt(greatest(f.syy - f.sxy * f.sxy / f.sxx, 0) / (f.n - 2)) END AS residual_sd,
           CASE WHEN f.n >= 3 THEN t_975(f.n - 2) END AS t,
           i.decimals, i.unit_en, i.scale, i.lever_part, i.lever_unit_en, i.lever_multiplier, i.lever_other_part,
           i.lever_age_from, i.lever_age_to
    FROM goal_areas ga
    LEFT JOIN fit f USING (goal_id, area_code)
    LEFT JOIN observed b ON b.goal_id = ga.goal_id AND b.area_code = ga.area_code AND b.year = ga.baseline_year
    LEFT JOIN gaps gp ON gp.goal_id = ga.goal_id AND gp.area_code = ga.area_code
    LEFT JOIN core.indicators i ON i.indicator_id = ga.indicator_id
), lines AS (
    SELECT *,
           residual_sd / sqrt(sxx) AS slope_se,
           CASE WHEN n >= 2 THEN y_mean + slope * (deadline_year - x_mean) END AS projected,
           CASE WHEN n >= 3 THEN t * residual_sd * sqrt(1.0 / n + (deadline_year - x_mean) ^ 2 / sxx) END AS margin,
           CASE WHEN direction = 'up' THEN latest_value >= target
                WHEN direction = 'down' THEN latest_value <= target END AS target_met
    FROM measured
), judged AS (
    SELECT *,
           CASE WHEN deadline_year > latest_year AND NOT target_met
                THEN (target - latest_value) / (deadline_year - latest_year) END AS required_change,
           slope + sign(slope) * t * slope_se AS slope_fast,
           slope - sign(slope) * t * slope_se AS slope_slow,
           n >= 3 AND abs(slope) <= t * slope_se AS no_clear_change,
           n >= 2 AND slope <> 0 AND sign(slope) = sign(target - latest_value) AS towards_target,
           CASE WHEN direction = 'up' THEN projected >= target WHEN direction = 'down' THEN projected <= target END
               AS projected_meets
    FROM lines
), attained AS (
    SELECT *,
           CASE WHEN has_target AND NOT target_met AND towards_target
                THEN greatest(ceil(x_mean + (target - y_mean) / slope), latest_year + 1) END AS attainment_year,
           CASE WHEN has_target AND NOT target_met AND towards_target AND n >= 3
                THEN greatest(ceil(x_mean + (target - y_mean) / slope_fast), latest_year + 1) END AS attainment_earliest,
           CASE WHEN has_target AND NOT target_met AND towards_target AND n >= 3 AND sign(slope_slow) = sign(slope)
                THEN greatest(ceil(x_mean + (target - y_mean) / slope_slow), latest_year + 1) END AS attainment_latest
    FROM judged
), populations AS (
    -- the population the lever's other part follows: SCB's count in the latest year and SCB's projection for
    -- the deadline, for the lever's ages and the goal's sex (T: both); a missing cell makes the sum missing
    SELECT a.goal_id, a.area_code,
           (SELECT CASE WHEN count(*) > 0 AND count(*) = count(p.persons) THEN sum(p.persons)::DOUBLE END
            FROM core.population p
            WHERE p.area_code = a.area_code AND p.year = a.latest_year AND p.age BETWEEN a.lever_age_from AND a.lever_age_to
              AND (a.sex = 'T' OR p.sex = a.sex)) AS population_latest,
           (SELECT CASE WHEN count(*) > 0 AND count(*) = count(p.persons) THEN sum(p.persons)::DOUBLE END
            FROM core.population_projections p
            WHERE p.area_code = a.area_code AND p.year = a.deadline_year AND p.age BETWEEN a.lever_age_from AND a.lever_age_to
              AND (a.sex = 'T' OR p.sex = a.sex)) AS population_deadline
    FROM attained a
    WHERE a.lever_other_part = 'population' AND a.has_target AND a.latest_year IS NOT NULL
), levered AS (
    SELECT a.*, p.population_latest, p.population_deadline,
           CASE
               WHEN NOT a.has_target OR a.target IS NULL THEN 'no number to reach: a goal with a direction only'
               WHEN a.lever_part IS NULL THEN 'the catalogue names no lever for ' || a.indicator_id
               WHEN a.n = 0 THEN 'no yearly value to start from'
               WHEN a.direction = 'none' THEN 'a premise, not a goal'
               WHEN a.deadline_year <= a.latest_year THEN 'the deadline ' || a.deadline_year || ' is not after the latest year'
               WHEN a.lever_part = 'numerator' AND a.latest_denominator IS NULL
                   OR a.lever_part = 'denominator' AND a.latest_numerator IS NULL
                   THEN 'the latest value has no ' || CASE a.lever_part WHEN 'numerator' THEN 'denominator' ELSE 'numerator' END
               WHEN a.lever_part = 'denominator' AND a.target = 0 THEN 'a target of 0 needs no denominator'
               WHEN a.lever_other_part = 'population' AND p.population_deadline IS NULL
                   THEN 'no population projection for area ' || a.area_code || ' in ' || a.deadline_year
               WHEN a.lever_other_part = 'population' AND NOT p.population_latest > 0
                   THEN 'no population for area ' || a.area_code || ' in ' || a.latest_year
           END AS lever_reason,
           CASE a.lever_part WHEN 'numerator' THEN a.latest_denominator WHEN 'denominator' THEN a.latest_numerator END
               AS other_latest,
           CASE WHEN a.lever_other_part = 'population' THEN p.population_deadline / nullif(p.population_latest, 0)
                WHEN a.lever_part IS NOT NULL THEN 1.0 END AS growth,
           CASE a.lever_part WHEN 'numerator' THEN a.latest_numerator WHEN 'denominator' THEN a.latest_denominator
                             WHEN 'value' THEN a.latest_value END AS lever_latest
    FROM attained a
    LEFT JOIN populations p USING (goal_id, area_code)
), needed AS (
    SELECT *,
           CASE WHEN lever_reason IS NULL THEN
               CASE lever_part WHEN 'numerator' THEN target * other_latest * growth / scale
                               WHEN 'denominator' THEN other_latest * growth * scale / target
                               WHEN 'value' THEN target END
           END AS lever_needed
    FROM levered
)
SELECT
    goal_id, region_code, area_code, indicator_id, sex, age_group, category, direction,
    baseline_year, baseline_value, latest_year, latest_value, target AS target_value, deadline_year,
    n AS years_observed,
    required_change AS required_yearly_change,
    CASE WHEN n >= 2 THEN slope END AS observed_yearly_change,
    slope - t * slope_se AS observed_change_lower,
    slope + t * slope_se AS observed_change_upper,
    projected AS projected_value, projected - margin AS projected_lower, projected + margin AS projected_upper,
    attainment_year::INTEGER AS attainment_year,
    attainment_earliest::INTEGER AS attainment_year_earliest,
    attainment_latest::INTEGER AS attainment_year_latest,
    CASE
        -- 1. no data: nothing measures the goal, no value, no baseline value for a target set as a change, or a
        -- single value (a line needs two)
        WHEN indicator_id IS NULL THEN 'no data'
        WHEN n = 0 THEN 'no data'
        WHEN has_target AND target IS NULL THEN 'no data'
        WHEN n < 2 THEN 'no data'
        -- 2. a premise
        WHEN direction = 'none' THEN 'monitored'
        -- 3. met; 4. the deadline has passed
        WHEN has_target AND target_met THEN 'achieved'
        WHEN has_target AND latest_year >= deadline_year THEN 'off track'
        -- 5. with a target
        WHEN has_target AND towards_target AND projected_meets THEN 'on track'
        WHEN has_target AND towards_target THEN 'at risk'
        WHEN has_target THEN 'off track'
        -- 6. with a direction only
        WHEN latest_year >= deadline_year
            THEN CASE WHEN sign(latest_value - start_value) = wanted_sign THEN 'achieved' ELSE 'off track' END
        WHEN no_clear_change OR slope = 0 THEN 'at risk'
        WHEN sign(slope) = wanted_sign THEN 'on track'
        ELSE 'off track'
    END AS status,
    CASE
        WHEN indicator_id IS NULL THEN 'not measurable from the sources: ' || not_measurable
        WHEN n = 0 THEN 'no yearly value of ' || indicator_id || ' for area ' || area_code || ' from '
                        || baseline_year || ' on'
        WHEN has_target AND target IS NULL THEN 'no value for the baseline year ' || baseline_year
                                                || ', so no target to measure against'
        WHEN n < 2 AND len(missing_years) > 0
            THEN 'one yearly value (' || latest_year || ') after the gap in the series (no value for '
                 || array_to_string(missing_years, ', ') || '): a line needs two consecutive years'
        WHEN n < 2 THEN 'one yearly value since the baseline (' || latest_year || '): a trend needs two'
        WHEN direction = 'none' THEN 'a premise followed without a desired direction: ' || goal_number(latest_value, decimals)
                                     || ' in ' || latest_year
                                     || ', ' || goal_change(slope, decimals) || ' a year since ' || baseline_year
        WHEN has_target AND target_met THEN goal_number(latest_value, decimals) || ' in ' || latest_year
                                            || ' meets the target ' || goal_number(target, decimals)
        WHEN has_target AND latest_year >= deadline_year THEN 'the deadline ' || deadline_year
                                                              || ' has passed without meeting the target'
        WHEN has_target AND towards_target AND projected_meets
            THEN 'at ' || goal_change(slope, decimals) || ' a year the line reaches ' || goal_number(projected, decimals)
                 || ' by ' || deadline_year || ' (target ' || goal_number(target, decimals) || ')'
        WHEN has_target AND towards_target
            THEN 'moving towards the target at ' || goal_change(slope, decimals) || ' a year; '
                 || goal_change(required_change, decimals) || ' a year is needed to reach '
                 || goal_number(target, decimals) || ' by ' || deadline_year
        WHEN has_target THEN 'moving away from the target or not at all (' || goal_change(slope, decimals)
                             || ' a year); ' || goal_change(required_change, decimals) || ' a year is needed'
        WHEN latest_year >= deadline_year
            THEN 'the deadline ' || deadline_year || ' has passed: ' || goal_number(latest_value, decimals)
                 || ' against ' || goal_number(start_value, decimals) || ' at the start'
        WHEN no_clear_change THEN 'no clear change: the slope''s 95 % interval ' || goal_change(slope - t * slope_se, decimals)
                                  || ' to ' || goal_change(slope + t * slope_se, decimals) || ' a year includes 0'
        WHEN slope = 0 THEN 'no change since ' || baseline_year
        WHEN sign(slope) = wanted_sign THEN 'moving ' || direction || ' by ' || goal_change(slope, decimals)
                                            || ' a year since ' || baseline_year
        ELSE 'moving the wrong way: ' || goal_change(slope, decimals) || ' a year since ' || baseline_year
    END
    || CASE WHEN n >= 2 AND len(missing_years) > 0
            THEN ' (the line uses ' || first_year || '-' || latest_year || ', the years after the gap: no value for '
                 || array_to_string(missing_years, ', ') || ')' ELSE '' END AS status_reason,
    unit_en AS unit,
    synthetic,
    CASE WHEN n > 0 THEN first_year END AS fit_first_year,
    CASE WHEN len(missing_years) > 0 THEN array_to_string(missing_years, ', ') END AS gap_years,
    CASE
        WHEN indicator_id IS NULL OR n = 0 THEN 'no values'
        WHEN has_target AND target IS NULL THEN 'no values'
        WHEN n < 2 THEN 'uncertain basis'
        WHEN direction = 'none' OR (has_target AND (target_met OR latest_year >= deadline_year))
             OR (NOT has_target AND latest_year >= deadline_year) THEN 'observed'
        WHEN n < 3 THEN 'uncertain basis'
        WHEN has_target AND (CASE WHEN direction = 'up' THEN projected_lower >= target OR projected_upper < target
                                  ELSE projected_upper <= target OR projected_lower > target END)
            THEN 'interval agrees'
        WHEN has_target THEN 'interval straddles'
        WHEN no_clear_change THEN 'interval straddles'
        ELSE 'interval agrees'
    END AS certainty,
    CASE WHEN lever_reason IS NULL THEN lever_part END AS lever_part,
    CASE WHEN lever_reason IS NULL THEN other_latest END AS lever_other_latest,
    CASE WHEN lever_reason IS NULL THEN other_latest * growth END AS lever_other_at_deadline,
    CASE WHEN lever_reason IS NULL THEN population_latest END AS lever_population_latest,
    CASE WHEN lever_reason IS NULL THEN population_deadline END AS lever_population_deadline,
    CASE WHEN lever_reason IS NULL THEN growth END AS lever_growth,
    CASE WHEN lever_reason IS NULL THEN lever_latest END AS lever_latest,
    CASE WHEN lever_reason IS NULL THEN lever_needed END AS lever_needed,
    CASE WHEN lever_reason IS NULL THEN (lever_needed - lever_latest) * lever_multiplier END AS lever_change,
    CASE WHEN lever_reason IS NULL THEN lever_unit_en END AS lever_unit,
    CASE
        WHEN lever_reason IS NOT NULL THEN 'not computed: ' || lever_reason
        WHEN lever_part = 'value'
            THEN 'the target ' || goal_number(target, decimals) || ' less the latest value ' || goal_number(latest_value, decimals)
                 || ' (' || latest_year || ')'
        ELSE 'the ' || CASE lever_part WHEN 'numerator' THEN 'denominator' ELSE 'numerator' END || ' '
             || printf('%.1f', other_latest) || ' (' || latest_year || ') '
             || CASE WHEN lever_other_part = 'population'
                     THEN 'grown as SCB''s projection of the population aged ' || lever_age_from || '-' || lever_age_to
                          || ' (' || printf('%.0f', population_latest) || ' in ' || latest_year || ', '
                          || printf('%.0f', population_deadline) || ' projected for ' || deadline_year || ', factor '
                          || printf('%.4f', growth) || ') to ' || printf('%.1f', other_latest * growth)
                     ELSE 'held at its latest value' END
             || '; at the target ' || goal_number(target, decimals) || ' the ' || lever_part || ' is '
             || printf('%.1f', lever_needed) || ' against ' || printf('%.1f', lever_latest) || ' in ' || latest_year
    END AS lever_assumption
FROM needed
ORDER BY region_code, goal_id, area_code
