-- core.staffing_coverage: the payroll export against the organisation register: every health centre, ward and ambulance station registered in a month (core.unit_months; units of type övrig are not expected, some have no staff) owes that month's employee-months. Per unit and month whether they came; per county and month how many units delivered and which are missing; per unit and per county and year how many of its months are complete (a yearly value needs every month it is computed from). Months are judged from the first to the last the county's export delivered in the year. Rows held out by a blocking rule are not delivered. Macro coverage_periods, sql/macros/coverage.sql.
-- partition: period year
WITH delivered AS (
    SELECT period, unit_id FROM core.staff_fte GROUP BY ALL
), judged AS (
    SELECT county_code, left(period, 4) AS year, min(period) AS first_month, max(period) AS last_month
    FROM core.staff_fte GROUP BY ALL
), units AS (
    SELECT u.county_code, u.period, u.unit_id, u.unit_name, u.hospital, 1 AS expected,
           CASE WHEN d.unit_id IS NULL THEN 0 ELSE 1 END AS delivered, true AS month_whole, synthetic
    FROM core.unit_months u
    JOIN judged j ON j.county_code = u.county_code AND u.period BETWEEN j.first_month AND j.last_month
    LEFT JOIN delivered d ON d.period = u.period AND d.unit_id = u.unit_id
    WHERE u.unit_type IN ('vårdcentral', 'vårdavdelning', 'ambulansstation')
)
SELECT * FROM coverage_periods(units, 'staffing', 'personalexporten', 'units')
