"""Running the project's SQL files (``sql/<relative>``) statement by statement, with named parameters."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import settings


def sql_path(relative: str) -> Path:
    path = settings.SQL_DIR / relative
    if not path.is_file():
        raise FileNotFoundError(f"SQL file {path} is missing (the project's sql/ folder must sit beside pipelines/)")
    return path


def run_sql(con: duckdb.DuckDBPyConnection, relative: str, **params) -> list[tuple]:
    """Run every statement of ``sql/<relative>``, binding the named ``$parameters`` each one uses.

    Returns the rows of the last statement (duckdb 2 wants each result fetched before the next statement).
    """
    return execute_script(con, sql_path(relative).read_text(encoding="utf-8"), f"sql/{relative}", **params)


def execute_script(con: duckdb.DuckDBPyConnection, script: str, name: str = "script", **params) -> list[tuple]:
    """Run each statement of a script with the named parameters it uses; the last statement's rows."""
    rows: list[tuple] = []
    for statement in con.extract_statements(script):
        wanted = statement.named_parameters
        if missing := wanted - params.keys():
            raise KeyError(f"{name} needs parameters {sorted(missing)}")
        rows = con.execute(statement, {k: params[k] for k in wanted} if wanted else None).fetchall()
    return rows


def temporary_macros(con: duckdb.DuckDBPyConnection, relative: str) -> None:
    """The macros of ``sql/<relative>`` on this connection only (each ``CREATE OR REPLACE MACRO`` run as a TEMP
    MACRO), whatever database the connection has in use or attached read-only."""
    for statement in con.extract_statements(sql_path(relative).read_text(encoding="utf-8")):
        con.execute(statement.query.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)).fetchall()
