"""The Great Expectations audit of a staging relation, partition by partition.

A suite's row-level rules are verdicts on each row from the values of a few of its columns (the rule's
column or columns and those of its ``row_condition``; for a not-null rule, only whether the value is
there). So the audit asks DuckDB for every distinct combination of those values in the partitions to
audit, with how many rows carry it, and Great Expectations judges every combination: the verdict every
row with those values gets, at the cost of the distinct values instead of the rows. The rows behind each
combination then give each rule's exact evaluated and unexpected rows per partition, and the first failing
rows are found by their values. Table-level rules (the columns the relation has) are judged on an empty
frame with the relation's columns.

For every blocking rule the quarantine's own SQL (pipelines/quality/quarantine.py) judges the same
combinations: the two engines must agree on every one, else the audit fails (the asset check is blocking,
so what reads the relation waits).

Great Expectations' verdict on a combination depends on nothing but the combination, the suite's definition
and the versions of GX, DuckDB and pandas that judged it, so each verdict is remembered
(``meta.audit_verdicts``): a combination judged before under the same definition and versions is not sent to
GX again (a night whose values were all seen before needs no GX at all), and the quarantine's SQL still judges
every combination against them. A set with a rule GX could not evaluate is not remembered.

Results are kept per partition (``meta.audit_results``, ``meta.audit_failing``): an incremental night
audits the partitions that changed, and the relation's totals are the sum over all of them, whatever order
they were audited in. Great Expectations judges in a process of its own (pipelines/quality/gx_process.py), which
a refresh starts early: importing it takes seconds.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import duckdb

from pipelines.quality import gx_process
from pipelines.quality.quarantine import column, condition_sql, violation_sql
from pipelines.quality.runner import FailingRow, RuleOutcome, SuiteOutcome
from pipelines.quality.suites import Rule, Suite

# failing rows kept per rule and partition (the smallest source_file, source_row)
FAILING_KEPT = 20


@dataclass
class Audited:
    """What one audit judged, and whether both engines agreed on every blocking rule."""

    suite: str
    partitions: list[str]
    rows: int = 0
    combinations: int = 0
    judged: int = 0  # combinations Great Expectations judged (the others' verdicts were remembered)
    seconds: float = 0.0
    disagreements: dict[str, str] = field(default_factory=dict)  # blocking rule -> what differed
    errors: dict[str, str] = field(default_factory=dict)  # rule -> why it could not be judged


def suite_definition(suite: Suite) -> str:
    text = suite.path.read_text(encoding="utf-8") if suite.path else repr(suite)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def verdict_definition(suite: Suite) -> str:
    """What a remembered verdict holds for: the suite's definition and the versions of what judged it."""
    versions = f"gx {version('great_expectations')} duckdb {duckdb.__version__} pandas {version('pandas')}"
    text = f"{suite_definition(suite)} {versions}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def judged_columns(rule: Rule) -> list[str]:
    """The columns a row-level rule's verdict depends on."""
    kw = rule.kwargs
    names = [kw[key] for key in ("column", "column_A", "column_B") if key in kw]
    return names + sorted(_condition_columns(kw.get("row_condition")) - set(names))


def _condition_columns(condition: Any) -> set[str]:
    if isinstance(condition, dict):
        found = {condition["column"]["name"]} if isinstance(condition.get("column"), dict) else set()
        for part in condition.get("conditions", ()):
            found |= _condition_columns(part)
        return found
    return set()


def _signature(rule: Rule) -> tuple[str, tuple[str, ...]]:
    """How a rule's combinations are formed: ('present', (column,)) for a not-null rule, else ('values', columns)."""
    if rule.type == "ExpectColumnValuesToNotBeNull" and not rule.kwargs.get("row_condition"):
        return "present", (rule.kwargs["column"],)
    return "values", tuple(judged_columns(rule))


