"""Load Kolada API pages (v3 and v2) from the landing area into raw.kolada_*: incremental, all or nothing.

Each page file is read on its own, inside DuckDB (read_json_objects): data pages
``{"count", "values": [{"kpi", "municipality", "period", "values": [{"gender", "count", "status",
"value"}]}], "next_url"}`` and KPI metadata pages ``{"count", "values": [{"id", "title", ...}]}``;
v2 pages carry ``next_page`` instead of ``next_url``. A page that departs from that shape is refused
with the file, the item, the field and what was expected, and nothing of the load is kept.
"""

import datetime as dt
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.lineage import LoadReport, load_changed_files
from pipelines.privacy import scrub
from pipelines.sql_scripts import run_sql

FOLDER = "kolada"


class KoladaPageError(ValueError):
    """A Kolada page file that cannot be read: names the file, the item and field, and what was expected."""

    def __init__(self, file: str, message: str, item: int | None = None, field: str | None = None):
        # a page's content may be shown here: never an identity number (pipelines/privacy.py)
        self.file, self.item, self.reason = scrub(file), item, scrub(message)
        self.field = scrub(field) if field else field
        where = (
            [self.file]
            + ([f"item {item}"] if item is not None else [])
            + ([f"field '{self.field}'"] if self.field else [])
        )
        super().__init__(f"{', '.join(where)}: {self.reason}")


def ingest_kolada(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    load_run: str,
    progress: Callable[[str], None] = print,
    rehash: bool = False,
) -> LoadReport:
    """Load every new or changed page under ``<landing>/kolada/`` (see lineage.load_changed_files)."""
    run_sql(con, "raw/kolada.sql")
    return load_changed_files(
        con,
        FOLDER,
        landing / FOLDER,
        lambda path, relative, sha: _load_page(con, path, relative, sha, load_run),
        progress,
        load_run,
        rehash,
    )


def missing_pages(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(file, next page address) for every loaded page that says more exist while no file holds the next one."""
    return [tuple(row) for row in run_sql(con, "raw/kolada_missing_pages.sql")]


def _load_page(con: duckdb.DuckDBPyConnection, path: Path, relative: str, sha: str, load_run: str) -> dict:
    display = str(path)
    try:
        run_sql(con, "raw/kolada_read.sql", path=str(path))
    except duckdb.Error as error:
        reason = str(error).strip().splitlines()[0].replace(f' in file "{path}"', "")
        raise KoladaPageError(
            display, f'is not JSON ({reason}): expected a Kolada API page {{"count", "values", "next_url"}}'
        ) from None
    problems = run_sql(con, "raw/kolada_page.sql")
    if problems:
        item, field, found, expected, count = problems[0]
        what = "is missing" if found is None else f"{found} is not understood"
        more = f" ({count - 1:,} more problems in this file)" if count > 1 else ""
        raise KoladaPageError(display, f"{what}: expected {expected}{more}", item=item, field=field)
    version = con.execute("SELECT nextval('raw.kolada_file_version_seq')").fetchall()[0][0]
    page_format, kind, stated, items, rows, next_page, previous_page = run_sql(
        con, "raw/kolada_load.sql", version=version, file=relative, sha=sha, run=load_run
    )[0]
    stat = path.stat()
    con.execute(
        "INSERT INTO raw.kolada_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            relative,
            sha,
            stat.st_size,
            dt.datetime.fromtimestamp(stat.st_mtime),
            page_format,
            kind,
            stated,
            items,
            rows,
            next_page,
            previous_page,
            load_run,
            dt.datetime.now(),
        ],
    ).fetchall()
    for table in ("kolada_entries", "kolada_items", "kolada_page"):
        con.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
    return {
        "file": relative,
        "sha256": sha,
        "format": f"{page_format} {kind} page",
        "rows": rows,
        "synthetic": False,
        "next_page": next_page,
        "file_version_id": version,
        "partitions": ["*"],
    }
