"""One asset per relation file (``sql/<layer>/<name>.sql``): staging, core, indicators and goals.

The file's own references are the asset's dependencies (pipelines/relations.py); the build recomputes
the partitions its upstream changes touch (pipelines/incremental.py). A staging relation of a source
with a suite gets its ``finding`` (the first blocking rule the row breaks, pipelines/quality/quarantine.py)
and its suite's checks (pipelines/graph/checks.py). A relation with a refusal check
(``sql/checks/<layer>/<name>.sql``: rows of problems) is refused whole when the check finds any: what
was there stays. A relation with notes (``sql/notes/<layer>/<name>.sql``: rows of one line each) reports
them after every build, on the asset and in the refresh's summary.
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.asset_metadata import published_comments, table_metadata
from pipelines.graph.keys import PUBLISH, REFRESH, change_relations, deps_of, stage_tags
from pipelines.incremental import Built, Spec, build
from pipelines.progress import report
from pipelines.quality.quarantine import finding_sql
from pipelines.quality.suites import Suite
from pipelines.relations import RelationFile, definition_hash
from pipelines.settings import REFERENCE_DIR, SQL_DIR
from pipelines.warehouse import Warehouse, register_macros

_REFERENCE_FILE = re.compile(r"\{reference\}/([A-Za-z0-9_.-]+)")


class RelationRefused(RuntimeError):
    """A relation's refusal check found a problem: nothing of this build is kept."""


class InputsMissing(RuntimeError):
    """A relation reads relations no refresh has built yet (their source was refused or never delivered)."""


def missing_inputs(con: duckdb.DuckDBPyConnection, references) -> list[str]:
    """The relations among ``references`` that do not exist in the warehouse (tables or views)."""
    wanted = sorted(set(references))
    if not wanted:
        return []
    found = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database()"
        ).fetchall()
    }
    return [relation for relation in wanted if relation not in found]


def reference_select(select: str) -> str:
    """The SELECT with ``{reference}`` replaced by the path of data/reference/."""
    return select.replace("{reference}", str(REFERENCE_DIR).replace("'", "''"))


def reference_hash(select: str) -> str:
    """The bytes of every reference file the SELECT reads, and the month when it reads today's date."""
    digest = hashlib.sha256()
    for name in sorted(set(_REFERENCE_FILE.findall(select))):
        digest.update(name.encode() + b"\0" + (REFERENCE_DIR / name).read_bytes())
    if re.search(r"\bcurrent_date\b|\bnow\(\)", select, re.IGNORECASE):
        digest.update(dt.date.today().strftime("%Y-%m").encode())
    return digest.hexdigest()[:16]


def refusal_check(relation: RelationFile) -> str | None:
    path = SQL_DIR / "checks" / relation.layer / f"{relation.name}.sql"
    return path.read_text(encoding="utf-8").strip().rstrip(";") if path.is_file() else None


def notes_query(relation: RelationFile) -> str | None:
    path = SQL_DIR / "notes" / relation.layer / f"{relation.name}.sql"
    return path.read_text(encoding="utf-8").strip().rstrip(";") if path.is_file() else None


def relation_spec(relation: RelationFile, suite: Suite | None = None) -> Spec:
    select = reference_select(relation.select)
    texts = [relation.text, reference_hash(relation.select)]
    if suite is not None:
        select = f"SELECT typed.*, {finding_sql(suite)} AS finding FROM ({select}) typed"
        texts.append(suite.path.read_text(encoding="utf-8") if suite.path else repr(suite))
    texts += [text for text in (refusal_check(relation), notes_query(relation)) if text]
    return Spec(
        relation=relation.relation,
        select=select,
        partitioning=relation.partitioning,
        upstreams=change_relations(relation.references),
        definition=definition_hash(*texts),
        lookback=relation.lookback,
    )


def materialize(
    context, warehouse: Warehouse, spec: Spec, refuse=None, notes: str | None = None, reads: tuple[str, ...] = ()
) -> tuple[Built, dict]:
    """Build a relation in this run's connection and describe it for Dagster and the terminal: the standard
    metadata (rows, columns with the published descriptions, a preview), what the build did and its notes.
    Raises InputsMissing, building nothing, when a relation it ``reads`` does not exist."""
    with warehouse.connect() as con:
        if missing := missing_inputs(con, reads):
            raise InputsMissing(", ".join(missing))
        register_macros(con)
        built = build(con, spec, context.run_id, refuse=refuse)
        table = table_metadata(con, spec.relation, published_comments(spec.relation.split(".")[1]))
        said = [row[0] for row in con.execute(notes).fetchall()] if notes else []
    report(context, describe(built), detail=True)
    for note in said:
        report(context, note)
    return built, {**table, **metadata(built), **({"notes": dg.MetadataValue.json(said)} if notes else {})}


def describe(built: Built) -> str:
    if built.scope == "nothing":
        return f"{built.relation}: nothing upstream changed ({built.rows:,} rows)"
    changed = (
        "unchanged"
        if built.unchanged
        else f"{len(built.changed)} partition{'s' if len(built.changed) != 1 else ''} changed"
        if built.changed != ["*"]
        else "changed"
    )
    return f"{built.relation}: {built.scope} rebuilt, {changed}; {built.rows:,} rows ({built.seconds:.1f} s)"


def metadata(built: Built) -> dict:
    return {
        "dagster/row_count": built.rows,
        "scope": built.scope,
        "partitions_rebuilt": built.partitions_rebuilt,
        "partitions_changed": dg.MetadataValue.json(built.changed[:200]),
        "seconds": round(built.seconds, 2),
    }


def _refusals(con: duckdb.DuckDBPyConnection, check: str) -> None:
    problems = [row[0] for row in con.execute(check).fetchall()]
    if problems:
        raise RelationRefused(problems[0])


def relation_asset(
    relation: RelationFile, *, stage: str = REFRESH, suite: Suite | None = None, group: str | None = None
) -> dg.AssetsDefinition:
    spec = relation_spec(relation, suite)
    check, notes = refusal_check(relation), notes_query(relation)

    @dg.asset(
        key=[relation.layer, relation.name],
        deps=deps_of(relation.references, relation.relation),
        group_name=group or relation.layer,
        kinds={"duckdb"},
        description=relation.description,
        tags=stage_tags(stage),
        code_version=spec.definition,
        metadata={
            "sql": dg.MetadataValue.path(str(relation.path)),
            "partitioned_by": relation.partitioning.column if relation.partitioning else "(whole)",
        },
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            _, meta = materialize(
                context,
                warehouse,
                spec,
                refuse=(lambda con: _refusals(con, check)) if check else None,
                notes=notes,
                reads=relation.references,
            )
        except RelationRefused as error:
            raise dg.Failure(
                description=f"{relation.relation} refused, what it held stays: {error}", allow_retries=False
            ) from None
        except InputsMissing as error:
            raise dg.Failure(
                description=f"{relation.relation} not built: it reads {error}, which no refresh has "
                "built yet (its source was refused or has never been delivered)",
                allow_retries=False,
            ) from None
        return dg.MaterializeResult(metadata=meta)

    return _asset


def relation_file_path(relation: RelationFile) -> Path:
    return relation.path


__all__ = ["relation_asset", "relation_spec", "materialize", "PUBLISH", "REFRESH"]
