-- core.listings_coverage: the listing against the organisation register: every health centre registered in a month (core.unit_months, vårdcentral) owes that month's rows. Per centre and month whether they came; per county and month how many centres delivered and which are missing; per centre and per county and year how many of its months are complete (a yearly value needs all twelve). Months are judged from the first to the last the county's listing delivered in the year, so a month not due yet is not missing (the year is then not whole). Rows held out by a blocking rule are not delivered. Macro coverage_periods, sql/macros/coverage.sql.
-- partition: period year
WITH delivered AS (
    SELECT period, health_centre_id AS unit_id FROM core.listed_inhabitants GROUP BY ALL
), judged AS (
    SELECT county_code, left(period, 4) AS year, min(period) AS first_month, max(period) AS last_month
    FROM core.listed_inhabitants GROUP BY ALL
), units AS (
    SELECT u.county_code, u.period, u.unit_id, u.unit_name, NULL::VARCHAR AS hospital, 1 AS expected,
           CASE WHEN d.unit_id IS NULL THEN 0 ELSE 1 END AS delivered, true AS month_whole, synthetic
    FROM core.unit_months u
    JOIN judged j ON j.county_code = u.county_code AND u.period BETWEEN j.first_month AND j.last_month
    LEFT JOIN delivered d ON d.period = u.period AND d.unit_id = u.unit_id
    WHERE u.unit_type = 'vårdcentral'
)
SELECT * FROM coverage_periods(units, 'listings', 'listningen', 'health centres')
