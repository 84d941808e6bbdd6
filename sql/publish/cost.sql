-- Ledger amounts in SEK (costs positive, income negative; net cost = the sum) by month, cost centre, VI 2000 activity area and RS-BAS account.
SELECT period, county_code, cost_centre, unit_id, activity_code, activity_area, health_care, primary_care, account,
       account_class, hired_staff, personnel, amount_sek, ledger_rows, synthetic
FROM core.cost ORDER BY period, cost_centre, activity_code, account
