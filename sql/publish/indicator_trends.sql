-- The recent trend of each yearly series of a proportion or a rate of counts, as Fingertips marks it: the chi-squared test for trend over the five consecutive years up to the latest yearly value, at the 99.8 % level (docs/statistics.md); a gap inside those years (a year without a value) gives 'could not be calculated' with the reason, never a test across it. A series with a withheld value (disclosure control) shows no statistic.
-- indicator_id: the indicator (see indicators)
-- area_code: SCB area code ('00' Riket, two digits a county, four a municipality)
-- unit_id: health centre or hospital for values per unit; NULL for the area's whole value
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, 'all' when not broken down
-- category: the category (e.g. profession group), 'all' when not broken down
-- first_period: the first year of the window (the latest year with a value less four, or the series' first year)
-- last_period: the latest year with a value, the window's last
-- points: the yearly points tested (five are needed for a verdict)
-- method: the test used: for proportions (Cochran-Armitage) or for rates of counts
-- chi2: the chi-squared statistic with 1 degree of freedom; NULL when it cannot be computed or a value is withheld
-- slope: the change of the proportion (or rate per person) per year, least squares weighted by the denominators
-- verdict: increasing, decreasing, no significant change (chi2 at most 9.5495, the 99.8 % level), could not be calculated, or withheld
-- verdict_reason: why the verdict is 'could not be calculated': a gap in the series (the years without a value, and which of them have incomplete deliveries), fewer than five yearly values, or a statistic that cannot be computed; NULL otherwise
-- polarity: the indicator's polarity (higher_is_better, lower_is_better, no_judgement)
-- assessment: the verdict with its direction of good, as Fingertips labels trend markers: increasing and getting better, increasing and getting worse, decreasing and getting better, decreasing and getting worse; increasing or decreasing where the polarity makes no judgement; no significant change, could not be calculated, or withheld
-- synthetic: true when a point rests on synthetic data
SELECT t.indicator_id, t.area_code, t.unit_id, t.sex, t.age_group, t.category, t.first_period, t.last_period,
       t.points, t.method,
       CASE WHEN w.withheld THEN NULL ELSE t.chi2 END AS chi2,
       CASE WHEN w.withheld THEN NULL ELSE t.slope END AS slope,
       CASE WHEN w.withheld THEN 'withheld: a value of the series is suppressed' ELSE t.verdict END AS verdict,
       CASE WHEN w.withheld THEN NULL ELSE t.verdict_reason END AS verdict_reason,
       t.polarity,
       CASE WHEN w.withheld THEN 'withheld: a value of the series is suppressed' ELSE t.assessment END AS assessment,
       t.synthetic
FROM indicators.indicator_trends t
LEFT JOIN (
    SELECT DISTINCT d.indicator_id, d.area_code, d.unit_id, d.sex, d.age_group, d.category, true AS withheld
    FROM publish.disclosure_cells d
    WHERE d.source = 'indicator_values' AND d.suppressed AND length(d.period) = 4
) w ON w.indicator_id = t.indicator_id AND w.area_code = t.area_code AND w.unit_id IS NOT DISTINCT FROM t.unit_id
   AND w.sex = t.sex AND w.age_group = t.age_group AND w.category = t.category
ORDER BY t.indicator_id, t.area_code, t.unit_id NULLS FIRST, t.sex, t.age_group, t.category
