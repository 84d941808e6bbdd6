-- The file versions loaded since the release before (a higher file version than the last one behind it), each
-- with every period it delivered and the version it replaced there: the latest earlier version of the same source
-- that delivered the same period (and, for SCB's tables, the same area); NULL where the period is new.
CREATE OR REPLACE TEMP TABLE vintage_known_file_periods AS
SELECT DISTINCT * FROM (
    SELECT source, file_version_id, source_file, period, area FROM vintage_file_periods
    UNION ALL
    SELECT source, file_version_id, source_file, period, area FROM meta.vintage_file_periods
);

CREATE OR REPLACE TEMP TABLE vintage_new_file_periods AS
WITH marks AS (
    SELECT unnest(file_versions, recursive := true) FROM meta.vintage_releases WHERE release = $previous_release
), fresh AS (
    SELECT p.* FROM vintage_known_file_periods p LEFT JOIN marks m USING (source)
    WHERE p.file_version_id > coalesce(m.file_version_id, -1)
), replaced AS (
    SELECT f.source, f.file_version_id, f.source_file, f.period, f.area,
           o.source_file AS replaced_file, o.file_version_id AS replaced_version_id
    FROM fresh f
    ASOF LEFT JOIN vintage_known_file_periods o
        ON f.source = o.source AND f.period = o.period AND f.area = o.area AND f.file_version_id > o.file_version_id
)
SELECT source, file_version_id, any_value(source_file) AS source_file, period,
       mode({'file': replaced_file, 'version': replaced_version_id})
           FILTER (WHERE replaced_file IS NOT NULL) AS replaced
FROM replaced
GROUP BY source, file_version_id, period;

-- the same, one row per file version (the version it replaced most of its periods' rows of)
CREATE OR REPLACE TEMP TABLE vintage_new_files AS
SELECT source, file_version_id, file, replaced.file AS replaced_file, replaced.version AS replaced_version_id, periods
FROM (
    SELECT source, file_version_id, any_value(source_file) AS file,
           mode(replaced) FILTER (WHERE replaced IS NOT NULL) AS replaced,
           list(DISTINCT period ORDER BY period) AS periods
    FROM vintage_new_file_periods
    GROUP BY source, file_version_id
);
