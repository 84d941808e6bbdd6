"""Run a validation suite over a DuckDB table with Great Expectations, batch by batch.

API::

    validate_table(con: duckdb.DuckDBPyConnection, table: str, suite: Suite, *,
                   rows_per_batch: int = 1_000_000, where: str | None = None,
                   max_failing_rows: int = 1000, run_name: str | None = None) -> SuiteOutcome

- ``table`` is a (schema-qualified) table or view name, e.g. ``staging.staffing``; ``where`` an
  optional SQL condition on it (``"period >= '2024-01'"``), written into the query as given.
- Only the columns the suite uses are read (``Suite.columns``: ``source_file``, ``source_row``, the
  checked columns and the value columns). A column the suite uses that the table lacks fails the
  suite's ``columns_present`` rule, and a rule that reads it fails with ``error`` set; a table without
  ``source_file``/``source_row`` is refused with ValueError.
- The rows stream out of DuckDB as Arrow record batches
  (``con.sql(query).to_arrow_reader(rows_per_batch)``), gathered into pandas DataFrames of exactly
  ``rows_per_batch`` rows (the last one fewer). Each frame is validated by a GX
  ``ValidationDefinition`` (ephemeral context, pandas datasource, dataframe asset, whole-dataframe
  batch definition) and dropped, so at most one batch is in pandas at a time. GX stores each batch's
  result in its in-memory store under the same key (run id, batch id): only the latest is held.
- ``result_format`` is COMPLETE: GX lists every failing row of a batch by its index in the frame, and
  the runner looks up ``source_file``, ``source_row`` and the rule's ``value_column`` there. (GX's
  ``unexpected_index_column_names=["source_file", "source_row"]`` works for pandas in GX 1.24 but
  costs ~0.1 ms per failing row, about an hour when a rule fails on a whole national table; the
  frame index costs ~10 µs, most of it GX serialising the result into its store.)
- Results are added up across batches: evaluated rows and unexpected counts are exact sums; a rule
  passes when no batch found an unexpected row (suites may not use ``mostly``). The failing rows of a
  rule are kept up to ``max_failing_rows``: those with the smallest (source_file, source_row), so
  the list does not depend on the batch size.

``SuiteOutcome``: ``suite``, ``table``, ``rules`` (one ``RuleOutcome`` per rule, in suite order),
``rows``, ``batches``, ``seconds``, ``blocking_failed`` (a blocking rule failed), ``warnings`` (the
failed warning rules), ``failed`` (every failed rule), ``rule(id)``, and ``gx_result``: the added-up
``ExpectationSuiteValidationResult`` that ``docs.write_data_docs`` renders.

``RuleOutcome``: ``rule``, ``title``, ``severity``, ``success``, ``evaluated`` (rows the rule judged;
for a rule with a row_condition the rows meeting it; for a table-level rule every row), ``unexpected``
(rows that broke it; 0 for table-level rules), ``row_level``, ``failing_rows`` (``FailingRow``:
source_file, source_row, shown_column, value: the delivered text of ``value_column``), ``truncated``
(more rows failed than were kept) and ``error`` (GX could not evaluate the rule, e.g. a missing
column).

Great Expectations is imported on first use (importing it takes seconds).
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
import pyarrow as pa

from pipelines.quality.suites import ROW_ID_COLUMNS, Rule, Suite

if TYPE_CHECKING:
    import duckdb

# No usage statistics: the warehouse machines have no network (set before GX is first imported).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

TABLE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*){0,2}")
# Sample values kept in the GX result for Data Docs' "sample unexpected values".
PARTIAL_UNEXPECTED = 20
# COMPLETE: every failing row of a batch by its index in the frame (see the module docstring);
# the values come from the frame, not from GX.
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "return_unexpected_index_query": False,
    "exclude_unexpected_values": True,
    "partial_unexpected_count": PARTIAL_UNEXPECTED,
}


class FailingRow(NamedTuple):
    source_file: str
    source_row: int
    shown_column: str
    value: str | None


@dataclass
class RuleOutcome:
    rule: str
    title: str
    severity: str
    row_level: bool
    success: bool = True
    evaluated: int = 0
    unexpected: int = 0
    failing_rows: list[FailingRow] = field(default_factory=list)
    error: str | None = None

    @property
    def truncated(self) -> bool:
        return len(self.failing_rows) < self.unexpected


@dataclass
class SuiteOutcome:
    suite: str
    table: str
    rules: list[RuleOutcome]
    rows: int
    batches: int
    seconds: float
    definition: Suite = field(repr=False)
    gx_result: Any = field(default=None, repr=False)

    @property
    def failed(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.rules if not outcome.success]

    @property
    def blocking_failed(self) -> bool:
        return any(outcome.severity == "blocking" for outcome in self.failed)

    @property
    def warnings(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.failed if outcome.severity == "warning"]

    def rule(self, rule_id: str) -> RuleOutcome:
        return next(outcome for outcome in self.rules if outcome.rule == rule_id)


def gx_context():
    """An ephemeral GX context: stores in memory, no analytics, no progress bars."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _validation_definition(suite: Suite, table: str):
    import great_expectations as gx

    context = gx_context()
    batches = (
        context.data_sources.add_pandas("vardpuls")
        .add_dataframe_asset(name=table)
        .add_batch_definition_whole_dataframe("batch")
    )
    expectation_suite = context.suites.add(suite.expectation_suite())
    return context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite.name} on {table}", data=batches, suite=expectation_suite)
    )


