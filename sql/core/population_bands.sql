-- core.population_bands: persons per area, year and sex (K, M and T) in the age bands the demographic indicators use; a band is NULL (unknown) when any of its cells is missing ('..') or when the single ages delivered do not run without a gap from 0 to the top age (at least 90).
WITH by_sex AS (
    SELECT area_code, year, sex, age, persons, synthetic FROM core.population
    UNION ALL
    -- T: K + M where split by sex, else the delivered T
    SELECT area_code, year, 'T', age,
           CASE WHEN count(*) = count(persons) THEN sum(persons) END, bool_or(synthetic)
    FROM core.population
    GROUP BY area_code, year, age
    HAVING NOT bool_or(sex = 'T')
), banded AS (
    SELECT
        area_code, year, sex,
        min(age) = 0 AND max(age) >= 90 AND count(DISTINCT age) = max(age) + 1 AS ages_complete,
        band_sum(persons, true) AS persons_total,
        band_sum(persons, age <= 17) AS persons_0_17,
        band_sum(persons, age <= 19) AS persons_0_19,
        band_sum(persons, age BETWEEN 20 AND 64) AS persons_20_64,
        band_sum(persons, age >= 65) AS persons_65plus,
        band_sum(persons, age >= 80) AS persons_80plus,
        bool_or(synthetic) AS synthetic
    FROM by_sex
    GROUP BY area_code, year, sex
)
SELECT
    area_code, year, CAST(year AS VARCHAR) AS period, sex, ages_complete,
    CASE WHEN ages_complete THEN persons_total END AS persons_total,
    CASE WHEN ages_complete THEN persons_0_17 END AS persons_0_17,
    CASE WHEN ages_complete THEN persons_0_19 END AS persons_0_19,
    CASE WHEN ages_complete THEN persons_20_64 END AS persons_20_64,
    CASE WHEN ages_complete THEN persons_65plus END AS persons_65plus,
    CASE WHEN ages_complete THEN persons_80plus END AS persons_80plus,
    synthetic
FROM banded
