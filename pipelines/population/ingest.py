"""Load SCB population files from the landing area into raw.population, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.lineage import LoadReport, load_changed_files
from pipelines.population.formats import PopulationFormatError, read_population_file
from pipelines.warehouse import run_sql


def ingest_population(
    con: duckdb.DuckDBPyConnection, landing: Path, load_run: str, progress: Callable[[str], None] = print
) -> LoadReport:
    """Load every new or changed file under ``<landing>/population/`` (see lineage.load_changed_files).

    Each file is checked before the transaction commits: one unreadable file and nothing of this
    load is kept.
    """
    run_sql(con, "raw/population.sql")
    run_sql(con, "staging/population_parsed.sql")
    run_sql(con, "staging/population_current.sql")

    def last_sha256(relative: str) -> str | None:
        rows = con.execute("SELECT sha256 FROM raw.population_files WHERE source_file = ? "
                           "ORDER BY file_version_id DESC LIMIT 1", [relative]).fetchall()
        return rows[0][0] if rows else None

    return load_changed_files(con, landing / "population", "population", last_sha256,
                              lambda path, relative, sha: _load_file(con, path, relative, sha, load_run), progress)


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, relative: str, sha: str, load_run: str) -> dict:
    parsed = read_population_file(path, display_name=str(path))
    if parsed.table.num_rows == 0:
        raise PopulationFormatError(str(path), "the file has a header but no data rows")
    version = con.execute("SELECT nextval('raw.population_file_version_seq')").fetchall()[0][0]
    stat = path.stat()
    con.execute(
        "INSERT INTO raw.population_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [version, relative, sha, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime), parsed.format,
         parsed.encoding, parsed.separator, parsed.title, parsed.synthetic, parsed.table.num_rows, load_run,
         dt.datetime.now()],
    ).fetchall()
    con.register("incoming_population", parsed.table)
    con.execute(
        """
        INSERT INTO raw.population
        SELECT ?, ?, ?, source_row, source_column, ?,
               area_label, civil_status_label, age_label, sex_label, period_label, value_text
        FROM incoming_population
        """,
        [version, relative, sha, load_run],
    ).fetchall()
    con.unregister("incoming_population")
    problems = run_sql(con, "staging/population_errors.sql", file_version_id=version)
    if problems:
        row, column, offending, expected, count = problems[0]
        more = f" ({count - 1:,} more problems in this file)" if count > 1 else ""
        raise PopulationFormatError(str(path), f"'{offending}' is not understood: expected {expected}{more}",
                                    row=row, column=column)
    return {"file": relative, "sha256": sha, "format": parsed.format, "rows": parsed.table.num_rows,
            "synthetic": parsed.synthetic, "file_version_id": version}