def audit(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    relation: str,
    where: str,
    key_sql: str,
    partitions: list[str],
    run_id: str,
) -> Audited:
    """Audit the rows of ``relation`` meeting ``where`` (cut into partitions by ``key_sql``); store the results."""
    started = time.perf_counter()
    result = Audited(suite.name, partitions)
    types = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall()}
    row_rules = [rule for rule in suite.rules if rule.row_level]
    sets: dict[tuple, list[Rule]] = {}
    for rule in row_rules:
        missing = [name for name in judged_columns(rule) if name not in types]
        if missing:
            result.errors[rule.rule] = f"{relation} has no column {', '.join(missing)}"
        else:
            sets.setdefault(_signature(rule), []).append(rule)
    judged = sorted({name for _, names in sets for name in names})
    remembered = verdict_definition(suite)
    con.execute(
        "DELETE FROM meta.audit_verdicts WHERE suite = ? AND definition <> ?", [suite.name, remembered]
    ).fetchall()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE audit_tuples (_id BIGINT, _set INTEGER, _partition VARCHAR, "
        "_rows BIGINT" + "".join(f", {column(n)} {types[n]}" for n in judged) + ")"
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE audit_failed (rule VARCHAR, _id BIGINT)").fetchall()
    if partitions:
        result.rows = con.execute(f"SELECT count(*) FROM {relation} t WHERE {where}").fetchall()[0][0]
        for number, ((how, names), rules) in enumerate(sets.items()):
            cols = ", ".join(column(n) for n in names)
            if how == "present":
                grouped = f"{key_sql}, {column(names[0])} IS NULL"
                picked = f"any_value({column(names[0])})"
            else:
                grouped, picked = f"{key_sql}, {cols}", cols
            con.execute(
                f"INSERT INTO audit_tuples (_id, _set, _partition, _rows, {cols}) "
                f"SELECT (SELECT coalesce(max(_id), 0) FROM audit_tuples) + row_number() OVER (), {number}, *"
                f"FROM (SELECT {key_sql} AS _partition, count(*), {picked} FROM {relation} t WHERE {where} "
                f"GROUP BY {grouped})"
            ).fetchall()
            _judge(con, suite, remembered, number, (how, names), rules, result)
        result.combinations = con.execute("SELECT count(*) FROM audit_tuples").fetchall()[0][0]
    table_rules = [rule for rule in suite.rules if not rule.row_level]
    table_verdicts = _table_verdicts(con, suite, remembered, table_rules, relation, types, result)
    _store(con, suite, relation, where, key_sql, partitions, sets, table_verdicts, result, run_id)
    result.seconds = time.perf_counter() - started
    return result


def _judge(
    con, suite: Suite, remembered: str, number: int, signature: tuple, rules: list[Rule], result: Audited
) -> None:
    """Great Expectations' verdict on every distinct combination of one set (the same values in many partitions
    are judged once, and a combination judged before is remembered), checked against the SQL of the blocking
    rules."""
    how, names = signature
    cols = ", ".join(column(n) for n in names)
    # a not-null rule's verdict is whether the value is there; any other's the values themselves, kept as the MD5
    # of their JSON (which keeps NULL apart from the text 'NULL', and a number as its shortest exact form): no
    # value of the data is stored beside its verdict
    key = (
        f"md5(json_array({column(names[0])} IS NULL)::VARCHAR)"
        if how == "present"
        else f"md5(json_array({cols})::VARCHAR)"
    )
    kind = f"{how}: {', '.join(names)}"
    picked = ", ".join(f"any_value({column(n)}) AS {column(n)}" for n in names)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE audit_combos AS SELECT c.*, v.failed AS _remembered FROM ("
        f"  SELECT min(_id) AS _combo, list(_id) AS members, {picked}, _key "
        f"  FROM (SELECT *, {key} AS _key FROM audit_tuples WHERE _set = {number}) GROUP BY _key) c "
        "LEFT JOIN (SELECT combination, failed FROM meta.audit_verdicts WHERE suite = ? AND definition = ? "
        "           AND columns = ?) v ON v.combination = c._key",
        [suite.name, remembered, kind],
    ).fetchall()
    failed: dict[str, set[int]] = {rule.rule: set() for rule in rules}
    for combo, rule in con.execute(
        "SELECT _combo, unnest(_remembered) FROM audit_combos WHERE len(_remembered) > 0"
    ).fetchall():
        failed.setdefault(rule, set()).add(combo)
    frame = con.execute(f"SELECT _combo, {cols} FROM audit_combos WHERE _remembered IS NULL ORDER BY _combo").df()
    if not frame.empty:
        combos = frame.pop("_combo").tolist()
        new: list[tuple[int, str]] = []
        errors = False
        for verdict in gx_process.judge(f"{suite.name} audit {number}", rules, frame):
            if verdict.error is not None:
                result.errors[verdict.rule] = verdict.error
                errors = True
            broken = {combos[i] for i in verdict.unexpected_index_list}
            failed[verdict.rule] |= broken
            new += [(combo, verdict.rule) for combo in broken]
        result.judged += len(combos)
        if not errors:  # (a rule GX could not evaluate is asked again next time)
            con.execute(
                "INSERT INTO meta.audit_verdicts SELECT ?, ?, ?, c._key, "
                "coalesce(list(DISTINCT f.rule ORDER BY f.rule) FILTER (WHERE f.rule IS NOT NULL), []) "
                "FROM audit_combos c LEFT JOIN (SELECT unnest(?::BIGINT[]) AS combo, unnest(?::VARCHAR[]) AS rule) f "
                "  ON f.combo = c._combo WHERE c._remembered IS NULL GROUP BY c._key",
                [suite.name, remembered, kind, [c for c, _ in new], [r for _, r in new]],
            ).fetchall()
    for definition_of in rules:
        rule, gx_failed = definition_of.rule, failed[definition_of.rule]
        if definition_of.severity == "blocking":
            sql_failed = {
                row[0]
                for row in con.execute(
                    f"SELECT _combo FROM audit_combos WHERE {violation_sql(definition_of)}"
                ).fetchall()
            }
            if sql_failed != gx_failed:
                result.disagreements[rule] = (
                    f"Great Expectations finds {len(gx_failed)} combinations of values breaking it, the "
                    f"quarantine's SQL {len(sql_failed)} ({len(gx_failed ^ sql_failed)} differ)"
                )
        if gx_failed:
            con.execute(
                "INSERT INTO audit_failed SELECT ?, unnest(members) FROM audit_combos "
                "WHERE list_contains(?::BIGINT[], _combo)",
                [rule, sorted(gx_failed)],
            ).fetchall()


def _table_verdicts(
    con, suite: Suite, remembered: str, rules: list[Rule], relation: str, types: dict[str, str], result: Audited
) -> dict[str, bool]:
    """Table-level rules, judged by Great Expectations on the relation's columns (no rows needed; remembered
    for the same columns and types)."""
    if not rules:
        return {}
    key = hashlib.md5(json.dumps(sorted(types.items())).encode()).hexdigest()
    known = con.execute(
        "SELECT failed FROM meta.audit_verdicts WHERE suite = ? AND definition = ? AND columns = 'table' "
        "AND combination = ?",
        [suite.name, remembered, key],
    ).fetchall()
    if known:
        return {rule.rule: rule.rule not in known[0][0] for rule in rules}
    empty = con.execute(f"SELECT * FROM {relation} LIMIT 0").df()
    verdicts = {}
    for verdict in gx_process.judge(f"{suite.name} table", rules, empty):
        verdicts[verdict.rule] = verdict.success
        if verdict.error is not None:
            result.errors[verdict.rule] = verdict.error
    if not any(rule.rule in result.errors for rule in rules):
        con.execute(
            "INSERT INTO meta.audit_verdicts VALUES (?, ?, 'table', ?, ?)",
            [suite.name, remembered, key, sorted(rule for rule, ok in verdicts.items() if not ok)],
        ).fetchall()
    return verdicts


def _store(
    con,
    suite: Suite,
    relation: str,
    where: str,
    key_sql: str,
    partitions: list[str],
    sets: dict,
    table_verdicts: dict,
    result: Audited,
    run_id: str,
) -> None:
    definition = suite_definition(suite)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        for table in ("audit_results", "audit_failing"):
            con.execute(
                f"DELETE FROM meta.{table} WHERE suite = ? AND list_contains(?::VARCHAR[], partition)",
                [suite.name, partitions],
            ).fetchall()
        for number, ((how, names), rules) in enumerate(sets.items()):
            for rule in rules:
                condition = condition_sql(rule.kwargs.get("row_condition")) or "true"
                con.execute(
                    "INSERT INTO meta.audit_results "
                    "SELECT ?, ?, p.partition, coalesce(e.evaluated, 0), coalesce(u.unexpected, 0), ?, ? "
                    "FROM unnest(?::VARCHAR[]) p(partition) "
                    f"LEFT JOIN (SELECT _partition, sum(_rows) AS evaluated FROM audit_tuples "
                    f"           WHERE _set = {number} AND ({condition}) GROUP BY _partition) e "
                    "  ON e._partition = p.partition "
                    "LEFT JOIN (SELECT _partition, sum(_rows) AS unexpected FROM audit_tuples "
                    "           JOIN audit_failed USING (_id) WHERE rule = ? GROUP BY _partition) u "
                    "  ON u._partition = p.partition",
                    [suite.name, rule.rule, definition, run_id, partitions, rule.rule],
                ).fetchall()
                if not rule.value_column:
                    continue
                if how == "present":
                    match = f"(t.{column(names[0])} IS NULL) = (a.{column(names[0])} IS NULL)"
                else:
                    match = " AND ".join(f"t.{column(n)} IS NOT DISTINCT FROM a.{column(n)}" for n in names)
                con.execute(
                    "INSERT INTO meta.audit_failing SELECT ?, ?, partition, source_file, source_row, value, ? FROM ("
                    f"SELECT a._partition AS partition, t.source_file, t.source_row, "
                    f"CAST(t.{column(rule.value_column)} AS VARCHAR) AS value, "
                    f"row_number() OVER (PARTITION BY a._partition ORDER BY t.source_file, t.source_row) AS n "
                    f"FROM (SELECT * FROM audit_tuples JOIN audit_failed USING (_id) WHERE rule = ?) a "
                    f"JOIN (SELECT *, {key_sql} AS _key FROM {relation} t WHERE {where}) t "
                    f"  ON t._key = a._partition AND {match}) WHERE n <= {FAILING_KEPT}",
                    [suite.name, rule.rule, run_id, rule.rule],
                ).fetchall()
        con.execute("DELETE FROM meta.audit_tables WHERE suite = ?", [suite.name]).fetchall()
        total = con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]
        for rule, ok in table_verdicts.items():
            con.execute(
                "INSERT INTO meta.audit_tables VALUES (?, ?, ?, ?, ?)", [suite.name, rule, ok, total, run_id]
            ).fetchall()
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise


def outcome_of(con: duckdb.DuckDBPyConnection, suite: Suite, relation: str) -> SuiteOutcome:
    """The suite over the whole relation: every partition's results added up (what the checks and Data Docs show)."""
    totals = {
        rule: (e, u)
        for rule, e, u in con.execute(
            "SELECT rule, sum(evaluated)::BIGINT, sum(unexpected)::BIGINT FROM meta.audit_results WHERE suite = ? "
            "GROUP BY rule",
            [suite.name],
        ).fetchall()
    }
    tables = dict(con.execute("SELECT rule, success FROM meta.audit_tables WHERE suite = ?", [suite.name]).fetchall())
    failing: dict[str, list[FailingRow]] = {}
    for rule, source_file, source_row, value in con.execute(
        "SELECT rule, source_file, source_row, value FROM meta.audit_failing WHERE suite = ? "
        "QUALIFY row_number() OVER (PARTITION BY rule ORDER BY source_file, source_row) <= ? "
        "ORDER BY rule, source_file, source_row",
        [suite.name, FAILING_KEPT],
    ).fetchall():
        failing.setdefault(rule, []).append(
            FailingRow(source_file, int(source_row), suite.rule(rule).shown_column, value)
        )
    schema, name = relation.split(".")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
        "AND database_name = current_database()",
        [schema, name],
    ).fetchall()[0][0]
    rows = con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0] if exists else 0
    outcomes = []
    for rule in suite.rules:
        outcome = RuleOutcome(rule=rule.rule, title=rule.title, severity=rule.severity, row_level=rule.row_level)
        if rule.row_level:
            outcome.evaluated, outcome.unexpected = totals.get(rule.rule, (0, 0))
            outcome.success = outcome.unexpected == 0
            outcome.failing_rows = failing.get(rule.rule, [])
        else:
            outcome.evaluated = rows
            outcome.success = tables.get(rule.rule, True)
        outcomes.append(outcome)
    return SuiteOutcome(
        suite=suite.name, table=relation, rules=outcomes, rows=rows, batches=0, seconds=0.0, definition=suite
    )
