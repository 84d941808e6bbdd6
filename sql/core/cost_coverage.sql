-- core.cost_coverage: the ledger against the organisation register: every cost centre (kostnadsställe) of a unit registered in a month (core.unit_months, every unit type) owes that month's rows. Per cost centre and month whether any came (unit_id is the cost centre, unit_name its unit's); per county and month how many cost centres delivered and which are missing; per cost centre and per county and year how many of its months are complete (a yearly value needs all twelve). Months are judged from the first to the last the county's ledger delivered in the year. Rows held out by a blocking rule are not delivered. Macro coverage_periods, sql/macros/coverage.sql.
-- partition: period year
WITH delivered AS (
    SELECT period, cost_centre FROM core.cost GROUP BY ALL
), judged AS (
    SELECT county_code, left(period, 4) AS year, min(period) AS first_month, max(period) AS last_month
    FROM core.cost GROUP BY ALL
), centres AS (
    SELECT u.county_code, u.period, u.cost_centre, string_agg(DISTINCT u.unit_name, ', ' ORDER BY u.unit_name) AS unit_name,
           bool_or(u.synthetic) AS synthetic
    FROM core.unit_months u
    JOIN judged j ON j.county_code = u.county_code AND u.period BETWEEN j.first_month AND j.last_month
    GROUP BY ALL
), units AS (
    SELECT c.county_code, c.period, c.cost_centre AS unit_id, c.unit_name, NULL::VARCHAR AS hospital, 1 AS expected,
           CASE WHEN d.cost_centre IS NULL THEN 0 ELSE 1 END AS delivered, true AS month_whole, c.synthetic
    FROM centres c
    LEFT JOIN delivered d ON d.period = c.period AND d.cost_centre = c.cost_centre
)
SELECT * FROM coverage_periods(units, 'cost', 'huvudboken', 'cost centres')
