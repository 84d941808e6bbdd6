-- Every file version of an SCB table ({source}) with each year and area it delivered, as staging holds them (a
-- later file for an area and year replaces the earlier one there: the earlier's periods are kept in
-- meta.vintage_file_periods from the releases that published it).
SELECT '{source}' AS source, file_version_id, source_file, CAST(year AS VARCHAR) AS period,
       coalesce(area_code, '') AS area
FROM staging.{source}
WHERE year IS NOT NULL
GROUP BY ALL
