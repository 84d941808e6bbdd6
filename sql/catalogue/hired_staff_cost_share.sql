-- Hired staff (inhyrd personal) cost as a share of the region's own personnel cost in health care, as SKR
-- follows it up (kostnad för inhyrd personal i procent av egen personalkostnad), per whole year. A complete
-- ledger without hired-staff rows: 0; a year a cost centre is missing from the ledger: no value.
SELECT county_code AS area_code, CAST(year AS VARCHAR) AS period, 'T' AS sex,
       coalesce(hired_staff_cost, 0) AS numerator, own_personnel_cost AS denominator, synthetic,
       complete, coverage, incomplete_note
FROM core.cost_years
