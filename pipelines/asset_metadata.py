"""What the Dagster UI shows about each asset: row counts, column schemas, a preview, owners and code references.

- ``table_metadata(con, relation, comments)``: the metadata an asset returns for the table it built,
  under Dagster's standard keys, ``dagster/row_count`` and ``dagster/column_schema`` (column types
  from DuckDB, descriptions from the published column comments), ``dagster/table_name``, and
  ``preview``, the first rows as a Markdown table (Dagster 1.13 has no standard preview key).
- ``describe_assets(assets)``: the asset definitions with their owners (``pipelines/owners.yaml``,
  per asset group; ``VARDPULS_OWNERS_FILE`` names a region's own) and code references: the
  Python function and the SQL files named after the asset (``sql/<layer>/<asset>.sql``), as links
  into the repository when ``VARDPULS_SOURCE_URL`` is set (GitHub or GitLab, which Dagster can
  link to; ``VARDPULS_SOURCE_PLATFORM`` says which when the address does not, and
  ``VARDPULS_SOURCE_BRANCH``, default ``main``, the branch), else as local file references.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.privacy import scrub
from pipelines.settings import PROJECT_ROOT, SQL_DIR
from pipelines.yaml_files import parse_yaml

OWNERS_FILE = Path(__file__).with_name("owners.yaml")
PREVIEW_ROWS = 5
CODE_REFERENCES = "dagster/code_references"
# a preview cell longer than this is cut (the preview is for recognising the data, not reading it)
PREVIEW_CHARACTERS = 60


def table_metadata(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    comments: Mapping[str, str] | None = None,
    *,
    table_name: str | None = None,
    preview_rows: int = PREVIEW_ROWS,
) -> dict:
    """Row count, column schema, table name and a preview of ``relation`` (a table or view in DuckDB).

    ``comments``: column -> description, e.g. ``published_comments("population")``; ``table_name``:
    the name the UI shows and links lineage by (default ``relation``).
    """
    described = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {relation})").fetchall()
    rows = con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]
    comments = comments or {}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name=name, type=column_type, description=comments.get(name))
            for name, column_type in described
        ]
    )
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/column_schema": dg.MetadataValue.table_schema(schema),
        "dagster/table_name": dg.MetadataValue.text(table_name or relation),
    }
    if preview_rows:
        metadata["preview"] = dg.MetadataValue.md(_preview(con, relation, [n for n, _ in described], preview_rows))
    return metadata


def published_comments(table: str) -> dict[str, str]:
    """column -> meaning from ``sql/publish/<table>.sql`` (empty for a table that is not published)."""
    from pipelines.publish import column_comments

    path = SQL_DIR / "publish" / f"{table}.sql"
    return column_comments(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _preview(con: duckdb.DuckDBPyConnection, relation: str, names: list[str], limit: int) -> str:
    found = con.execute(f"SELECT * FROM {relation} LIMIT {int(limit)}").fetchall()
    if not found:
        return "*no rows*"
    lines = []
    if "synthetic" in names and any(row[names.index("synthetic")] for row in found):
        lines += ["**SYNTHETIC data** (synthetic = true): never report these values as real.", ""]
    lines.append("| " + " | ".join(_cell(n) for n in names) + " |")
    lines.append("|" + "---|" * len(names))
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in found]
    return scrub("\n".join(lines))


def _cell(value) -> str:
    text = "NULL" if value is None else str(value)
    text = " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
    for character in "<>*_`[]":
        text = text.replace(character, "\\" + character)
    return text if len(text) <= PREVIEW_CHARACTERS else text[: PREVIEW_CHARACTERS - 1] + "…"


# ------------------------------------------------------------------------------------- owners, code


def load_owners(path: Path | None = None) -> dict[str, list[str]]:
    """asset group -> owners (an e-mail address or ``team:<name>``), from owners.yaml or VARDPULS_OWNERS_FILE."""
    path = Path(path or os.environ.get("VARDPULS_OWNERS_FILE") or OWNERS_FILE)
    if not path.is_file():
        raise FileNotFoundError(f"the owners file {path} does not exist (VARDPULS_OWNERS_FILE)")
    doc = parse_yaml(path.read_text(encoding="utf-8")) or {}
    owners = {}
    for group, names in doc.items():
        names = [names] if isinstance(names, str) else list(names or [])
        for name in names:
            if not isinstance(name, str) or not (
                name.startswith("team:") and len(name) > 5 or ("@" in name and " " not in name)
            ):
                raise ValueError(f"{path}: {group}: {name!r} is not an owner (an e-mail address or team:<name>)")
        owners[str(group)] = names
    return owners


def sql_references(key: dg.AssetKey) -> list[dg.LocalFileCodeReference]:
    """The SQL files behind an asset: its relation file ``sql/<layer>/<name>.sql``, an indicator's
    ``sql/catalogue/<id>.sql``, and the published table of the same name, those that exist."""
    layer, name = key.path[0], key.path[-1]
    paths = [SQL_DIR / layer / f"{name}.sql", SQL_DIR / "publish" / f"{name}.sql"]
    if layer == "indicators":
        paths.append(SQL_DIR / "catalogue" / f"{name}.sql")
    return [
        dg.LocalFileCodeReference(file_path=str(path), label=f"SQL {path.relative_to(SQL_DIR).as_posix()}")
        for path in dict.fromkeys(paths)
        if path.is_file()
    ]


def describe_assets(
    assets: Sequence, owners: Mapping[str, list[str]] | None = None, environ: Mapping[str, str] | None = None
) -> list:
    """The asset definitions with their group's owners and references to their Python and SQL code."""
    with warnings.catch_warnings():  # code references are "beta" in Dagster 1.13: said once, here
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _describe_assets(assets, owners, environ)


def _describe_assets(
    assets: Sequence, owners: Mapping[str, list[str]] | None, environ: Mapping[str, str] | None
) -> list:
    owners = load_owners() if owners is None else owners
    env = os.environ if environ is None else environ
    described = []
    for asset in assets:
        if not isinstance(asset, dg.AssetsDefinition):
            described.append(asset)
            continue
        missing = {spec.group_name for spec in asset.specs} - set(owners)
        if missing:
            raise ValueError(
                f"no owners for the asset group(s) {sorted(missing)} (pipelines/owners.yaml or VARDPULS_OWNERS_FILE)"
            )

        def with_sql(spec: dg.AssetSpec) -> dg.AssetSpec:
            references = sql_references(spec.key)
            metadata = dict(spec.metadata or {})
            if references:
                metadata[CODE_REFERENCES] = dg.CodeReferencesMetadataValue(code_references=references)
            merged = list(dict.fromkeys([*spec.owners, *owners[spec.group_name]]))
            return spec.replace_attributes(owners=merged, metadata=metadata)

        described.append(asset.map_asset_specs(with_sql))
    described = list(dg.with_source_code_references(described))
    url = (env.get("VARDPULS_SOURCE_URL") or "").strip().rstrip("/")
    if url:
        described = list(
            dg.link_code_references_to_git(
                described,
                git_url=url,
                git_branch=(env.get("VARDPULS_SOURCE_BRANCH") or "main").strip(),
                platform=(env.get("VARDPULS_SOURCE_PLATFORM") or "").strip().lower() or None,
                file_path_mapping=dg.AnchorBasedFilePathMapping(
                    local_file_anchor=PROJECT_ROOT / "pyproject.toml", file_anchor_path_in_repository="pyproject.toml"
                ),
            )
        )
    return described
