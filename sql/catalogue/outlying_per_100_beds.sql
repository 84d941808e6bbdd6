-- Utlokaliseringar per 100 available beds: patients cared for on another ward at 06:00 over available beds, summed over the days.
-- Per region and hospital, each month and year of the 06:00 census; a period a ward of it is missing days
-- from the census has no value (core.bed_census_periods).
SELECT county_code AS area_code, hospital AS unit_id, period, 'T' AS sex, outlying AS numerator, bed_days_available AS denominator,
       synthetic, complete, coverage, incomplete_note
FROM core.bed_census_periods
