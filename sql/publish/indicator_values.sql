-- Indicator values per area (and health centre or hospital), period ('YYYY' or 'YYYY-MM'), sex, age group and category, with the numerator and denominator behind each value and a 95 % confidence interval where the indicator is a proportion or a rate of counts. synthetic = true: built on synthetic data, never report as real. A period whose deliveries are incomplete has no value (complete = false; incomplete_note names what is missing; table coverage). Values resting on a small count of persons are withheld (suppressed, suppression_reason; the rule: table disclosure_rule).
-- indicator_id: the indicator (table indicators, indicators/<id>.yaml)
-- area_code: SCB area code: '00' Riket, two digits a county (region), four digits a municipality
-- period: 'YYYY' (the year) or 'YYYY-MM' (the month)
-- sex: 'T' all, 'K' women, 'M' men, as Kolada writes it
-- value: numerator (a count) or numerator / denominator times the indicator's scale (a ratio); NULL when the denominator is 0 or missing, when the period's deliveries are incomplete (complete = false), or when suppressed
-- numerator: what is counted or summed, as the catalogue's numerator text says
-- denominator: what it is divided by; NULL for counts
-- ci_lower: lower bound of the 95 % confidence interval on the value's scale (Wilson for proportions, exact Poisson below 10 and Byar from 10 for rates); NULL where the indicator has none
-- ci_upper: upper bound of the 95 % confidence interval on the value's scale
-- ci_method: 'wilson' or 'poisson' (see docs/statistics.md); NULL where the indicator has no interval (table indicators, statistic_reason)
-- unit_id: the health centre (its enhets_id) or hospital (its site name as the organisation register writes it) the value is for; NULL for the area's whole value
-- age_group: '0-17', '18-64', '65-79', '80+', or 'all' when the value is not broken down by age
-- category: the profession group or specialty the value is for, as the indicator's breakdowns say; 'all' otherwise
-- definition_version: the version of the indicator's definition the value was computed by
-- synthetic: true when the value is built on synthetic data: never report it as real
-- suppressed: true when the value is withheld by disclosure control (table disclosure_rule): value, numerator, denominator, ci_lower and ci_upper are then NULL
-- complete: true when every unit the organisation register expects delivered what the value rests on (every health centre, unit, cost centre or ward, every month of a yearly value; table coverage); false: value, numerator, denominator and interval are NULL, never a value from part of the deliveries
-- coverage: the share of what the value rests on that was delivered: units (or ward-days) of a month, complete months of a year; 1 when complete, the smaller share where two sources are combined
-- incomplete_note: what is missing, in Swedish, e.g. '19-VC-005 saknas i listningen för 2024-03'; NULL when complete
-- persons: the persons the value rests on where neither its numerator nor its denominator counts them (the employees behind a sick-leave share), judged by disclosure control like a count of persons; NULL otherwise or when suppressed
-- suppression_reason: why the value is withheld: 'primary: fewer than N persons' (it rests on a count above 0 and below N), or 'secondary: ...' (shown, it and the published total would reveal a primary one); NULL when shown
--! partition: period year
SELECT v.indicator_id, v.area_code, v.period, v.sex,
       CASE WHEN d.suppressed THEN NULL ELSE v.value END AS value,
       CASE WHEN d.suppressed THEN NULL ELSE v.numerator END AS numerator,
       CASE WHEN d.suppressed THEN NULL ELSE v.denominator END AS denominator,
       CASE WHEN d.suppressed THEN NULL ELSE v.ci_lower END AS ci_lower,
       CASE WHEN d.suppressed THEN NULL ELSE v.ci_upper END AS ci_upper,
       v.ci_method, v.unit_id, v.age_group, v.category, v.definition_version, v.synthetic,
       coalesce(d.suppressed, false) AS suppressed, d.reason AS suppression_reason,
       v.complete, v.coverage, v.incomplete_note,
       CASE WHEN d.suppressed THEN NULL ELSE v.persons END AS persons
FROM indicators.indicator_values v
LEFT JOIN publish.disclosure_cells d
       ON d.source = 'indicator_values' AND d.indicator_id = v.indicator_id AND d.area_code = v.area_code
      AND d.unit_id IS NOT DISTINCT FROM v.unit_id AND d.period = v.period AND d.sex = v.sex
      AND d.age_group = v.age_group AND d.category = v.category AND d.suppressed
ORDER BY v.indicator_id, v.area_code, v.unit_id NULLS FIRST, v.period, v.sex, v.age_group, v.category
