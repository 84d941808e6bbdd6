"""Where the landing files are read from, where the warehouse is written, and how much DuckDB may use."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
CATALOGUE_DIR = PROJECT_ROOT / "indicators"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"

DEFAULT_LANDING = "data/sample"
DEFAULT_WAREHOUSE = "warehouse"
# DuckDB's buffer pool; the rest of the process (Python, Dagster, Great Expectations) stays well under 1 GiB,
# so the whole refresh stays under 4 GiB at national scale. DuckDB spills to the warehouse's temp folder.
DEFAULT_DUCKDB_MEMORY = "2.5GB"


def landing_dir() -> Path:
    """`VARDPULS_LANDING`, else `data/sample/` (the bundled sample landing area)."""
    return Path(os.environ.get("VARDPULS_LANDING") or DEFAULT_LANDING).resolve()


def warehouse_dir() -> Path:
    """`VARDPULS_WAREHOUSE`, else `warehouse/`."""
    return Path(os.environ.get("VARDPULS_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()


def duckdb_memory() -> str:
    """`VARDPULS_DUCKDB_MEMORY` (DuckDB's memory_limit, e.g. '2.5GB'), else the default."""
    return (os.environ.get("VARDPULS_DUCKDB_MEMORY") or DEFAULT_DUCKDB_MEMORY).strip()


def duckdb_threads() -> int | None:
    """`VARDPULS_DUCKDB_THREADS`, else DuckDB's default (every core)."""
    value = (os.environ.get("VARDPULS_DUCKDB_THREADS") or "").strip()
    return int(value) if value else None


# the disclosure threshold's override (pipelines/disclosure.py): a setting that decides published values
MIN_COUNT_ENV = "VARDPULS_MIN_COUNT"
