"""Fingerprints of landed files, so every raw row can be traced to the exact bytes it came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
