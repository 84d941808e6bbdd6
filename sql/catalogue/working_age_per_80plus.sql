-- Persons of working age (20–64) per person aged 80 and over.
SELECT area_code, period, sex, persons_20_64 AS numerator, persons_80plus AS denominator, synthetic
FROM core.population_bands
