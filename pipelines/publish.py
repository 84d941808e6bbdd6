"""Publish: an analyst DuckDB snapshot, Parquet for BI and CSV for Excel, as one set, written for what changed.

Every published table is one ``sql/publish/<table>.sql`` (a SELECT whose first comment line describes
the table; comment lines after it, ``-- column: meaning``, describe its columns; a line
``--! partition: <column> year`` cuts a large table's files by year).

Each publication is a release, ``<warehouse>/releases/<time>-<run>/`` holding ``analyst.duckdb``,
``exports/parquet/<table>/data.parquet`` (a table cut by year: ``<table>/year=<YYYY>/data.parquet``, or
``data.parquet`` alone while it has no rows;
key-value metadata: the run and the content fingerprint), ``exports/csv/<table>.csv`` (by year:
``<table>/<table>_<YYYY>.csv``, each within Excel's row limit), ``exports/xlsx/<table>.xlsx`` (by year:
``<table>/<table>_<YYYY>.xlsx``; pipelines/excel.py: codes as text, dates as dates, Swedish captions; a part
over a sheet's limit one workbook per region; none for a table over ``VARDPULS_EXCEL_MAX_ROWS``) and
``manifest.json``. It is written
completely under a hidden name, renamed into place, and then ``<warehouse>/current`` (a symbolic link)
is switched to it in one rename. ``analyst.duckdb``, ``exports/`` and ``manifest.json`` in the
warehouse folder are links through ``current``. A reader who resolves ``current`` once reads one
release throughout: never half a file, never two runs mixed. The last three releases are kept.

A release is made from the one before: its ``analyst.duckdb`` is copied and only the tables (or, for a
table cut by year, the years) that what they read has changed since are computed again; a file whose
content fingerprint is unchanged is the previous release's file, byte for byte, with the run that
published it (``published_run``). Publishing only reads the live database: disclosure control
(pipelines/disclosure.py) and every other input are made by assets before it; the runs history is
carried in the releases themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from pipelines.compat import attach_for_readers
from pipelines.excel import write_workbook
from pipelines.exports import write_excel_csv
from pipelines.faults import checkpoint
from pipelines.incremental import ALL, ensure_meta
from pipelines.relations import references
from pipelines.runs import code_version
from pipelines.settings import SQL_DIR
from pipelines.sources import sources
from pipelines.vintages.history import commit_release, stage_release
from pipelines.warehouse import transaction

ANALYST_DATABASE = "analyst.duckdb"
PARQUET_DIR = Path("exports") / "parquet"
CSV_DIR = Path("exports") / "csv"
XLSX_DIR = Path("exports") / "xlsx"
MANIFEST = "manifest.json"
RELEASES = "releases"
CURRENT = "current"
# releases kept: the current one and the ones before it, for readers still reading them
KEEP_RELEASES = 3
# what the release has taken in of the live relations' changes (meta.consumed)
CONSUMER = "publish.release"
_PARTITION = re.compile(r"--!\s*partition:\s*([a-z_][a-z0-9_]*)\s+year\s*$")


@dataclass(frozen=True)
class PublishedTable:
    name: str
    description: str
    select: str
    partition: str | None  # the period column whose year cuts the table's files, or None
    reads: tuple[str, ...]  # the relations it reads (its changes decide what is computed again)
    always: bool  # computed every time: it reads the warehouse's bookkeeping (meta.*), or only
    # what publishing makes (release_runs), so no change of a relation can tell
    definition: str

    def year_sql(self, alias: str = "t") -> str:
        return f"left(CAST({alias}.{self.partition} AS VARCHAR), 4)"


@cache
def published_specs() -> dict[str, PublishedTable]:
    """Every table of sql/publish/, by name."""
    tables = {}
    for path in sorted((SQL_DIR / "publish").glob("*.sql")):
        text = path.read_text(encoding="utf-8").strip().rstrip(";")
        first = text.splitlines()[0]
        partition = next((m[1] for line in text.splitlines() if (m := _PARTITION.match(line.strip()))), None)
        reads = references(text)
        tables[path.stem] = PublishedTable(
            name=path.stem,
            description=first.removeprefix("--").strip() if first.startswith("--") else "",
            select=text,
            partition=partition,
            reads=reads,
            always=bool(re.search(r"\bmeta\.", text)) or not reads,
            definition=hashlib.sha256(text.encode()).hexdigest()[:16],
        )
    return tables


def published_tables() -> dict[str, tuple[str, str]]:
    """name -> (description, SELECT) for every file in sql/publish/."""
    return {name: (t.description, t.select) for name, t in published_specs().items()}


def column_comments(select: str) -> dict[str, str]:
    """column -> meaning, from the `-- column: meaning` lines after a publish file's description line; a line
    ``--! columns described in: <table>`` takes the other columns' meanings from that table's file (a history
    table that keeps the columns of the table it follows)."""
    comments, inherited = {}, []
    for line in select.splitlines()[1:]:
        if not line.startswith("--"):
            break
        if match := re.fullmatch(r"--\s*([a-z_][a-z0-9_]*):\s+(.+)", line.strip()):
            comments[match[1]] = match[2].strip()
        elif match := re.fullmatch(r"--!\s*columns described in:\s*([a-z_][a-z0-9_]*)", line.strip()):
            inherited.append(match[1])
    for table in inherited:
        text = (SQL_DIR / "publish" / f"{table}.sql").read_text(encoding="utf-8")
        comments = column_comments(text) | comments
    return comments


def snapshot_table(con: duckdb.DuckDBPyConnection, name: str, description: str, select: str) -> None:
    """One published table in the attached snapshot, with COMMENT ON the table and each described column."""
    con.execute(f"CREATE TABLE snapshot.main.{name} AS {select}").fetchall()
    _comment(con, name, description, select)


def _comment(con: duckdb.DuckDBPyConnection, name: str, description: str, select: str) -> None:
    con.execute(f"COMMENT ON TABLE snapshot.main.{name} IS {_literal(description)}").fetchall()
    for column, comment in column_comments(select).items():
        con.execute(f"COMMENT ON COLUMN snapshot.main.{name}.{column} IS {_literal(comment)}").fetchall()


def publish(con: duckdb.DuckDBPyConnection, root: Path, run_id: str, run: dict | None = None) -> dict:
    """Write a new release from the live database and the release before it, then switch readers to it.

    ``run``: what the published ``runs`` table records about this run (refresh run id, start time).
    """
    ensure_meta(con)
    releases = root / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    previous_dir = _current_release(root)
    previous = _previous_manifest(previous_dir)
    release = releases / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{run_id[:8]}"
    partial = releases / f".{release.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / PARQUET_DIR).mkdir(parents=True)
    (partial / CSV_DIR).mkdir(parents=True)
    (partial / XLSX_DIR).mkdir(parents=True)
    published_at = dt.datetime.now(dt.timezone.utc)
    snapshot = partial / ANALYST_DATABASE
    specs = published_specs()
    changes, seen = _changes_since_last_release(con, specs)
    carried = previous_dir is not None and (previous_dir / ANALYST_DATABASE).is_file() and previous.get("tables")
    if carried:
        shutil.copyfile(previous_dir / ANALYST_DATABASE, snapshot)
        snapshot.chmod(0o644)
        con.execute(f"ATTACH {_literal(str(snapshot))} AS snapshot").fetchall()
    else:
        attach_for_readers(con, snapshot, "snapshot")  # DuckDB 1.4 LTS and later clients open it (compat.py)
    _record_run(con, previous_dir, run_id, run or {})
    tables: dict[str, dict] = {}
    missing: dict[str, str] = {}
    try:
        # vintages: this release's versions, changes and checks, staged for the tables that publish them
        stage_release(con, specs, previous_dir, release.name, run_id)
        present = _snapshot_tables(con)
        for stale in present - specs.keys():
            con.execute(f"DROP TABLE snapshot.main.{stale}").fetchall()
        # the runs table last: its row for this run holds the row counts of every other table
        for table in sorted(specs.values(), key=lambda t: t.name == "runs"):
            before = previous.get("tables", {}).get(table.name, {})
            if table.name == "runs":
                con.execute(
                    "UPDATE release_runs SET row_counts = ?::JSON WHERE run_id = ?",
                    [json.dumps({n: t["rows"] for n, t in tables.items()}), run_id],
                ).fetchall()
            action = _action(table, before, changes, table.name in present and bool(carried))
            try:
                with transaction(con):  # (one commit per table, not one per statement and comment)
                    _build(con, table, action, table.name in present)
            except duckdb.CatalogException as error:
                # a table whose source never loaded (its first file refused): what was published stays
                if table.name not in present:
                    missing[table.name] = str(error).splitlines()[0]
                    continue
                action = "keep"
            stamp = (release.name, published_at)
            tables[table.name] = _files(con, table, action, before, previous_dir, partial, root, run_id, stamp)
            checkpoint(f"publish: {table.name} written")
    finally:
        con.execute("DETACH snapshot").fetchall()
    manifest = {
        "run_id": run_id,
        "release": release.name,
        "published_at": published_at.isoformat(timespec="seconds"),
        "analyst_database": str(root / ANALYST_DATABASE),
        "tables": tables,
        "not_published": missing,
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    for path in partial.rglob("*"):
        if path.is_file():
            _fsync(path)
            path.chmod(0o444)  # a release is read by everyone and written by nobody: open it read-only
    checkpoint("publish: release complete, not yet in place")
    os.rename(partial, release)
    checkpoint("publish: release in place, not yet current")
    _switch(root, release)
    checkpoint("publish: release current, older ones not yet pruned")
    commit_release(con, release.name)  # vintages: the history kept, now that the release is current
    _remember(con, seen)
    _prune(releases, keep={release.name, previous_dir.name if previous_dir else ""})
    return manifest


def _changes_since_last_release(con, specs: dict[str, PublishedTable]) -> tuple[dict[str, set[str]], dict[str, int]]:
    """upstream relation -> the partitions it changed since the last release; and the last change seen of each."""
    upstreams = sorted({r for t in specs.values() for r in t.reads})
    rows = con.execute(
        "SELECT c.relation, c.partition, c.seq FROM meta.changes c "
        "LEFT JOIN meta.consumed k ON k.relation = ? AND k.upstream = c.relation "
        "WHERE list_contains(?::VARCHAR[], c.relation) AND c.seq > coalesce(k.seq, 0)",
        [CONSUMER, upstreams],
    ).fetchall()
    changes: dict[str, set[str]] = {}
    seen: dict[str, int] = {}
    for relation, partition, seq in rows:
        changes.setdefault(relation, set()).add(partition)
        seen[relation] = max(seq, seen.get(relation, 0))
    return changes, seen


def _action(table: PublishedTable, before: dict, changes: dict[str, set[str]], in_snapshot: bool):
    """'keep' (as in the release before), 'all' (computed again), or the set of years computed again."""
    if not in_snapshot or not before or before.get("definition") != table.definition or table.always:
        return "all"
    keys = set().union(*(changes.get(r, set()) for r in table.reads))
    if not keys:
        return "keep"
    if table.partition is None or ALL in keys:
        return "all"
    years = {key[:4] for key in keys if len(key) >= 4}
    return years or "keep"


def _build(con, table: PublishedTable, action, exists: bool) -> None:
    """The table in the snapshot: kept, made again, or made again for some years."""
    if action == "keep":
        return
    if action == "all" or not exists:
        # made beside the old one and put in its place: a table that cannot be made leaves the old one
        con.execute(f"DROP TABLE IF EXISTS snapshot.main.{table.name}__new").fetchall()
        con.execute(f"CREATE TABLE snapshot.main.{table.name}__new AS {table.select}").fetchall()
        con.execute(f"DROP TABLE IF EXISTS snapshot.main.{table.name}").fetchall()
        con.execute(f"ALTER TABLE snapshot.main.{table.name}__new RENAME TO {table.name}").fetchall()
        _comment(con, table.name, table.description, table.select)
        return
    years = _list(sorted(action))
    con.execute(f"DELETE FROM snapshot.main.{table.name} t WHERE list_contains({years}, {table.year_sql()})").fetchall()
    con.execute(
        f"INSERT INTO snapshot.main.{table.name} BY NAME SELECT * FROM ({table.select}) t "
        f"WHERE list_contains({years}, {table.year_sql()})"
    ).fetchall()


def _files(
    con,
    table: PublishedTable,
    action,
    before: dict,
    previous_dir: Path | None,
    partial: Path,
    root: Path,
    run_id: str,
    stamp: tuple[str, dt.datetime],
) -> dict:
    """Parquet, CSV and Excel of a table (by year where it is cut by year): a part whose fingerprint is unchanged
    is the previous release's files, byte for byte; the manifest's entry for the table. ``stamp``: the release's
    name and publication time, which the workbooks state."""
    schema = con.execute(
        "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = 'snapshot' AND table_name = ?",
        [table.name],
    ).fetchall()[0][0]
    relation = f"snapshot.main.{table.name}"
    if table.partition is None:
        parts = {None: _fingerprint(con, relation, "true", schema)}
    else:
        parts = {
            year: (rows, hashlib.sha256(f"{schema}|{rows}|{content}".encode()).hexdigest())
            for year, rows, content in con.execute(
                f"SELECT {table.year_sql()} AS y, count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR "
                f"FROM {relation} t GROUP BY y ORDER BY y"
            ).fetchall()
        }
        # a table cut by year with no rows yet is one empty file with its columns, so a reader finds its schema
        parts = parts or {None: _fingerprint(con, relation, "true", schema)}
    old_parts = before.get("parts", {})
    entry_parts, changed = {}, False
    for year, (rows, fingerprint) in parts.items():
        key = year or ""
        parquet, csv, xlsx = _paths(table, year)
        old = old_parts.get(key, {})
        old_xlsx = _in_release(root, old.get("xlsx"))
        reused = (
            old.get("content_sha256") == fingerprint
            and previous_dir is not None
            and old_xlsx is not None
            and _reuse(previous_dir / parquet, partial / parquet)
            and _reuse(previous_dir / csv, partial / csv)
            and all(_reuse(previous_dir / name, partial / name) for name in old_xlsx)
        )
        workbooks = old_xlsx if reused else []
        if not reused:
            changed = True
            # a half-done reuse left a hard link into the previous release: never write through it
            for name in (parquet, csv, *(old_xlsx or [])):
                (partial / name).unlink(missing_ok=True)
            (partial / parquet).parent.mkdir(parents=True, exist_ok=True)
            where = "true" if year is None else f"{table.year_sql()} = {_literal(year)}"
            part = f"(SELECT * FROM {relation} t WHERE {where})"
            con.execute(
                f"COPY {part} TO {_literal(str(partial / parquet))} (FORMAT parquet, COMPRESSION zstd, "
                f"KV_METADATA {{vardpuls_run: {_literal(run_id)}, content_sha256: {_literal(fingerprint)}}})"
            ).fetchall()
            write_excel_csv(con, part, partial / csv)
            (partial / xlsx).parent.mkdir(parents=True, exist_ok=True)
            written = write_workbook(
                con,
                part,
                partial / xlsx,
                release=stamp[0],
                published_at=stamp[1],
                table=table.name,
                description=table.description,
                comments=_column_comments(con, table.name),
            )
            workbooks = [path.relative_to(partial) for path in written]
        entry_parts[key] = {
            "rows": rows,
            "content_sha256": fingerprint,
            "parquet": str(root / CURRENT / parquet),
            "csv": str(root / CURRENT / csv),
            "xlsx": [str(root / CURRENT / name) for name in workbooks],
            "published_run": old.get("published_run", run_id) if reused else run_id,
        }
    changed = changed or set(old_parts) != set(entry_parts)
    total = sum(p["rows"] for p in entry_parts.values())
    content = hashlib.sha256(
        "|".join(f"{k}:{p['content_sha256']}" for k, p in sorted(entry_parts.items())).encode()
    ).hexdigest()
    folder = PARQUET_DIR / table.name
    return {
        "rows": total,
        "description": table.description,
        "definition": table.definition,
        "parquet": str(root / CURRENT / (folder / "data.parquet" if table.partition is None else folder)),
        "csv": str(
            root / CURRENT / (CSV_DIR / f"{table.name}.csv" if table.partition is None else CSV_DIR / table.name)
        ),
        "xlsx": str(
            root / CURRENT / (XLSX_DIR / f"{table.name}.xlsx" if table.partition is None else XLSX_DIR / table.name)
        ),
        "partitioned_by": f"year of {table.partition}" if table.partition else None,
        "content_sha256": content,
        "changed": changed,
        "published_run": before.get("published_run", run_id) if not changed else run_id,
        "parts": entry_parts,
        "computed": "kept" if action == "keep" else "all" if action == "all" else sorted(action),
    }


def _paths(table: PublishedTable, year: str | None) -> tuple[Path, Path, Path]:
    if year is None:
        return (
            PARQUET_DIR / table.name / "data.parquet",
            CSV_DIR / f"{table.name}.csv",
            XLSX_DIR / f"{table.name}.xlsx",
        )
    return (
        PARQUET_DIR / table.name / f"year={year}" / "data.parquet",
        CSV_DIR / table.name / f"{table.name}_{year}.csv",
        XLSX_DIR / table.name / f"{table.name}_{year}.xlsx",
    )


def _in_release(root: Path, paths: list[str] | None) -> list[Path] | None:
    """A part's workbooks as the manifest names them (under current/), relative to the release; None when the
    manifest names none (a release from before workbooks were published) or names them elsewhere."""
    if paths is None:
        return None
    try:
        return [Path(path).relative_to(root / CURRENT) for path in paths]
    except ValueError:
        return None


def _column_comments(con, table: str) -> dict[str, str]:
    """The published table's column comments in the snapshot (the workbook's Kolumner sheet)."""
    rows = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'snapshot' AND table_name = ?",
        [table],
    ).fetchall()
    return {name: comment for name, comment in rows if comment}


def _remember(con, seen: dict[str, int]) -> None:
    """What this release took in (written after readers were switched to it: a release that never became
    current took in nothing, so the next one computes the same again)."""
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        for upstream, seq in seen.items():
            con.execute(
                "DELETE FROM meta.consumed WHERE relation = ? AND upstream = ?", [CONSUMER, upstream]
            ).fetchall()
            con.execute("INSERT INTO meta.consumed VALUES (?, ?, ?)", [CONSUMER, upstream, seq]).fetchall()
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise


def _snapshot_tables(con) -> set[str]:
    return {
        row[0]
        for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'snapshot'").fetchall()
    }


def source_files_select(con: duckdb.DuckDBPyConnection) -> str:
    """A SELECT of every source's file register (each source of the registry whose register exists)."""
    registers = []
    for source in sources().values():
        table = {"regional": "raw.regional_files"}.get(source.kind, f"raw.{source.name}_files")
        if not _exists(con, table):
            continue
        if source.kind == "regional":
            registers.append(
                f"SELECT source, source_file, sha256, size_bytes, modified_at, format, encoding, "
                f"synthetic, row_count, load_run, loaded_at, file_version_id FROM {table} "
                f"WHERE source = '{source.name}'"
            )
        elif source.kind == "kolada":
            registers.append(
                f"SELECT 'kolada' AS source, source_file, sha256, size_bytes, modified_at, "
                f"format || ' ' || page_kind || ' page' AS format, 'utf-8' AS encoding, false AS synthetic, "
                f"row_count, load_run, loaded_at, file_version_id FROM {table}"
            )
        else:
            registers.append(
                f"SELECT '{source.name}' AS source, source_file, sha256, size_bytes, modified_at, format, "
                f"encoding, synthetic, row_count, load_run, loaded_at, file_version_id FROM {table}"
            )
    return (
        " UNION ALL ".join(registers)
        if registers
        else (
            "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_file, NULL::VARCHAR AS sha256, "
            "NULL::BIGINT AS size_bytes, NULL::TIMESTAMP AS modified_at, NULL::VARCHAR AS format, "
            "NULL::VARCHAR AS encoding, NULL::BOOLEAN AS synthetic, NULL::BIGINT AS row_count, "
            "NULL::VARCHAR AS load_run, NULL::TIMESTAMP AS loaded_at, NULL::BIGINT AS file_version_id WHERE false"
        )
    )


