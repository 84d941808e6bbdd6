-- The data-quality rules (Great Expectations suites over each source's staging table) over every partition of each source's staging table: rule, severity, rows judged, rows that broke it. Rows breaking a blocking rule are in quarantine and not in the facts.
-- suite: the source whose staging table the suite checks: organisation, listings, staffing, cost, beds or population; 'releases' for a release's checks against the release before (its warnings: release_changes.anomaly)
-- rule: the rule's id in pipelines/quality/suites/<suite>.yaml (see quality_rules)
-- title: what the rule checks, in words
-- severity: 'blocking' (rows breaking a row-level rule are quarantined, not in the facts) or 'warning' (reported only; the rows stay in the facts)
-- success: true when no row broke the rule (a table-level rule: when it holds)
-- evaluated: rows the rule judged: every row of the staging table, or for a rule with a row condition the rows meeting it
-- unexpected: rows that broke the rule (0 for table-level rules)
WITH rows_judged AS (
    SELECT suite, rule, sum(evaluated)::BIGINT AS evaluated, sum(unexpected)::BIGINT AS unexpected
    FROM meta.audit_results GROUP BY ALL
)
SELECT q.suite, q.rule, q.title, q.severity,
       CASE WHEN q.row_level THEN coalesce(j.unexpected, 0) = 0 ELSE coalesce(t.success, true) END AS success,
       CASE WHEN q.row_level THEN coalesce(j.evaluated, 0) ELSE coalesce(t.rows, 0) END AS evaluated,
       coalesce(j.unexpected, 0) AS unexpected
FROM core.quality_rules q
LEFT JOIN rows_judged j USING (suite, rule)
LEFT JOIN meta.audit_tables t USING (suite, rule)
WHERE q.suite IN (SELECT DISTINCT suite FROM meta.audit_results UNION SELECT suite FROM meta.audit_tables)
-- the release's own checks against the release before (pipelines/vintages: release_changes.anomaly)
UNION ALL
SELECT suite, rule, title, severity, success, evaluated, unexpected FROM release_checks
ORDER BY suite, rule
