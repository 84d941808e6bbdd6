"""The asset graph, made from the project's own definitions; nothing here lists a relation by hand.

- ``fetch/<source>``: Kolada's and SCB's APIs into the landing area, for the sources that have a fetcher
  (in jobs of their own, pipelines/graph/fetch.py);
- ``raw/<source>``: one per source of the registry (pipelines/sources.py);
- ``staging/<name>``, ``core/<name>``, ``indicators/<name>``, ``goals/<name>``: one per relation file
  ``sql/<layer>/<name>.sql``, its dependencies the relations its SQL reads; a staging relation with a
  suite carries the suite's rules as asset checks;
- ``core/indicators``, ``core/goals``, ``core/benchmark_mapping``, ``core/quality_rules``,
  ``core/disclosure_rule``: the project's own data files (pipelines/graph/data_assets.py);
- ``indicators/<id>``: one per catalogue entry, and ``indicators/indicator_values``, all of them;
- ``core/quarantine`` and ``core/source_files``, across every source of the registry;
- ``publish/disclosure_cells``, ``publish/release``, ``publish/data_docs``, ``publish/report``.

Every asset is tagged with its stage (pipelines/graph/keys.py): the refresh job reads each source on its
own, the derive job what reads across them, the publish job the release and what is made from it. :func:`check_graph` refuses a relation that reads
something no asset writes.
"""

from __future__ import annotations

from functools import cache

import dagster as dg

from pipelines.graph.checks import suite_checks
from pipelines.graph.data_assets import DATA_RELATIONS, data_assets
from pipelines.graph.fetch import fetch_assets
from pipelines.graph.indicators import LONG_TABLE, indicator_assets
from pipelines.graph.keys import DERIVE, PUBLISH, REFRESH, STAGE_TAG, STAGES, relation_key
from pipelines.graph.publish import (
    data_docs_asset,
    disclosure_asset,
    registry_relation_assets,
    release_asset,
    report_asset,
)
from pipelines.graph.raw import raw_assets
from pipelines.graph.relation_assets import relation_asset
from pipelines.quality.suites import load_suites
from pipelines.relations import relation_files

# Layers whose relations read across every source and indicator: built in the derive job.
DERIVE_LAYERS = ("indicators", "goals")


class GraphError(ValueError):
    """The definitions do not make one graph: a relation reads what nothing writes."""


@cache
def graph() -> tuple[list, list]:
    """(assets, asset checks) of the whole warehouse."""
    suites = {suite.table: suite for suite in load_suites().values()}
    assets: list[dg.AssetsDefinition] = [*fetch_assets(), *raw_assets(), *data_assets()]
    checks: list[dg.AssetChecksDefinition] = []
    staged = []
    for layer in ("staging", "core", "indicators", "goals"):
        for relation in relation_files(layer).values():
            suite = suites.get(relation.relation) if layer == "staging" else None
            stage = DERIVE if layer in DERIVE_LAYERS else REFRESH
            assets.append(relation_asset(relation, stage=stage, suite=suite))
            if suite is not None:
                checks.append(suite_checks(relation, suite))
                staged.append((relation.relation, suite))
    assets += [
        *indicator_assets(),
        *registry_relation_assets(),
        disclosure_asset(),
        release_asset(),
        data_docs_asset(staged),
        report_asset(),
    ]
    check_graph(assets)
    return assets, checks


def check_graph(assets: list[dg.AssetsDefinition]) -> None:
    produced = {key for asset in assets for key in asset.keys}
    for asset in assets:
        for key in asset.keys:
            for dep in asset.asset_deps[key]:
                if dep not in produced:
                    raise GraphError(
                        f"{key.to_user_string()} reads {dep.to_user_string()}, which no asset writes "
                        "(a relation file sql/<layer>/<name>.sql, a source or a catalogue entry)"
                    )


def stage_selection(stage: str) -> dg.AssetSelection:
    return dg.AssetSelection.tag(STAGE_TAG, stage)


__all__ = [
    "graph",
    "stage_selection",
    "relation_key",
    "LONG_TABLE",
    "DATA_RELATIONS",
    "DERIVE",
    "PUBLISH",
    "REFRESH",
    "STAGES",
]
