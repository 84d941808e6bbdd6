"""One writer: a refresh holds ``<warehouse>/.live/writer.lock`` from its first step to its last.

The live DuckDB file has one writer, and a writer locks out readers. Two refreshes (the nightly
schedule and someone at the terminal, or two terminals) must never interleave, and a refresh that
finds the warehouse in use must say who holds it, change nothing and leave with its own exit code
(:data:`EXIT_BUSY`). The lock is an advisory ``flock`` on a file beside the live database, holding
who took it (PID, what, since when); the operating system releases it when the process ends, however
it ends, so a killed refresh never leaves a stale lock. Within one process it is re-entrant: the CLI
takes it for the whole refresh and the Dagster runs inside take it again without waiting.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LIVE_DIR = ".live"
LOCK_FILE = "writer.lock"
EXIT_BUSY = 75  # EX_TEMPFAIL: try again later
_held: dict[Path, list] = {}  # lock path -> [file descriptor, depth]
_guard = threading.Lock()


class WarehouseBusy(RuntimeError):
    """The live warehouse is in use by another process: who, and since when."""

    def __init__(self, root: Path, holder: dict | None):
        self.root, self.holder = root, holder or {}
        who = self.holder
        if who.get("pid"):
            what = who.get("what") or "a process"
            since = f" since {who['since']}" if who.get("since") else ""
            text = f"{what} (PID {who['pid']}{', ' + who['program'] if who.get('program') else ''}){since}"
        else:
            text = "another process"
        super().__init__(
            f"the warehouse {root} is in use by {text}; nothing was changed. Try again when it has finished."
        )


def lock_path(root: Path) -> Path:
    return root / LIVE_DIR / LOCK_FILE


def holder(root: Path) -> dict | None:
    """Who holds the writer lock now, or None when nobody does."""
    path = lock_path(root)
    if not path.is_file():
        return None
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                return json.loads(handle.read() or "{}")
            except json.JSONDecodeError:
                return {}
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return None


@contextmanager
def writer_lock(root: Path, what: str) -> Iterator[None]:
    """Hold the warehouse's writer lock, or raise :class:`WarehouseBusy` at once (never wait)."""
    path = lock_path(root)
    with _guard:
        entry = _held.get(path)
        if entry is not None:
            entry[1] += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise WarehouseBusy(root, holder(root)) from None
            os.ftruncate(fd, 0)
            os.write(
                fd,
                json.dumps(
                    {
                        "pid": os.getpid(),
                        "what": what,
                        "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    }
                ).encode(),
            )
            _held[path] = [fd, 1]
    try:
        yield
    finally:
        with _guard:
            entry = _held[path]
            entry[1] -= 1
            if entry[1] == 0:
                del _held[path]
                os.ftruncate(entry[0], 0)
                fcntl.flock(entry[0], fcntl.LOCK_UN)
                os.close(entry[0])


_DUCKDB_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def duckdb_holder(message: str) -> dict | None:
    """The process DuckDB names in a lock conflict ("Conflicting lock is held in … (PID n)"), if any."""
    match = _DUCKDB_HOLDER.search(message)
    if not match:
        return None
    program = Path(match["program"]).name
    return {
        "pid": int(match["pid"]),
        "program": program,
        "what": "a reader of the live database" if "duckdb" in program or "python" in program else program,
    }
