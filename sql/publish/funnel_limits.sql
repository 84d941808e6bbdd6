-- The control limits of every funnel plot in unit_funnels, as lines to draw: per indicator, region, year, sex, age group and category, the 95 % and 99.8 % limits, lower and upper, on the value's scale, at sizes from half the smallest unit's to 1.1 times the largest's (docs/statistics.md, "Funnel plots"). synthetic = true: built on synthetic data. Withheld where the region's value is (disclosure control).
-- indicator_id: the indicator (table indicators)
-- area_code: the region whose value is the centre line
-- period: the year, 'YYYY'
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, 'all' when not broken down
-- category: the category, 'all' when not broken down
-- level: '95 %' or '99.8 %'
-- side: lower or upper
-- exposure: the size (unit_funnels.exposure) the limit is at
-- limit_value: the control limit at that size, on the value's scale; NULL where it is unbounded
-- target_value: the region's value, the centre line
-- synthetic: true when the region's or a unit's value is built on synthetic data
SELECT l.*
FROM indicators.funnel_limits l
WHERE NOT EXISTS (
    SELECT 1 FROM publish.disclosure_cells d
    WHERE d.source = 'indicator_values' AND d.suppressed AND d.indicator_id = l.indicator_id
      AND d.area_code = l.area_code AND d.unit_id IS NULL AND d.period = l.period AND d.sex = l.sex
      AND d.age_group = l.age_group AND d.category = l.category)
ORDER BY l.indicator_id, l.area_code, l.period, l.sex, l.age_group, l.category, l.level, l.side, l.exposure
