-- Delivered rows held out of the facts (quarantined): source, file, row, column, the blocking rule broken (id and title) and the offending value as delivered (identities only as pseudonyms), and the run that loaded it.
-- source: the source the row was delivered in: organisation, listings, staffing, cost, beds or population
-- source_file: the file, path relative to <landing>/<source>/ (see source_files)
-- source_row: the row's line in a CSV file (header = 1, so the first data row is 2), its row in a Parquet file (from 1), or for SCB's files the line (JSON-stat: position in 'value', from 1)
-- column_name: the delivered column the finding names, as the source names it (e.g. 'sysselsättningsgrad')
-- rule: the first blocking rule the row breaks, its id in pipelines/quality/suites/<source>.yaml (see quality_rules)
-- rule_title: that rule's title, what it checks
-- value: the offending value as delivered (text; identities only as pseudonyms, never a personnummer); NULL where the field was empty
-- load_run: the refresh run (Dagster run id) that loaded the file version
-- acknowledged: true when an operator has acknowledged the file's quarantine for this rule (table decisions, vardpuls acknowledge): still held out of the facts, no longer failing the night
SELECT source, source_file, source_row, column_name, rule, rule_title, value, load_run, acknowledged
FROM core.quarantine ORDER BY source, source_file, source_row
