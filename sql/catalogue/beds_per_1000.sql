-- Available (disponibla) beds per 1,000 inhabitants: the beds available at 06:00 averaged over the days of
-- each month and year, over the population on 31 December of the year. A period a ward is missing days from
-- the census has no value (core.bed_census_periods).
SELECT b.county_code AS area_code, b.period, 'T' AS sex, b.bed_days_available / b.days AS numerator,
       p.persons_total AS denominator, b.synthetic OR coalesce(p.synthetic, false) AS synthetic,
       b.complete, b.coverage, b.incomplete_note
FROM core.bed_census_periods b
LEFT JOIN core.population_bands p
       ON p.area_code = b.county_code AND p.year = CAST(left(b.period, 4) AS INTEGER) AND p.sex = 'T'
WHERE b.hospital IS NULL
