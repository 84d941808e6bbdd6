"""The history of what was published: staged while a release is written, kept once readers are switched to it.

``stage_release`` runs when a release's snapshot is attached and before any of its tables is written
(pipelines/publish.py). For each versioned table (sql/vintages/versioned.yaml) it computes what the release
publishes where the table's inputs changed since the last release, and compares it with the versions the release
before published: the versions that end and the new ones. Then the release's changes against the one before with
their causes (sql/vintages/changes_*.sql, causes_*.sql), Kolada's values as seen since (kolada_revisions.sql), the
anomaly checks and the release's row. All of it is temporary tables of the publishing connection, which the
published tables ``indicator_value_history``, ``release_changes``, ``releases``, ... read together with the kept
history (``meta.vintage_*``); it also puts the ``*_as_of(moment)`` macros into the snapshot. Set-based throughout:
the comparison is one join per table over the keys in scope, inside DuckDB.

``commit_release`` runs once ``current`` points at the release: one transaction applies the staged part to the
kept history (ended versions updated, new ones appended, changes, revisions and the release's row appended) and
records what was taken in. A release that fails before that leaves the history as it was (its temporary tables go
with the connection). If the process dies between the switch and the commit, the next release finds the current
release missing from the history and takes the history back from that release's analyst.duckdb, which holds it.
A warehouse whose current release was published before the history existed starts it from that release.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines.faults import checkpoint
from pipelines.incremental import ALL, Scope, mark_consumed, pending, stored_definition, table_exists
from pipelines.relations import definition_hash, strip_comments
from pipelines.settings import SQL_DIR
from pipelines.sql_scripts import execute_script, run_sql
from pipelines.vintages.lineage import file_periods_select, indicator_sources
from pipelines.vintages.settings import anomaly_settings
from pipelines.vintages.tables import VERSION_COLUMNS, Versioned, versioned
from pipelines.warehouse import register_macros, transaction

STOCKHOLM = ZoneInfo("Europe/Stockholm")
VERSION_SQL = SQL_DIR / "vintages" / "version.sql"
MACRO_FILES = ("vintages/macros.sql", "vintages/as_of.sql")
NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
RELEASE_ROW = "vintage_release_row"
RECOVERED = "vintage_previous"


def release_time(release: str) -> dt.datetime:
    """When a release was made: the UTC time its name starts with ('20260301T051200-1a2b3c4d')."""
    try:
        return dt.datetime.strptime(release[:15], "%Y%m%dT%H%M%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def stage_release(
    con: duckdb.DuckDBPyConnection,
    specs: dict,
    previous_dir: Path | None,
    release: str,
    run_id: str,
    snapshot: str = "snapshot",
) -> None:
    """Stage the release's part of the history (see the module docstring). ``specs``: the published tables
    (pipelines.publish.published_specs()); ``previous_dir``: the release current until now."""
    settings = anomaly_settings()
    register_macros(con)
    run_sql(con, "meta/vintages.sql")
    _create_macros(con, temporary=True)
    shapes = {v.table: _ensure_live(con, v, specs.get(v.table)) for v in versioned().values()}
    _recover(con, previous_dir)
    previous = _previous(con)
    published_at = release_time(release)
    params = {
        "release": release,
        "run_id": run_id,
        "published_at": published_at,
        "published_on": published_at.astimezone(STOCKHOLM).date(),
        "previous_release": previous[0] if previous else None,
        "previous_published_at": previous[1] if previous else None,
    }
    con.execute(
        "CREATE OR REPLACE TEMP TABLE vintage_consumed (relation VARCHAR, upstream VARCHAR, seq BIGINT, "
        "definition VARCHAR)"
    ).fetchall()
    staged = [v for v in versioned().values() if _stage_table(con, v, specs.get(v.table), shapes.get(v.table), params)]
    _stage_kolada(con, params)
    con.execute(f"CREATE OR REPLACE TEMP TABLE vintage_file_periods AS {file_periods_select(con)}").fetchall()
    _stage_changes(con, staged, params, previous is not None, settings.as_parameters())
    run_sql(con, "vintages/release_checks.sql", **settings.as_parameters())
    _file_marks(con)
    run_sql(con, "vintages/release_row.sql", **params)
    _snapshot_objects(con, specs, snapshot)


def commit_release(con: duckdb.DuckDBPyConnection, release: str) -> None:
    """Keep the staged part of the history, once ``release`` is current (one transaction)."""
    if not _temp_exists(con, RELEASE_ROW):
        return
    staged = con.execute(f"SELECT release, run_id FROM {RELEASE_ROW}").fetchall()
    if not staged or staged[0][0] != release:
        raise RuntimeError(
            f"the history staged for release {staged[0][0] if staged else '?'} cannot be kept for {release}"
        )
    run_id = staged[0][1]
    consumed = con.execute("SELECT relation, upstream, seq, definition FROM vintage_consumed").fetchall()
    with transaction(con):
        for v in versioned().values():
            if not _temp_exists(con, f"vintage_end_{v.table}"):
                continue
            con.execute(
                f"UPDATE {v.live} AS h SET last_release = e.last_release, "
                "last_published_at = e.last_published_at, ended_release = e.ended_release, "
                f"ended_at = e.ended_at, end_reason = e.end_reason FROM vintage_end_{v.table} AS e "
                "WHERE h.version_id = e.version_id"
            ).fetchall()
            con.execute(f"INSERT INTO {v.live} BY NAME SELECT * FROM vintage_new_{v.table}").fetchall()
        con.execute(
            "INSERT INTO meta.vintage_changes BY NAME SELECT * EXCLUDE (change_id) FROM vintage_pending_changes"
        ).fetchall()
        con.execute(
            "INSERT INTO meta.vintage_kolada_revisions BY NAME SELECT * FROM vintage_new_kolada_revisions"
        ).fetchall()
        con.execute(f"INSERT INTO meta.vintage_releases BY NAME SELECT * FROM {RELEASE_ROW}").fetchall()
        con.execute(
            "INSERT INTO meta.vintage_file_periods SELECT DISTINCT p.source, p.file_version_id, p.source_file, "
            "p.period, p.area FROM vintage_file_periods p "
            "ANTI JOIN meta.vintage_file_periods m USING (source, file_version_id)"
        ).fetchall()
        for relation in sorted({row[0] for row in consumed}):
            rows = [row for row in consumed if row[0] == relation]
            last = {upstream: seq for _, upstream, seq, _ in rows if upstream is not None}
            mark_consumed(con, relation, last, rows[0][3], run_id)
    _drop_staged(con)
    checkpoint("publish: release history kept")


# ------------------------------------------------------------------------------------------ versioned tables


def _ensure_live(con, v: Versioned, spec) -> list[tuple[str, str]] | None:
    """The live table of a versioned table's versions, shaped like the published table (a column the published
    table gained is added); the published table's columns, or None when it cannot be computed now."""
    if spec is None:
        return None
    try:
        shape = [(c, t) for c, t, *_ in con.execute(f"DESCRIBE SELECT * FROM ({spec.select}) LIMIT 0").fetchall()]
    except duckdb.CatalogException:  # what it reads has never been built: nothing to version yet
        return None
    wanted = [*shape, *VERSION_COLUMNS]
    if not table_exists(con, v.live):
        columns = ", ".join(f"{_quote(c)} {t}" for c, t in wanted)
        con.execute(f"CREATE TABLE {v.live} ({columns})").fetchall()
    else:
        have = {row[0] for row in con.execute(f"DESCRIBE {v.live}").fetchall()}
        for column, kind in wanted:
            if column not in have:
                con.execute(f"ALTER TABLE {v.live} ADD COLUMN {_quote(column)} {kind}").fetchall()
    return shape