def _text(value: Any) -> str | None:
    """A value as the text shown to analysts (None for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _error_message(exception_info: Any) -> str | None:
    """The first raised exception's message in GX's exception_info (flat, or one entry per metric)."""
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "error")
    for nested in exception_info.values():
        if message := _error_message(nested):
            return message
    return None


class _Tally:
    """One rule's results added up over batches."""

    def __init__(self, rule: Rule, max_failing_rows: int):
        self.rule = rule
        self.max_failing_rows = max_failing_rows
        self.outcome = RuleOutcome(rule=rule.rule, title=rule.title, severity=rule.severity, row_level=rule.row_level)
        self.missing: int | None = None
        self.config = None
        self.table_result: dict | None = None  # table-level: the first failing batch's result, else the first
        self.table_result_passed = True

    def add(self, result, frame: pd.DataFrame) -> None:
        outcome, body = self.outcome, dict(result.result or {})
        self.config = self.config or result.expectation_config
        if (message := _error_message(result.exception_info)) and outcome.error is None:
            outcome.error = message
        if not result.success:
            outcome.success = False
        if not self.rule.row_level:
            outcome.evaluated += len(frame)
            if self.table_result is None or (self.table_result_passed and not result.success):
                self.table_result, self.table_result_passed = body, bool(result.success)
            return
        outcome.evaluated += body.get("element_count") or 0
        outcome.unexpected += body.get("unexpected_count") or 0
        if "missing_count" in body:
            self.missing = (self.missing or 0) + (body["missing_count"] or 0)
        # GX lists the failing rows by the frame's index: look them up, keep the first by (source_file, source_row)
        if self.max_failing_rows and (labels := body.get("unexpected_index_list")):
            rows = frame.loc[labels].sort_values(list(ROW_ID_COLUMNS)).head(self.max_failing_rows)
            values = rows[self.rule.value_column] if self.rule.value_column in rows else [None] * len(rows)
            found = [
                FailingRow(file, int(row), self.rule.shown_column, _text(value))
                for file, row, value in zip(rows["source_file"], rows["source_row"], values)
            ]
            outcome.failing_rows = heapq.nsmallest(
                self.max_failing_rows, outcome.failing_rows + found, key=lambda row: (row.source_file, row.source_row)
            )

    def gx_result(self):
        """This rule's added-up ExpectationValidationResult, shaped as GX's own COMPLETE result."""
        from great_expectations.core import ExpectationValidationResult

        outcome = self.outcome
        if self.rule.row_level:
            body = _map_result(outcome, self.missing, self.rule.value_column)
        else:
            body = self.table_result or {}
        return ExpectationValidationResult(
            success=outcome.success,
            expectation_config=self.config,
            result=body,
            exception_info={
                "raised_exception": outcome.error is not None,
                "exception_message": outcome.error,
                "exception_traceback": None,
            },
        )


def _map_result(outcome: RuleOutcome, missing: int | None, value_column: str) -> dict:
    """A map expectation's COMPLETE result body from the added-up counts and the kept failing rows."""
    evaluated, unexpected = outcome.evaluated, outcome.unexpected
    judged = evaluated - (missing or 0)
    index_rows = [
        {value_column: row.value, "source_file": row.source_file, "source_row": row.source_row}
        for row in outcome.failing_rows
    ]
    values = [row.value for row in outcome.failing_rows]
    body = {
        "element_count": evaluated,
        "unexpected_count": unexpected,
        "unexpected_percent": unexpected / judged * 100 if judged else None,
        "partial_unexpected_list": values[:PARTIAL_UNEXPECTED],
        "partial_unexpected_counts": [
            {"value": value, "count": count} for value, count in Counter(values).most_common(PARTIAL_UNEXPECTED)
        ],
        "partial_unexpected_index_list": index_rows[:PARTIAL_UNEXPECTED],
        "unexpected_list": values,
        "unexpected_index_list": index_rows,
        "unexpected_index_column_names": list(ROW_ID_COLUMNS),
    }
    if missing is not None:
        body.update(
            missing_count=missing,
            missing_percent=missing / evaluated * 100 if evaluated else None,
            unexpected_percent_total=unexpected / evaluated * 100 if evaluated else None,
            unexpected_percent_nonmissing=body["unexpected_percent"],
        )
    return body


