-- Delivered rows held out of the facts, with source, file, row, column, the rule broken and the offending value (identities only as pseudonyms).
SELECT source, source_file, source_row, column_name, rule, value, load_run
FROM core.load_findings ORDER BY source, source_file, source_row
