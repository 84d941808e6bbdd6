-- Staff turnover: permanent (tillsvidare) region-employed staff in December of the year before who have no
-- employee-month anywhere in the region in December of the year, of all of them. A year either December of
-- it misses a unit of the payroll export has no value (core.staff_leavers).
SELECT county_code AS area_code, CAST(year AS VARCHAR) AS period, 'T' AS sex, left_by_end AS numerator,
       permanent_at_start AS denominator, synthetic, complete, coverage, incomplete_note
FROM core.staff_leavers
