-- staging.organisation: the unit register typed and checked. finding = [column, rule, value] of the
-- first problem of a row (NULL: none); rows with a finding stay out of core.units.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE OR REPLACE TABLE staging.organisation AS
WITH typed AS (
    SELECT
        r.source_file, r.source_row, r.load_run, r.synthetic,
        trim(r.unit_id) AS unit_id, trim(r.unit_name) AS unit_name, lower(trim(r.unit_type)) AS unit_type,
        lower(trim(r.care_level)) AS care_level, nullif(trim(r.hospital), '') AS hospital,
        nullif(trim(r.specialty), '') AS specialty, trim(r.municipality_code) AS municipality_code,
        trim(r.cost_centre) AS cost_centre, trim(r.activity_code) AS activity_code,
        parse_date(r.valid_from) AS valid_from, parse_date(r.valid_to) AS valid_to,
        r.valid_from AS valid_from_text, r.valid_to AS valid_to_text
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
    *,
    CASE
        WHEN is_blank(unit_id) THEN ['enhets_id', 'missing value', unit_id]
        WHEN is_blank(unit_name) THEN ['enhetsnamn', 'missing value', unit_name]
        WHEN unit_type IS NULL OR unit_type NOT IN ('vårdcentral', 'vårdavdelning', 'ambulansstation', 'övrig')
            THEN ['enhetstyp', 'not one of vårdcentral, vårdavdelning, ambulansstation, övrig', unit_type]
        WHEN care_level IS NULL OR care_level NOT IN ('primärvård', 'specialiserad somatisk vård', 'specialiserad psykiatrisk vård',
                                'ambulanssjukvård', 'tandvård', 'övrig hälso- och sjukvård', 'regional utveckling')
            THEN ['vårdnivå', 'not a known care level', care_level]
        WHEN NOT municipality_known THEN ['kommunkod', 'not a municipality code in the area register', municipality_code]
        WHEN is_blank(cost_centre) THEN ['kostnadsställe', 'missing value', cost_centre]
        WHEN NOT activity_known THEN ['verksamhet', 'not a VI 2000 activity code in data/reference/activity_areas.csv', activity_code]
        WHEN valid_from IS NULL THEN ['giltig_från', 'not a date (YYYY-MM-DD)', valid_from_text]
        WHEN NOT is_blank(valid_to_text) AND valid_to IS NULL THEN ['giltig_till', 'not a date (YYYY-MM-DD)', valid_to_text]
        WHEN valid_to < valid_from THEN ['giltig_till', 'ends before it starts (giltig_från ' || valid_from_text || ')', valid_to_text]
        WHEN occurrence > 1 THEN ['enhets_id', 'duplicated unit version (same enhets_id and giltig_från)', unit_id]
        WHEN previous_valid_to >= valid_from THEN ['giltig_från', 'overlaps an earlier version of the same unit', valid_from_text]
    END AS finding
FROM checked;
