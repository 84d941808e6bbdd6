"""Validation suites of the staging tables, read from ``pipelines/quality/suites/<source>.yaml``.

A suite file names the table it checks and lists its rules::

    suite: staffing                      # the GX expectation suite's name: the source
    table: staging.staffing
    title: Employee-months from HR/payroll
    rules:
      - rule: fte_in_range               # short English id, unique in the suite
        title: Sysselsättningsgrad is between 0 and 1.5 per employee-month
        severity: blocking               # blocking: the row is unusable; warning: analysts should know
        type: ExpectColumnValuesToBeBetween          # a GX 1.x expectation class
        kwargs: {column: fte, min_value: 0, max_value: 1.5}
        shown_column: sysselsättningsgrad  # row-level rules: the Swedish header analysts see (formats.yaml)
        value_column: fte_text             # row-level rules: the delivered text shown as the offending value

Row-level rules are GX map expectations (a verdict per row: ``ExpectColumnValues...``,
``ExpectColumnPairValues...``, ``ExpectMulticolumn...``, ``ExpectColumnValueLengths...``); they need
``shown_column`` and ``value_column``. Table-level rules (``ExpectTableColumnsToMatchSet``) must not
have them. Two GX options are refused because the runner validates batch by batch: ``mostly`` (a
rule passes only with no unexpected row, so counts can be added across batches) and
``exact_match: true`` (the runner reads only the columns the suite uses). A ``row_condition`` is
written as GX's condition in dict form, e.g. ``{type: nullity, column: {name: valid_to_text},
is_null: false}``.

The source's column headers (for ``shown_column``) come from formats.yaml; a source not described
there (population, read by its own SCB reader) lists them in ``headers: [...]``.

Loading checks the file's structure without importing Great Expectations (slow to import);
``Suite.expectation_suite()`` builds the GX objects and reports a bad type or argument per rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.settings import PROJECT_ROOT
from pipelines.yaml_files import parse_yaml

SUITES_DIR = Path(__file__).with_name("suites")
# the regional sources' formats, read as data: their headers are what a rule may show
FORMATS = PROJECT_ROOT / "pipelines" / "regional" / "formats.yaml"
SEVERITIES = ("blocking", "warning")
# Every row must say where it came from: the failing rows are reported by these.
ROW_ID_COLUMNS = ("source_file", "source_row")
# GX map expectations judge each row; their class names start so.
ROW_LEVEL_PREFIXES = (
    "ExpectColumnValues",
    "ExpectColumnPairValues",
    "ExpectMulticolumn",
    "ExpectColumnValueLengths",
    "ExpectSelectColumnValues",
    "ExpectCompoundColumns",
)
RULE_KEYS = {"rule", "title", "severity", "type", "kwargs", "shown_column", "value_column"}


class SuiteError(ValueError):
    """A suite file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    rule: str
    title: str
    severity: str
    type: str
    kwargs: dict[str, Any] = field(hash=False, compare=False)
    shown_column: str | None = None
    value_column: str | None = None

    @property
    def row_level(self) -> bool:
        return self.type.startswith(ROW_LEVEL_PREFIXES)

    @property
    def columns(self) -> set[str]:
        """The table columns this rule reads (checked columns, condition columns and the shown value)."""
        kw = self.kwargs
        names = {kw.get(key) for key in ("column", "column_A", "column_B")}
        names.update(kw.get("column_list") or ())
        names.update(kw.get("column_set") or ())
        names.update(_condition_columns(kw.get("row_condition")))
        names.add(self.value_column)
        names.discard(None)
        return names

    def expectation(self):
        """The GX expectation, carrying rule, title and severity in its meta."""
        import great_expectations.expectations as gxe

        cls = getattr(gxe, self.type, None)
        if not isinstance(cls, type):
            raise SuiteError(f"rule {self.rule}: {self.type} is not a Great Expectations expectation class")
        try:
            return cls(
                **self.kwargs,
                description=f"{self.title} ({self.severity}, rule {self.rule})",
                meta={
                    "rule": self.rule,
                    "title": self.title,
                    "severity": self.severity,
                    "shown_column": self.shown_column,
                    "value_column": self.value_column,
                },
            )
        except Exception as error:  # pydantic reports bad or missing arguments
            raise SuiteError(f"rule {self.rule}: {self.type}({self.kwargs}) is not valid: {error}") from None


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    title: str
    rules: tuple[Rule, ...]
    path: Path | None = None

    @property
    def columns(self) -> list[str]:
        """Every column the suite reads, the row identifiers first."""
        used = set().union(*(rule.columns for rule in self.rules)) - set(ROW_ID_COLUMNS)
        return [*ROW_ID_COLUMNS, *sorted(used)]

    @property
    def value_columns(self) -> list[str]:
        return sorted({rule.value_column for rule in self.rules if rule.value_column})

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.rule == rule_id)

    def expectation_suite(self):
        """A new GX ExpectationSuite with one expectation per rule, in file order."""
        import great_expectations as gx

        try:
            expectations = [rule.expectation() for rule in self.rules]
        except SuiteError as error:
            raise SuiteError(f"{self._where}: {error}") from None
        return gx.ExpectationSuite(
            name=self.name, expectations=expectations, meta={"table": self.table, "title": self.title}
        )

    @property
    def _where(self) -> str:
        return str(self.path) if self.path else f"suite {self.name}"