def _suite_result(suite: Suite, tallies: list[_Tally], first_meta: dict, batch_id: str | None, extra: dict):
    from great_expectations.core import ExpectationSuiteValidationResult

    results = [tally.gx_result() for tally in tallies]
    passed = sum(result.success for result in results)
    result = ExpectationSuiteValidationResult(
        success=passed == len(results),
        results=results,
        suite_name=suite.name,
        batch_id=batch_id,
        statistics={
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": passed / len(results) * 100 if results else None,
        },
    )
    # the batch GX saw is one of many: describe what was read instead (shown under "Batch Spec")
    result.meta = {**first_meta, "batch_spec": extra, "batch_markers": {}, "batch_parameters": None}
    return result


def _frames(reader: pa.RecordBatchReader, rows_per_batch: int) -> Iterator[pd.DataFrame]:
    """The reader's rows as DataFrames of exactly rows_per_batch rows (the last one fewer).

    DuckDB hands out record batches of at most a row group (~122,880 rows) whatever size is asked,
    so they are gathered (or cut) to the batch size. With no rows, one empty frame: the table-level
    rules are still checked.
    """
    pending: list[pa.RecordBatch] = []
    wanted, yielded = rows_per_batch, False
    for batch in reader:
        while batch.num_rows:
            piece, batch = batch.slice(0, wanted), batch.slice(wanted)
            pending.append(piece)
            wanted -= piece.num_rows
            if wanted == 0:
                yield pa.Table.from_batches(pending).to_pandas()
                pending, wanted, yielded = [], rows_per_batch, True
    if pending or not yielded:
        yield pa.Table.from_batches(pending, schema=reader.schema).to_pandas()


def validate_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    suite: Suite,
    *,
    rows_per_batch: int = 1_000_000,
    where: str | None = None,
    max_failing_rows: int = 1000,
    run_name: str | None = None,
) -> SuiteOutcome:
    """Validate ``table`` (optionally ``WHERE where``) against ``suite`` in batches; see the module docstring."""
    from great_expectations.core.run_identifier import RunIdentifier

    if not TABLE_NAME.fullmatch(table):
        raise ValueError(f"{table!r} is not a table name such as staging.staffing")
    if rows_per_batch < 1 or max_failing_rows < 0:
        raise ValueError("rows_per_batch must be at least 1 and max_failing_rows at least 0")
    started = time.perf_counter()
    present = set(con.sql(f"SELECT * FROM {table} LIMIT 0").columns)
    if missing := [name for name in ROW_ID_COLUMNS if name not in present]:
        raise ValueError(f"{table} has no {' or '.join(missing)} column: failing rows could not be named")
    columns = ", ".join(f'"{name}"' for name in suite.columns if name in present)
    definition = _validation_definition(suite, table)
    run_id = RunIdentifier(run_name=run_name or f"{suite.name} on {table}", run_time=dt.datetime.now(dt.timezone.utc))
    tallies = {rule.rule: _Tally(rule, max_failing_rows) for rule in suite.rules}
    rows = batches = 0
    first: Any = None
    reader = con.sql(f"SELECT {columns} FROM {table}" + (f" WHERE {where}" if where else "")).to_arrow_reader(
        rows_per_batch
    )
    try:
        for frame in _frames(reader, rows_per_batch):
            result = definition.run(batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT, run_id=run_id)
            first = first or result
            for expectation_result in result.results:
                tallies[expectation_result.expectation_config.meta["rule"]].add(expectation_result, frame)
            rows, batches = rows + len(frame), batches + 1
    finally:
        reader.close()
    seconds = time.perf_counter() - started
    extra = {
        "duckdb_table": table,
        "where": where or "(all rows)",
        "rows": rows,
        "batches": batches,
        "rows_per_batch": rows_per_batch,
        "seconds": round(seconds, 3),
    }
    outcome = SuiteOutcome(
        suite=suite.name,
        table=table,
        rules=[tally.outcome for tally in tallies.values()],
        rows=rows,
        batches=batches,
        seconds=seconds,
        definition=suite,
    )
    outcome.gx_result = _suite_result(suite, list(tallies.values()), dict(first.meta), first.batch_id, extra)
    return outcome
