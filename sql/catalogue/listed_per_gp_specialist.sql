-- Listed inhabitants per GP FTE: the doctors who count are specialists in general medicine employed by the region,
-- working at health centres (8 hours or more that month). Monthly, and yearly as 12-month averages.
-- A period a health centre of it is missing from the listing or the payroll export has no value (core.gp_listing).
SELECT county_code AS area_code, unit_id, period, 'T' AS sex, listed AS numerator, fte AS denominator, synthetic,
       complete, coverage, incomplete_note
FROM core.gp_listing
WHERE variant = 'specialists'