def _condition_columns(condition: Any) -> set[str]:
    """Column names in a GX row_condition written as a dict (nested and/or conditions included)."""
    if isinstance(condition, dict):
        found = {condition["column"]["name"]} if isinstance(condition.get("column"), dict) else set()
        for part in condition.get("conditions", ()):
            found |= _condition_columns(part)
        return found
    return set()


def _require(ok: bool, where: str, message: str) -> None:
    if not ok:
        raise SuiteError(f"{where}: {message}")


def _parse_rule(raw: Any, where: str, headers: set[str]) -> Rule:
    _require(isinstance(raw, dict), where, "each rule must be a mapping")
    where = f"{where}: rule {raw.get('rule', '?')}"
    _require(not (unknown := set(raw) - RULE_KEYS), where, f"unknown key(s) {sorted(unknown)}")
    for key in ("rule", "title", "severity", "type"):
        _require(isinstance(raw.get(key), str) and raw[key].strip() != "", where, f"'{key}' is required")
    kwargs = raw.get("kwargs") or {}
    _require(isinstance(kwargs, dict), where, "'kwargs' must be a mapping")
    rule = Rule(
        rule=raw["rule"],
        title=raw["title"],
        severity=raw["severity"],
        type=raw["type"],
        kwargs=kwargs,
        shown_column=raw.get("shown_column"),
        value_column=raw.get("value_column"),
    )
    _require(rule.severity in SEVERITIES, where, f"severity must be one of {', '.join(SEVERITIES)}")
    _require("mostly" not in kwargs, where, "'mostly' is not supported: a rule passes only with no unexpected row")
    _require(
        kwargs.get("exact_match") is not True,
        where,
        "exact_match: true is not supported (the runner reads only the columns the suite uses)",
    )
    if rule.row_level:
        _require(
            bool(rule.shown_column) and bool(rule.value_column),
            where,
            "a row-level rule needs shown_column (the Swedish header) and value_column",
        )
        _require(
            rule.shown_column in headers,
            where,
            f"shown_column {rule.shown_column!r} is not a header of this source in formats.yaml",
        )
    else:
        _require(
            rule.shown_column is None and rule.value_column is None,
            where,
            "shown_column and value_column are for row-level rules only",
        )
    return rule


def parse_suite(doc: Any, path: Path | None = None, headers: set[str] | None = None) -> Suite:
    """A suite from its parsed YAML document; SuiteError names what is wrong.

    ``headers``: the source's delivered column headers (from its format); a source read by its own reader
    (SCB) lists them in the suite file instead (``headers: [...]``). A row-level rule's shown_column must be
    one of them.
    """
    where = str(path) if path else "suite"
    _require(isinstance(doc, dict), where, "expected a mapping with suite, table, title and rules")
    for key in ("suite", "table", "title"):
        _require(isinstance(doc.get(key), str) and doc[key] != "", where, f"'{key}' is required")
    if headers is not None:
        _require("headers" not in doc, where, "'headers' is only for sources not described in formats.yaml")
    else:
        listed = doc.get("headers")
        _require(
            isinstance(listed, list) and listed and all(isinstance(h, str) for h in listed),
            where,
            f"{doc['suite']!r} is not a source in formats.yaml: list the headers its rules may show ('headers: [...]')",
        )
        headers = set(listed)
    raw_rules = doc.get("rules")
    _require(isinstance(raw_rules, list) and len(raw_rules) > 0, where, "'rules' must be a non-empty list")
    rules = tuple(_parse_rule(raw, where, headers) for raw in raw_rules)
    ids = [rule.rule for rule in rules]
    _require(
        len(ids) == len(set(ids)), where, f"rule ids must be unique: {sorted({i for i in ids if ids.count(i) > 1})}"
    )
    return Suite(name=doc["suite"], table=doc["table"], title=doc["title"], rules=rules, path=path)


def load_suite(name: str, directory: Path = SUITES_DIR, headers: set[str] | None = None) -> Suite:
    """The suite of one source (``<directory>/<name>.yaml``)."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise SuiteError(f"{path}: no such suite file")
    return parse_suite(parse_yaml(path.read_text(encoding="utf-8")), path, headers)


def source_headers(name: str) -> set[str] | None:
    """The headers of a source described in formats.yaml (read as data), None for one that is not."""
    spec = (parse_yaml(FORMATS.read_text(encoding="utf-8")) or {}).get(name)
    return set(spec["columns"]) if spec else None


@cache
def load_suites(directory: Path = SUITES_DIR) -> dict[str, Suite]:
    """Every suite in the directory, by name (one per source)."""
    return {
        path.stem: load_suite(path.stem, directory, source_headers(path.stem))
        for path in sorted(directory.glob("*.yaml"))
    }
