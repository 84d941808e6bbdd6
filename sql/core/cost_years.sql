-- core.cost_years: the ledger summed over each year per county: health-care net cost (not dental care, not regional development), primary care's net cost, hired staff cost, own personnel cost (the region's employees: personnel accounts but hired staff) and all personnel cost in health care. complete when every cost centre the register expects delivered all twelve months (core.cost_coverage; coverage the share of complete months, incomplete_note what is missing); a sum with no row behind it is NULL, never 0.
-- partition: period year
WITH years AS (
    SELECT c.county_code, CAST(left(c.period, 4) AS INTEGER) AS year,
           -- exact decimal sums: öre do not drift with the order the threads add in
           sum(c.amount_sek) FILTER (WHERE c.health_care)::DOUBLE AS health_care_net_cost,
           sum(c.amount_sek) FILTER (WHERE c.health_care AND c.primary_care)::DOUBLE AS primary_care_net_cost,
           sum(c.amount_sek) FILTER (WHERE c.health_care AND c.hired_staff)::DOUBLE AS hired_staff_cost,
           sum(c.amount_sek) FILTER (WHERE c.health_care AND c.personnel AND NOT c.hired_staff)::DOUBLE
               AS own_personnel_cost,
           sum(c.amount_sek) FILTER (WHERE c.health_care AND c.personnel)::DOUBLE AS personnel_cost,
           bool_or(c.synthetic) AS synthetic
    FROM core.cost c
    GROUP BY ALL
)
SELECT y.*, CAST(y.year AS VARCHAR) AS period, coalesce(v.complete, false) AS complete, coalesce(v.delivered / v.expected, 0) AS coverage,
       v.note AS incomplete_note
FROM years y
LEFT JOIN core.cost_coverage v ON v.county_code = y.county_code AND v.period = CAST(y.year AS VARCHAR) AND v.unit_id IS NULL
