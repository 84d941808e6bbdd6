-- Persons 65+ of all persons.
SELECT area_code, period, sex, persons_65plus AS numerator, persons_total AS denominator, synthetic
FROM core.population_bands
