-- Primary care's share of health-care net cost (VI 2000 primärvård over all health care), per whole year.
-- A year a cost centre is missing from the ledger, or whose ledger has no primary-care row at all, has no
-- value (a share of 0 would read as no primary care).
SELECT county_code AS area_code, CAST(year AS VARCHAR) AS period, 'T' AS sex,
       primary_care_net_cost AS numerator, health_care_net_cost AS denominator, synthetic,
       complete AND primary_care_net_cost IS NOT NULL AS complete, coverage,
       coalesce(incomplete_note, 'huvudboken ' || year || ' har inga rader för primärvård (VI 2000 verksamhet 1)')
           AS incomplete_note
FROM core.cost_years
