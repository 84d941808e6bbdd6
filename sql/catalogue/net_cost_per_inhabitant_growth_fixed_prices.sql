-- Yearly change of the health-care net cost per inhabitant in fixed prices (the delivered price index,
-- core.deflators, to the prices of its latest year). No index delivered: no values; either year missing from
-- the index or incomplete in the ledger: no value.
WITH fixed AS (
    SELECT c.county_code, c.year, c.health_care_net_cost * d.price_year_index / y.price_index / p.persons_total AS cost,
           c.synthetic OR coalesce(p.synthetic, false) OR coalesce(y.synthetic, false) AS synthetic,
           c.complete AND y.year IS NOT NULL AS complete, c.coverage,
           coalesce(c.incomplete_note, CASE WHEN y.year IS NULL
                                            THEN 'prisindex saknas för ' || c.year || ' (deflators/)' END)
               AS incomplete_note
    FROM core.cost_years c
    CROSS JOIN (SELECT any_value(price_year_index) AS price_year_index FROM core.deflators HAVING count(*) > 0) d
    LEFT JOIN core.deflators y ON y.year = c.year
    JOIN core.population_bands p ON p.area_code = c.county_code AND p.year = c.year AND p.sex = 'T'
    WHERE p.persons_total > 0
)
SELECT f.county_code AS area_code, CAST(f.year AS VARCHAR) AS period, 'T' AS sex, f.cost - b.cost AS numerator,
       b.cost AS denominator, f.synthetic OR b.synthetic AS synthetic, f.complete AND b.complete AS complete,
       least(f.coverage, b.coverage) AS coverage,
       nullif(concat_ws('; ', b.incomplete_note, f.incomplete_note), '') AS incomplete_note
FROM fixed f
JOIN fixed b ON b.county_code = f.county_code AND b.year = f.year - 1
