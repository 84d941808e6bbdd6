"""The catalogue's statistical methods as DuckDB macros (sql/statistics/macros.sql, docs/statistics.md)."""

import duckdb

from pipelines.settings import REFERENCE_DIR
from pipelines.sql_scripts import run_sql

ESP2013 = REFERENCE_DIR / "european_standard_population_2013.csv"
POISSON_EXACT_LIMITS = REFERENCE_DIR / "poisson_exact_limits.csv"


def register_statistics(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the statistics macros and their two reference tables, core.esp2013 and
    core.poisson_exact_limits, on this connection's database. Safe to run again."""
    run_sql(con, "statistics/macros.sql", esp2013=str(ESP2013), poisson_exact_limits=str(POISSON_EXACT_LIMITS))
