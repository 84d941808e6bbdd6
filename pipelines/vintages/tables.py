"""The published tables whose every value is versioned: sql/vintages/versioned.yaml, as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipelines.settings import SQL_DIR
from pipelines.yaml_files import parse_yaml

VERSIONED = SQL_DIR / "vintages" / "versioned.yaml"
# the columns a version adds to the published table's, in this order
VERSION_COLUMNS = (
    ("version_id", "BIGINT"),
    ("first_release", "VARCHAR"),
    ("first_published_at", "TIMESTAMPTZ"),
    ("last_release", "VARCHAR"),
    ("last_published_at", "TIMESTAMPTZ"),
    ("ended_release", "VARCHAR"),
    ("ended_at", "TIMESTAMPTZ"),
    ("end_reason", "VARCHAR"),
)


@dataclass(frozen=True)
class Versioned:
    table: str  # the published table (sql/publish/<table>.sql)
    history: str  # the published table of its versions
    key: tuple[str, ...]  # the columns that name one value

    @property
    def live(self) -> str:
        """Its versions in the live warehouse."""
        return f"meta.vintage_{self.table}"

    @property
    def consumer(self) -> str:
        """The name its staging takes in upstream changes under (meta.consumed, meta.definitions)."""
        return f"vintages.{self.table}"


@cache
def versioned() -> dict[str, Versioned]:
    body = parse_yaml(VERSIONED.read_text(encoding="utf-8")) or {}
    out = {}
    for table, entry in body.items():
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("history"):
            raise ValueError(f"{VERSIONED}: {table} needs a key (a list of columns) and a history table")
        out[table] = Versioned(table, entry["history"], tuple(entry["key"]))
    return out
