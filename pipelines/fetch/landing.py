"""Where a fetch writes: new files in a new folder beside the earlier ones, a state file, and its report.

A fetch writes its files under a hidden folder (``.partial-<name>``), which the loaders skip, and
moves it into place in one rename when the fetch is done: a refresh never reads half a fetch, and
a fetch that fails leaves nothing a loader would read. What a fetch asked for and when is kept in
``<landing>/<source>/.fetch-state.json`` (hidden too: never read as data), with the log of every fetch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.fetch.http import Attempt

STATE_FILE = ".fetch-state.json"
STATE_VERSION = 1
HISTORY = 100  # fetches kept in the state file's log


class FetchStateError(ValueError):
    """A state file that cannot be read."""


def stamp(moment: dt.datetime) -> str:
    """A fetch's name: its start in UTC, sortable, valid on every file system (20260701T081233Z)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class FetchReport:
    """What one fetch did: the files it wrote (relative to its folder), the requests, warnings and errors."""

    source: str
    folder: Path
    started_at: dt.datetime
    api: str
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[Attempt] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]

    def as_metadata(self) -> dict:
        """The report as plain data (for a Dagster materialisation or the state file's log)."""
        return {
            "source": self.source,
            "folder": str(self.folder),
            "api": self.api,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "files": self.files,
            "notes": self.notes,
            "warnings": self.warnings,
            "errors": self.errors,
            "requests": len(self.requests),
            "retried": sum(a.outcome == "retried" for a in self.requests),
        }


class FetchFolder:
    """The files of one fetch: written under ``.partial-<name>/``, moved to ``<name>/`` by ``commit``."""

    def __init__(self, source_folder: Path, name: str):
        self.source_folder = source_folder
        number, final = 1, source_folder / name
        while final.exists():  # two fetches in the same second
            number += 1
            final = source_folder / f"{name}-{number}"
        self.final = final
        self.partial = source_folder / f".partial-{final.name}"
        self.written: list[str] = []

    def write(self, name: str, body: bytes) -> str:
        """Write one response as received; returns its path relative to the source folder once committed."""
        self.partial.mkdir(parents=True, exist_ok=True)
        (self.partial / name).write_bytes(body)
        self.written.append(name)
        return f"{self.final.name}/{name}"

    def discard(self, names: list[str]) -> None:
        for name in names:
            (self.partial / name).unlink(missing_ok=True)
            self.written.remove(name)

    def commit(self) -> list[str]:
        """Move the written files into place in one rename; nothing written, nothing left behind."""
        if not self.written:
            shutil.rmtree(self.partial, ignore_errors=True)
            return []
        os.replace(self.partial, self.final)
        return [f"{self.final.name}/{name}" for name in self.written]

    def abandon(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)


def read_state(folder: Path) -> dict:
    path = folder / STATE_FILE
    if not path.exists():
        return {"version": STATE_VERSION, "fetches": []}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FetchStateError(
            f"{path}: the fetch state cannot be read ({error}); fix or remove it (the next fetch "
            "then asks for everything again)"
        ) from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise FetchStateError(
            f"{path}: not a fetch state of version {STATE_VERSION}; remove it (the next fetch then "
            "asks for everything again)"
        )
    state.setdefault("fetches", [])
    return state


def write_state(folder: Path, state: dict, report: FetchReport) -> None:
    """Record the fetch in the state file, written whole to a temporary file and then renamed into place."""
    state["version"] = STATE_VERSION
    state["note"] = (
        "Written by vardpuls fetch: what was fetched and when, so the next fetch asks only for what "
        "changed. Not data: the loaders skip hidden files."
    )
    state["fetches"] = (state.get("fetches") or [])[-(HISTORY - 1) :] + [report.as_metadata()]
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)
