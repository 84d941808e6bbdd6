"""Load one regional source's landed files into raw.<source>: incremental, replacing by period.

- A file is read when its path is new or its bytes differ from the version last loaded from it.
- Re-delivering a period (a month, a day; for the organisation register, the file) replaces the
  rows of that period; other periods are not touched.
- Every raw row is stamped with its file, the file's sha256, its row number and the load run, and
  keeps every value as delivered (text). Personnummer-shaped values never get that far: they are
  replaced inside the reading query (pipelines/regional/privacy.py).
- All files of one source load in one transaction: one unreadable file and none of them is kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.lineage import LoadReport, load_changed_files
from pipelines.regional.privacy import configured_key, pseudonym_key, scrub
from pipelines.regional.reader import Delivery, SourceFileError, open_delivery
from pipelines.regional.spec import Source
from pipelines.warehouse import execute_script, run_sql

def ensure_raw_table(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    run_sql(con, "raw/regional_files.sql")
    columns = ", ".join(f"{c.name} VARCHAR" for c in source.columns)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{source.name} (file_version_id BIGINT NOT NULL, source_file VARCHAR NOT NULL, "
        f"source_sha256 VARCHAR NOT NULL, source_row BIGINT NOT NULL, load_run VARCHAR NOT NULL, period VARCHAR, "
        f"synthetic BOOLEAN NOT NULL, {columns})").fetchall()


def ingest_source(con: duckdb.DuckDBPyConnection, source: Source, landing: Path, load_run: str,
                  progress: Callable[[str], None] = print) -> LoadReport:
    """Load every new or changed file under ``<landing>/<source>/`` (see lineage.load_changed_files)."""
    run_sql(con, "staging/macros.sql")
    ensure_raw_table(con, source)

    def last_sha256(relative: str) -> str | None:
        rows = con.execute("SELECT sha256 FROM raw.regional_files WHERE source = ? AND source_file = ? "
                           "ORDER BY file_version_id DESC LIMIT 1", [source.name, relative]).fetchall()
        return rows[0][0] if rows else None

    return load_changed_files(con, landing / source.name, source.name, last_sha256,
                              lambda path, relative, sha: _load_file(con, source, path, relative, sha, load_run),
                              progress)


def _load_file(con: duckdb.DuckDBPyConnection, source: Source, path: Path, relative: str, sha: str,
               load_run: str) -> dict:
    display = str(path)
    delivery = open_delivery(path, source, display, con)
    try:
        secret = _secret_for(con, delivery, source, display)
        version = con.execute("SELECT nextval('raw.regional_file_version_seq')").fetchall()[0][0]
        try:
            execute_script(con, _incoming_sql(delivery, source), f"reading {relative}",
                           version=version, file=relative, sha=sha, run=load_run, secret=secret)
        except duckdb.Error as error:
            raise SourceFileError(display, f"cannot be read as {source.name} ({delivery.format}): "
                                           f"{str(error).strip().splitlines()[0]}") from None
    finally:
        delivery.cleanup()
    rows, synthetic, periods = con.execute(
        f"SELECT count(*), coalesce(bool_and(synthetic), false), list(DISTINCT period ORDER BY period) "
        f"FILTER (WHERE period IS NOT NULL) FROM raw.{source.name} WHERE file_version_id = ?", [version]).fetchall()[0]
    if rows == 0:
        raise SourceFileError(display, "the file has a header but no data rows")
    # the new version replaces what older versions delivered for the same file, or the same periods
    # (the file register says whether there is anything to replace, so a new month costs no scan)
    earlier = con.execute(
        "SELECT count(*) FROM raw.regional_files WHERE source = ? AND (source_file = ? OR list_has_any(periods, ?))",
        [source.name, relative, [] if source.replaces == "file" else (periods or [])]).fetchall()[0][0]
    if earlier:
        same = "source_file = ?" if source.replaces == "file" else (
            f"(period IN (SELECT DISTINCT period FROM raw.{source.name} WHERE file_version_id = ?) "
            "OR (source_file = ? AND period IS NULL))")
        params = [version, relative] if source.replaces == "file" else [version, version, relative]
        con.execute(f"DELETE FROM raw.{source.name} WHERE file_version_id <> ? AND {same}", params).fetchall()
    stat = path.stat()
    con.execute(
        "INSERT INTO raw.regional_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source.name, version, relative, sha, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime),
         delivery.format, delivery.encoding, synthetic, rows, periods or [], load_run, dt.datetime.now()],
    ).fetchall()
    return {"file": relative, "sha256": sha, "format": delivery.format, "rows": rows, "synthetic": synthetic,
            "periods": periods or [], "file_version_id": version}


def _secret_for(con: duckdb.DuckDBPyConnection, delivery: Delivery, source: Source, display: str) -> str | None:
    """The pseudonym key if configured; without one, a file holding identities is refused unread."""
    key = configured_key()
    if key or not _checked_columns(delivery, source):
        return key
    checks = " OR ".join(f"looks_like_personnummer(CAST({_ident(name)} AS VARCHAR))"
                         for name in _checked_columns(delivery, source))
    try:
        found = con.execute(f"SELECT count(*) FROM {delivery.table_sql()} WHERE {checks}").fetchall()[0][0]
    except duckdb.Error as error:
        raise SourceFileError(display, f"cannot be read as {source.name}: "
                                       f"{scrub(str(error).strip().splitlines()[0])}") from None
    if found:
        pseudonym_key(display)  # raises the clear "no key" error
    return None


def _checked_columns(delivery: Delivery, source: Source) -> list[str]:
    """Every delivered column is de-identified as it is read: a personnummer can turn up in any of them."""
    return list(delivery.columns)


def _incoming_sql(delivery: Delivery, source: Source) -> str:
    checked = set(_checked_columns(delivery, source))
    delivered = {column.name: name for name, column in delivery.columns.items()}
    selects = []
    for column in source.columns:
        name = delivered.get(column.name)
        if name is None:
            expression = "NULL::VARCHAR"
        elif name in checked:
            expression = f"deidentify(CAST({_ident(name)} AS VARCHAR), $secret)"
        else:
            expression = f"CAST({_ident(name)} AS VARCHAR)"
        selects.append(f"{expression} AS {column.name}")
    period = source.period_column
    if period is None:
        period_sql = "NULL::VARCHAR"
    else:
        normalise = "normalise_month" if period.type == "month" else "normalise_day"
        period_sql = f"{normalise}(CAST({_ident(_delivered_name(delivery, period.name))} AS VARCHAR))"
    data_source = delivered.get("data_source")
    synthetic = (f"coalesce(regexp_matches(lower(CAST({_ident(data_source)} AS VARCHAR)), 'syntetisk|synthetic'), false)"
                 if data_source else "false")
    return (
        f"INSERT INTO raw.{source.name} BY NAME "
        f"SELECT $version::BIGINT AS file_version_id, $file AS source_file, $sha AS source_sha256, "
        f"(ordinality + {delivery.first_row - 1})::BIGINT AS source_row, $run AS load_run, "
        f"{period_sql} AS period, {synthetic} AS synthetic, {', '.join(selects)} "
        # WITH ORDINALITY numbers the rows in file order without giving up parallel reading
        f"FROM {delivery.table_sql()} WITH ORDINALITY")


def _delivered_name(delivery: Delivery, name: str) -> str:
    return next(delivered for delivered, column in delivery.columns.items() if column.name == name)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
