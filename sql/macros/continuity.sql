-- Continuity of the regional sources' deliveries. A table macro: DuckDB binds it when it is created, so it
-- waits until the file register exists (pipelines.warehouse.register_macros).

-- Continuity of a monthly source: for the first row (by file and row) of each delivered month, how many months
-- are missing between it and the month delivered before it; the quality suites warn when that is more than 0.
-- Read from the file register and the first rows each file version delivered per month (meta.first_rows,
-- kept at load), not from the rows: the current version of a month is the last one that delivered it.
CREATE OR REPLACE MACRO month_gaps(source_name) AS TABLE
WITH current AS (
    SELECT p AS period, max(f.file_version_id) AS file_version_id
    FROM raw.regional_files f, unnest(f.periods) AS t(p)
    WHERE f.source = source_name
    GROUP BY p
), months AS (
    SELECT c.period, min({'f': r.source_file, 'r': r.source_row}) AS first_row
    FROM current c JOIN meta.first_rows r ON r.source = source_name AND r.file_version_id = c.file_version_id
                                          AND r.period = c.period
    GROUP BY c.period
), ordered AS (
    SELECT period, first_row, lag(period) OVER (ORDER BY period) AS previous_period FROM months
)
SELECT first_row.f AS source_file, first_row.r AS source_row,
       datediff('month', strptime(previous_period || '-01', '%Y-%m-%d'), strptime(period || '-01', '%Y-%m-%d')) - 1
           AS months_missing_before,
       period || ' (month delivered before it: ' || previous_period || ')' AS continuity_text
FROM ordered WHERE previous_period IS NOT NULL;
