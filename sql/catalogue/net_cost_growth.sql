-- Yearly change of the health-care net cost (current prices) from the year before. Both years must be
-- complete in the ledger (core.cost_years).
SELECT y.county_code AS area_code, CAST(y.year AS VARCHAR) AS period, 'T' AS sex,
       y.health_care_net_cost - b.health_care_net_cost AS numerator, b.health_care_net_cost AS denominator,
       y.synthetic OR b.synthetic AS synthetic, y.complete AND b.complete AS complete,
       least(y.coverage, b.coverage) AS coverage, nullif(concat_ws('; ', b.incomplete_note, y.incomplete_note), '')
           AS incomplete_note
FROM core.cost_years y
JOIN core.cost_years b ON b.county_code = y.county_code AND b.year = y.year - 1
