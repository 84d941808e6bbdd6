"""Is there anything new to refresh? Answered from file sizes and times and the warehouse's bookkeeping,
without reading a landed file or starting a run, so a night with nothing new costs a second.

Something is new when a landed file is new or its size or modification time differ from when it was last
seen (``meta.landed``), when the code or a definition changed (the code version: pipelines/runs.py), when
a setting that decides published values changed (the disclosure threshold), when an operator's decision
changed (decisions.yaml: a retraction, an acknowledged quarantine), when the month turned (the
organisation register is laid out up to the current month), or when the last refresh did not finish
cleanly (something refused or failed is tried again). After a refresh and its publication have run
through, :func:`remember_state` records what they saw. When new or changed files are all that is new, the
refresh runs only what reads those sources (:func:`news` names them; pipelines/graph/selection.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.decisions import fingerprint as decisions_fingerprint
from pipelines.landing import scan_landing, stat_key
from pipelines.lock import LIVE_DIR
from pipelines.runs import code_version
from pipelines.sources import sources

STATE_FILE = "state.json"
LIVE_DATABASE = "vardpuls.duckdb"


def settings_fingerprint(root: Path) -> dict:
    from pipelines.settings import MIN_COUNT_ENV

    return {
        "code_version": code_version(),
        "min_count": os.environ.get(MIN_COUNT_ENV) or "",
        "month": dt.date.today().strftime("%Y-%m"),
        "decisions": decisions_fingerprint(root),
    }


@dataclass(frozen=True)
class News:
    """What is new since the last clean refresh: the reasons, and the sources with new or changed files when
    those are all that is new (``sources`` None: something else is new, and everything is looked at again)."""

    reasons: list[str]
    sources: frozenset[str] | None


def what_is_new(landing: Path, root: Path) -> list[str]:
    """Why a refresh has work to do; an empty list when nothing is new since the last clean refresh."""
    return news(landing, root).reasons


def news(landing: Path, root: Path) -> News:
    """What is new (see :class:`News`), from file sizes and times and the record of the last refresh."""
    state_path = root / LIVE_DIR / STATE_FILE
    live = root / LIVE_DIR / LIVE_DATABASE
    if not state_path.is_file() or not live.is_file():
        return News(["the warehouse has not been refreshed yet"], None)
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return News(["the record of the last refresh cannot be read"], None)
    reasons = []
    if not state.get("clean"):
        reasons.append("the last refresh did not finish cleanly")
    now = settings_fingerprint(root)
    for key, value in now.items():
        if state.get(key) != value:
            reasons.append(
                {
                    "code_version": "the code or a definition changed",
                    "min_count": "the disclosure threshold changed",
                    "month": "a new month began",
                    "decisions": "an operator's decision changed (decisions.yaml)",
                }[key]
            )
    if reasons:
        return News(reasons, None)
    try:
        con = duckdb.connect(str(live), read_only=True)
    except duckdb.Error:
        return News(["the live database cannot be read"], None)
    try:
        seen = {
            (s, f): (size, mtime)
            for s, f, size, mtime in con.execute(
                "SELECT source, source_file, size_bytes, mtime_ns FROM meta.landed"
            ).fetchall()
        }
    except duckdb.Error:
        return News(["the warehouse has no record of landed files"], None)
    finally:
        con.close()
    changed = set()
    for name in sources():
        folder = landing / name
        scan = scan_landing(folder)
        # a landed entry refused or skipped (not documentation beside the data) is said every night, until it is gone
        if unread := [entry for entry in scan.not_read if not entry.expected]:
            reasons.append(f"files in {name}/ that are not read ({len(unread)})")
            changed.add(name)
            continue
        for path in scan.files:
            if seen.get((name, path.relative_to(folder).as_posix())) != stat_key(path):
                reasons.append(f"new or changed files in {name}/")
                changed.add(name)
                break
    return News(reasons, frozenset(changed))


def remember_state(root: Path, clean: bool) -> None:
    """Record the settings the refresh ran with and whether it finished cleanly (written atomically)."""
    path = root / LIVE_DIR / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(
        json.dumps(
            {
                **settings_fingerprint(root),
                "clean": clean,
                "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            }
        ),
        encoding="utf-8",
    )
    os.replace(partial, path)
