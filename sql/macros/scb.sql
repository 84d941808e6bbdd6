-- SCB tables of persons by region, civil status, age, sex and year (BE0101 population, BE0401 projections):
-- one reading for every such table, from its raw table (labels as delivered) and its file register.

-- scb_parsed(raw_table): the labels turned into codes. A NULL in a parsed column where a label was given means
-- it was not understood (sql/raw/scb_problems.sql refuses such a file before anything of it is kept).
CREATE OR REPLACE MACRO scb_parsed(raw_table) AS TABLE
WITH labels AS (
    SELECT
        r.*,
        trim(r.area_label) AS area_text,
        lower(trim(coalesce(r.civil_status_label, 'totalt'))) AS civil_text,
        lower(trim(r.age_label)) AS age_text,
        lower(trim(coalesce(r.sex_label, 'totalt'))) AS sex_text,
        regexp_replace(trim(coalesce(r.value_text, '')), '[\s\x{00A0}]', '', 'g') AS value_clean
    FROM query_table(raw_table) r
), parsed AS (
    SELECT
        *,
        -- "19 Västmanlands län" -> 19, "1980 Västerås" -> 1980, "2580" -> 2580, "Riket" -> 00
        CASE
            WHEN regexp_matches(area_text, '^(\d{4}|\d{2})(\s|$)') THEN regexp_extract(area_text, '^(\d{4}|\d{2})(\s|$)', 1)
            WHEN lower(area_text) IN ('riket', 'hela riket', 'sverige', 'sweden', 'totalt riket') THEN '00'
        END AS area_code_delivered,
        -- "totalt ålder" and its kin are totals: never added to the single ages
        regexp_matches(age_text, '^(tot|totalt|total|totalt ålder|total age|alla åldrar|samtliga åldrar)$') AS age_is_total,
        -- "0 år", "0", "100+ år", "100+" and PxWebApi v2's "100+1" -> 0 .. 100
        TRY_CAST(regexp_extract(age_text, '^(\d{1,3})(\+1|\+)?(\s*(år|years?))?$', 1) AS INTEGER) AS age_single,
        CASE
            WHEN sex_text IN ('män', 'man', 'men', 'males', 'male', '1', 'm') THEN 'M'
            WHEN sex_text IN ('kvinnor', 'kvinna', 'women', 'females', 'female', '2', 'k') THEN 'K'
            WHEN sex_text IN ('totalt', 'total', 'tot', '1+2', 'båda könen', 'both sexes', 't') THEN 'T'
        END AS sex,
        civil_text IN ('sc', 'tot', 'totalt', 'total', 'totalt civilstånd', 'samtliga civilstånd', 'alla') AS civil_is_total,
        TRY_CAST(regexp_extract(trim(period_label), '(\d{4})$', 1) AS INTEGER) AS year,
        -- SCB's symbols: ".." not available -> NULL, "." logically impossible -> NULL, "-" nothing to report -> 0
        CASE
            WHEN value_clean IN ('..', '.', '', '…') THEN NULL
            WHEN value_clean IN ('-', '–') THEN 0
            WHEN regexp_matches(value_clean, '^\d{1,12}$') THEN CAST(value_clean AS BIGINT)
        END AS persons,
        value_clean IN ('..', '.', '', '…', '-', '–') OR regexp_matches(value_clean, '^\d{1,12}$') AS value_understood
    FROM labels
)
SELECT
    p.file_version_id, p.source_file, p.source_row, p.source_column, p.load_run, p.civil_text,
    p.area_label, p.civil_status_label, p.age_label, p.sex_label, p.period_label, p.value_text,
    p.area_code_delivered,
    coalesce(c.new_code, p.area_code_delivered) AS area_code,
    p.age_is_total,
    CASE WHEN NOT p.age_is_total THEN p.age_single END AS age,
    p.sex, p.civil_is_total, p.year, p.persons, p.value_understood
FROM parsed p
LEFT JOIN core.area_code_changes c ON c.old_code = p.area_code_delivered;

