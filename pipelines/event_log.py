"""The Dagster event log of a run, with its SQLite files kept open.

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine, opens the file, commits and closes it for
every event it stores, and a commit in its WAL journal with SQLite's default ``synchronous=FULL`` waits for the
disk. A refresh stores about 700 events (each step's start, materialisation, checks and success), and that cost
10 ms each here: 7 of the 23 seconds of a region's next night. :func:`keep_open` changes one storage object of
the process (the instance's, in a refresh run: the CLI and ``pipelines.warehouse`` call it) so that it keeps one
engine (one open connection) per file, the index and the last few runs, and commits with
``synchronous=NORMAL``: still the WAL journal, so a crash or power cut can lose the last events of a run but never
corrupt a file. The files, their tables and their place are Dagster's own and the instance's configuration is
untouched, so the UI, the daemon, older runs and anything reading the instance see no difference.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from types import MethodType

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy.pool import QueuePool

# engines kept open: the index and the runs written last
KEPT_ENGINES = 8


def keep_open(storage) -> bool:
    """Make a SQLite event log storage keep its files open (once; any other storage is left as it is). Whether it
    now does."""
    if type(storage) is not SqliteEventLogStorage:  # (a subclass may connect its own way)
        return False
    if getattr(storage, "_kept_engines", None) is None:
        storage._kept_engines = OrderedDict()
        storage._connect = MethodType(_connect, storage)
        dispose = storage.dispose

        def _dispose() -> None:
            close_all(storage)
            dispose()

        storage.dispose = _dispose
    return True


def close_all(storage) -> None:
    """Close the files a storage keeps open."""
    engines = getattr(storage, "_kept_engines", None)
    with storage._db_lock:
        while engines:
            engines.popitem()[1].dispose()


@contextmanager
def _connect(self: SqliteEventLogStorage, shard: str) -> Iterator[db.Connection]:
    with self._db_lock:
        with _engine(self, shard).connect() as conn:
            with conn.begin():
                yield conn


def _engine(self: SqliteEventLogStorage, shard: str) -> db.Engine:
    engines = self._kept_engines
    engine = engines.pop(shard, None)
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
    engines[shard] = engine  # the most recent last
    while len(engines) > KEPT_ENGINES:
        _, oldest = engines.popitem(last=False)
        oldest.dispose()
    return engine


def _durable_enough(dbapi_connection, _record) -> None:
    """Each new SQLite connection: WAL commits reach the disk at checkpoints, not at every commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