def _stage_table(con, v: Versioned, spec, shape, params: dict) -> bool:
    """The release's current values, ended versions and new versions of one table (sql/vintages/version.sql)."""
    if spec is None or shape is None:
        _stage_nothing(con, v)
        return False
    # what the publication recomputes the table for (the relations its SQL reads), so the history is of what is
    # published: a year the release keeps as it was is compared with nothing
    keys, last = pending(con, v.consumer, tuple(spec.reads))
    template = VERSION_SQL.read_text(encoding="utf-8")
    definition = definition_hash(spec.select, template, ",".join(v.key))
    if stored_definition(con, v.consumer) != definition or (keys and (spec.partition is None or ALL in keys)):
        scope_n = scope_h = "true"
    elif not keys:
        scope_n = scope_h = "false"
    else:
        years = Scope(prefixes=frozenset(key[:4] for key in keys))
        scope_n = years.where(f"CAST(n.{_quote(spec.partition)} AS VARCHAR)")
        scope_h = years.where(f"CAST(h.{_quote(spec.partition)} AS VARCHAR)")
    compared = [(c, t) for c, t in shape if c not in v.key]
    differs = (
        " OR ".join(
            f"vintage_number_differs(h.{_quote(c)}, n.{_quote(c)})"
            if t.upper().startswith(NUMERIC)
            else f"h.{_quote(c)} IS DISTINCT FROM n.{_quote(c)}"
            for c, t in compared
        )
        or "false"
    )
    filled = template.format(
        table=v.table,
        select=strip_comments(spec.select),
        scope_n=scope_n,
        scope_h=scope_h,
        first_key=_quote(v.key[0]),
        differs=f"({differs})",
        key_match=" AND ".join(f"h.{_quote(k)} IS NOT DISTINCT FROM n.{_quote(k)}" for k in v.key),
    )
    execute_script(con, filled, "sql/vintages/version.sql", **params)
    con.execute(
        "INSERT INTO vintage_consumed SELECT ?, unnest(?::VARCHAR[]), unnest(?::BIGINT[]), ?",
        [v.consumer, list(last), list(last.values()), definition],
    ).fetchall()
    if not last:
        con.execute("INSERT INTO vintage_consumed VALUES (?, NULL, NULL, ?)", [v.consumer, definition]).fetchall()
    return True


