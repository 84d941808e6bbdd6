-- The organisation register: one row per unit version (valid_from..valid_to, NULL = still valid): health centres, wards with hospital and specialty, ambulance stations; care level, municipality, cost centre, VI 2000 activity.
SELECT unit_id, unit_name, unit_type, care_level, hospital, specialty, municipality_code, county_code, cost_centre,
       activity_code, valid_from, valid_to, synthetic
FROM core.units ORDER BY unit_id, valid_from
