"""Incremental by period: what changed upstream decides which partitions of a relation are recomputed.

Every step that writes a relation records, in ``meta.changes``, the partitions whose content changed
(a raw load: the periods its files delivered or replaced; a built relation: the partitions whose
fingerprint differs after the rebuild). A relation then recomputes the partitions its upstream
changes touch and nothing else (:func:`build`):

- a change of a period at least as fine as the relation's grain touches the partition holding it
  ('2024-03-05' touches month '2024-03' and year '2024'); a coarser one every partition inside it;
  ``'*'`` (a whole relation changed) touches every partition;
- ``lookback: n`` also touches the ``n`` partitions after a changed one;
- a relation built by another definition than last time (its SQL, a macro it calls, its suite or
  catalogue entry) is rebuilt whole.

Rebuilding deletes the partitions in scope and inserts them again from the SELECT, inside one
transaction per chunk (a full rebuild of a large relation goes in chunks of partitions so memory stays
bounded); then the partitions' fingerprints (rows and an order-independent hash of their content)
are compared with the ones stored in ``meta.partitions``: only partitions that really changed are
recorded as changes, so a re-delivered identical month stops where it makes no difference. Each
relation remembers the last change of each upstream it has taken in (``meta.consumed``); a step
that fails or is skipped takes nothing in, so the next run still sees those changes. Running the
steps again after any interruption gives what one uninterrupted run gives.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Callable

import duckdb

from pipelines.relations import GRAINS, Partitioning
from pipelines.sql_scripts import run_sql
from pipelines.warehouse import transaction

ALL = "*"
# the partition of rows whose period is missing (a month that is not a month): kept and judged like any other
NONE = ""
# rows per transaction when a large relation is rebuilt whole (bounded memory; the upstream partitions'
# row counts say how many a partition brings)
CHUNK_ROWS = 6_000_000


@dataclass(frozen=True)
class Scope:
    """The partitions to recompute: every one, or those under the given prefixes."""

    everything: bool = False
    prefixes: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.everything and not self.prefixes

    def where(self, column_sql: str) -> str:
        """A SQL condition on the partition column (ranges, so DuckDB can skip row groups)."""
        if self.everything:
            return "true"
        ranges = [f"{column_sql} IS NULL"] if NONE in self.prefixes else []
        for low, high in _ranges(self.prefixes - {NONE}):
            ranges.append(f"({column_sql} >= {_literal(low)} AND {column_sql} < {_literal(high + '~')})")
        return "(" + " OR ".join(ranges) + ")" if ranges else "false"

    def describe(self) -> str:
        if self.everything:
            return "all partitions"
        if not self.prefixes:
            return "nothing"
        ordered = sorted(self.prefixes)
        return ordered[0] if len(ordered) == 1 else f"{len(ordered)} partitions ({ordered[0]}..{ordered[-1]})"


@dataclass(frozen=True)
class Spec:
    """What a step builds: the relation, its SELECT over every partition, how it is cut, what it reads."""

    relation: str  # 'schema.name'
    select: str
    partitioning: Partitioning | None
    upstreams: tuple[str, ...]
    definition: str  # hash of everything that decides its content
    lookback: int = 0


@dataclass
class Built:
    """What a build did."""

    relation: str
    scope: str
    rows: int = 0
    partitions_rebuilt: int = 0
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt_whole: bool = False

    @property
    def unchanged(self) -> bool:
        return not self.changed


def ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    run_sql(con, "meta/tables.sql")


def pending(
    con: duckdb.DuckDBPyConnection, relation: str, upstreams: tuple[str, ...]
) -> tuple[set[str], dict[str, int]]:
    """The change keys of the upstream relations not yet taken in, and the last change seen of each."""
    if not upstreams:
        return set(), {}
    rows = con.execute(
        "SELECT c.relation, c.partition, c.seq FROM meta.changes c "
        "LEFT JOIN meta.consumed k ON k.relation = ? AND k.upstream = c.relation "
        "WHERE list_contains(?::VARCHAR[], c.relation) AND c.seq > coalesce(k.seq, 0)",
        [relation, list(upstreams)],
    ).fetchall()
    keys, last = set(), {}
    for upstream, partition, seq in rows:
        keys.add(partition)
        last[upstream] = max(seq, last.get(upstream, 0))
    return keys, last


def scope_of(keys: set[str], partitioning: Partitioning | None, lookback: int = 0) -> Scope:
    """The partitions of a relation that these upstream change keys touch."""
    if not keys:
        return Scope()
    if ALL in keys or partitioning is None:
        return Scope(everything=True)
    width = partitioning.width
    prefixes = set()
    for key in keys:
        prefix = key[:width] if len(key) >= width else key
        prefixes.add(prefix)
        if prefix == NONE:
            continue
        following = prefix
        for _ in range(lookback):
            following = next_period(following)
            prefixes.add(following)
    return Scope(prefixes=frozenset(prefixes))


def next_period(period: str) -> str:
    """The period after one: '2024' -> '2025', '2024-12' -> '2025-01', '2024-02-29' -> '2024-03-01'."""
    if len(period) == 4:
        return f"{int(period) + 1:04d}"
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    if len(period) == 10:
        return (dt.date.fromisoformat(period) + dt.timedelta(days=1)).isoformat()
    raise ValueError(f"{period!r} is not a period (YYYY, YYYY-MM or YYYY-MM-DD)")


def record_changes(con: duckdb.DuckDBPyConnection, relation: str, partitions: list[str], run_id: str) -> None:
    """Changes of a relation written by a step of its own (a raw load): the partitions it delivered."""
    if partitions:
        con.execute(
            "INSERT INTO meta.changes SELECT nextval('meta.change_seq'), ?, p, ?, now() FROM unnest(?::VARCHAR[]) t(p)",
            [relation, run_id, sorted(set(partitions))],
        ).fetchall()


def record_partition_rows(
    con: duckdb.DuckDBPyConnection, relation: str, column: str, partitions: list[str], run_id: str
) -> None:
    """The row counts of a raw table's partitions (periods as delivered), for cutting a rebuild into chunks."""
    wanted = [p for p in partitions if p != ALL]
    con.execute(
        "DELETE FROM meta.partitions WHERE relation = ? AND list_contains(?::VARCHAR[], partition)", [relation, wanted]
    ).fetchall()
    con.execute(
        f"INSERT INTO meta.partitions SELECT ?, coalesce({_quote(column)}, '') AS k, count(*), "
        f"max(file_version_id)::VARCHAR, ? FROM {relation} "
        f"WHERE list_contains(?::VARCHAR[], coalesce({_quote(column)}, '')) GROUP BY k",
        [relation, run_id, wanted],
    ).fetchall()


