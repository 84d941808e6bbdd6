"""The file formats of the region's own sources, read from formats.yaml."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.yaml_files import parse_yaml

FORMATS_FILE = Path(__file__).with_name("formats.yaml")
TYPES = ("text", "integer", "decimal", "date", "month", "flag")
REPLACES = ("file", "month", "day")


@dataclass(frozen=True)
class Column:
    header: str  # the Swedish header as the source system writes it
    name: str  # the English name used in the warehouse
    type: str
    optional: bool = False
    identity: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    replaces: str
    period: str | None  # the header holding the period (month or day), None for replaces: file
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def period_column(self) -> Column | None:
        return next((c for c in self.columns if c.header == self.period), None)

    def match(self, header: str) -> Column | None:
        """The column a delivered header means: Swedish or English name, any case, å/ä/ö or a/a/o."""
        key = normalise_header(header)
        return next((c for c in self.columns if key in (normalise_header(c.header), normalise_header(c.name))), None)


def normalise_header(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.strip().strip('"').strip().lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(" ", "_").replace("-", "_")


@cache
def sources() -> dict[str, Source]:
    doc = parse_yaml(FORMATS_FILE.read_text(encoding="utf-8"))
    out = {}
    for name, body in doc.items():
        columns = tuple(
            Column(
                header=header,
                name=col["as"],
                type=col["type"],
                optional=bool(col.get("optional")),
                identity=bool(col.get("identity")),
                values=tuple(str(v) for v in col.get("values", ())),
            )
            for header, col in body["columns"].items()
        )
        for column in columns:
            if column.type not in TYPES:
                raise ValueError(f"{FORMATS_FILE.name}: {name}.{column.header}: unknown type {column.type}")
        if body["replaces"] not in REPLACES:
            raise ValueError(f"{FORMATS_FILE.name}: {name}: replaces must be one of {REPLACES}")
        out[name] = Source(
            name=name,
            title=body["title"],
            replaces=body["replaces"],
            period=body.get("period"),
            key=tuple(body.get("key", ())),
            columns=columns,
        )
    return out
