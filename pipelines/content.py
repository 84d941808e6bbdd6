"""What a release holds, as content: per published table, its rows and an order-independent hash of every
column but those naming a run, a moment or the order files were loaded in. Two warehouses built from the
same files by any sequence of refreshes must give the same content (the incremental test and the
benchmark compare them)."""

from __future__ import annotations

from pathlib import Path

import duckdb

# what names a run, a moment or the order files were loaded in, not content
LINEAGE_COLUMNS = frozenset({"load_run", "loaded_at", "file_version_id", "published_run"})
# the history of the deliveries, runs and releases themselves, which differs by how the files arrived and how many
# releases were made of them (the vintages: docs/vintages.md)
HISTORY_TABLES = frozenset(
    {
        "runs",
        "source_files",
        "releases",
        "release_changes",
        "indicator_value_history",
        "goal_progress_history",
        "benchmark_value_history",
        "benchmark_revisions",
    }
)
# rows of a table that judge one release against the release before it (the vintages' anomaly checks)
SEQUENCE_ROWS = {"quality_results": "suite <> 'releases'"}


def content_fingerprints(database: Path) -> dict[str, tuple[int, int]]:
    """Per published table of an analyst database: (rows, hash of the content)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            if table in HISTORY_TABLES:
                continue
            columns = [c for c, *_ in con.execute(f'DESCRIBE "{table}"').fetchall() if c not in LINEAGE_COLUMNS]
            row = ", ".join(f'"{c}"' for c in columns)
            where = f" WHERE {SEQUENCE_ROWS[table]}" if table in SEQUENCE_ROWS else ""
            out[table] = tuple(
                con.execute(
                    f'SELECT count(*), coalesce(sum(hash(struct_pack({row}))::HUGEINT), 0) FROM "{table}"{where}'
                ).fetchall()[0]
            )
        return out


def differences(a: dict[str, tuple], b: dict[str, tuple]) -> dict[str, tuple]:
    """table -> (content in a, content in b) where they differ (a table in one only: None in the other)."""
    return {t: (a.get(t), b.get(t)) for t in sorted(a.keys() | b.keys()) if a.get(t) != b.get(t)}
