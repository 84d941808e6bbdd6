-- Sick-leave share as SKR's personnel statistics and the regions' annual reports count it (the mandatory
-- sick-leave report, nyckeltal 1: total sjukfrånvarotid / sammanlagd ordinarie arbetstid): sick hours of the
-- region's employees who have an ordinary working time (tillsvidare and visstid; not hourly paid, not hired
-- staff) over their ordinary working time. The payroll export carries no scheduled hours, so the ordinary
-- working time of an employee-month is its sysselsättningsgrad times a full-time month's ordinary hours
-- (ordinary_full_time_hours, sql/macros/calendar.sql). Per month and whole year, per region, health centre and
-- hospital (the wards of the site together); persons: the employees behind each value (disclosure control).
-- A period a unit of it is missing from the payroll export has no value (core.staffing_coverage).
-- Only the years the build computes are read (in_scope: a year's value is its months', nothing before it).
WITH months AS (
    SELECT period, ordinary_full_time_hours(period) AS full_time_hours
    FROM (SELECT DISTINCT period FROM staging.staffing WHERE finding IS NULL AND in_scope(period))
), staff AS (
    SELECT s.period, s.county_code,
           CASE WHEN s.unit_type = 'vårdcentral' THEN s.unit_id WHEN s.unit_type = 'vårdavdelning' THEN u.hospital END
               AS unit_id,
           s.employee_id, s.sick_hours::DECIMAL(18, 2) AS sick_hours,
           s.fte::DECIMAL(18, 4) * m.full_time_hours AS ordinary_hours, s.synthetic
    FROM staging.staffing s
    JOIN months m USING (period)
    LEFT JOIN core.unit_months u ON u.unit_id = s.unit_id AND u.period = s.period
    WHERE s.finding IS NULL AND in_scope(s.period) AND NOT s.hired AND s.employment_form IN ('tillsvidare', 'visstid')
), periods AS (
    SELECT * FROM staff
    UNION ALL
    SELECT left(period, 4), * EXCLUDE (period) FROM staff
), summed AS (
    -- exact decimal sums, so the same data gives the same value whatever order the threads add in
    SELECT period, county_code, unit_id, sum(sick_hours)::DOUBLE AS sick_hours,
           sum(ordinary_hours)::DOUBLE AS ordinary_hours, count(DISTINCT employee_id) AS persons,
           bool_or(synthetic) AS synthetic, GROUPING(unit_id) = 0 AS by_unit
    FROM periods
    GROUP BY GROUPING SETS ((period, county_code), (period, county_code, unit_id))
)
SELECT s.county_code AS area_code, s.unit_id, s.period, 'T' AS sex, s.sick_hours AS numerator,
       s.ordinary_hours AS denominator, s.synthetic, s.persons, c.complete, c.coverage, c.note AS incomplete_note
FROM summed s
LEFT JOIN coverage_sites('core.staffing_coverage') c
       ON c.county_code = s.county_code AND c.period = s.period AND c.site IS NOT DISTINCT FROM s.unit_id
-- staff of other units belong to the region's value only
WHERE NOT (s.by_unit AND s.unit_id IS NULL)
