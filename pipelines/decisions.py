"""The operator's decisions about deliveries, kept in ``<warehouse>/decisions.yaml``: retractions and acknowledged
quarantines. ``vardpuls retract`` and ``vardpuls acknowledge`` write it; it can be read and edited by hand, and the
pipeline never removes an entry.

- **retracted**: a file version (source, file, sha256) whose rows are taken out of the warehouse. The raw load of its
  source deletes its rows and marks the periods they held as changed, so everything built from them is recomputed;
  while the file in the landing folder has the same bytes it is not loaded again (said every night). A corrected
  file (other bytes) loads as usual. Removing the entry brings the version back on the next refresh, if the file
  is still landed.
- **acknowledged**: rows of one file held out by a blocking rule (one rule, or every rule when none is named) that
  an operator has seen and accepts. They stay in the quarantine, marked acknowledged, and still stay out of the
  facts; they no longer make the night fail (exit status 1).

Both are published (table ``decisions``) with who decided, when and why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import yaml

from pipelines.yaml_files import parse_yaml

DECISIONS_FILE = "decisions.yaml"
HEADER = (
    "# The operator's decisions about deliveries (pipelines/decisions.py): written by `vardpuls retract` and\n"
    "# `vardpuls acknowledge`, read by every refresh. Edit by hand if you must; remove an entry to undo it.\n"
)
ACTIONS = {"retracted": "retract", "acknowledged": "acknowledge"}
DECISION_SCHEMA = pa.schema(
    [
        (name, pa.string())
        for name in ("action", "source", "file", "reason", "decided_at", "decided_by", "sha256", "rule")
    ]
)


class DecisionsError(ValueError):
    """The decisions file cannot be used: which file, which entry, which field, what was expected."""


@dataclass(frozen=True)
class Decision:
    action: str  # 'retract' or 'acknowledge'
    source: str
    file: str  # relative to <landing>/<source>/
    reason: str
    decided_at: str  # ISO 8601 with the offset
    decided_by: str
    sha256: str | None = None  # retract: the version retracted
    rule: str | None = None  # acknowledge: the rule (None: every rule)

    def as_entry(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "action" and v is not None}

    def as_row(self) -> dict:
        return asdict(self)


def decisions_path(root: Path) -> Path:
    return root / DECISIONS_FILE


def load_decisions(root: Path) -> list[Decision]:
    """Every decision of the warehouse at ``root`` (none when there is no file), checked entry by entry."""
    path = decisions_path(root)
    if not path.is_file():
        return []
    try:
        body = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise DecisionsError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(body, dict) or set(body) - set(ACTIONS):
        raise DecisionsError(f"{path}: expected a mapping with the lists {' and '.join(ACTIONS)} only")
    found = []
    for key, action in ACTIONS.items():
        entries = body.get(key) or []
        if not isinstance(entries, list):
            raise DecisionsError(f"{path}: {key}: expected a list of entries")
        for number, entry in enumerate(entries, 1):
            found.append(_decision(path, key, number, action, entry))
    return found


def _decision(path: Path, key: str, number: int, action: str, entry) -> Decision:
    where = f"{path}: {key} entry {number}"
    if not isinstance(entry, dict):
        raise DecisionsError(f"{where}: expected a mapping (source, file, reason, ...)")
    required = ["source", "file", "reason", "decided_at", "decided_by"] + (["sha256"] if action == "retract" else [])
    allowed = set(required) | ({"rule"} if action == "acknowledge" else set())
    for name in required:
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise DecisionsError(f"{where}: field {name}: expected text, got {entry.get(name)!r}")
    if unknown := sorted(set(entry) - allowed):
        raise DecisionsError(f"{where}: unknown field {', '.join(unknown)} (expected {', '.join(sorted(allowed))})")
    if "rule" in entry and not isinstance(entry["rule"], str):
        raise DecisionsError(f"{where}: field rule: expected a rule id, got {entry['rule']!r}")
    return Decision(action=action, **{k: v.strip() if isinstance(v, str) else v for k, v in entry.items()})


def add_decision(root: Path, decision: Decision) -> Path:
    """Append one decision to the file (written whole, atomically; earlier entries kept as they were)."""
    decisions = load_decisions(root)
    path = decisions_path(root)
    body = {
        key: [d.as_entry() for d in [*decisions, decision] if d.action == action] for key, action in ACTIONS.items()
    }
    partial = path.with_suffix(".partial")
    partial.write_text(HEADER + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.replace(partial, path)
    return path


def new_decision(action: str, source: str, file: str, reason: str, **extra) -> Decision:
    return Decision(
        action=action,
        source=source,
        file=file,
        reason=reason,
        decided_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        decided_by=_who(),
        **extra,
    )


def retracted_versions(root: Path, source: str) -> dict[tuple[str, str], str]:
    """(file, sha256) -> when it was retracted, for every retracted version of one source."""
    return {
        (d.file, d.sha256): d.decided_at for d in load_decisions(root) if d.action == "retract" and d.source == source
    }


def fingerprint(root: Path) -> str:
    """What the decisions are, for the record of the last refresh (a changed decision is news)."""
    path = decisions_path(root)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
