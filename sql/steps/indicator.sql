-- One indicator's values from its catalogue SQL (sql/catalogue/<id>.sql, {source} below: area_code, period, sex,
-- numerator, denominator, synthetic, and unit_id, age_group, category where the indicator breaks its value down
-- by them), the relation indicators.<id> of pipelines/graph/indicators.py, which fills in {source}, {defaults}
-- (the optional columns the SQL leaves out: unit_id NULL, age_group and category 'all', complete true, coverage,
-- incomplete_note and persons NULL), {indicator_id}, {version}, {kind} ('count' or 'ratio'), {scale} and
-- {statistic} ('wilson', 'poisson' or 'none') from the catalogue entry.
-- Incomplete inputs (README, "The indicators"): a catalogue SQL reading a regional source says whether every unit
-- the organisation register expects delivered what the value rests on (complete, from core.<source>_coverage),
-- the share that did (coverage) and what is missing (incomplete_note, in Swedish). An incomplete value is never
-- computed: value, numerator, denominator and interval are NULL and the row says why; a complete value has no
-- note. persons: the persons a value rests on where neither its numerator nor its denominator counts them (the
-- employees behind a sick-leave share), judged by disclosure control like a count of persons.
-- The value is the numerator (a count) or numerator / denominator times the scale (a ratio), NULL when the
-- denominator is 0 or missing. Confidence bounds come from sql/statistics/macros.sql: wilson_lower/upper(k, n)
-- are fractions (times the scale), poisson_lower/upper(o) limits of the observed count (divided by the
-- denominator, times the scale).
WITH source AS (
    SELECT *{defaults} FROM ({source})
), judged AS (
    -- a missing verdict counts as incomplete
    SELECT * REPLACE (coalesce(complete, false) AS complete,
                      CASE WHEN coalesce(complete, false) THEN numerator END AS numerator,
                      CASE WHEN coalesce(complete, false) THEN denominator END AS denominator)
    FROM source
), v AS (
    SELECT
        area_code, period, sex, unit_id, age_group, category, complete,
        CASE WHEN complete THEN 1.0 ELSE coverage::DOUBLE END AS coverage,
        CASE WHEN NOT complete THEN coalesce(incomplete_note, 'inte fullständigt levererat') END AS incomplete_note,
        CASE WHEN complete THEN persons::BIGINT END AS persons,
        numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator,
        CASE
            WHEN '{kind}' = 'count' THEN numerator::DOUBLE
            WHEN denominator > 0 THEN numerator::DOUBLE / denominator::DOUBLE * {scale}
        END AS value,
        -- a proportion needs 0 <= k <= n; a rate a count of 0 or more over a positive denominator
        '{statistic}' <> 'none' AND denominator > 0 AND numerator >= 0
            AND ('{statistic}' <> 'wilson' OR numerator <= denominator) AS with_ci,
        coalesce(synthetic, false) AS synthetic
    FROM judged
    WHERE area_code IS NOT NULL AND period IS NOT NULL AND sex IS NOT NULL
)
SELECT
    '{indicator_id}' AS indicator_id, area_code, period, sex, value, numerator, denominator,
    {version} AS definition_version, synthetic,
    unit_id::VARCHAR AS unit_id, coalesce(age_group, 'all') AS age_group, coalesce(category, 'all') AS category,
    CASE WHEN NOT with_ci THEN NULL
         WHEN '{statistic}' = 'wilson' THEN wilson_lower(numerator, denominator) * {scale}
         WHEN '{statistic}' = 'poisson' THEN poisson_lower(numerator) / denominator * {scale} END AS ci_lower,
    CASE WHEN NOT with_ci THEN NULL
         WHEN '{statistic}' = 'wilson' THEN wilson_upper(numerator, denominator) * {scale}
         WHEN '{statistic}' = 'poisson' THEN poisson_upper(numerator) / denominator * {scale} END AS ci_upper,
    CASE WHEN with_ci THEN '{statistic}' END AS ci_method,
    complete, coverage, incomplete_note, persons
FROM v