-- scb_cells(raw_table, files_table): for each area and year the cells of the file version loaded last that
-- delivered it (a new version of a period replaces the old one; older versions stay in raw for lineage), with
-- what the checks of the table's suite need:
--   * occurrence: the same cell twice is counted once (the second is held out);
--   * years_after_delivery: how many years after its file's delivery the cell's year lies (BE0101 counts what was);
--   * parts_sum: for Riket and a county, the sum of its parts (counties; municipalities) for the same year,
--     civil status, age and sex, where every part delivered that cell with a number;
--   * parts_disagree: some cell of that area and year differs from the sum of its parts (the whole area-year
--     is then held out, and core.population sums it from its parts instead);
--   * years_missing_before: on the first row of an area's year, the years missing since its previous year.
CREATE OR REPLACE MACRO scb_cells(raw_table, files_table) AS TABLE
WITH parsed AS (
    SELECT * FROM scb_parsed(raw_table)
), winners AS (
    SELECT area_code, year, max(file_version_id) AS file_version_id FROM parsed GROUP BY area_code, year
), current AS (
    -- years_after_delivery: the cell's year after the year its file was delivered (its modification time)
    SELECT p.*, f.synthetic, p.year - year(f.modified_at) AS years_after_delivery
    FROM parsed p
    JOIN winners w USING (area_code, year, file_version_id)
    JOIN query_table(files_table) f USING (file_version_id)
), cells AS (
    SELECT c.*, a.level AS area_level, a.parent_code, a.area_code IS NOT NULL AS area_known,
           row_number() OVER (PARTITION BY c.area_code, c.year, c.civil_text, c.age_is_total, c.age, c.sex
                              ORDER BY c.source_file, c.source_row) AS occurrence
    FROM current c
    LEFT JOIN core.areas a USING (area_code)
), part_counts AS (
    SELECT parent_code AS area_code, count(*) AS parts FROM core.areas WHERE parent_code IS NOT NULL GROUP BY 1
), sums AS (
    SELECT c.parent_code AS area_code, c.year, c.civil_text, c.age_is_total, c.age, c.sex,
           CASE WHEN count(DISTINCT c.area_code) = any_value(n.parts) AND count(c.persons) = count(*)
                THEN sum(c.persons) END AS parts_sum
    FROM cells c JOIN part_counts n ON n.area_code = c.parent_code
    GROUP BY ALL
), first_rows AS (
    SELECT area_code, year, min({'f': source_file, 'r': source_row}) AS first_row FROM cells GROUP BY ALL
), year_gaps AS (
    SELECT area_code, year, first_row.f AS source_file, first_row.r AS source_row,
           year - lag(year) OVER (PARTITION BY area_code ORDER BY year) - 1 AS years_missing_before
    FROM first_rows
), checked AS (
    SELECT c.*, s.parts_sum,
           bool_or(coalesce(c.persons <> s.parts_sum, false)) OVER (PARTITION BY c.area_code, c.year) AS parts_disagree,
           g.years_missing_before
    FROM cells c
    LEFT JOIN sums s ON s.area_code = c.area_code AND s.year = c.year AND s.civil_text = c.civil_text
                    AND s.age_is_total = c.age_is_total AND s.age IS NOT DISTINCT FROM c.age AND s.sex = c.sex
    -- (one line of a wide file holds several years: the line alone does not name the cell)
    LEFT JOIN year_gaps g ON g.area_code = c.area_code AND g.year = c.year
                         AND g.source_file = c.source_file AND g.source_row = c.source_row
)
SELECT *,
       CASE WHEN parts_disagree THEN area_label || ' ' || coalesce(period_label, '') || ': '
            || coalesce(value_text, '') || CASE WHEN parts_sum IS NOT NULL AND persons <> parts_sum
                                               THEN ' (sum of its parts ' || parts_sum || ')' ELSE '' END END
           AS parts_check_text,
       CASE WHEN years_missing_before > 0 THEN area_label || ' ' || year END AS continuity_text
FROM checked;

-- scb_persons(staging_table): persons by area, year, single age and sex of the cells that passed the checks:
--   * "totalt ålder" rows are never added to the ages;
--   * civil status: SCB's total ("SC", "totalt") when delivered, else the sum of its parts;
--   * sex: K and M when delivered, T only where the file had no split by sex;
--   * ".." stays NULL (missing), never 0, and a sum over a missing cell is missing.
CREATE OR REPLACE MACRO scb_persons(staging_table) AS TABLE
WITH by_civil_status AS (
    SELECT
        area_code, year, age, sex,
        CASE
            WHEN bool_or(civil_is_total) THEN max(persons) FILTER (WHERE civil_is_total)
            WHEN count(*) = count(persons) THEN sum(persons)
        END AS persons,
        bool_or(synthetic) AS synthetic,
        max(file_version_id) AS file_version_id
    FROM query_table(staging_table)
    WHERE finding IS NULL AND NOT age_is_total
    GROUP BY area_code, year, age, sex
)
SELECT area_code, year, age, sex, persons, synthetic, file_version_id
FROM (
    SELECT *, bool_or(sex IN ('K', 'M')) OVER (PARTITION BY area_code, year, age) AS split_by_sex
    FROM by_civil_status
)
WHERE (split_by_sex AND sex IN ('K', 'M')) OR (NOT split_by_sex AND sex = 'T');
