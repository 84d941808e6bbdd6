-- Persons 80+ of all persons.
SELECT area_code, period, sex, persons_80plus AS numerator, persons_total AS denominator, synthetic
FROM core.population_bands