def quarantine_select(con: duckdb.DuckDBPyConnection) -> str:
    """A SELECT of every staging row a blocking rule holds out, of every source with a suite, with the rule's title."""
    findings = [
        f"SELECT '{name}' AS source, source_file, source_row, finding, load_run FROM staging.{name} "
        "WHERE finding IS NOT NULL"
        for name in sources()
        if _exists(con, f"staging.{name}") and _has_column(con, f"staging.{name}", "finding")
    ]
    held = (
        " UNION ALL ".join(findings)
        if findings
        else (
            "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_file, NULL::BIGINT AS source_row, "
            "NULL::VARCHAR[] AS finding, NULL::VARCHAR AS load_run WHERE false"
        )
    )
    return (
        f"SELECT f.source, f.source_file, f.source_row, f.finding[1] AS column_name, f.finding[2] AS rule, "
        f"r.title AS rule_title, f.finding[3] AS value, f.load_run, "
        "EXISTS (SELECT 1 FROM core.decisions d WHERE d.action = 'acknowledge' AND d.source = f.source "
        "AND d.file = f.source_file AND coalesce(d.rule, f.finding[2]) = f.finding[2]) AS acknowledged "
        f"FROM ({held}) f LEFT JOIN core.quality_rules r ON r.suite = f.source AND r.rule = f.finding[2]"
    )


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchall()[0][0]
    )


