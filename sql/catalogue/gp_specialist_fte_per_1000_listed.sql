-- FTE of specialists in general medicine employed at health centres per 1,000 listed inhabitants.
-- A period a health centre of it is missing from the listing or the payroll export has no value (core.gp_listing).
SELECT county_code AS area_code, unit_id, period, 'T' AS sex, fte AS numerator, listed AS denominator, synthetic,
       complete, coverage, incomplete_note
FROM core.gp_listing
WHERE variant = 'specialists'
