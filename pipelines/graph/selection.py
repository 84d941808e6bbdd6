"""What a refresh runs when new or changed files are all that is new: the raw loads of those sources and every
asset downstream of them, nothing else (every other asset has no change to take in: the last refresh finished
cleanly, so everything it built took in everything before it). Anything else that is new (the code, a
definition, a setting, the month, an unclean last refresh) runs every asset, each doing only its own work."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg


def downstream_of_sources(asset_graph, sources: Iterable[str]) -> set[dg.AssetKey]:
    """The raw assets of the sources and every asset that reads them, however far down."""
    found: set[dg.AssetKey] = set()
    todo = [dg.AssetKey(["raw", source]) for source in sources]
    while todo:
        key = todo.pop()
        if key in found or not asset_graph.has(key):
            continue
        found.add(key)
        todo.extend(asset_graph.get(key).child_keys)
    return found


def job_selection(job: dg.JobDefinition, wanted: set[dg.AssetKey] | None) -> list[dg.AssetKey] | None:
    """The job's own assets that are wanted (None: all of them; an empty list: none of its assets is wanted, which
    the caller runs whole, for nothing of this graph lacks a downstream in every job)."""
    if wanted is None:
        return None
    return sorted(job.asset_layer.selected_asset_keys & wanted, key=lambda key: key.to_user_string())
