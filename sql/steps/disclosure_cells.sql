-- Disclosure control, step 1 of 2 (pipelines/disclosure.py runs it at every publication; README, "Disclosure
-- control"): every published cell that rests on a count of persons or events, its primary suppression, and
-- the groups of cells that add up to a published total. The live tables keep their true values; only what is
-- published is withheld (sql/publish/indicator_values.sql, listed_inhabitants.sql, goal_progress.sql,
-- benchmark_comparison.sql join disclosure_work).
-- Parameter: $min_count. A count greater than 0 and less than $min_count is small: 0 is shown.
-- Inputs: the temporary views disclosure_input_values (indicators.indicator_values), disclosure_input_catalogue
-- (core.indicators), disclosure_input_listing (core.listed_inhabitants, with the indicators' age group of each
-- band) and disclosure_input_areas (core.areas), which pipelines/disclosure.py makes empty where the table is
-- not there yet.

-- disclosure_work: one row per published cell that rests on a count of persons or events (copied into
-- publish.disclosure_cells for the years computed).
--   source       'indicator_values' (a value of indicators.indicator_values) or 'listed_inhabitants' (a row of the
--                listing: health centre, month, age band, sex)
--   suppressed, reason, pass   filled in by pipelines/disclosure.py from the cell's quantities at the end
-- disclosure_quantities: the counts of each cell that are protected, one row each.
--   quantity     'numerator' or 'denominator', where the catalogue says it counts persons or events
--                (indicators/<id>.yaml, disclosure); the listing's count is its numerator; 'persons' where the
--                catalogue says the value rests on the persons of its column persons (disclosure: persons)
--   q            the count; small: greater than 0 and less than $min_count (primary suppression)
--   secret       must not be published nor be computable from what is: small, or hidden to protect a
--                secret count (secondary); reason and pass (0 primary, n the n-th secondary pass) say why
-- A cell is withheld whole (its value, numerator, denominator and interval) when any of its counts is secret.
CREATE OR REPLACE TEMP TABLE disclosure_work AS
WITH cells AS (
    SELECT 'indicator_values' AS source, v.indicator_id, v.area_code, v.unit_id, v.period, v.sex, v.age_group,
           v.category, NULL::VARCHAR AS age_band,
           CASE WHEN i.disclosure_numerator <> 'none' THEN v.numerator END AS num_count,
           CASE WHEN i.disclosure_denominator <> 'none' THEN v.denominator END AS den_count,
           i.disclosure_numerator AS num_kind, i.disclosure_denominator AS den_kind,
           CASE WHEN i.disclosure_persons = 'persons' THEN v.persons::DOUBLE END AS persons_count
    FROM disclosure_input_values v
    JOIN disclosure_input_catalogue i USING (indicator_id)
    WHERE i.disclosure_numerator <> 'none' OR i.disclosure_denominator <> 'none' OR i.disclosure_persons = 'persons'
    UNION ALL
    SELECT 'listed_inhabitants', NULL, county_code, health_centre_id, period, sex, age_group, 'all', age_band,
           listed::DOUBLE, NULL, 'persons', 'none', NULL
    FROM disclosure_input_listing
)
-- cell_id: the year and the cell's place in its year, in key order (every group of cells lies within a year, so a
-- year is computed on its own, and its cells get the same ids whichever years are computed with it)
SELECT CAST(left(period, 4) AS BIGINT) * 1000000000
       + row_number() OVER (PARTITION BY left(period, 4)
                            ORDER BY source, indicator_id, area_code, unit_id NULLS FIRST, period, sex, age_group,
                                     category, age_band) AS cell_id,
       source, indicator_id, area_code, unit_id, period, sex, age_group, category, age_band, num_count, den_count,
       num_kind, den_kind, persons_count, false AS suppressed, NULL::VARCHAR AS reason, NULL::INTEGER AS pass
FROM cells;

CREATE OR REPLACE TEMP TABLE disclosure_quantities AS
WITH q AS (
    SELECT cell_id, 'numerator' AS quantity, num_count AS q, num_kind AS kind FROM disclosure_work
    WHERE num_kind <> 'none' AND num_count IS NOT NULL
    UNION ALL
    SELECT cell_id, 'denominator', den_count, den_kind FROM disclosure_work
    WHERE den_kind <> 'none' AND den_count IS NOT NULL
    UNION ALL
    -- the persons behind a value neither of whose parts counts them (the employees behind a sick-leave share)
    SELECT cell_id, 'persons', persons_count, 'persons' FROM disclosure_work WHERE persons_count IS NOT NULL
)
SELECT cell_id, quantity, q, kind, q > 0 AND q < $min_count AS small, q > 0 AND q < $min_count AS secret,
       CASE WHEN q > 0 AND q < $min_count THEN 'primary: fewer than ' || $min_count || ' ' || kind END AS reason,
       CASE WHEN q > 0 AND q < $min_count THEN 0 END AS pass
