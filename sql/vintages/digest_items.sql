-- What the digest says of one release (digest_changes), section by section: the rows its sentences are made of,
-- at most $limit a section (the ones that matter most first: an area's whole value, a region before a municipality, the largest move), each
-- with the section's count of rows. Sections: new_periods (one row per indicator and period), revised, definitions
-- (one row per indicator), goals, warnings, suppressed, shown_again, incomplete, kolada, withdrawn.
WITH new_periods AS (
    SELECT 'new_periods' AS section, indicator_id, any_value(title) AS title, period, count(*) AS n,
           count(*) FILTER (WHERE value_after IS NULL AND incomplete_note IS NOT NULL) AS incomplete,
           bool_or(synthetic) AS synthetic, any_value(decimals) AS decimals,
           arg_min(value_after, area_code) FILTER (WHERE whole_area AND length(area_code) = 2 AND value_after IS NOT NULL) AS value_after,
           min(area_code) FILTER (WHERE whole_area AND length(area_code) = 2 AND value_after IS NOT NULL) AS area_code,
           arg_min(area_name, area_code) FILTER (WHERE whole_area AND length(area_code) = 2 AND value_after IS NOT NULL) AS area_name,
           any_value(source_files) AS source_files
    FROM digest_changes
    WHERE measure = 'indicator' AND change = 'new period'
    GROUP BY indicator_id, period
), definitions AS (
    SELECT 'definitions' AS section, indicator_id, any_value(title) AS title, count(*) AS n,
           min(definition_version_before) AS definition_version_before,
           max(definition_version_after) AS definition_version_after, bool_or(synthetic) AS synthetic
    FROM digest_changes
    WHERE measure = 'indicator' AND change = 'definition version changed'
    GROUP BY indicator_id
), rows AS (
    SELECT CASE WHEN measure = 'goal' AND change IN ('status changed', 'new goal', 'goal withdrawn') THEN 'goals'
                WHEN measure = 'kolada' THEN 'kolada'
                WHEN measure <> 'indicator' THEN NULL
                WHEN change = 'revised value' THEN 'revised'
                WHEN change = 'newly suppressed' THEN 'suppressed'
                WHEN change = 'no longer suppressed' THEN 'shown_again'
                WHEN change IN ('newly incomplete', 'complete again') THEN 'incomplete'
                WHEN change = 'withdrawn value' THEN 'withdrawn' END AS section, *
    FROM digest_changes
    UNION ALL BY NAME
    SELECT 'warnings' AS section, * FROM digest_changes WHERE anomaly IS NOT NULL
), ranked AS (
    SELECT *, count(*) OVER (PARTITION BY section) AS n,
           row_number() OVER (PARTITION BY section
                              ORDER BY whole_area DESC, length(area_code), abs(coalesce(move_share, 0)) DESC, indicator_id, area_code,
                                       unit_id NULLS FIRST, period, sex, age_group, category) AS rank
    FROM rows WHERE section IS NOT NULL
)
-- (the periods with values first: a period whose deliveries are all incomplete has none to show)
SELECT * FROM (SELECT *, row_number() OVER (ORDER BY incomplete = n, indicator_id, period) AS rank,
                      count(*) OVER () AS total FROM new_periods) WHERE rank <= $limit * 2
UNION ALL BY NAME
SELECT * FROM (SELECT *, row_number() OVER (ORDER BY indicator_id) AS rank, count(*) OVER () AS total
               FROM definitions) WHERE rank <= $limit
UNION ALL BY NAME
SELECT *, n AS total FROM ranked WHERE rank <= $limit
ORDER BY section, rank
