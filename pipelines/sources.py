"""The source registry: every source the warehouse loads, from data, in one place.

- the region's own file exports: one entry each in ``pipelines/regional/formats.yaml``;
- SCB's tables (population, projections): one entry each in ``pipelines/population/tables.yaml``;
- Kolada's API pages.

A source named ``x`` lands in ``<landing>/x/``, loads into ``raw.x`` (its raw asset ``raw/x``) and,
where the files exist, is typed and checked in ``staging.x`` (``sql/staging/x.sql``, the suite
``pipelines/quality/suites/x.yaml``). What it delivers is cut by its grain: the period a delivery
replaces (month, day, year) or nothing, when a delivery replaces a whole file (the organisation
register) or is small enough to be taken whole (Kolada).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.regional.spec import sources as regional_sources
from pipelines.yaml_files import parse_yaml

SCB_TABLES = Path(__file__).with_name("population") / "tables.yaml"
GRAIN_OF_REPLACES = {"month": "month", "day": "day", "file": None}


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # 'regional', 'scb' or 'kolada'
    title: str
    grain: str | None  # what a delivery replaces: 'day', 'month', 'year', or None (the whole source)
    table_id: str | None = None  # SCB's table (BE0101, BE0401)

    @property
    def raw_relation(self) -> str:
        """The name its raw load records changes under (every raw table of the source changes with it)."""
        return f"raw.{self.name}"

    @property
    def rows_relation(self) -> str:
        """The raw table holding its delivered rows."""
        return "raw.kolada_values" if self.kind == "kolada" else self.raw_relation


@cache
def sources() -> dict[str, Source]:
    """Every source by name, in loading order (SCB, the region's own, Kolada)."""
    found: dict[str, Source] = {}
    for name, body in (parse_yaml(SCB_TABLES.read_text(encoding="utf-8")) or {}).items():
        found[name] = Source(name, "scb", body["title"], "year", body.get("table"))
    for name, spec in regional_sources().items():
        found[name] = Source(name, "regional", spec.title, GRAIN_OF_REPLACES[spec.replaces])
    found["kolada"] = Source("kolada", "kolada", "Kolada API pages (Källa: Kolada)", None)
    return found
