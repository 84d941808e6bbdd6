"""Fingerprints of landed files, so every raw row can be traced to the exact bytes it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

IGNORED_NAMES = {"README.md", "README.txt", ".gitkeep"}


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def landed_files(folder: Path) -> list[Path]:
    """Files of one source in delivery order (modification time, then name); hidden files and READMEs skipped."""
    if not folder.is_dir():
        return []
    files = [
        p for p in folder.rglob("*")
        if p.is_file() and p.name not in IGNORED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.relative_to(folder).as_posix()))


@dataclass
class LoadReport:
    """What one source's load did: the file versions loaded and the files found unchanged."""

    folder: Path
    loaded: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def files_seen(self) -> int:
        return len(self.loaded) + len(self.unchanged)

    @property
    def rows_loaded(self) -> int:
        return sum(f["rows"] for f in self.loaded)


def load_changed_files(
    con: duckdb.DuckDBPyConnection, folder: Path, label: str,
    last_sha256: Callable[[str], str | None], load: Callable[[Path, str, str], dict],
    progress: Callable[[str], None],
) -> LoadReport:
    """Load each file of a source folder that is new or whose bytes changed, all in one transaction.

    ``load(path, relative_path, sha256)`` writes one file version and returns what it loaded
    (format, rows, synthetic and, where the source has them, periods); loading the same file
    again changes nothing, and one file that fails leaves nothing of this load behind.
    """
    report = LoadReport(folder=folder)
    files = landed_files(folder)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        for number, path in enumerate(files, start=1):
            relative = path.relative_to(folder).as_posix()
            sha = sha256_of(path)
            if last_sha256(relative) == sha:
                report.unchanged.append(relative)
                progress(f"{label} [{number}/{len(files)}] {relative}: unchanged since last load")
                continue
            loaded = load(path, relative, sha)
            report.loaded.append(loaded)
            progress(f"{label} [{number}/{len(files)}] {relative}: {_describe(loaded)}")
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    return report


def _describe(loaded: dict) -> str:
    text = f"{loaded['format']}, {loaded['rows']:,} rows"
    periods = loaded.get("periods")
    if periods is not None:
        text += ", " + ("no period" if not periods else periods[0] if len(periods) == 1
                        else f"{periods[0]}..{periods[-1]}")
    return text + (" (synthetic)" if loaded["synthetic"] else "")
