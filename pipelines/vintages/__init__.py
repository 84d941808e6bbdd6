"""Vintages: what every release published, what changed between releases and why, in Swedish for the readers.

- ``history``: every published value kept with the releases it was part of (``meta.vintage_*`` in the live
  warehouse, carried into every analyst.duckdb as ``indicator_value_history``, ``goal_progress_history``,
  ``benchmark_value_history``, ``releases``), each release's changes with their causes (``release_changes``),
  Kolada's values as seen (``benchmark_revisions``), the release's anomaly checks (rows of ``quality_results``)
  and the ``*_as_of(moment)`` macros. Staged while a release is written, kept once it is current.
- ``lineage``: which sources an indicator reads, which file versions delivered which periods.
- ``diff``: the changes between any two releases (``vardpuls diff``).
- ``digest``: "Vad har ändrats sedan förra publiceringen", sentences in Swedish (Markdown and a report page).
- ``send``: the digest through the failure alert's e-mail or webhook channel.
- ``cli``: ``vardpuls diff`` and ``vardpuls goals --as-of``.
"""
