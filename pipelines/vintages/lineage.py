"""What a published value rests on: the sources each indicator reads, and the periods each file version delivered.

An indicator's sources are found by following what its SQL reads (sql/catalogue/<id>.sql, through the macros it
calls) down the relation files (sql/staging/, sql/core/, ...) to the raw tables, whose source the registry names.
The periods of a file version come from the file registers: the region's sources list the months or days each
file delivered (raw.regional_files), SCB's tables the years their rows hold.
"""

from __future__ import annotations

import duckdb

from pipelines.indicators.catalogue import load_catalogue
from pipelines.relations import reads, relation_files
from pipelines.settings import SQL_DIR
from pipelines.sources import sources

RELATION_LAYERS = ("staging", "core", "indicators", "goals")
EMPTY_PERIODS = (
    "SELECT NULL::VARCHAR AS source, NULL::BIGINT AS file_version_id, NULL::VARCHAR AS source_file, "
    "NULL::VARCHAR AS period, NULL::VARCHAR AS area WHERE false"
)


def indicator_sources() -> list[tuple[str, str]]:
    """(indicator id, source) for every source each catalogue indicator reads, directly or through relations."""
    files = {rf.relation: rf for layer in RELATION_LAYERS for rf in relation_files(layer).values()}
    pairs = []
    for indicator in load_catalogue():
        found, seen, todo = set(), set(), list(reads(indicator.select_sql()))
        while todo:
            relation = todo.pop()
            if relation in seen:
                continue
            seen.add(relation)
            if relation.startswith("raw."):
                if source := source_of(relation):
                    found.add(source)
            elif relation in files:
                todo.extend(files[relation].references)
        pairs.extend((indicator.id, source) for source in sorted(found))
    return pairs


def source_of(raw_relation: str) -> str | None:
    """The source whose raw load writes a raw table (the longest source name the table's name starts with)."""
    name = raw_relation.split(".", 1)[1]
    owners = [s for s in sources() if name == s or name.startswith(s + "_")]
    return max(owners, key=len) if owners else None


def file_periods_select(con: duckdb.DuckDBPyConnection) -> str:
    """One SELECT of (source, file_version_id, source_file, period, area) over every file register that exists
    (area: the SCB area a year's rows are for; '' for the region's own files)."""
    parts, regional = [], False
    for source in sources().values():
        if source.kind == "regional" and not regional and _exists(con, "raw", "regional_files"):
            parts.append(_template("file_periods_regional.sql"))
            regional = True
        elif source.kind == "scb" and _exists(con, "staging", source.name):
            parts.append(_template("file_periods_scb.sql").replace("{source}", source.name))
    return " UNION ALL ".join(f"({part})" for part in parts) or EMPTY_PERIODS


def _template(name: str) -> str:
    text = (SQL_DIR / "vintages" / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip().rstrip(";")


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchall()[0][0]
    )