def record_rebuilt(
    con: duckdb.DuckDBPyConnection, relation: str, partitioning: Partitioning | None, run_id: str
) -> list[str]:
    """A relation just rebuilt whole by its own step: fingerprint its partitions, record what changed."""
    if partitioning is None:
        rows, fingerprint = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM {relation} t"
        ).fetchall()[0]
        changed = [ALL] if _replace_partitions(con, relation, "true", {NONE: (rows, fingerprint)}, run_id) else []
    else:
        changed = _replace_partitions(
            con, relation, "true", _fingerprints(con, relation, partitioning.key_sql(), "true"), run_id
        )
    record_changes(con, relation, changed, run_id)
    return changed


def mark_consumed(
    con: duckdb.DuckDBPyConnection, relation: str, last: dict[str, int], definition: str, run_id: str
) -> None:
    """What a step with its own way of building has taken in (see pending), and the definition it built by."""
    _remember(con, Spec(relation, "", None, (), definition), last, run_id)


def table_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchall()[0][0]
    )


def stored_definition(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    rows = con.execute("SELECT definition_hash FROM meta.definitions WHERE relation = ?", [relation]).fetchall()
    return rows[0][0] if rows else None


def build(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    run_id: str,
    *,
    whole: bool = False,
    refuse: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Built:
    """Recompute the partitions of ``spec.relation`` that its upstream changes touch (see the module docstring).

    ``refuse(con)``, when given, runs before the new content is committed and may raise to keep what was there.
    """
    started = time.perf_counter()
    scope, last, redefined = planned_scope(con, spec, whole)
    built = Built(spec.relation, scope.describe(), rebuilt_whole=scope.everything)
    if not scope.empty:
        if spec.partitioning is None:
            _build_whole(con, spec, run_id, built, refuse)
        else:
            _build_partitions(con, spec, scope, redefined, run_id, built, refuse)
    with transaction(con):
        _remember(con, spec, last, run_id)
    built.rows = con.execute(f"SELECT count(*) FROM {spec.relation}").fetchall()[0][0]
    built.seconds = time.perf_counter() - started
    return built


def planned_scope(con: duckdb.DuckDBPyConnection, spec: Spec, whole: bool = False) -> tuple[Scope, dict, bool]:
    """(the partitions a build of ``spec`` will compute, the last upstream change it takes in, whether it is
    rebuilt whole because its definition changed or it does not exist yet)."""
    ensure_meta(con)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {spec.relation.split('.')[0]}").fetchall()
    keys, last = pending(con, spec.relation, spec.upstreams)
    redefined = (
        whole or not table_exists(con, spec.relation) or stored_definition(con, spec.relation) != spec.definition
    )
    scope = Scope(everything=True) if redefined else scope_of(keys, spec.partitioning, spec.lookback)
    return scope, last, redefined


def _build_whole(con, spec: Spec, run_id: str, built: Built, refuse) -> None:
    with transaction(con):
        con.execute(f"CREATE OR REPLACE TABLE {spec.relation} AS {spec.select}").fetchall()
        if refuse is not None:
            refuse(con)
        rows, fingerprint = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM {spec.relation} t"
        ).fetchall()[0]
        changed = _replace_partitions(con, spec.relation, "true", {NONE: (rows, fingerprint)}, run_id)
        built.partitions_rebuilt = 1
        if changed:
            record_changes(con, spec.relation, [ALL], run_id)
            built.changed = [ALL]


def _build_partitions(con, spec: Spec, scope: Scope, redefined: bool, run_id: str, built: Built, refuse) -> None:
    part = spec.partitioning
    # the column as text, as partitions are (a no-op on a VARCHAR period; a year column may be an INTEGER)
    column, key = f"CAST({_quote(part.column)} AS VARCHAR)", part.key_sql()
    if not scope.everything:
        where = scope.where(column)
        _set_scope(con, scope)
        with transaction(con):
            con.execute(f"DELETE FROM {spec.relation} WHERE {where}").fetchall()
            con.execute(f"INSERT INTO {spec.relation} BY NAME SELECT * FROM ({spec.select}) WHERE {where}").fetchall()
            if refuse is not None:
                refuse(con)
            fingerprints = _fingerprints(con, spec.relation, key, where)
            changed = _replace_partitions(con, spec.relation, scope.where("partition"), fingerprints, run_id)
            record_changes(con, spec.relation, changed, run_id)
        built.changed, built.partitions_rebuilt = changed, len(fingerprints)
        return
    # the whole relation, in chunks of partitions (memory stays bounded), then every fingerprint at once
    if redefined:
        with transaction(con):
            con.execute(f"DROP TABLE IF EXISTS {spec.relation}").fetchall()
            con.execute(f"CREATE TABLE {spec.relation} AS SELECT * FROM ({spec.select}) LIMIT 0").fetchall()
    for where, chunk in _chunk_conditions(con, spec, column):
        _set_scope(con, chunk)
        with transaction(con):
            if not redefined:
                con.execute(f"DELETE FROM {spec.relation} WHERE {where}").fetchall()
            con.execute(f"INSERT INTO {spec.relation} BY NAME SELECT * FROM ({spec.select}) WHERE {where}").fetchall()
    with transaction(con):
        if refuse is not None:
            refuse(con)  # (the chunks are in; refused, nothing is recorded, so the next run builds it whole again)
        fingerprints = _fingerprints(con, spec.relation, key, "true")
        changed = _replace_partitions(con, spec.relation, "true", fingerprints, run_id)
        record_changes(con, spec.relation, changed, run_id)
    built.changed, built.partitions_rebuilt = changed, len(fingerprints)


def _set_scope(con, scope: Scope) -> None:
    """The first and last partition a build computes, for relations that read by them (in_scope, scope_from)."""
    prefixes = sorted(scope.prefixes - {NONE})
    low, high = ("", "~") if scope.everything or not prefixes else (prefixes[0], prefixes[-1] + "~")
    con.execute("SET VARIABLE scope_lo = ?", [low]).fetchall()
    con.execute("SET VARIABLE scope_hi = ?", [high]).fetchall()


def _fingerprints(con, relation: str, key: str, where: str) -> dict[str, tuple[int, str]]:
    """partition -> (rows, an order-independent hash of the rows' content)."""
    return {
        k: (n, f)
        for k, n, f in con.execute(
            f"SELECT {key} AS k, count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM {relation} t "
            f"WHERE {where} GROUP BY k"
        ).fetchall()
    }


def _chunk_conditions(con, spec: Spec, column: str) -> list[str]:
    """Conditions that cut a whole rebuild into chunks of about CHUNK_ROWS upstream rows, the last one
    taking whatever the others do not (the upstream partitions say how many rows a partition brings)."""
    width = spec.partitioning.width
    rows = con.execute(
        "SELECT left(partition, ?) AS k, sum(rows) FROM meta.partitions "
        "WHERE list_contains(?::VARCHAR[], relation) AND length(partition) >= ? GROUP BY k ORDER BY k",
        [width, list(spec.upstreams), width],
    ).fetchall()
    everything = Scope(everything=True)
    if sum(count for _, count in rows) <= CHUNK_ROWS:
        return [("true", everything)]
    chunks, current, size = [], [], 0
    for key, count in rows:
        if current and size + count > CHUNK_ROWS:
            chunks.append(Scope(prefixes=frozenset(current)))
            current, size = [], 0
        current.append(key)
        size += count
    chunks.append(Scope(prefixes=frozenset(current)))
    conditions = [chunk.where(column) for chunk in chunks]
    return [*zip(conditions, chunks), (f"NOT coalesce({' OR '.join(conditions)}, false)", everything)]


def _replace_partitions(con, relation: str, meta_where: str, fingerprints: dict, run_id: str) -> list[str]:
    """Store the new fingerprints of the partitions in scope; return those that differ from before."""
    before = {
        k: (n, f)
        for k, n, f in con.execute(
            f"SELECT partition, rows, fingerprint FROM meta.partitions WHERE relation = ? AND {meta_where}", [relation]
        ).fetchall()
    }
    changed = sorted(k for k in before.keys() | fingerprints.keys() if before.get(k) != fingerprints.get(k))
    con.execute(f"DELETE FROM meta.partitions WHERE relation = ? AND {meta_where}", [relation]).fetchall()
    if fingerprints:
        con.execute(
            "INSERT INTO meta.partitions SELECT ?, unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::VARCHAR[]), ?",
            [
                relation,
                list(fingerprints),
                [v[0] for v in fingerprints.values()],
                [str(v[1]) for v in fingerprints.values()],
                run_id,
            ],
        ).fetchall()
    return changed


def _remember(con, spec: Spec, last: dict[str, int], run_id: str) -> None:
    for upstream, seq in last.items():
        con.execute(
            "DELETE FROM meta.consumed WHERE relation = ? AND upstream = ?", [spec.relation, upstream]
        ).fetchall()
        con.execute("INSERT INTO meta.consumed VALUES (?, ?, ?)", [spec.relation, upstream, seq]).fetchall()
    con.execute("DELETE FROM meta.definitions WHERE relation = ?", [spec.relation]).fetchall()
    con.execute(
        "INSERT INTO meta.definitions VALUES (?, ?, ?, now())", [spec.relation, spec.definition, run_id]
    ).fetchall()


def _ranges(prefixes) -> list[tuple[str, str]]:
    """Prefixes merged into ranges of consecutive periods of the same grain."""
    ranges = []
    by_length: dict[int, list[str]] = {}
    for prefix in prefixes:
        by_length.setdefault(len(prefix), []).append(prefix)
    for length, group in sorted(by_length.items()):
        group.sort()
        low = high = group[0]
        for prefix in group[1:]:
            if length in GRAINS.values() and _is_period(high) and next_period(high) == prefix:
                high = prefix
            else:
                ranges.append((low, high))
                low = high = prefix
        ranges.append((low, high))
    return ranges


def _is_period(text: str) -> bool:
    try:
        next_period(text)
        return True
    except ValueError:
        return False


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
