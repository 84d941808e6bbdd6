-- Primary care's net cost (VI 2000 primärvård) in million SEK in fixed prices: primary_care_net_cost deflated
-- by the delivered price index (core.deflators) to the prices of the index's latest year. No index delivered:
-- no values; a year the index lacks, a cost centre missing from the ledger, or no primary-care row: no value.
SELECT c.county_code AS area_code, CAST(c.year AS VARCHAR) AS period, 'T' AS sex,
       c.primary_care_net_cost / 1e6 * d.price_year_index / y.price_index AS numerator, NULL::DOUBLE AS denominator,
       c.synthetic OR coalesce(y.synthetic, false) AS synthetic,
       c.complete AND c.primary_care_net_cost IS NOT NULL AND y.year IS NOT NULL AS complete, c.coverage,
       coalesce(c.incomplete_note,
                CASE WHEN c.primary_care_net_cost IS NULL
                     THEN 'huvudboken ' || c.year || ' har inga rader för primärvård (VI 2000 verksamhet 1)' END,
                'prisindex saknas för ' || c.year || ' (deflators/)') AS incomplete_note
FROM core.cost_years c
CROSS JOIN (SELECT any_value(price_year_index) AS price_year_index FROM core.deflators HAVING count(*) > 0) d
LEFT JOIN core.deflators y ON y.year = c.year
