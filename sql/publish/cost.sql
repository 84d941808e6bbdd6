-- Ledger amounts in SEK (costs positive, income negative; net cost = the sum) by month, cost centre, VI 2000 activity area and RS-BAS account.
-- period: the accounting month, 'YYYY-MM'
-- county_code: the county (region): the first two digits of the cost centre's unit's municipality code
-- cost_centre: the cost centre (kostnadsställe) as booked, e.g. '19-KS-1007'
-- unit_id: the unit whose cost centre it is that month (organisation register, see units)
-- activity_code: the VI 2000 activity (verksamhet), '1'..'9' (data/reference/activity_areas.csv)
-- activity_area: the VI 2000 activity's name in Swedish, e.g. 'Primärvård', 'Tandvård'
-- health_care: true for the activities of health-care net cost (1, 2, 3, 5, 6, 7); false for dental care (4), regional development (8) and transport (9)
-- primary_care: true for activity 1, Primärvård
-- account: the RS-BAS account (konto), four digits, e.g. '3110', '4621', '5010'
-- account_class: the account's first digit: '3' income, '4'..'7' costs
-- hired_staff: true for the hired-staff accounts (inhyrd personal: 4621 doctors, 4622 nurses); false for any account not in data/reference/accounts.csv
-- personnel: true for personnel-cost accounts (5010 salaries, 5610 social fees and pensions, 4621/4622 hired staff); an account not in data/reference/accounts.csv counts when its class is 5
-- amount_sek: the sum of the ledger rows' amounts (belopp) in SEK, exact to the öre: costs positive, income negative, so net cost is the sum
-- ledger_rows: the number of ledger rows (e.g. vouchers, verifikationer) summed into amount_sek
-- synthetic: true when any ledger row behind the amount is synthetic (datakälla SYNTETISK): never report it as real
--! partition: period year
SELECT period, county_code, cost_centre, unit_id, activity_code, activity_area, health_care, primary_care, account,
       account_class, hired_staff, personnel, amount_sek, ledger_rows, synthetic
FROM core.cost ORDER BY period, cost_centre, activity_code, account
