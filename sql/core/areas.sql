-- core.areas: Riket, the 21 counties (= regions) and the 290 municipalities, codes as SCB writes them.
SELECT '00' AS area_code, 'Riket' AS name, 'Riket' AS name_short, 'country' AS level, NULL::VARCHAR AS parent_code
UNION ALL
SELECT county_code, county_name, county_name_short, 'county', '00'
FROM read_csv('{reference}/counties.csv', header = true, all_varchar = true)
UNION ALL
SELECT municipality_code, municipality_name, municipality_name_short, 'municipality', county_code
FROM read_csv('{reference}/municipalities.csv', header = true, all_varchar = true)
ORDER BY area_code
