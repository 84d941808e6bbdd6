-- Persons on 31 December by area, year, single year of age (100 = 100 and over) and sex (K, M; T where the source had no split). derivation says whether the area was delivered or summed from its parts.
SELECT area_code, year, age, sex, persons, derivation, synthetic
FROM core.population ORDER BY area_code, year, age, sex
