-- Folkmängd: persons on 31 December.
SELECT area_code, period, sex, persons_total AS numerator, NULL::DOUBLE AS denominator, synthetic
FROM core.population_bands