def _stage_nothing(con, v: Versioned) -> None:
    """A table with nothing to compare this release: empty staged tables, where its history exists."""
    if not table_exists(con, v.live):
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE vintage_end_{v.table} AS SELECT NULL::BIGINT AS version_id, "
        "NULL::VARCHAR AS last_release, NULL::TIMESTAMPTZ AS last_published_at, NULL::VARCHAR AS ended_release, "
        "NULL::TIMESTAMPTZ AS ended_at, NULL::VARCHAR AS end_reason WHERE false"
    ).fetchall()
    con.execute(f"CREATE OR REPLACE TEMP TABLE vintage_new_{v.table} AS SELECT * FROM {v.live} WHERE false").fetchall()


# ---------------------------------------------------------------------------------- changes, causes, checks


def _stage_kolada(con, params: dict) -> None:
    """Kolada's values seen since the last judged (sql/vintages/kolada_revisions.sql)."""
    needed = ("raw.kolada_values", "raw.kolada_files", "core.areas")
    if not all(table_exists(con, relation) for relation in needed):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE vintage_new_kolada_revisions AS "
            "SELECT * FROM meta.vintage_kolada_revisions WHERE false"
        ).fetchall()
        return
    judged = con.execute("SELECT coalesce(max(file_version_id), -1) FROM meta.vintage_kolada_revisions").fetchall()[0][
        0
    ]
    marked = con.execute(
        "SELECT max(m.file_version_id) FROM (SELECT unnest(file_versions) AS m "
        "FROM meta.vintage_releases WHERE release = ?) WHERE m.source = 'kolada'",
        [params["previous_release"]],
    ).fetchall()[0][0]
    # a history without Kolada's values yet takes every page raw keeps, in the order they were loaded
    since = max(judged, marked if marked is not None else -1) if judged >= 0 else -1
    run_sql(con, "vintages/kolada_revisions.sql", since=since, **params)


