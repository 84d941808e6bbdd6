-- Health-care net cost per inhabitant (current prices): the year's net cost of health care (not dental care,
-- not regional development) over the population on 31 December. A year a cost centre is missing from the
-- ledger has no value (core.cost_years).
SELECT c.county_code AS area_code, CAST(c.year AS VARCHAR) AS period, 'T' AS sex,
       c.health_care_net_cost AS numerator, p.persons_total AS denominator,
       c.synthetic OR coalesce(p.synthetic, false) AS synthetic, c.complete, c.coverage, c.incomplete_note
FROM core.cost_years c
LEFT JOIN core.population_bands p ON p.area_code = c.county_code AND p.year = c.year AND p.sex = 'T'
