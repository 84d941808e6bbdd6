"""The live DuckDB warehouse: the pipeline's alone (analysts read the published snapshot).

The live database is ``<warehouse>/.live/vardpuls.duckdb``, out of the analyst's way beside the
writer lock (:mod:`pipelines.lock`) and DuckDB's spill folder. A Dagster run opens it once, holding
the writer lock, and every step of the run shares that connection (the in-process executor runs
the steps one after another); outside a run, :meth:`Warehouse.connect` opens and closes it.
"""

from __future__ import annotations

import shutil
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.event_log import keep_open
from pipelines.lock import LIVE_DIR, WarehouseBusy, duckdb_holder, writer_lock

LIVE_DATABASE = "vardpuls.duckdb"
# working copies of a load (a transcoded delivery), beside the live database, never in the machine's temp folder
WORK_DIR = ".work"
SPILL_DIR = "spill"


class Warehouse(dg.ConfigurableResource):
    """Paths of the landing area and the warehouse directory, and the connection to the live database."""

    landing_dir: str
    warehouse_dir: str
    _con: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default=None)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir)

    @property
    def live_path(self) -> Path:
        return self.root / LIVE_DIR / LIVE_DATABASE

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run_id is None:
            return  # a sensor's or schedule's tick reads the paths only: no lock, no connection
        if context.instance is not None:
            keep_open(context.instance.event_log_storage)  # a run's events: files kept open (pipelines/event_log.py)
        self._lock = writer_lock(self.root, f"a Dagster run ({context.run_id[:8] if context.run_id else 'run'})")
        self._lock.__enter__()
        try:
            _sweep_work(self.root, context)
            self._con = open_live(self)
        except BaseException:
            self._lock.__exit__(None, None, None)
            self._lock = None
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._con is not None:
            forget_connection(self._con)
            self._con.close()
            self._con = None
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The run's connection, or (outside a run) a new one closed afterwards."""
        if self._con is not None:
            yield self._con
            return
        con = open_live(self)
        try:
            yield con
        finally:
            forget_connection(con)
            con.close()


def default_warehouse() -> Warehouse:
    return Warehouse(landing_dir=str(settings.landing_dir()), warehouse_dir=str(settings.warehouse_dir()))


def open_live(warehouse: Warehouse) -> duckdb.DuckDBPyConnection:
    """Open the live database with the memory limit and spill folder of the configuration."""
    live = warehouse.live_path
    live.parent.mkdir(parents=True, exist_ok=True)
    _move_old_layout(warehouse.root, live)
    spill = live.parent / SPILL_DIR
    shutil.rmtree(spill, ignore_errors=True)  # what a killed run spilled
    spill.mkdir(exist_ok=True)
    config = {"memory_limit": settings.duckdb_memory(), "temp_directory": str(spill)}
    if threads := settings.duckdb_threads():
        config["threads"] = threads
    try:
        con = duckdb.connect(str(live), config=config)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusy(warehouse.root, duckdb_holder(str(error))) from None
        raise
    # a table name must never resolve to a Python variable of the calling module (DuckDB's replacement
    # scans): a missing table is an error, not an asset object read as data
    con.execute("SET python_enable_replacements = false").fetchall()
    register_macros(con)
    return con


# macros created per connection; held weakly, so a new connection at a closed one's address starts empty
_registered: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, set[str]]" = weakref.WeakKeyDictionary()


def work_dir_of(con: duckdb.DuckDBPyConnection) -> Path:
    """``<warehouse>/.work/``, where a load keeps its working copies (transcoded files): the warehouse of the live
    database the connection has open (never the machine's temporary folder)."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if not rows or not rows[0][0]:
        raise ValueError("the connection has no database file, so no warehouse work folder: give work_dir")
    live = Path(rows[0][0]).resolve()
    root = live.parent.parent if live.parent.name == LIVE_DIR else live.parent
    return root / WORK_DIR


def sweep_work_dir(warehouse_root: Path) -> list[str]:
    """Remove what a killed refresh left in ``<warehouse>/.work/``; the names removed. Called when a run starts,
    holding the writer lock, so no other refresh can be reading them."""
    folder = Path(warehouse_root) / WORK_DIR
    removed = []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def _sweep_work(root: Path, context) -> None:
    """What a killed refresh left in <warehouse>/.work/ goes, now that this run holds the writer lock."""
    removed = sweep_work_dir(root)
    if removed and context.log is not None:
        context.log.info(
            f"removed {len(removed)} working file{'s' if len(removed) != 1 else ''} a killed refresh "
            f"left in {root / '.work'}"
        )


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Every macro the SQL uses (sql/staging/macros.sql, sql/macros/*.sql, the statistics), on this connection.

    DuckDB binds a table macro when it is created, so a macro reading a table that is not there yet (the
    SCB macros read the area register) waits: the next call, when the table exists, creates it.
    """
    from pipelines.relations import macros
    from pipelines.statistics import register_statistics

    done = _registered.setdefault(con, set())
    if not done:
        register_statistics(con)
    for name, statement in macros().items():
        if name in done:
            continue
        try:
            con.execute(statement).fetchall()
            done.add(name)
        except duckdb.CatalogException:
            pass


def forget_connection(con: duckdb.DuckDBPyConnection) -> None:
    _registered.pop(con, None)


def _move_old_layout(root: Path, live: Path) -> None:
    """A warehouse from before .live/: its database moves in (once)."""
    old = root / LIVE_DATABASE
    if old.is_file() and not old.is_symlink() and not live.exists():
        old.rename(live)
        wal = root / f"{LIVE_DATABASE}.wal"
        if wal.is_file():
            wal.rename(live.with_name(wal.name))


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of it or none of it: a failure (or a kill) leaves what was there before."""
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        yield
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
