-- core.areas: Riket, the 21 counties (= regions) and the 290 municipalities, codes as SCB writes them.
-- Parameters: $counties, $municipalities, $code_changes (paths of the bundled reference CSVs).
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.areas AS
SELECT '00' AS area_code, 'Riket' AS name, 'Riket' AS name_short, 'country' AS level, NULL::VARCHAR AS parent_code
UNION ALL
SELECT county_code, county_name, county_name_short, 'county', '00'
FROM read_csv($counties, header = true, all_varchar = true)
UNION ALL
SELECT municipality_code, municipality_name, municipality_name_short, 'municipality', county_code
FROM read_csv($municipalities, header = true, all_varchar = true)
ORDER BY area_code;

CREATE OR REPLACE TABLE core.area_code_changes AS
SELECT old_code, new_code, CAST(valid_to AS DATE) AS valid_to, reason
FROM read_csv($code_changes, header = true, all_varchar = true);
