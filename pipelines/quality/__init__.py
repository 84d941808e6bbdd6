"""Data quality of the staging tables with Great Expectations (GX 1.x), for Dagster asset checks.

- ``suites``: one suite per regional source in ``suites/<source>.yaml`` (rules with an analyst
  title, a severity ``blocking`` or ``warning`` and a GX expectation); ``load_suites()``.
- ``runner``: ``validate_table(con, table, suite, ...)`` streams a DuckDB table in bounded batches
  through a GX ValidationDefinition and adds the results up exactly (``SuiteOutcome``).
- ``docs``: ``write_data_docs(outcomes, folder)`` writes GX Data Docs that open offline.

GX has no DuckDB or Polars datasource and dagster-ge targets GX < 1.0, so the batches are pandas
DataFrames pulled from DuckDB. Great Expectations is imported only when a suite is validated or
rendered (importing it takes seconds); its usage statistics are off (no network).
"""

from pipelines.quality.docs import write_data_docs
from pipelines.quality.runner import FailingRow, RuleOutcome, SuiteOutcome, validate_table
from pipelines.quality.suites import Rule, Suite, SuiteError, load_suite, load_suites

__all__ = ["FailingRow", "Rule", "RuleOutcome", "Suite", "SuiteError", "SuiteOutcome", "load_suite", "load_suites",
           "validate_table", "write_data_docs"]
