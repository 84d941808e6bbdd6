-- Projected change of the 80+ population over ten years: from the last observed year before a projection
-- starts (its base year Y, 31 December, SCB BE0101) to the projection for Y + 10 (SCB BE0401).
-- The period is the base year. A projection whose ages 80 and over do not run without a gap to at least 90,
-- or with a missing cell, gives no value.
WITH base AS (
    SELECT area_code, min(year) - 1 AS base_year FROM core.population_projections GROUP BY area_code
), projected AS (
    SELECT p.area_code, b.base_year, p.sex,
           CASE WHEN count(*) = count(p.persons) AND max(p.age) >= 90 AND count(DISTINCT p.age) = max(p.age) - 79
                THEN sum(p.persons) END AS persons_80plus,
           bool_or(p.synthetic) AS synthetic
    FROM core.population_projections p
    JOIN base b ON b.area_code = p.area_code AND p.year = b.base_year + 10
    WHERE p.age >= 80
    GROUP BY p.area_code, b.base_year, p.sex
), by_sex AS (
    SELECT * FROM projected
    UNION ALL
    -- T: K + M where the projection is split by sex
    SELECT area_code, base_year, 'T', CASE WHEN count(*) = count(persons_80plus) THEN sum(persons_80plus) END,
           bool_or(synthetic)
    FROM projected
    GROUP BY area_code, base_year
    HAVING NOT bool_or(sex = 'T')
)
SELECT p.area_code, CAST(p.base_year AS VARCHAR) AS period, p.sex,
       p.persons_80plus - o.persons_80plus AS numerator, o.persons_80plus AS denominator,
       p.synthetic OR coalesce(o.synthetic, false) AS synthetic
FROM by_sex p
JOIN core.population_bands o ON o.area_code = p.area_code AND o.year = p.base_year AND o.sex = p.sex
