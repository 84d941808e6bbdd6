"""The landing folder, a boundary: which files of a source's folder are read, in delivery order, and what else
is there, each named with the reason it is not read (never passed over without a word):

- refused (someone must act): a symbolic link that leads outside the landing folder, to a folder
  or to nothing; a named pipe, socket or device; a name that holds a personal identity number
  (shown masked: rename the file);
- skipped (nothing to do): hidden files and folders ('.'), READMEs, what operating systems and
  Office leave behind (Thumbs.db, desktop.ini, '~$' lock files), and downloads or copies not
  finished (.part, .crdownload, .tmp ...).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.privacy import holds_identity, scrub

IGNORED_NAMES = {"README.md", "README.txt", ".gitkeep"}
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
UNFINISHED_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp")
SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass(frozen=True)
class NotRead:
    """A landed entry that is not read: its name (relative to the source's folder, masked) and why."""

    name: str
    reason: str
    refused: bool  # True: someone must act (a link outside, a device, an identity number in the name)

    def as_dict(self) -> dict:
        return {"file": self.name, "reason": self.reason, "refused": self.refused}

    @property
    def expected(self) -> bool:
        """Documentation or a hidden entry beside the data: expected there, named only with -v."""
        return is_expected(self.as_dict())


def is_expected(entry: dict) -> bool:
    """Whether a not-read entry (``NotRead.as_dict()``) is documentation or hidden, expected beside the data."""
    return not entry["refused"] and entry["reason"].startswith(("a README", "a hidden"))


@dataclass
class Landing:
    """One source folder: the files to read, in delivery order, and what is not read."""

    files: list[Path] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)


def scan_landing(folder: Path) -> Landing:
    """The regular files under ``folder`` in delivery order (modification time, then name), and the rest named.

    Nothing outside ``folder`` is looked into: links are judged by where they lead without following
    links to folders, and a file reached through a link is read only when it lies inside ``folder``.
    """
    landing = Landing()
    if not folder.is_dir():
        return landing
    root = folder.resolve()
    for top, folders, names in os.walk(folder, followlinks=False):
        here = Path(top)
        for name in sorted(folders):
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if name.startswith("."):
                landing.not_read.append(NotRead(scrub(relative) + "/", "a hidden folder: not read", False))
            elif path.is_symlink():
                landing.not_read.append(_link(path, relative, root))
            elif holds_identity(name):
                landing.not_read.append(NotRead(scrub(relative) + "/", _IDENTITY_IN_NAME, True))
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and not (here / name).is_symlink() and not holds_identity(name)
        ]
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if (problem := _judge(path, name, relative, root)) is not None:
                landing.not_read.append(problem)
            else:
                landing.files.append(path)
    landing.files.sort(key=lambda p: (p.stat().st_mtime, p.relative_to(folder).as_posix()))
    return landing


_IDENTITY_IN_NAME = (
    "the name holds what is shaped like a personal identity number (YYMMDD-NNNN, "
    "YYYYMMDDNNNN and the like; a date and time written YYYYMMDDhhmm looks the same): rename it, "
    "since a file's name is stored and shown"
)


def _judge(path: Path, name: str, relative: str, root: Path) -> NotRead | None:
    """Why a landed entry is not read, or None when it is a file to read."""
    shown = scrub(relative)
    if name in IGNORED_NAMES:
        return NotRead(shown, "a README (documentation, not data)", False)
    if name.startswith("."):
        return NotRead(shown, "a hidden file", False)
    if name.lower() in SYSTEM_FILES or name.startswith("~$"):
        return NotRead(shown, "a file the operating system or Office leaves (not data)", False)
    if name.lower().endswith(UNFINISHED_SUFFIXES):
        return NotRead(shown, "a download or copy that has not finished", False)
    if path.is_symlink():
        problem = _link(path, relative, root)
        if problem is not None:
            return problem
    else:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            kind = next((kind for test, kind in SPECIAL_KINDS if test(mode)), "not a regular file")
            return NotRead(shown, f"{kind}, not a file: not read", True)
    if holds_identity(relative):
        return NotRead(shown, _IDENTITY_IN_NAME, True)
    return None


def _link(path: Path, relative: str, root: Path) -> NotRead | None:
    """A symbolic link is read only when it leads to a regular file inside the landing folder."""
    shown = scrub(relative)
    try:
        target = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return NotRead(shown, "a symbolic link that leads nowhere (its target is missing)", True)
    if not target.is_relative_to(root):
        return NotRead(shown, "a symbolic link that leads outside the landing folder: nothing outside it is read", True)
    mode = os.stat(target).st_mode
    if stat.S_ISDIR(mode):
        return NotRead(shown + "/", "a symbolic link to a folder: not followed", True)
    if not stat.S_ISREG(mode):
        kind = next((kind for test, kind in SPECIAL_KINDS if test(mode)), "not a regular file")
        return NotRead(shown, f"a symbolic link to {kind}: not read", True)
    return None


def landed_files(folder: Path) -> list[Path]:
    """The files of one source to read, in delivery order (see scan_landing for what is left out and why)."""
    return scan_landing(folder).files


def stat_key(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
