-- Every yearly value of a health centre or hospital in the funnel plot of its region: the 95 % and 99.8 % control limits around the region's value at the unit's size, and whether the unit lies within, above or below them, better or worse by the polarity (docs/statistics.md, "Funnel plots"; the limits to draw are in funnel_limits). overdispersion much above 1 says the units differ by more than chance. synthetic = true: built on synthetic data. A withheld value (disclosure control) is placed nowhere; the limits are withheld where the region's value is.
-- indicator_id: the indicator (table indicators; its funnel_count says what is counted)
-- area_code: the region (or area) whose units these are, and whose value is the target
-- unit_id: the health centre (its enhets_id) or hospital (its site name); see units
-- period: the year, 'YYYY'
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, 'all' when not broken down
-- category: the category, 'all' when not broken down
-- value: the unit's value (as in indicator_values)
-- numerator: the unit's numerator
-- denominator: the unit's denominator
-- counted: the part of the value treated as the count: numerator or denominator (indicators, funnel_count)
-- count: the count of the model (the doctors' FTE for listed inhabitants per GP FTE)
-- exposure: what it is counted over, the unit's size on the funnel's x axis (listed inhabitants, beds, bed-days)
-- model: binomial (Wilson score limits), Poisson (exact below 10 events, Byar from 10), or a Poisson count with the normal approximation
-- target_value: the region's own value, the centre line of the funnel
-- lower_95: the lower 95 % control limit at the unit's size, on the value's scale; NULL for rates of counts (judged by the unit's own interval; see funnel_limits for the lines)
-- upper_95: the upper 95 % control limit; NULL where it is unbounded (a few doctors: no number of listed inhabitants per FTE is too many by chance)
-- lower_998: the lower 99.8 % control limit
-- upper_998: the upper 99.8 % control limit
-- position: within, above 95 %, above 99.8 %, below 95 % or below 99.8 %: outside the 95 % limits but inside the 99.8 % ones, or outside both
-- assessment: the position by the polarity: better, similar (within), worse; higher or lower without a judgement
-- z_score: the unit's distance from the target in standard errors of chance (on the count per unit of exposure)
-- overdispersion: the mean squared z_score of the region's units (Spiegelhalter 2005): about 1 when they differ by chance alone; much above 1, the units differ for other reasons too and the limits flag many
-- units_in_funnel: the number of units in the funnel
-- synthetic: true when the unit's or the region's value is built on synthetic data: never report it as real
-- suppressed: true when the unit's value is withheld by disclosure control: its numbers and position are then NULL
WITH withheld AS (
    SELECT d.indicator_id, d.area_code, d.unit_id, d.period, d.sex, d.age_group, d.category
    FROM publish.disclosure_cells d
    WHERE d.source = 'indicator_values' AND d.suppressed AND length(d.period) = 4
), funnels_withheld AS (
    SELECT DISTINCT indicator_id, area_code, period, sex, age_group, category FROM withheld
)
SELECT f.indicator_id, f.area_code, f.unit_id, f.period, f.sex, f.age_group, f.category,
       CASE WHEN u.unit_id IS NULL THEN f.value END AS value,
       CASE WHEN u.unit_id IS NULL THEN f.numerator END AS numerator,
       CASE WHEN u.unit_id IS NULL THEN f.denominator END AS denominator,
       f.counted,
       CASE WHEN u.unit_id IS NULL THEN f.count END AS count,
       CASE WHEN u.unit_id IS NULL THEN f.exposure END AS exposure,
       f.model,
       CASE WHEN t.area_code IS NULL THEN f.target_value END AS target_value,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.lower_95 END AS lower_95,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.upper_95 END AS upper_95,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.lower_998 END AS lower_998,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.upper_998 END AS upper_998,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.position END AS position,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.assessment END AS assessment,
       CASE WHEN u.unit_id IS NULL AND t.area_code IS NULL THEN f.z_score END AS z_score,
       CASE WHEN a.area_code IS NULL THEN f.overdispersion END AS overdispersion,
       f.units_in_funnel, f.synthetic,
       u.unit_id IS NOT NULL AS suppressed
FROM indicators.unit_funnels f
LEFT JOIN withheld u
       ON u.indicator_id = f.indicator_id AND u.area_code = f.area_code AND u.unit_id = f.unit_id
      AND u.period = f.period AND u.sex = f.sex AND u.age_group = f.age_group AND u.category = f.category
LEFT JOIN withheld t
       ON t.indicator_id = f.indicator_id AND t.area_code = f.area_code AND t.unit_id IS NULL
      AND t.period = f.period AND t.sex = f.sex AND t.age_group = f.age_group AND t.category = f.category
LEFT JOIN funnels_withheld a
       ON a.indicator_id = f.indicator_id AND a.area_code = f.area_code AND a.period = f.period AND a.sex = f.sex
      AND a.age_group = f.age_group AND a.category = f.category
ORDER BY f.indicator_id, f.area_code, f.period, f.sex, f.age_group, f.category, f.unit_id
