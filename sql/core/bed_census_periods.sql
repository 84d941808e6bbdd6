-- core.bed_census_periods: the 06:00 census summed over the days of each month and year, per county (hospital NULL) and per hospital; complete when every ward the register has open delivered a census every day of the period (core.beds_coverage: the county's wards, or the hospital's), else incomplete_note says which are missing; coverage the share of ward-days (a month) or complete months (a year) delivered.
-- partition: period year
WITH days AS (
    SELECT census_date, period, strftime(census_date, '%Y') AS year, county_code, hospital, beds_available,
           beds_occupied, overcrowded, outlying, discharge_ready, discharges, synthetic
    FROM core.bed_days
), periods AS (
    SELECT period, * EXCLUDE (period, year) FROM days
    UNION ALL
    SELECT year, * EXCLUDE (period, year) FROM days
), sums AS (
    SELECT period, county_code, hospital, count(DISTINCT census_date) AS days,
           sum(beds_available) AS bed_days_available, sum(beds_occupied) AS bed_days_occupied,
           sum(overcrowded) AS overcrowded, sum(outlying) AS outlying, sum(discharge_ready) AS discharge_ready,
           sum(discharges) AS discharges, bool_or(synthetic) AS synthetic
    FROM periods
    GROUP BY GROUPING SETS ((period, county_code), (period, county_code, hospital))
    -- a ward without a hospital counts for the region only
    HAVING NOT (GROUPING(hospital) = 0 AND hospital IS NULL)
)
SELECT s.*, coalesce(c.complete, false) AS complete, c.coverage, c.note AS incomplete_note
FROM sums s
LEFT JOIN coverage_sites('core.beds_coverage') c
       ON c.county_code = s.county_code AND c.period = s.period AND c.site IS NOT DISTINCT FROM s.hospital
