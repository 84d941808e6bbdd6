"""Load one regional source's landed files into raw.<source>: incremental, replacing by period.

- A file is read when its path is new or its bytes differ from the version last loaded from it.
- Re-delivering a period (a month, a day; for the organisation register, the file) replaces the
  rows of that period; other periods are not touched. A file whose name gives a period
  (``personal_2024-03.csv``, ``vardplatslage_2024-03-05.csv``) delivers that period only: its rows of
  another period are kept in raw but replace nothing, and the validation gate holds them out
  (``period_of_the_file``), so a stray row can never wipe out another file's month. A new version
  of a file replaces every row its earlier version delivered.
- Every raw row is stamped with its file, the file's sha256, its row number and the load run, and
  keeps every value as delivered (text). Personnummer-shaped values never get that far: they are
  replaced inside the reading query (pipelines/privacy.py).
- All files of one source load in one transaction: one unreadable file and none of them is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.incremental import ensure_meta
from pipelines.lineage import LoadReport, load_changed_files
from pipelines.privacy import configured_key, pseudonym_key
from pipelines.regional.reader import Delivery, SourceFileError, explain_read_error, open_delivery
from pipelines.regional.spec import Source
from pipelines.sql_scripts import execute_script, run_sql
from pipelines.warehouse import register_macros

# a month (YYYY-MM) or a day (YYYY-MM-DD) in a file name, not inside a longer run of digits
NAMED_PERIOD = re.compile(r"(?<!\d)(\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)(?![\d])")


def named_period(relative: str) -> str | None:
    """The period a file's name gives (the last month or day in it), or None: ``personal_2024-03.csv`` ->
    '2024-03'. Only the name counts, not the folders it lies in."""
    found = NAMED_PERIOD.findall(Path(relative).name)
    return found[-1] if found else None


def within(period: str, named: str | None) -> bool:
    """Whether a row's period (a month or a day) lies in the period the file's name gives (none: always)."""
    return named is None or period.startswith(named) or named.startswith(period)


def ensure_raw_table(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    run_sql(con, "raw/regional_files.sql")
    ensure_meta(con)
    columns = ", ".join(f"{c.name} VARCHAR" for c in source.columns)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{source.name} (file_version_id BIGINT NOT NULL, source_file VARCHAR NOT NULL, "
        f"source_sha256 VARCHAR NOT NULL, source_row BIGINT NOT NULL, load_run VARCHAR NOT NULL, period VARCHAR, "
        f"synthetic BOOLEAN NOT NULL, {columns})"
    ).fetchall()
    if source.period_column is not None:
        # a warehouse loaded before the first rows were kept: taken from the rows once
        con.execute(
            f"INSERT INTO meta.first_rows SELECT ?, file_version_id, period, source_file, min(source_row) "
            f"FROM raw.{source.name} WHERE period IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta.first_rows "
            f"WHERE source = ?) GROUP BY ALL",
            [source.name, source.name],
        ).fetchall()


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    landing: Path,
    load_run: str,
    progress: Callable[[str], None] = print,
    rehash: bool = False,
    retracted: dict[tuple[str, str], str] | None = None,
) -> LoadReport:
    """Load every new or changed file under ``<landing>/<source>/`` (see lineage.load_changed_files)."""
    register_macros(con)
    ensure_raw_table(con, source)

    def tidy_register(relative: str, sha: str) -> None:
        """A retracted version delivers nothing any more: its register entry stays listed, with no periods."""
        versions = "SELECT file_version_id FROM raw.regional_files WHERE source = ? AND source_file = ? AND sha256 = ?"
        con.execute(
            f"DELETE FROM meta.first_rows WHERE source = ? AND file_version_id IN ({versions})",
            [source.name, source.name, relative, sha],
        ).fetchall()
        con.execute(
            "UPDATE raw.regional_files SET periods = [] WHERE source = ? AND source_file = ? AND sha256 = ?",
            [source.name, relative, sha],
        ).fetchall()

    return load_changed_files(
        con,
        source.name,
        landing / source.name,
        lambda path, relative, sha: _load_file(con, source, path, relative, sha, load_run),
        progress,
        load_run,
        rehash,
        period_column=None if source.replaces == "file" else "period",
        retracted=retracted,
        on_retract=tidy_register,
    )


def _load_file(
    con: duckdb.DuckDBPyConnection, source: Source, path: Path, relative: str, sha: str, load_run: str
) -> dict:
    display = str(path)
    delivery = open_delivery(path, source, display, con)
    try:
        secret = _secret_for(con, delivery, source, display)
        version = con.execute("SELECT nextval('raw.regional_file_version_seq')").fetchall()[0][0]
        try:
            execute_script(
                con,
                _incoming_sql(delivery, source),
                f"reading {relative}",
                version=version,
                file=relative,
                sha=sha,
                run=load_run,
                secret=secret,
            )
        except duckdb.Error as error:
            raise explain_read_error(delivery, source, display, error) from None
    finally:
        delivery.cleanup()
    rows, synthetic, row_periods, without_period = con.execute(
        f"SELECT count(*), coalesce(bool_and(synthetic), false), list(DISTINCT period ORDER BY period) "
        f"FILTER (WHERE period IS NOT NULL), count(*) FILTER (WHERE period IS NULL) "
        f"FROM raw.{source.name} WHERE file_version_id = ?",
        [version],
    ).fetchall()[0]
    if rows == 0:
        raise SourceFileError(display, "the file has a header but no data rows")
    row_periods = row_periods or []
    # what this version delivers and replaces: its rows' periods, within the one its name gives
    named = None if source.replaces == "file" else named_period(relative)
    periods = [p for p in row_periods if within(p, named)]
    # the new version replaces what older versions of the same file delivered, and what any file delivered for
    # its periods (the file register says whether there is anything to replace, so a new month costs no scan)
    earlier = con.execute(
        "SELECT count(*) FROM raw.regional_files WHERE source = ? AND (source_file = ? OR list_has_any(periods, ?))",
        [source.name, relative, [] if source.replaces == "file" else periods],
    ).fetchall()[0][0]
    removed: list[str] = []
    if earlier:
        same = (
            "source_file = ?"
            if source.replaces == "file"
            else "(period IN (SELECT unnest(?::VARCHAR[])) OR source_file = ?)"
        )
        params = [version, relative] if source.replaces == "file" else [version, periods, relative]
        if source.replaces != "file":  # the periods the removed rows leave (an earlier version's stray rows too)
            removed = [
                p
                for (p,) in con.execute(
                    f"SELECT DISTINCT coalesce(period, '') FROM raw.{source.name} WHERE file_version_id <> ? AND {same}",
                    params,
                ).fetchall()
            ]
        con.execute(f"DELETE FROM raw.{source.name} WHERE file_version_id <> ? AND {same}", params).fetchall()
    if source.period_column is not None:
        con.execute(
            f"INSERT INTO meta.first_rows SELECT ?, ?, period, ?, min(source_row) FROM raw.{source.name} "
            "WHERE file_version_id = ? AND period IS NOT NULL GROUP BY period",
            [source.name, version, relative, version],
        ).fetchall()
    stat = path.stat()
    con.execute(
        "INSERT INTO raw.regional_files (source, file_version_id, source_file, sha256, size_bytes, modified_at, format, "
        "encoding, synthetic, row_count, periods, load_run, loaded_at, named_period) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.name,
            version,
            relative,
            sha,
            stat.st_size,
            dt.datetime.fromtimestamp(stat.st_mtime),
            delivery.format,
            delivery.encoding,
            synthetic,
            rows,
            periods,
            load_run,
            dt.datetime.now(),
            named,
        ],
    ).fetchall()
    # the partitions this version changed: every period its rows hold (a stray row is judged in its own), the
    # periods the rows it replaced leave, the rows without one; for a register that replaces its file, everything
    changed = (
        ["*"]
        if source.replaces == "file"
        else sorted(set(row_periods) | set(removed) | ({""} if without_period else set()))
    )
    stray = len(row_periods) - len(periods)
    return {
        "file": relative,
        "sha256": sha,
        "format": delivery.format,
        "rows": rows,
        "synthetic": synthetic,
        "periods": periods,
        "named_period": named,
        "periods_outside_name": stray,
        "file_version_id": version,
        "partitions": changed,
    }


def _secret_for(con: duckdb.DuckDBPyConnection, delivery: Delivery, source: Source, display: str) -> str | None:
    """The pseudonym key if configured; without one, a file holding identities is refused unread."""
    key = configured_key()
    if key or not _checked_columns(delivery, source):
        return key
    checks = " OR ".join(
        f"looks_like_personnummer(CAST({_ident(name)} AS VARCHAR))" for name in _checked_columns(delivery, source)
    )
    try:
        found = con.execute(f"SELECT count(*) FROM {delivery.table_sql()} WHERE {checks}").fetchall()[0][0]
    except duckdb.Error as error:
        raise explain_read_error(delivery, source, display, error) from None
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
    # (plain substring tests: this runs on every row)
    marked = f"lower(CAST({_ident(data_source)} AS VARCHAR))" if data_source else None
    synthetic = (
        f"coalesce(contains({marked}, 'syntetisk') OR contains({marked}, 'synthetic'), false)"
        if data_source
        else "false"
    )
    return (
        f"INSERT INTO raw.{source.name} BY NAME "
        f"SELECT $version::BIGINT AS file_version_id, $file AS source_file, $sha AS source_sha256, "
        f"(ordinality + {delivery.first_row - 1})::BIGINT AS source_row, $run AS load_run, "
        f"{period_sql} AS period, {synthetic} AS synthetic, {', '.join(selects)} "
        # WITH ORDINALITY numbers the rows in file order without giving up parallel reading
        f"FROM {delivery.table_sql()} WITH ORDINALITY"
    )


def _delivered_name(delivery: Delivery, name: str) -> str:
    return next(delivered for delivered, column in delivery.columns.items() if column.name == name)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
