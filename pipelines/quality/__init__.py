"""The validation gate: a library the graph calls, importing nothing from the sources or the graph.

- ``suites``: one suite per source in ``suites/<source>.yaml`` (rules with an analyst title, a severity
  ``blocking`` or ``warning`` and a GX expectation); ``load_suites()``.
- ``quarantine``: each blocking rule written as SQL with GX's semantics: the ``finding`` of a staging row.
- ``audit``: Great Expectations judges every distinct combination of the values each rule reads, per
  partition, and the quarantine's SQL must agree (``audit``, ``outcome_of``).
- ``runner``: the result shapes (``SuiteOutcome``, ``RuleOutcome``) and ``validate_table``, which streams a
  table through GX in bounded batches (the audit of a table or view outside the graph).
- ``docs``: ``write_data_docs(outcomes, folder)`` writes GX Data Docs that open offline.
- ``gx_process``: Great Expectations in a process of its own, which a refresh starts early (``warm``); the
  audit's verdicts (``judge``) and the Data Docs (``write_docs``) are asked of it.

GX has no DuckDB or Polars datasource and dagster-ge targets GX < 1.0, so GX sees pandas frames pulled
from DuckDB. Great Expectations is imported only where a suite is judged or rendered (importing it takes
seconds: in the graph, in ``gx_process``'s own process, on the other core); its usage statistics are off
(no network).
"""
