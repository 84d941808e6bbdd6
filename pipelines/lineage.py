"""Landed files: which are new or changed, and their fingerprints, so every raw row can be traced to its bytes.

A file is recognised as unchanged without reading it when its size and modification time are the ones
seen last (``meta.landed``); only when they differ is it hashed, and only when the hash differs is it
loaded again. ``rehash=True`` hashes every file whatever its size and time say.

Which files a source's folder holds, and which are not read and why: pipelines/landing.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.incremental import ensure_meta, record_changes, record_partition_rows
from pipelines.landing import NotRead, scan_landing, stat_key


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class LoadReport:
    """What one source's load did: the file versions loaded, the files found unchanged, the partitions changed, what
    was not read."""

    folder: Path
    loaded: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed_partitions: set[str] = field(default_factory=set)
    not_read: list[NotRead] = field(default_factory=list)
    retracted: list[dict] = field(default_factory=list)  # versions whose rows this load took out
    restored: list[str] = field(default_factory=list)  # files whose retraction was undone (read again if landed)

    @property
    def files_seen(self) -> int:
        return len(self.loaded) + len(self.unchanged)

    @property
    def rows_loaded(self) -> int:
        return sum(f["rows"] for f in self.loaded)

    @property
    def refused(self) -> list[NotRead]:
        """Entries someone must act on (a link outside the landing folder, a device, an identity number in a name)."""
        return [entry for entry in self.not_read if entry.refused]


def seen_files(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[int, int, str]]:
    """file -> (size, mtime_ns, sha256) as last seen, for one source."""
    ensure_meta(con)
    return {
        f: (s, m, h)
        for f, s, m, h in con.execute(
            "SELECT source_file, size_bytes, mtime_ns, sha256 FROM meta.landed WHERE source = ?", [source]
        ).fetchall()
    }


def load_changed_files(
    con: duckdb.DuckDBPyConnection,
    source: str,
    folder: Path,
    load: Callable[[Path, str, str], dict],
    progress: Callable[[str], None],
    run_id: str,
    rehash: bool = False,
    period_column: str | None = None,
    retracted: dict[tuple[str, str], str] | None = None,
    on_retract: Callable[[str, str], None] | None = None,
) -> LoadReport:
    """Load each file of a source folder that is new or whose bytes changed, all in one transaction.

    ``load(path, relative_path, sha256)`` writes one file version and returns what it loaded (format,
    rows, synthetic, and the partitions it changed); loading the same file again changes nothing, and
    one file that fails leaves nothing of this load behind; what is not read is named through ``progress``
    and kept in the report. The partitions changed are recorded for
    what reads ``raw.<source>`` in the same transaction (and, with ``period_column``, their row counts).

    ``retracted`` ((file, sha256) -> when, from decisions.yaml) are versions whose rows are taken out
    (:func:`retract_versions`; ``on_retract(file, sha256)`` tidies a source's own register) and that are not loaded
    again while the landed file has those bytes.
    """
    report = LoadReport(folder=folder)
    landing = scan_landing(folder)
    report.not_read = landing.not_read
    files = landing.files
    seen = seen_files(con, source)
    retracted = retracted or {}
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        retract_versions(con, source, retracted, report, run_id, period_column, on_retract)
        seen = {f: v for f, v in seen.items() if f not in report.restored}
        for number, path in enumerate(files, start=1):
            relative = path.relative_to(folder).as_posix()
            size, mtime = stat_key(path)
            before = seen.get(relative)
            if before and not rehash and before[:2] == (size, mtime):
                if (relative, before[2]) in retracted:
                    report.not_read.append(_retracted_entry(relative, retracted[(relative, before[2])]))
                else:
                    report.unchanged.append(relative)
                continue
            sha = sha256_of(path)
            if (relative, sha) in retracted:
                report.not_read.append(_retracted_entry(relative, retracted[(relative, sha)]))
            elif before and before[2] == sha:
                report.unchanged.append(relative)
            else:
                loaded = load(path, relative, sha)
                report.loaded.append(loaded)
                report.changed_partitions |= set(loaded.get("partitions") or ())
                progress(f"{source} [{number}/{len(files)}] {relative}: {_describe(loaded)}")
            con.execute("DELETE FROM meta.landed WHERE source = ? AND source_file = ?", [source, relative]).fetchall()
            con.execute(
                "INSERT INTO meta.landed VALUES (?, ?, ?, ?, ?)", [source, relative, size, mtime, sha]
            ).fetchall()
        changed = sorted(report.changed_partitions)
        record_changes(con, f"raw.{source}", changed, run_id)
        if period_column and changed:
            record_partition_rows(con, f"raw.{source}", period_column, changed, run_id)
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    return report


RETRACTED = "retracted"


def _retracted_entry(relative: str, when: str) -> NotRead:
    return NotRead(
        relative,
        f"{RETRACTED} on {when[:10]} (decisions.yaml): not loaded again while the file has the same bytes",
        refused=False,
    )


def retract_versions(
    con: duckdb.DuckDBPyConnection,
    source: str,
    retracted: dict[tuple[str, str], str],
    report: LoadReport,
    run_id: str,
    period_column: str | None,
    on_retract: Callable[[str, str], None] | None,
) -> None:
    """Carry out the retractions not yet carried out (take the version's rows out of ``raw.<source>``, mark what they
    held as changed) and undo those no longer decided (the file is read again, if it is still landed)."""
    done = {
        (f, h)
        for f, h in con.execute("SELECT source_file, sha256 FROM meta.retracted WHERE source = ?", [source]).fetchall()
    }
    for relative, sha in sorted(set(retracted) - done):
        where = f"FROM raw.{source} WHERE source_file = ? AND source_sha256 = ?"
        partitions = (
            [
                p
                for (p,) in con.execute(
                    f"SELECT DISTINCT coalesce({period_column}, '') {where}", [relative, sha]
                ).fetchall()
            ]
            if period_column
            else ["*"]
        )
        rows = con.execute(f"SELECT count(*) {where}", [relative, sha]).fetchall()[0][0]
        con.execute(f"DELETE {where}", [relative, sha]).fetchall()
        if on_retract is not None:
            on_retract(relative, sha)
        con.execute(
            "INSERT INTO meta.retracted VALUES (?, ?, ?, ?, ?)", [source, relative, sha, rows, run_id]
        ).fetchall()
        if rows:
            report.changed_partitions |= set(partitions)
        report.retracted.append({"file": relative, "sha256": sha, "rows": rows})
    for relative, sha in sorted(done - set(retracted)):
        con.execute(
            "DELETE FROM meta.retracted WHERE source = ? AND source_file = ? AND sha256 = ?", [source, relative, sha]
        ).fetchall()
        con.execute("DELETE FROM meta.landed WHERE source = ? AND source_file = ?", [source, relative]).fetchall()
        report.restored.append(relative)


def _describe(loaded: dict) -> str:
    text = f"{loaded['format']}, {loaded['rows']:,} rows"
    periods = loaded.get("periods")
    if periods is not None:
        text += ", " + (
            "no period" if not periods else periods[0] if len(periods) == 1 else f"{periods[0]}..{periods[-1]}"
        )
    return text + (" (synthetic)" if loaded["synthetic"] else "")
