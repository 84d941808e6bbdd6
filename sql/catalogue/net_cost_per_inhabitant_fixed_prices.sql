-- Health-care net cost per inhabitant in fixed prices: net_cost_per_inhabitant deflated by the delivered price
-- index (core.deflators) to the prices of the index's latest year. No index delivered: no values; a year the
-- index lacks, or a year a cost centre is missing from the ledger: no value, and incomplete_note says why.
SELECT c.county_code AS area_code, CAST(c.year AS VARCHAR) AS period, 'T' AS sex,
       c.health_care_net_cost * d.price_year_index / y.price_index AS numerator, p.persons_total AS denominator,
       c.synthetic OR coalesce(p.synthetic, false) OR coalesce(y.synthetic, false) AS synthetic,
       c.complete AND y.year IS NOT NULL AS complete, c.coverage,
       coalesce(c.incomplete_note, 'prisindex saknas för ' || c.year || ' (deflators/)') AS incomplete_note
FROM core.cost_years c
CROSS JOIN (SELECT any_value(price_year_index) AS price_year_index FROM core.deflators HAVING count(*) > 0) d
LEFT JOIN core.deflators y ON y.year = c.year
LEFT JOIN core.population_bands p ON p.area_code = c.county_code AND p.year = c.year AND p.sex = 'T'
