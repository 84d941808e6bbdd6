"""The analyst snapshot in a storage format that DuckDB 1.4 LTS and every later client reads.

DuckDB 2.0 writes new database files in its own storage format (storage version 69), which no
DuckDB before 2.0 opens: the CLI from the package index at 1.5, DBeaver's 1.x JDBC driver and a
1.x Python client all refuse it ("Trying to read a database file with version number 69, but we can
only read versions between 64 and 68"). A file created with ``ATTACH ... (STORAGE_VERSION 'vX.Y.Z')``
is written for that version instead; the choice is stored in the file, so later checkpoints keep it.

``v1.4.0`` gives storage version 67, which DuckDB 1.4.x (the LTS line) reads, and so do 1.5.x and
2.x; ``v1.5.0`` (68) would already shut out 1.4. What the older format cannot hold is refused
when the table is written, never stored in a way an old reader misreads: a ``VARIANT`` column
(from 1.5) fails the publication with DuckDB's own message. ``GEOMETRY`` is stored, but a 1.4
client without the spatial extension reads it as bytes; the published tables have neither.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# the oldest DuckDB release whose clients must open the analyst snapshot (1.4 is the LTS line)
READER_STORAGE_VERSION = "v1.4.0"


def attach_for_readers(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str, storage_version: str = READER_STORAGE_VERSION
) -> None:
    """Create the database file ``path`` and attach it as ``alias`` for writing, in ``storage_version``'s format.

    The file must not exist yet: the storage version of an existing file cannot be lowered, and
    attaching one would write it in whatever format it already has.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(
            f"{path} already exists: the snapshot for older DuckDB readers is written as a new "
            "file (the storage version of an existing file cannot be lowered)"
        )
    con.execute(
        f"ATTACH {_literal(str(path))} AS {_identifier(alias)} (STORAGE_VERSION {_literal(storage_version)})"
    ).fetchall()


def storage_version(con: duckdb.DuckDBPyConnection, alias: str) -> str:
    """The storage version an attached database is written for, as DuckDB reports it (e.g. ``v1.4.0+``)."""
    rows = con.execute(
        "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = ?", [alias]
    ).fetchall()
    if not rows:
        raise LookupError(f"no database attached as {alias!r}")
    return rows[0][0]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
