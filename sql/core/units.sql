-- core.units: the organisation register, one row per unit version (effective-dated); rows with a finding (pipelines/quality/suites/organisation.yaml) are held out.
SELECT unit_id, unit_name, unit_type, care_level, hospital, specialty, municipality_code,
       left(municipality_code, 2) AS county_code, cost_centre, activity_code, valid_from, valid_to,
       synthetic, source_file
FROM staging.organisation
WHERE finding IS NULL
ORDER BY unit_id, valid_from
