"""The quarantine decision in SQL, written from the same suites Great Expectations validates.

A suite's blocking row-level rules decide which delivered rows stay out of the facts. The staging
SQL of a source builds a view ``staging.<source>_typed`` (typed columns, register joins, duplicate
and continuity columns); :func:`build_staging` turns it into the table ``staging.<source>`` with one
more column, ``finding``: ``[shown_column, rule, offending value]`` of the first blocking rule the
row breaks (suite order), NULL when it breaks none. ``core.quarantine`` lists the rows with a finding.

One definition, two engines: DuckDB applies the rules to every row when the facts are built (fast,
exact, no row leaves the database), and the GX suites audit the same table afterwards and render
Data Docs. The translation below follows GX's semantics for map expectations: NULLs are not judged
except by ``ExpectColumnValuesToNotBeNull``, a ``row_condition`` limits the rows judged, and a pair
rule with ``ignore_row_if: either_value_is_missing`` skips rows with a NULL on either side. A test
feeds every blocking rule a file that breaks it and checks both engines name the same rows.

Warnings are not translated: they never hold a row back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipelines.quality.suites import Rule, Suite, SuiteError

COMPARISON_OPERATORS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def literal(value: Any) -> str:
    """A SQL literal for a value from a suite file (strings quoted, booleans and numbers as they are)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise SuiteError(f"cannot write {value!r} as a SQL literal")


def column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def condition_sql(condition: dict | None) -> str | None:
    """GX's row_condition (dict form) as SQL; None when the rule judges every row."""
    if not condition:
        return None
    kind = condition.get("type")
    if kind == "nullity":
        return f"{column(condition['column']['name'])} IS {'' if condition['is_null'] else 'NOT '}NULL"
    if kind == "comparison" and condition.get("operator") in COMPARISON_OPERATORS:
        return (
            f"{column(condition['column']['name'])} {COMPARISON_OPERATORS[condition['operator']]} "
            f"{literal(condition['parameter'])}"
        )
    if kind in ("and", "or"):
        parts = [condition_sql(part) for part in condition.get("conditions", ())]
        return "(" + f" {kind.upper()} ".join(f"({p})" for p in parts) + ")"
    raise SuiteError(f"row_condition {condition!r} has no SQL translation")


def violation_sql(rule: Rule) -> str:
    """SQL that is true for exactly the rows GX counts as unexpected for this rule."""
    kw = rule.kwargs
    if rule.type == "ExpectColumnValuesToNotBeNull":
        broken = f"{column(kw['column'])} IS NULL"
    elif rule.type == "ExpectColumnValuesToBeInSet":
        values = ", ".join(literal(v) for v in kw["value_set"])
        broken = f"{column(kw['column'])} NOT IN ({values})"
    elif rule.type == "ExpectColumnValuesToNotBeInSet":
        values = ", ".join(literal(v) for v in kw["value_set"])
        broken = f"{column(kw['column'])} IN ({values})"
    elif rule.type == "ExpectColumnValuesToBeBetween":
        name, parts = column(kw["column"]), []
        if kw.get("min_value") is not None:
            parts.append(f"{name} {'<=' if kw.get('strict_min') else '<'} {literal(kw['min_value'])}")
        if kw.get("max_value") is not None:
            parts.append(f"{name} {'>=' if kw.get('strict_max') else '>'} {literal(kw['max_value'])}")
        if not parts:
            raise SuiteError(f"rule {rule.rule}: a range needs min_value or max_value")
        broken = " OR ".join(parts)
    elif rule.type == "ExpectColumnValuesToMatchRegex":
        broken = f"NOT regexp_matches({column(kw['column'])}, {literal(kw['regex'])})"
    elif rule.type == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = column(kw["column_A"]), column(kw["column_B"])
        broken = f"NOT ({a} {'>=' if kw.get('or_equal') else '>'} {b})"
    elif rule.type == "ExpectColumnPairValuesToBeEqual":
        broken = f"{column(kw['column_A'])} <> {column(kw['column_B'])}"
    else:
        raise SuiteError(
            f"rule {rule.rule}: {rule.type} has no SQL translation; a blocking row-level rule must use "
            "one of NotBeNull, BeInSet, NotBeInSet, BeBetween, MatchRegex, PairValuesAToBeGreaterThanB, "
            "PairValuesToBeEqual (or be a warning)"
        )
    # GX judges only non-NULL values (except NotBeNull) and, for pairs, skips a missing side.
    judged = []
    if rule.type != "ExpectColumnValuesToNotBeNull":
        names = [kw[key] for key in ("column", "column_A", "column_B") if key in kw]
        judged += [f"{column(name)} IS NOT NULL" for name in names]
    if condition := condition_sql(kw.get("row_condition")):
        judged.append(condition)
    return " AND ".join([*judged, f"({broken})"])


def finding_sql(suite: Suite) -> str:
    """CASE expression: [shown_column, rule, offending value] of the first blocking rule broken, else NULL."""
    arms = [
        f"    WHEN {violation_sql(rule)}\n        THEN [{literal(rule.shown_column)}, {literal(rule.rule)}, "
        f"CAST({column(rule.value_column)} AS VARCHAR)]"
        for rule in quarantine_rules(suite)
    ]
    if not arms:
        return "CAST(NULL AS VARCHAR[])"
    return "CASE\n" + "\n".join(arms) + "\nEND"


def quarantine_rules(suite: Suite) -> list[Rule]:
    """The rules that hold rows back: blocking and row-level, in suite order."""
    return [rule for rule in suite.rules if rule.severity == "blocking" and rule.row_level]


def build_staging(con, suite: Suite) -> None:
    """staging.<source> from staging.<source>_typed, with the finding column."""
    typed = f"{suite.table}_typed"
    con.execute(
        f"CREATE OR REPLACE TABLE {suite.table} AS\nSELECT *,\n{finding_sql(suite)} AS finding\nFROM {typed}"
    ).fetchall()
