-- SCB's demographic dependency ratio (försörjningskvot): (persons 0–19 + persons 65+) / persons 20–64.
SELECT area_code, period, sex, persons_0_19 + persons_65plus AS numerator, persons_20_64 AS denominator, synthetic
FROM core.population_bands
