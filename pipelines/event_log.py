"""The Dagster event log of a vardpuls instance: Dagster's own SQLite event log, with its files kept open.

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine, opens the file, commits and closes it for
every event it stores, and a commit in its WAL journal with SQLite's default ``synchronous=FULL`` waits for the
disk. A refresh stores about 700 events (each step's start, materialisation, checks and success), and that cost
10 ms each here: 7 of the 23 seconds of a region's next night. This storage keeps one engine (one open
connection) per file for the life of the process, the index and the last few runs, and commits with
``synchronous=NORMAL``: still the WAL journal, so a crash or power cut can lose the last events of a run but
never corrupt a file. The files, their tables and their place are Dagster's own (``<DAGSTER_HOME>/history/
runs/``), so the UI, the daemon and older runs see no difference.

Configured in ``<DAGSTER_HOME>/dagster.yaml`` (written by the CLI; ``deploy/dagster.yaml`` for the services)::

    event_log_storage:
      module: pipelines.event_log
      class: EventLogStorage
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import QueuePool

# engines kept open: the index and the runs written last (a long-lived webserver reads many runs)
KEPT_ENGINES = 8


def default_base_dir() -> str:
    """Where Dagster keeps the event logs of an instance with no storage configured: <DAGSTER_HOME>/history/runs."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError("DAGSTER_HOME is not set: the event log has no folder (set base_dir or DAGSTER_HOME)")
    return os.path.join(home, "history", "runs", "")


class EventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with an open engine per file and commits that do not wait for the disk."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        super().__init__(base_dir or default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, base_dir=config_value.get("base_dir"))

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=4,  # (Dagster's schema set-up opens a second connection)
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _durable_enough)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine  # the most recent last
        while len(self._engines) > KEPT_ENGINES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


def _durable_enough(dbapi_connection, _record) -> None:
    """Each new SQLite connection: WAL commits reach the disk at checkpoints, not at every commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
