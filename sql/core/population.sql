-- core.population: persons by area, year (31 December), single year of age and sex.
--   * the cells as delivered (scb_persons, sql/macros/scb.sql: no total age row added, civil status and sex
--     totals taken as delivered or summed);
--   * ".." stays NULL (missing), never 0, and a sum over a missing cell is missing;
--   * a county (or Riket) is taken as delivered; only where it was not delivered (or was held out
--     because it contradicts its parts: staging/population.sql) is it summed from its parts, and only
--     when all of its parts are there, so nobody is counted twice;
--   * rows with a finding (pipelines/quality/suites/population.yaml) are quarantined, not counted.
WITH delivered AS (
    SELECT * FROM scb_persons('staging.population')
), county_years_to_sum AS (
    -- counties not delivered for a year whose every municipality was delivered that year
    SELECT a.parent_code AS area_code, d.year
    FROM delivered d JOIN core.areas a ON a.area_code = d.area_code AND a.level = 'municipality'
    GROUP BY a.parent_code, d.year
    HAVING count(DISTINCT d.area_code) = (SELECT count(*) FROM core.areas m
                                          WHERE m.level = 'municipality' AND m.parent_code = a.parent_code)
    EXCEPT
    SELECT area_code, year FROM delivered
), counties_from_municipalities AS (
    SELECT a.parent_code AS area_code, d.year, d.age, d.sex,
           CASE WHEN count(*) = count(d.persons) THEN sum(d.persons) END AS persons,
           bool_or(d.synthetic) AS synthetic
    FROM delivered d
    JOIN core.areas a ON a.area_code = d.area_code AND a.level = 'municipality'
    JOIN county_years_to_sum s ON s.area_code = a.parent_code AND s.year = d.year
    GROUP BY a.parent_code, d.year, d.age, d.sex
), counties AS (
    SELECT d.area_code, d.year, d.age, d.sex, d.persons, d.synthetic
    FROM delivered d JOIN core.areas a USING (area_code) WHERE a.level = 'county'
    UNION ALL
    SELECT * FROM counties_from_municipalities
), riket_years_to_sum AS (
    SELECT '00' AS area_code, year FROM counties
    GROUP BY year
    HAVING count(DISTINCT area_code) = (SELECT count(*) FROM core.areas WHERE level = 'county')
    EXCEPT
    SELECT area_code, year FROM delivered
), riket_from_counties AS (
    SELECT '00' AS area_code, c.year, c.age, c.sex,
           CASE WHEN count(*) = count(c.persons) THEN sum(c.persons) END AS persons,
           bool_or(c.synthetic) AS synthetic
    FROM counties c JOIN riket_years_to_sum USING (year)
    GROUP BY c.year, c.age, c.sex
)
SELECT area_code, year, age, sex, persons, 'delivered' AS derivation, synthetic, file_version_id
FROM delivered
UNION ALL
SELECT area_code, year, age, sex, persons, 'sum of municipalities', synthetic, NULL FROM counties_from_municipalities
UNION ALL
SELECT area_code, year, age, sex, persons, 'sum of counties', synthetic, NULL FROM riket_from_counties
ORDER BY area_code, year, age, sex
