"""Writing the landing files as the region's systems export them.

CSV: semicolon, decimal comma, CRLF line ends, no thousands separator, dates YYYY-MM-DD, empty
for a missing value; UTF-8 with BOM or cp1252 per source. Parquet (zstd): the same column names with
natural types. Every header is checked against pipelines/regional/formats.yaml before writing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from pipelines.yaml_files import parse_yaml

FORMATS = Path(__file__).resolve().parents[1] / "regional" / "formats.yaml"
ENCODING = {
    "organisation": "utf-8-sig",
    "staffing": "utf-8-sig",
    "beds": "utf-8-sig",
    "listings": "cp1252",
    "cost": "cp1252",
}
FILE_STEM = {
    "organisation": "enheter",
    "listings": "listning",
    "staffing": "personal",
    "cost": "huvudbok",
    "beds": "vardplatslage",
}


@cache
def formats() -> dict:
    return parse_yaml(FORMATS.read_text(encoding="utf-8"))


def check_header(source: str, columns: list[str]) -> None:
    spec = formats()[source]["columns"]
    unknown = [c for c in columns if c not in spec]
    missing = [c for c, v in spec.items() if not v.get("optional") and c not in columns]
    if unknown or missing:
        raise ValueError(f"{source}: header does not match formats.yaml (unknown {unknown}, missing {missing})")


def write(source: str, frame: pl.DataFrame, folder: Path, name: str, parquet: bool) -> Path:
    """Write one delivery file of a source; returns its path."""
    check_header(source, frame.columns)
    folder.mkdir(parents=True, exist_ok=True)
    if parquet:
        path = folder / f"{name}.parquet"
        frame.write_parquet(path, compression="zstd", compression_level=9, statistics=False)
        return path
    path = folder / f"{name}.csv"
    options = dict(separator=";", decimal_comma=True, line_terminator="\r\n", null_value="", date_format="%Y-%m-%d")
    if ENCODING[source] == "utf-8-sig":
        frame.write_csv(path, include_bom=True, **options)
    else:
        path.write_bytes(frame.write_csv(**options).encode(ENCODING[source]))
    return path
