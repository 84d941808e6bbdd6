-- What every regional source delivered against what the organisation register expects of it: every health centre registered in a month owes the listing; every health centre, ward and ambulance station the payroll export; every cost centre the ledger; every ward a 06:00 census on every day it was open. Per source, county and month and year (unit_id NULL), and per unit; periods are judged from the first to the last a source delivered in the year. An indicator value resting on an incomplete period is not computed (indicator_values.complete). synthetic = true: the units are synthetic.
-- source: the regional source: listings, staffing, cost or beds
-- area_code: the county (region), SCB's two-digit code
-- period: 'YYYY-MM' (the month) or 'YYYY' (the year)
-- unit_id: the unit that owes the delivery: the health centre or unit (enhets_id), the cost centre (kostnadsställe) or the ward; NULL for the county's whole delivery
-- unit_name: the unit's name in the organisation register (the cost centre's: its unit's)
-- hospital: the ward's hospital (site), NULL for other units
-- counted: what expected and delivered count: 'health centres', 'units', 'cost centres' or 'ward-days' (a month), 'months' (a year: its complete months)
-- expected: how many the register expects: units (or ward-days: the days each ward was open) for a month, months for a year (12 for the county)
-- delivered: how many of them came: units that delivered rows, ward-days with a census, complete months; rows held out by a blocking rule (table quarantine) are not delivered
-- coverage: delivered / expected
-- complete: true when everything expected came (a ward's month also needs the census to span the whole month)
-- missing_units: the units missing (id and name, '; ' between them); NULL on a unit's own row
-- note: what is missing, in Swedish, as the report and the refresh summary write it ('19-VC-005 saknas i listningen för 2024-03'); NULL when complete
-- synthetic: true when the units are synthetic (the register's datakälla): never report them as real
--! partition: period year
SELECT source, county_code AS area_code, period, unit_id, unit_name, hospital, counted, expected, delivered, coverage,
       complete, nullif(array_to_string(missing_named, '; '), '') AS missing_units, note, synthetic
FROM (
    SELECT * FROM core.listings_coverage
    UNION ALL SELECT * FROM core.staffing_coverage
    UNION ALL SELECT * FROM core.cost_coverage
    UNION ALL SELECT * FROM core.beds_coverage
)
ORDER BY source, area_code, length(period), period, unit_id NULLS FIRST
