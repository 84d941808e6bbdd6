"""Each suite's rules as asset checks on the staging asset they validate.

One check per rule (``staging/staffing`` · ``fte_in_range``), run by one Great Expectations audit of
the partitions the staging relation changed (pipelines/quality/audit.py). A blocking rule's check is
blocking: it fails (severity ERROR, so what reads the relation waits) when Great Expectations and the
quarantine's SQL disagree on which values break it or when the rule cannot be judged; rows that break it
are held out of the facts by the quarantine, which the check shows as a warning with their count. A
warning rule's check warns when rows break it. The results stay in ``meta`` per partition, for the
published ``quality_results`` and the Data Docs.
"""

import dagster as dg

from pipelines.graph.keys import REFRESH, stage_tags  # noqa: F401  (the checks run with their asset's job)
from pipelines.incremental import ALL, NONE, Scope, ensure_meta, pending, scope_of, stored_definition
from pipelines.progress import report
from pipelines.quality.audit import Audited, audit, outcome_of, suite_definition
from pipelines.quality.suites import Suite
from pipelines.relations import RelationFile
from pipelines.warehouse import Warehouse, register_macros, transaction


def audit_name(relation: str) -> str:
    return f"audit:{relation}"


def suite_checks(relation: RelationFile, suite: Suite) -> dg.AssetChecksDefinition:
    key = dg.AssetKey([relation.layer, relation.name])
    specs = [
        dg.AssetCheckSpec(
            rule.rule,
            asset=key,
            blocking=rule.severity == "blocking",
            description=f"{rule.title} ({rule.severity}; suite {suite.name}, {suite.path.name if suite.path else ''})",
        )
        for rule in suite.rules
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"{relation.name}_suite",
        description=f"The Great Expectations suite {suite.name}: {suite.title}",
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.connect() as con:
            register_macros(con)
            audited, outcome = run_audit(con, relation, suite, context.run.run_id)
        yield from results(relation, suite, audited, outcome)
        held = sum(r.unexpected for r in outcome.rules if r.severity == "blocking" and r.row_level)
        report(
            context,
            f"quality: {suite.name}: {len(audited.partitions)} partition"
            f"{'s' if len(audited.partitions) != 1 else ''} audited ({audited.rows:,} rows, "
            f"{audited.combinations:,} combinations of values, {audited.judged:,} of them new to Great "
            f"Expectations) in {audited.seconds:.1f} s"
            + (f"; {held:,} rows held out by blocking rules" if held else ""),
            warning=bool(audited.disagreements or audited.errors),
            detail=not held,
        )

    return _checks


def run_audit(con, relation: RelationFile, suite: Suite, run_id: str):
    """Audit the partitions the relation changed since the last audit (all of them when the suite changed)."""
    ensure_meta(con)
    name = audit_name(relation.relation)
    keys, last = pending(con, name, (relation.relation,))
    definition = suite_definition(suite)
    if stored_definition(con, name) != definition:
        scope = Scope(everything=True)
    else:
        scope = scope_of(keys, relation.partitioning)
    if scope.empty:
        # nothing changed since the last audit, the suite neither: its stored results stand (and Great
        # Expectations is not even imported)
        return Audited(suite.name, []), outcome_of(con, suite, relation.relation)
    if relation.partitioning is None:
        key_sql, where = f"'{NONE}'", "true"
        partitions = [NONE] if not scope.empty else []
    else:
        key_sql = relation.partitioning.key_sql("t." + relation.partitioning.column)
        if scope.everything:
            partitions = [
                p
                for (p,) in con.execute(
                    "SELECT partition FROM meta.partitions WHERE relation = ? ORDER BY 1", [relation.relation]
                ).fetchall()
            ]
            where = "true"
        else:
            # the partitions the relation changed (its own change keys), there now or gone
            partitions = sorted(p for p in keys if p != ALL)
            where = scope.where("t." + relation.partitioning.column)
    audited = audit(con, suite, relation.relation, where, key_sql, partitions, run_id)
    if scope.everything and relation.partitioning is not None:
        # partitions that no longer exist keep no results
        with transaction(con):
            con.execute(
                "DELETE FROM meta.audit_results WHERE suite = ? AND NOT list_contains(?::VARCHAR[], partition)",
                [suite.name, partitions],
            ).fetchall()
            con.execute(
                "DELETE FROM meta.audit_failing WHERE suite = ? AND NOT list_contains(?::VARCHAR[], partition)",
                [suite.name, partitions],
            ).fetchall()
    with transaction(con):
        for upstream, seq in last.items():
            con.execute("DELETE FROM meta.consumed WHERE relation = ? AND upstream = ?", [name, upstream]).fetchall()
            con.execute("INSERT INTO meta.consumed VALUES (?, ?, ?)", [name, upstream, seq]).fetchall()
        con.execute("DELETE FROM meta.definitions WHERE relation = ?", [name]).fetchall()
        con.execute("INSERT INTO meta.definitions VALUES (?, ?, ?, now())", [name, definition, run_id]).fetchall()
    return audited, outcome_of(con, suite, relation.relation)


def results(relation: RelationFile, suite: Suite, audited, outcome):
    key = dg.AssetKey([relation.layer, relation.name])
    for rule, rule_outcome in zip(suite.rules, outcome.rules):
        problem = audited.disagreements.get(rule.rule) or audited.errors.get(rule.rule)
        meta = {
            "severity": rule.severity,
            "evaluated": rule_outcome.evaluated,
            "unexpected": rule_outcome.unexpected,
            "partitions_audited": len(audited.partitions),
        }
        if rule_outcome.failing_rows:
            meta["first_failing_rows"] = dg.MetadataValue.json(
                [{"file": r.source_file, "row": r.source_row, "value": r.value} for r in rule_outcome.failing_rows[:5]]
            )
        if problem:
            yield dg.AssetCheckResult(
                check_name=rule.rule,
                asset_key=key,
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description=problem,
                metadata=meta,
            )
        elif not rule_outcome.success:
            what = (
                "held out of the facts (quarantine)"
                if rule.severity == "blocking" and rule.row_level
                else "break this warning rule"
                if rule.row_level
                else "the relation does not have these columns"
            )
            severity = (
                dg.AssetCheckSeverity.ERROR
                if not rule.row_level and rule.severity == "blocking"
                else dg.AssetCheckSeverity.WARN
            )
            yield dg.AssetCheckResult(
                check_name=rule.rule,
                asset_key=key,
                passed=False,
                severity=severity,
                description=f"{rule_outcome.unexpected:,} rows {what}" if rule.row_level else what,
                metadata=meta,
            )
        else:
            yield dg.AssetCheckResult(check_name=rule.rule, asset_key=key, passed=True, metadata=meta)
