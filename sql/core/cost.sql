-- core.cost: ledger amounts (SEK, costs positive, income negative) by month, cost centre, VI 2000 activity and account.
-- partition: period month
SELECT period, county_code, cost_centre, unit_id, activity_code, activity_area, health_care, primary_care,
       account, account_class, hired_staff, personnel,
       -- exact decimal sums: öre do not drift with the order the threads add in
       sum(amount_sek::DECIMAL(18, 2)) AS amount_sek, count(*) AS ledger_rows, bool_or(synthetic) AS synthetic
FROM staging.cost
WHERE finding IS NULL
GROUP BY ALL
ORDER BY period, cost_centre, activity_code, account
