-- Hospital sites with an inpatient ward of a specialty that had available beds at 06:00 on the last day of
-- the month (the year: 31 December). Category 'all': the number of site-and-specialty pairs. A month a ward
-- is missing days from the census has no value (core.beds_coverage).
WITH last_day AS (
    SELECT b.census_date, b.period, b.county_code, b.hospital, b.specialty, b.synthetic
    FROM core.bed_days b
    WHERE b.census_date = last_day(b.census_date) AND b.beds_available > 0
), periods AS (
    SELECT period, period AS month, county_code, hospital, specialty, synthetic FROM last_day
    UNION ALL
    SELECT strftime(census_date, '%Y'), period, county_code, hospital, specialty, synthetic FROM last_day
    WHERE month(census_date) = 12
), counted AS (
    SELECT county_code, period, any_value(month) AS month, coalesce(specialty, 'all') AS category,
           count(DISTINCT (hospital, specialty)) AS numerator, bool_or(synthetic) AS synthetic
    FROM periods
    GROUP BY GROUPING SETS ((period, county_code, specialty), (period, county_code))
)
SELECT s.county_code AS area_code, s.period, 'T' AS sex, s.category, s.numerator, NULL::DOUBLE AS denominator,
       s.synthetic, c.complete, c.coverage, c.note AS incomplete_note
FROM counted s
LEFT JOIN core.beds_coverage c ON c.county_code = s.county_code AND c.period = s.month AND c.unit_id IS NULL
