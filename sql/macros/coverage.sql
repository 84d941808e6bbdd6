-- Macros of the coverage relations (sql/core/<source>_coverage.sql): what the organisation register expects
-- each source to deliver, against what it delivered.

-- coverage_names(ids): unit ids as the subject of a sentence, in order: up to five, then 'och n till'.
CREATE OR REPLACE MACRO coverage_names(ids) AS
    array_to_string(list_slice(list_sort(ids), 1, 5), ', ')
    || CASE WHEN len(ids) > 5 THEN ' och ' || (len(ids) - 5) || ' till' ELSE '' END;

-- coverage_list(notes): notes joined with '; ', up to three, then 'och n till'.
CREATE OR REPLACE MACRO coverage_list(notes) AS
    CASE WHEN len(notes) = 0 THEN NULL
         ELSE array_to_string(list_slice(notes, 1, 3), '; ')
              || CASE WHEN len(notes) > 3 THEN '; och ' || (len(notes) - 3) || ' till' ELSE '' END END;

-- coverage_periods(units, source_name, source_sv, counted): a source's coverage from the units the register
-- expects, one input row per unit and month judged:
--   county_code, period ('YYYY-MM'), unit_id, unit_name, hospital (the unit's site, or NULL),
--   expected      what the unit owes that month: 1 (a monthly delivery) or the days it was open (the census)
--   delivered     what of it came: 0 or 1, or the days delivered
--   month_whole   the month is judged over all its days (the census: the delivered days span the whole month)
--   synthetic     the unit is synthetic (the register's datakälla)
-- source_sv is the source in Swedish, definite form ('listningen'), for the notes; counted says what the
-- month rows count ('health centres', 'ward-days', ...).
-- Out, four kinds of row (unit_id NULL: the county's):
--   unit and month    complete when the unit delivered all it owed and the month is judged whole;
--   county and month  expected and delivered summed over the units (units, or ward-days), complete when every
--                     unit is; missing_units the ids of those that are not (missing_named: id and name);
--   unit and year     expected: the months the unit was expected, delivered: its complete months; its name and
--                     hospital those of the year's last month judged (a unit renamed in the year: the new name);
--   county and year   expected 12 months, delivered the complete ones; complete when all twelve are.
-- coverage: delivered / expected. In Swedish: missing_note what is missing ('19-VC-005 saknas i listningen för 2024-03'), period_note what is
-- not whole ('vårdplatsläget för 2024-12 omfattar inte hela månaden'), note both; NULL when there is nothing.
CREATE OR REPLACE MACRO coverage_periods(units, source_name, source_sv, counted) AS TABLE
WITH unit_month AS (
    SELECT county_code, period, unit_id, max(unit_name) AS unit_name, max(hospital) AS hospital,
           sum(expected)::BIGINT AS expected, sum(delivered)::BIGINT AS delivered, bool_and(month_whole) AS month_whole,
           bool_or(synthetic) AS synthetic
    FROM query_table(units)
    GROUP BY county_code, period, unit_id
), unit_rows AS (
    SELECT *, delivered >= expected AND month_whole AS complete,
           CASE WHEN delivered < expected AND counted = 'ward-days'
                THEN unit_id || ' saknas i ' || source_sv || ' för ' || (expected - delivered) || ' av ' || expected
                     || ' dagar i ' || period
                WHEN delivered < expected THEN unit_id || ' saknas i ' || source_sv || ' för ' || period END
               AS missing_note,
           CASE WHEN NOT month_whole THEN source_sv || ' för ' || period || ' omfattar inte hela månaden' END
               AS period_note
    FROM unit_month
), county_rows AS (
    SELECT county_code, period, sum(expected)::BIGINT AS expected, sum(delivered)::BIGINT AS delivered,
           bool_and(complete) AS complete, max(period_note) AS period_note, bool_or(synthetic) AS synthetic,
           coalesce(list(unit_id ORDER BY unit_id) FILTER (WHERE delivered < expected), []) AS missing,
           coalesce(list(concat_ws(' ', unit_id, unit_name) ORDER BY unit_id) FILTER (WHERE delivered < expected), [])
               AS missing_named,
           CASE WHEN sum(delivered) = 0 THEN source_sv || ' saknas för ' || period
                WHEN bool_or(delivered < expected)
                THEN coverage_names(list(unit_id) FILTER (WHERE delivered < expected)) || ' saknas i ' || source_sv
                     || ' för ' || period END AS missing_note
    FROM unit_rows
    GROUP BY county_code, period
), years AS (
    -- a year is judged whole when all its twelve months are
    SELECT county_code, left(period, 4) AS year, count(*) FILTER (WHERE period_note IS NULL) = 12 AS whole,
           count(*) FILTER (WHERE complete)::BIGINT AS complete_months,
           coverage_list(coalesce(list(missing_note ORDER BY period) FILTER (WHERE missing_note IS NOT NULL), []))
               AS missing_note,
           list_sort(list_distinct(flatten(list(missing)))) AS missing,
           list_sort(list_distinct(flatten(list(missing_named)))) AS missing_named, bool_or(synthetic) AS synthetic
    FROM county_rows
    GROUP BY county_code, left(period, 4)
), unit_years AS (
    SELECT u.county_code, left(u.period, 4) AS year, u.unit_id, arg_max(u.unit_name, u.period) AS unit_name,
           arg_max(u.hospital, u.period) AS hospital, count(*)::BIGINT AS expected,
           count(*) FILTER (WHERE u.complete)::BIGINT AS delivered,
           bool_and(u.complete) AND any_value(y.whole) AS complete,
           coverage_list(coalesce(list(u.missing_note ORDER BY u.period) FILTER (WHERE u.missing_note IS NOT NULL), []))
               AS missing_note,
           any_value(y.whole) AS whole, bool_or(u.synthetic) AS synthetic
    FROM unit_rows u JOIN years y ON y.county_code = u.county_code AND y.year = left(u.period, 4)
    GROUP BY u.county_code, left(u.period, 4), u.unit_id
), all_rows AS (
    SELECT county_code, period, unit_id, unit_name, hospital, counted AS counted, expected, delivered, complete,
           NULL::VARCHAR[] AS missing_units, NULL::VARCHAR[] AS missing_named, missing_note, period_note, synthetic
    FROM unit_rows
    UNION ALL
    SELECT county_code, period, NULL, NULL, NULL, counted, expected, delivered, complete, missing, missing_named,
           missing_note, period_note, synthetic
    FROM county_rows
    UNION ALL
    SELECT county_code, year, unit_id, unit_name, hospital, 'months', expected, delivered, complete, NULL, NULL,
           missing_note, CASE WHEN NOT whole THEN source_sv || ' omfattar inte alla månader ' || year END, synthetic
    FROM unit_years
    UNION ALL
    SELECT county_code, year, NULL, NULL, NULL, 'months', 12, complete_months, complete_months = 12, missing,
           missing_named, missing_note,
           CASE WHEN complete_months < 12 THEN complete_months || ' av 12 månader ' || year || ' fullständiga i '
                                               || source_sv END, synthetic
    FROM years
)
SELECT source_name AS source, *, delivered / nullif(expected, 0) AS coverage,
       CASE WHEN NOT complete THEN concat_ws('; ', period_note, missing_note) END AS note
FROM all_rows;

-- coverage_sites(coverage): the verdicts of a coverage relation (named as a string: 'core.beds_coverage') per
-- county and period (site NULL), per unit (site: its unit_id) and per hospital (site: the hospital's name, its
-- units together): complete, coverage (the share delivered: units or ward-days of a month, complete months of a
-- year) and note (what is missing, in Swedish). Indicator inputs join it on county, period and their unit.
CREATE OR REPLACE MACRO coverage_sites(coverage) AS TABLE
WITH c AS (SELECT * FROM query_table(coverage))
SELECT county_code, period, unit_id AS site, complete, delivered / nullif(expected, 0) AS coverage, note
FROM c
UNION ALL
SELECT county_code, period, hospital, bool_and(complete), sum(delivered) / nullif(sum(expected), 0),
       CASE WHEN NOT bool_and(complete) THEN concat_ws('; ', max(period_note),
           coverage_list(coalesce(list(missing_note ORDER BY unit_id) FILTER (WHERE missing_note IS NOT NULL), []))) END
FROM c
WHERE unit_id IS NOT NULL AND hospital IS NOT NULL
GROUP BY county_code, period, hospital;
