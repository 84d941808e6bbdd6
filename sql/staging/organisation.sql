-- staging.organisation: the unit register typed, with what the checks need (earlier version's end, duplicates, register look-ups), and the finding of the first blocking rule of pipelines/quality/suites/organisation.yaml each row breaks (pipelines/quality/quarantine.py adds it); rows with a finding stay out of core.units.
WITH typed AS (
    SELECT
        r.source_file, r.source_row, r.load_run, r.synthetic,
        nullif(trim(r.unit_id), '') AS unit_id, nullif(trim(r.unit_name), '') AS unit_name,
        nullif(lower(trim(r.unit_type)), '') AS unit_type,
        nullif(lower(trim(r.care_level)), '') AS care_level, nullif(trim(r.hospital), '') AS hospital,
        nullif(trim(r.specialty), '') AS specialty, trim(r.municipality_code) AS municipality_code,
        nullif(trim(r.cost_centre), '') AS cost_centre, trim(r.activity_code) AS activity_code,
        parse_date(r.valid_from) AS valid_from, parse_date(r.valid_to) AS valid_to,
        r.valid_from AS valid_from_text, nullif(trim(r.valid_to), '') AS valid_to_text
    FROM raw.organisation r
), checked AS (
    SELECT
        t.*,
        lag(coalesce(t.valid_to, DATE '9999-12-31')) OVER (PARTITION BY t.unit_id ORDER BY t.valid_from, t.source_file, t.source_row)
            AS previous_valid_to,
        row_number() OVER (PARTITION BY t.unit_id, t.valid_from ORDER BY t.source_file, t.source_row) AS occurrence,
        m.area_code IS NOT NULL AS municipality_known,
        a.activity_code IS NOT NULL AS activity_known
    FROM typed t
    LEFT JOIN core.areas m ON m.area_code = t.municipality_code AND m.level = 'municipality'
    LEFT JOIN core.activity_areas a ON a.activity_code = t.activity_code
)
SELECT
    *
FROM checked
