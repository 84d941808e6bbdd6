-- Children and young people 0–17 of all persons (barnuppdraget: the 0–17 breakdown of the population).
SELECT area_code, period, sex, persons_0_17 AS numerator, persons_total AS denominator, synthetic
FROM core.population_bands
