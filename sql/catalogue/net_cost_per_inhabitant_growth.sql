-- Yearly change of the health-care net cost per inhabitant (current prices) from the year before. Both years
-- must be complete in the ledger (core.cost_years).
WITH per_inhabitant AS (
    SELECT c.county_code, c.year, c.health_care_net_cost / p.persons_total AS cost,
           c.synthetic OR coalesce(p.synthetic, false) AS synthetic, c.complete, c.coverage, c.incomplete_note
    FROM core.cost_years c
    JOIN core.population_bands p ON p.area_code = c.county_code AND p.year = c.year AND p.sex = 'T'
    WHERE p.persons_total > 0
)
SELECT y.county_code AS area_code, CAST(y.year AS VARCHAR) AS period, 'T' AS sex,
       y.cost - b.cost AS numerator, b.cost AS denominator, y.synthetic OR b.synthetic AS synthetic,
       y.complete AND b.complete AS complete, least(y.coverage, b.coverage) AS coverage,
       nullif(concat_ws('; ', b.incomplete_note, y.incomplete_note), '') AS incomplete_note
FROM per_inhabitant y
JOIN per_inhabitant b ON b.county_code = y.county_code AND b.year = y.year - 1
