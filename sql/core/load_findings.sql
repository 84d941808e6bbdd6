-- core.load_findings: every delivered row held out of the facts, with where it is and why.
-- (Validation suites and quarantine severities build on this; nothing is dropped silently.)
CREATE OR REPLACE TABLE core.load_findings AS
SELECT 'organisation' AS source, source_file, source_row, finding[1] AS column_name, finding[2] AS rule,
       finding[3] AS value, load_run FROM staging.organisation WHERE finding IS NOT NULL
UNION ALL
SELECT 'listings', source_file, source_row, finding[1], finding[2], finding[3], load_run
FROM staging.listings WHERE finding IS NOT NULL
UNION ALL
SELECT 'staffing', source_file, source_row, finding[1], finding[2], finding[3], load_run
FROM staging.staffing WHERE finding IS NOT NULL
UNION ALL
SELECT 'cost', source_file, source_row, finding[1], finding[2], finding[3], load_run
FROM staging.cost WHERE finding IS NOT NULL
UNION ALL
SELECT 'beds', source_file, source_row, finding[1], finding[2], finding[3], load_run
FROM staging.beds WHERE finding IS NOT NULL
ORDER BY source, source_file, source_row;
