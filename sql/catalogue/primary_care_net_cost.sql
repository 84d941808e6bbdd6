-- Primary care's net cost (VI 2000 primärvård) in million SEK (current prices), per whole year. A year a cost
-- centre is missing from the ledger, or whose ledger has no primary-care row at all, has no value (never 0).
SELECT county_code AS area_code, CAST(year AS VARCHAR) AS period, 'T' AS sex,
       primary_care_net_cost / 1e6 AS numerator, NULL::DOUBLE AS denominator, synthetic,
       complete AND primary_care_net_cost IS NOT NULL AS complete, coverage,
       coalesce(incomplete_note, 'huvudboken ' || year || ' har inga rader för primärvård (VI 2000 verksamhet 1)')
           AS incomplete_note
FROM core.cost_years
