"""Where the landing files are read from and where the warehouse is written."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
CATALOGUE_DIR = PROJECT_ROOT / "indicators"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"

DEFAULT_LANDING = "data/sample"
DEFAULT_WAREHOUSE = "warehouse"


def landing_dir() -> Path:
    """`VARDPULS_LANDING`, else `data/sample/` (the bundled sample landing area)."""
    return Path(os.environ.get("VARDPULS_LANDING") or DEFAULT_LANDING).resolve()


def warehouse_dir() -> Path:
    """`VARDPULS_WAREHOUSE`, else `warehouse/`."""
    return Path(os.environ.get("VARDPULS_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()
