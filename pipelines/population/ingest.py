"""Load the files of an SCB table (population, projections) from the landing area into raw.<name>, all or nothing.

One reader for every SCB format (pipelines/population/formats.py) and one loader for every SCB table of
persons by region, age and sex (pipelines/population/tables.yaml). Each file is checked before the
transaction commits: one unreadable file and nothing of this load is kept. A file's years are the
partitions it changes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.lineage import LoadReport, load_changed_files
from pipelines.population.formats import PopulationFormatError, read_population_file
from pipelines.sql_scripts import execute_script, sql_path


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, name: str) -> None:
    _migrate(con, name)
    execute_script(con, _sql("raw/scb.sql", name), "sql/raw/scb.sql")


def ingest_scb(
    con: duckdb.DuckDBPyConnection,
    name: str,
    landing: Path,
    load_run: str,
    progress: Callable[[str], None] = print,
    rehash: bool = False,
    retracted: dict[tuple[str, str], str] | None = None,
) -> LoadReport:
    """Load every new or changed file under ``<landing>/<name>/`` (see lineage.load_changed_files); a retracted
    version's cells give way to the version delivered before it, if any."""
    ensure_raw_tables(con, name)
    return load_changed_files(
        con,
        name,
        landing / name,
        lambda path, relative, sha: _load_file(con, name, path, relative, sha, load_run),
        progress,
        load_run,
        rehash,
        retracted=retracted,
    )


def _load_file(con: duckdb.DuckDBPyConnection, name: str, path: Path, relative: str, sha: str, load_run: str) -> dict:
    parsed = read_population_file(path, display_name=str(path))
    if parsed.table.num_rows == 0:
        raise PopulationFormatError(str(path), "the file has a header but no data rows")
    version = con.execute(f"SELECT nextval('raw.{name}_file_version_seq')").fetchall()[0][0]
    stat = path.stat()
    con.execute(
        f"INSERT INTO raw.{name}_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            relative,
            sha,
            stat.st_size,
            dt.datetime.fromtimestamp(stat.st_mtime),
            parsed.format,
            parsed.encoding,
            parsed.separator,
            parsed.title,
            parsed.synthetic,
            parsed.table.num_rows,
            load_run,
            dt.datetime.now(),
        ],
    ).fetchall()
    con.register("incoming_scb", parsed.table)
    try:
        con.execute(
            f"""
            INSERT INTO raw.{name}
            SELECT ?, ?, ?, source_row, source_column, ?,
                   area_label, civil_status_label, age_label, sex_label, period_label, value_text
            FROM incoming_scb
            """,
            [version, relative, sha, load_run],
        ).fetchall()
    finally:
        con.unregister("incoming_scb")
    problems = execute_script(
        con, _sql("raw/scb_problems.sql", name), "sql/raw/scb_problems.sql", file_version_id=version
    )
    if problems:
        row, column, offending, expected, count = problems[0]
        more = f" ({count - 1:,} more problems in this file)" if count > 1 else ""
        raise PopulationFormatError(
            str(path), f"'{offending}' is not understood: expected {expected}{more}", row=row, column=column
        )
    years = _years(con, name, version)
    return {
        "file": relative,
        "sha256": sha,
        "format": parsed.format,
        "rows": parsed.table.num_rows,
        "synthetic": parsed.synthetic,
        "file_version_id": version,
        "periods": years,
        "partitions": years,
    }


def _years(con: duckdb.DuckDBPyConnection, name: str, version: int) -> list[str]:
    """The years a file version delivers (the last four digits of its period labels)."""
    return [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT regexp_extract(trim(period_label), '(\\d{{4}})$', 1) AS year FROM raw.{name} "
            "WHERE file_version_id = ? AND year <> '' ORDER BY 1",
            [version],
        ).fetchall()
    ]


def _sql(relative: str, name: str) -> str:
    return sql_path(relative).read_text(encoding="utf-8").replace("{name}", name)


def _migrate(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Warehouses made before the SCB loader was shared named the projections' register in the singular."""
    if name != "population_projections":
        return
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' AND database_name = current_database()"
        ).fetchall()
    }
    if "population_projection_files" in tables and "population_projections_files" not in tables:
        con.execute("ALTER TABLE raw.population_projection_files RENAME TO population_projections_files").fetchall()
        last = con.execute("SELECT coalesce(max(file_version_id), 0) FROM raw.population_projections_files").fetchall()[
            0
        ][0]
        con.execute(
            f"CREATE SEQUENCE IF NOT EXISTS raw.population_projections_file_version_seq START {last + 1}"
        ).fetchall()