def _has_column(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? AND column_name = ?",
            [schema, name, column],
        ).fetchall()[0][0]
    )


def _record_run(con: duckdb.DuckDBPyConnection, previous_dir: Path | None, run_id: str, run: dict) -> None:
    """``release_runs``: every earlier publication (carried from the previous release) and this one: runs,
    times, code version, every source file behind it. The history lives in the releases, not the live database."""
    con.execute((SQL_DIR / "steps" / "runs.sql").read_text(encoding="utf-8")).fetchall()
    previous = previous_dir / ANALYST_DATABASE if previous_dir else None
    if previous is not None and previous.is_file():
        con.execute(f"ATTACH {_literal(str(previous))} AS previous_runs (READ_ONLY)").fetchall()
        try:
            if con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous_runs' AND table_name = 'runs'"
            ).fetchall()[0][0]:
                con.execute(
                    "INSERT INTO release_runs BY NAME SELECT * FROM previous_runs.main.runs WHERE run_id <> ?", [run_id]
                ).fetchall()
        finally:
            con.execute("DETACH previous_runs").fetchall()
    files = (
        "(SELECT list({'source': source, 'file': source_file, 'sha256': sha256, 'rows': row_count} "
        "ORDER BY source, source_file, file_version_id) FROM core.source_files)"
        if _exists(con, "core.source_files")
        else "NULL"
    )
    con.execute(
        f"INSERT INTO release_runs SELECT ?, ?, ?::TIMESTAMPTZ, now(), ?, {files}, NULL",
        [run_id, run.get("refresh_run_id"), run.get("started"), code_version()],
    ).fetchall()


