"""Data quality as a Dagster asset with one check per source: the GX suites over the staging tables.

It runs in the publish job, after every refresh whatever became of it, so a refused source's
staging table (as it was) is still validated and documented. Rows breaking a blocking rule are
already held out of the facts by the staging SQL (load_findings); the suites are the independent,
documented audit of the same rules, plus the warnings analysts should know about.
"""

import dagster as dg

from pipelines.progress import report
from pipelines.quality.suites import load_suites
from pipelines.warehouse import Warehouse, run_sql

SUITES = load_suites()
QUALITY_DIR = "quality"


@dg.asset(group_name="quality", kinds={"duckdb", "great_expectations"},
          check_specs=[dg.AssetCheckSpec(f"{name}_suite", asset="data_quality", description=suite.title)
                       for name, suite in SUITES.items()])
def data_quality(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Great Expectations suites over every regional staging table; Data Docs in <warehouse>/quality/."""
    from pipelines.quality.docs import write_data_docs  # imports GX: seconds, so only here
    from pipelines.quality.runner import validate_table

    outcomes, checks, summary = [], [], {}
    with warehouse.connect() as con:
        run_sql(con, "core/quality_results.sql")
        existing = {row[0] for row in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
        for name, suite in SUITES.items():
            if suite.table not in existing:
                report(context, f"quality: {name}: no staging table yet, not validated", warning=True)
                checks.append(dg.AssetCheckResult(check_name=f"{name}_suite", passed=True,
                                                  metadata={"validated": False}))
                continue
            outcome = validate_table(con, suite.table, suite)
            outcomes.append(outcome)
            failed = {r.rule: r.unexpected for r in outcome.failed}
            summary[name] = {r.rule: {"severity": r.severity, "rows": r.unexpected, "title": r.title}
                             for r in outcome.failed}
            report(context, f"quality: {name}: {len(outcome.rules)} rules over {outcome.rows:,} rows"
                            + (f"; failed: {', '.join(f'{k} ({v:,})' for k, v in failed.items())}" if failed else ""),
                   warning=bool(failed))
            checks.append(dg.AssetCheckResult(
                check_name=f"{name}_suite", passed=not outcome.failed,
                severity=dg.AssetCheckSeverity.ERROR if outcome.blocking_failed else dg.AssetCheckSeverity.WARN,
                metadata={"rows": outcome.rows, "rules": len(outcome.rules), "seconds": round(outcome.seconds, 1),
                          "failed_rules": dg.MetadataValue.json(failed)}))
        con.execute("DELETE FROM core.quality_results WHERE suite IN (SELECT unnest(?::VARCHAR[]))",
                    [[o.suite for o in outcomes]]).fetchall()
        con.executemany("INSERT INTO core.quality_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [[context.run_id, o.suite, r.rule, r.title, r.severity, r.success, r.evaluated, r.unexpected]
                         for o in outcomes for r in o.rules])
    index = write_data_docs(outcomes, warehouse.root / QUALITY_DIR) if outcomes else None
    if index:
        report(context, f"quality: Data Docs at {index}")
    return dg.MaterializeResult(
        metadata={"data_docs": dg.MetadataValue.path(str(index or "")), "failed": dg.MetadataValue.json(summary)},
        check_results=checks)