def _stage_changes(con, staged: list[Versioned], params: dict, has_previous: bool, checks: dict) -> None:
    """release_changes' rows of this release, with their causes and anomalies (none for the first release)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE vintage_changes_work AS SELECT * FROM meta.vintage_changes WHERE false"
    ).fetchall()
    if has_previous:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW vintage_indicator_kinds AS "
            "SELECT indicator_id, kind, scale FROM core.indicators"
        ).fetchall()
        for v in staged:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW vintage_before_{v.table} AS SELECT h.* FROM {v.live} h "
                f"JOIN vintage_end_{v.table} e USING (version_id)"
            ).fetchall()
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW vintage_after_{v.table} AS SELECT * FROM vintage_new_{v.table}"
            ).fetchall()
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW vintage_published_before_{v.table} AS "
                f"SELECT * FROM {v.live} WHERE ended_release IS NULL"
            ).fetchall()
            run_sql(con, f"vintages/changes_{v.table}.sql", **params)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE vintage_pending_changes AS "
        "SELECT row_number() OVER () AS change_id, * FROM vintage_changes_work"
    ).fetchall()
    con.execute("DROP TABLE vintage_changes_work").fetchall()
    if not con.execute("SELECT count(*) FROM vintage_pending_changes").fetchall()[0][0]:
        return
    run_sql(con, "vintages/new_files.sql", **params)
    run_sql(con, "vintages/changed_definitions.sql", **params)
    pairs = indicator_sources()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE vintage_indicator_sources AS "
        "SELECT unnest(?::VARCHAR[]) AS indicator_id, unnest(?::VARCHAR[]) AS source",
        [[i for i, _ in pairs], [s for _, s in pairs]],
    ).fetchall()
    names = {v.table for v in staged}
    if "indicator_values" in names:
        run_sql(con, "vintages/causes_indicator_values.sql", **params)
    if "benchmark_values" in names:
        run_sql(con, "vintages/causes_benchmark_values.sql", **params)
    run_sql(con, "vintages/anomalies_revisions.sql", **checks)
    if "indicator_values" in names:
        run_sql(con, "vintages/anomalies_series.sql", **checks)


def _file_marks(con) -> None:
    """Every file version of every source behind the release (the release row keeps the last of each)."""
    if table_exists(con, "core.source_files"):
        select = "SELECT source, file_version_id FROM core.source_files"
    else:
        select = "SELECT DISTINCT source, file_version_id FROM vintage_file_periods"
    con.execute(f"CREATE OR REPLACE TEMP TABLE vintage_file_marks AS {select}").fetchall()


# --------------------------------------------------------------------------------------- the snapshot's part


def _snapshot_objects(con, specs: dict, snapshot: str) -> None:
    """The history's tables (empty until the publication writes them) and the as-of macros in the snapshot."""
    for name, spec in specs.items():
        if "meta.vintage_" not in spec.select:
            continue
        try:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {snapshot}.main.{name} AS SELECT * FROM ({spec.select}) LIMIT 0"
            ).fetchall()
        except duckdb.CatalogException:
            pass  # what it reads was never built: publish leaves it out, and its macro with it
    live = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute(f"USE {snapshot}").fetchall()
    try:
        _create_macros(con, temporary=False)
    finally:
        con.execute(f"USE {_quote(live)}").fetchall()


def _create_macros(con, temporary: bool) -> None:
    """sql/vintages/macros.sql and as_of.sql: on this connection only (temporary), or in the current database.
    A macro over a table the database does not have is left out."""
    for relative in MACRO_FILES if not temporary else MACRO_FILES[:1]:
        text = (SQL_DIR / relative).read_text(encoding="utf-8")
        for statement in con.extract_statements(text):
            sql = statement.query
            if temporary:
                sql = sql.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
            try:
                con.execute(sql).fetchall()
            except (duckdb.CatalogException, duckdb.BinderException):
                pass


# ------------------------------------------------------------------------------------ recovering, starting