def _reuse(source: Path, target: Path) -> bool:
    """An unchanged table's file from the previous release, byte for byte (hard link, else copy)."""
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True


def _current_release(root: Path) -> Path | None:
    current = root / CURRENT
    return current.resolve() if current.is_symlink() and current.resolve().is_dir() else None


def _switch(root: Path, release: Path) -> None:
    """Point ``current`` at the new release in one rename; the stable names point through ``current``."""
    link = root / f".{CURRENT}.new"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(RELEASES) / release.name, target_is_directory=True)
    os.replace(link, root / CURRENT)
    for name in (ANALYST_DATABASE, "exports", MANIFEST):
        stable = root / name
        if stable.is_symlink():
            continue
        if stable.is_dir():  # the layout before releases: a plain folder, replaced by the link
            shutil.rmtree(stable)
        else:
            stable.unlink(missing_ok=True)
        stable.symlink_to(Path(CURRENT) / name)


def _prune(releases: Path, keep: set[str]) -> None:
    """Keep the newest KEEP_RELEASES releases (readers may still be reading the one before)."""
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-KEEP_RELEASES]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _fingerprint(con: duckdb.DuckDBPyConnection, relation: str, where: str, schema: str) -> tuple[int, str]:
    """Rows and a fingerprint of a table's columns and content, independent of row order."""
    rows, content = con.execute(
        f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM {relation} t WHERE {where}"
    ).fetchall()[0]
    return rows, hashlib.sha256(f"{schema}|{rows}|{content}".encode()).hexdigest()


def _previous_manifest(release: Path | None) -> dict:
    if release is None:
        return {}
    try:
        manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    # a release written before tables had parts: one part, the whole table
    for table in manifest.get("tables", {}).values():
        table.setdefault(
            "parts",
            {
                "": {
                    "rows": table.get("rows"),
                    "content_sha256": table.get("content_sha256"),
                    "published_run": table.get("published_run"),
                }
            },
        )
    return manifest


def _list(values) -> str:
    return "[" + ", ".join(_literal(v) for v in values) + "]::VARCHAR[]"


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