FROM q;

-- disclosure_relations: the groups a published total and its published parts form (is_total marks the
-- total), with the grouping that forms them; each holds for the numerators and for the denominators alike.
-- A group needs its total and at least one part.
CREATE OR REPLACE TEMP TABLE disclosure_relations AS
WITH v AS (
    SELECT * FROM disclosure_work WHERE source = 'indicator_values'
), members AS (
    -- sex: K + M = T, for the same indicator, area, unit, period, age group and category
    SELECT 'sex' AS grouping, concat_ws('|', indicator_id, area_code, coalesce(unit_id, '-'), period, age_group,
           category) AS group_key, sex = 'T' AS is_total, cell_id
    FROM v WHERE sex IN ('T', 'K', 'M')
    UNION ALL
    -- age groups add up to 'all'
    SELECT 'age_group', concat_ws('|', indicator_id, area_code, coalesce(unit_id, '-'), period, sex, category),
           age_group = 'all', cell_id
    FROM v
    UNION ALL
    -- categories (profession group, specialty) add up to 'all'
    SELECT 'category', concat_ws('|', indicator_id, area_code, coalesce(unit_id, '-'), period, sex, age_group),
           category = 'all', cell_id
    FROM v
    UNION ALL
    -- health centres and hospitals add up to the area's whole value (unit_id NULL)
    SELECT 'unit', concat_ws('|', indicator_id, area_code, period, sex, age_group, category), unit_id IS NULL,
           cell_id
    FROM v
    UNION ALL
    -- municipalities add up to their county, counties to Riket (the area's whole value)
    SELECT 'area', concat_ws('|', indicator_id, area_code, period, sex, age_group, category), true, cell_id
    FROM v WHERE unit_id IS NULL
    UNION ALL
    SELECT 'area', concat_ws('|', v.indicator_id, a.parent_code, v.period, v.sex, v.age_group, v.category), false,
           v.cell_id
    FROM v JOIN disclosure_input_areas a USING (area_code)
    WHERE v.unit_id IS NULL AND a.parent_code IS NOT NULL
    UNION ALL
    -- months add up to the year (a sum, or an average of the twelve: the same relation); counted also where
    -- the yearly value is December's, which the identity groups below cover exactly
    SELECT 'period', concat_ws('|', indicator_id, area_code, coalesce(unit_id, '-'), left(period, 4), sex,
           age_group, category), length(period) = 4, cell_id
    FROM v
    UNION ALL
    -- the listing's age bands (table listed_inhabitants) add up to the indicator's age group per health
    -- centre, month and sex
    SELECT 'age_band', concat_ws('|', area_code, unit_id, period, sex, age_group), true, cell_id
    FROM v
    WHERE indicator_id = 'listed_inhabitants' AND unit_id IS NOT NULL AND sex IN ('K', 'M') AND age_group <> 'all'
      AND category = 'all' AND length(period) = 7
    UNION ALL
    SELECT 'age_band', concat_ws('|', area_code, unit_id, period, sex, age_group), false, cell_id
    FROM disclosure_work WHERE source = 'listed_inhabitants'
), sums AS (
    SELECT * FROM members
    QUALIFY count(*) FILTER (WHERE is_total) OVER (PARTITION BY grouping, group_key) = 1
        AND count(*) FILTER (WHERE NOT is_total) OVER (PARTITION BY grouping, group_key) >= 1
), relations AS (
    SELECT dense_rank() OVER (ORDER BY grouping, group_key) AS relation_id, grouping, group_key, is_total, cell_id
    FROM sums
)
SELECT * FROM relations;

-- disclosure_identities: the same protected count published in two values or more (any indicator, the
-- same area, unit, sex, age group, category and month; a yearly value counts as December's, as the yearly
-- listed inhabitants are December's): one secret makes all of them secret.
CREATE OR REPLACE TEMP TABLE disclosure_identities AS
WITH keyed AS (
    SELECT q.cell_id, q.quantity,
           concat_ws('|', c.area_code, coalesce(c.unit_id, '-'), CASE WHEN length(c.period) = 4
                     THEN c.period || '-12' ELSE c.period END, c.sex, c.age_group, c.category,
                     round(q.q, 6)::VARCHAR) AS group_key
    FROM disclosure_quantities q
    JOIN disclosure_work c USING (cell_id)
    WHERE c.source = 'indicator_values' AND q.quantity <> 'persons'
)
SELECT dense_rank() OVER (ORDER BY group_key) AS relation_id, group_key, cell_id, quantity
FROM keyed
QUALIFY count(*) OVER (PARTITION BY group_key) >= 2;

SELECT (SELECT count(DISTINCT cell_id) FROM disclosure_quantities WHERE small) AS primary_cells,
       (SELECT count(*) FROM disclosure_work) AS cells;