def _previous(con) -> tuple[str, dt.datetime] | None:
    rows = con.execute(
        "SELECT release, published_at FROM meta.vintage_releases ORDER BY published_at DESC, release DESC LIMIT 1"
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def _recover(con, previous_dir: Path | None) -> None:
    """The history as the current release holds it, when the live warehouse has not kept that release (the
    process died after switching readers to it); or started from the current release, when it was published
    before the history existed."""
    if previous_dir is None or not (previous_dir / "analyst.duckdb").is_file():
        return
    name = previous_dir.name
    if con.execute("SELECT count(*) FROM meta.vintage_releases WHERE release = ?", [name]).fetchall()[0][0]:
        return
    con.execute(f"ATTACH {_literal(str(previous_dir / 'analyst.duckdb'))} AS {RECOVERED} (READ_ONLY)").fetchall()
    try:
        tables = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [RECOVERED]
            ).fetchall()
        }
        if (
            "releases" in tables
            and con.execute(f"SELECT count(*) FROM {RECOVERED}.main.releases WHERE release = ?", [name]).fetchall()[0][
                0
            ]
        ):
            _take_back(con, tables)
        elif not con.execute("SELECT count(*) FROM meta.vintage_releases").fetchall()[0][0]:
            _start_from(con, tables, previous_dir)
    finally:
        con.execute(f"DETACH {RECOVERED}").fetchall()


def _take_back(con, tables: set[str]) -> None:
    pairs = [
        ("meta.vintage_releases", "releases"),
        ("meta.vintage_changes", "release_changes"),
        ("meta.vintage_kolada_revisions", "benchmark_revisions"),
        *((v.live, v.history) for v in versioned().values()),
    ]
    with transaction(con):
        for live, published in pairs:
            if published not in tables:
                continue
            if table_exists(con, live):
                con.execute(f"DELETE FROM {live}").fetchall()
                con.execute(f"INSERT INTO {live} BY NAME SELECT * FROM {RECOVERED}.main.{published}").fetchall()
            else:
                con.execute(f"CREATE TABLE {live} AS SELECT * FROM {RECOVERED}.main.{published}").fetchall()


def _start_from(con, tables: set[str], release_dir: Path) -> None:
    """The history's first release: the current one, published before the history existed (every value it
    published, the files behind it as its runs row lists them)."""
    name = release_dir.name
    try:
        manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        manifest = {}
    published_at = release_time(name)
    run_id = manifest.get("run_id") or name
    with transaction(con):
        for v in versioned().values():
            if v.table not in tables or not table_exists(con, v.live):
                continue
            have = {row[0] for row in con.execute(f"DESCRIBE {v.live}").fetchall()}
            old = [row[0] for row in con.execute(f"DESCRIBE {RECOVERED}.main.{v.table}").fetchall()]
            columns = ", ".join(_quote(c) for c in old if c in have)
            con.execute(
                f"INSERT INTO {v.live} BY NAME SELECT {columns}, row_number() OVER () AS version_id, "
                "?::VARCHAR AS first_release, ?::TIMESTAMPTZ AS first_published_at "
                f"FROM {RECOVERED}.main.{v.table}",
                [name, published_at],
            ).fetchall()
        files = "NULL"
        if "runs" in tables and table_exists(con, "core.source_files"):
            files = (
                f"(SELECT list({{'source': source, 'file_version_id': v}} ORDER BY source) FROM ("
                f"SELECT f.source, max(f.file_version_id) AS v FROM core.source_files f JOIN ("
                f"SELECT unnest(source_files, recursive := true) FROM {RECOVERED}.main.runs WHERE run_id = ?) r "
                "ON r.source = f.source AND r.file = f.source_file AND r.sha256 = f.sha256 GROUP BY f.source))"
            )
        con.execute(
            f"INSERT INTO meta.vintage_releases SELECT ?, ?, ?::TIMESTAMPTZ, ?::DATE, NULL, 0, 0, {files}, NULL",
            [
                name,
                run_id,
                published_at,
                published_at.astimezone(STOCKHOLM).date(),
                *([run_id] if files != "NULL" else []),
            ],
        ).fetchall()


# ------------------------------------------------------------------------------------------------ helpers


def _temp_exists(con, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND table_name = ?", [name]
        ).fetchall()[0][0]
    )


def _drop_staged(con) -> None:
    for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = 'temp' AND view_name LIKE 'vintage\\_%' ESCAPE '\\'"
    ).fetchall():
        con.execute(f"DROP VIEW IF EXISTS temp.main.{_quote(name)}").fetchall()
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'temp' "
        "AND (table_name LIKE 'vintage\\_%' ESCAPE '\\' OR table_name = 'release_checks')"
    ).fetchall():
        con.execute(f"DROP TABLE IF EXISTS temp.main.{_quote(name)}").fetchall()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
