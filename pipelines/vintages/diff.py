"""The changes between two releases, read from the published analyst.duckdb (which holds the whole history).

A release is named by its name (``20260301T021503-1a2b3c4d``) or the start of it, by its publish run's id or the
start of it, by a date (the last release published on or before that day, Stockholm's date) or a time (the last
published before it), or by ``latest`` and ``previous``. Two releases one after the other are compared by what
the later recorded (``release_changes``); any other two by their histories, with the causes the releases between
them recorded for the same values.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.settings import SQL_DIR
from pipelines.sql_scripts import execute_script, run_sql, temporary_macros
from pipelines.vintages.tables import VERSION_COLUMNS, versioned

NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
# the most telling first: goals whose status changed, warnings, a region's whole value; then by key
ORDER = (
    "CASE WHEN change = 'status changed' THEN 0 WHEN anomaly IS NOT NULL THEN 1 WHEN unit_id IS NULL "
    "AND length(area_code) = 2 AND sex = 'T' AND coalesce(age_group, 'all') = 'all' "
    "AND coalesce(category, 'all') = 'all' THEN 2 ELSE 3 END, measure, indicator_id, goal_id, area_code, "
    "unit_id NULLS FIRST, period, sex, age_group, category"
)


class DiffError(ValueError):
    """A release that cannot be found, or a warehouse without a history."""


@dataclass(frozen=True)
class Release:
    name: str
    run_id: str
    published_at: dt.datetime
    previous: str | None
    changes: int
    warnings: int


def open_published(warehouse: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """The current release's analyst.duckdb, read-only (``current`` resolved once), and the release's folder."""
    current = warehouse / "current"
    if not current.exists():
        raise DiffError(f"{current} does not exist: nothing is published yet (run `vardpuls refresh`)")
    release = Path(os.path.realpath(current))
    con = duckdb.connect(str(release / "analyst.duckdb"), read_only=True)
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not {"releases", "release_changes"} <= tables:
        con.close()
        raise DiffError(
            f"{release.name} has no history (tables releases and release_changes): it was published "
            "before the history was kept; the next refresh starts it"
        )
    return con, release


def releases(con: duckdb.DuckDBPyConnection) -> list[Release]:
    return [
        Release(*row)
        for row in con.execute(
            "SELECT release, run_id, published_at, previous_release, changes, warnings FROM releases "
            "ORDER BY published_at, release"
        ).fetchall()
    ]


def resolve(con: duckdb.DuckDBPyConnection, text: str, known: list[Release]) -> Release:
    """The release ``text`` names (see the module docstring)."""
    if not known:
        raise DiffError("the history holds no release yet")
    text = text.strip()
    if text == "latest":
        return known[-1]
    if text == "previous":
        if len(known) < 2:
            raise DiffError(f"there is no release before {known[-1].name} in the history")
        return known[-2]
    by_name = (
        [r for r in known if r.name == text]
        or [r for r in known if r.name.startswith(text)]
        or [r for r in known if r.run_id.startswith(text)]
    )
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise DiffError(
            f"{text!r} names {len(by_name)} releases ({', '.join(r.name for r in by_name[:4])}, ...): "
            "give more of the name"
        )
    if _is_moment(text):
        name = con.execute("SELECT release_as_of(?)", [text]).fetchall()[0][0]
        if name is None:
            raise DiffError(
                f"no release was published by {text}: the history starts with {known[0].name} "
                f"({known[0].published_at:%Y-%m-%d %H:%M} UTC)"
            )
        return next(r for r in known if r.name == name)
    listed = ", ".join(r.name for r in known[-5:])
    raise DiffError(
        f"{text!r} is not a release of the history: give a release name (the latest: {listed}), a "
        "run id, a date (2026-03-01), a time (2026-03-01 08:00), latest or previous"
    )


def changes(con: duckdb.DuckDBPyConnection, before: Release, after: Release) -> str:
    """The name of a temporary table holding the changes from ``before`` to ``after`` (release_changes' columns)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE vintage_changes_work AS SELECT * FROM release_changes WHERE false"
    ).fetchall()
    if after.previous == before.name:
        con.execute(
            "INSERT INTO vintage_changes_work SELECT * FROM release_changes WHERE release = ?", [after.name]
        ).fetchall()
        return "vintage_changes_work"
    if before.published_at > after.published_at:
        raise DiffError(f"{before.name} was published after {after.name}: give the earlier release first")
    _temporary_macros(con)
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.execute(
        "CREATE OR REPLACE TEMP VIEW vintage_indicator_kinds AS SELECT indicator_id, kind, scale FROM indicators"
    ).fetchall()
    times = {"from_time": before.published_at, "to_time": after.published_at}
    template = (SQL_DIR / "vintages" / "diff_between.sql").read_text(encoding="utf-8")
    for v in versioned().values():
        if v.history not in tables:
            continue
        execute_script(
            con,
            template.replace("{table}", v.table).replace("{history}", v.history).replace("{same}", _same(con, v)),
            "sql/vintages/diff_between.sql",
            **times,
        )
        run_sql(
            con,
            f"vintages/changes_{v.table}.sql",
            release=after.name,
            previous_release=before.name,
            published_at=after.published_at,
        )
    run_sql(con, "vintages/diff_causes.sql", **times)
    return "vintage_changes_work"


def change_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    indicator: str | None = None,
    area: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> tuple[list[dict], int]:
    """The changes (filtered), the most telling first, and how many there are in all."""
    where, params = ["true"], {}
    if indicator:
        where.append("(indicator_id = $indicator OR goal_id = $indicator)")
        params["indicator"] = indicator
    if area:
        where.append("area_code = $area")
        params["area"] = area
    if kind:
        where.append("change = $kind")
        params["kind"] = kind
    condition = " AND ".join(where)
    total = con.execute(f"SELECT count(*) FROM {table} WHERE {condition}", params or None).fetchall()[0][0]
    cursor = con.execute(
        f"SELECT * FROM {table} WHERE {condition} ORDER BY {ORDER}" + (f" LIMIT {int(limit)}" if limit else ""),
        params or None,
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()], total


def counts(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, int, int]]:
    """(measure, change, rows, warnings) of the changes."""
    return con.execute(
        f"SELECT measure, change, count(*), count(anomaly) FROM {table} GROUP BY ALL ORDER BY measure, change"
    ).fetchall()


def _same(con: duckdb.DuckDBPyConnection, v) -> str:
    """SQL: version b and version a of a value hold the same (numbers to one part in 10^9)."""
    own = {name for name, _ in VERSION_COLUMNS}
    parts = []
    for name, kind, *_ in con.execute(f"DESCRIBE {v.history}").fetchall():
        if name in own:
            continue
        q = '"' + name.replace('"', '""') + '"'
        parts.append(
            f"NOT vintage_number_differs(b.{q}, a.{q})"
            if kind.upper().startswith(NUMERIC)
            else f"b.{q} IS NOT DISTINCT FROM a.{q}"
        )
    return " AND ".join(parts) or "false"


def _temporary_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The comparison's macros on this (read-only) connection, whatever the release holds."""
    temporary_macros(con, "vintages/macros.sql")


def _is_moment(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.replace(" ", "T") if len(text) > 10 else text)
        return True
    except ValueError:
        return False
