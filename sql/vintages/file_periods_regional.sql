-- Every file version of the region's sources with each period it delivered (a month, a day); '*' for a file
-- that replaces its source whole (the organisation register). A regional file is for the region: no area.
SELECT source, file_version_id, source_file,
       unnest(CASE WHEN coalesce(len(periods), 0) = 0 THEN ['*'] ELSE periods END) AS period, '' AS area
FROM raw.regional_files
