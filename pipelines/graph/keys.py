"""Asset keys say the layer: the relation ``core.staff_fte`` is the asset ``core/staff_fte``.

A source's raw tables (``raw.population``, ``raw.population_files``, ``raw.kolada_values`` …) all come
from its one raw asset ``raw/<source>``.
"""

from __future__ import annotations

import dagster as dg

from pipelines.sources import sources

# When each asset runs, as three jobs one after the other, each whatever became of the one before: the refresh
# job reads each source on its own (a refused source stops only what reads it), the derive job what reads
# across every source and indicator, the publish job the release and what is made from it. So a step that
# fails stops what reads it and nothing else, and what was published stays until something better replaces it.
STAGE_TAG = "vardpuls/stage"
REFRESH, DERIVE, PUBLISH = "refresh", "derive", "publish"
STAGES = (REFRESH, DERIVE, PUBLISH)


def relation_key(relation: str) -> dg.AssetKey:
    schema, name = relation.split(".", 1)
    if schema == "raw":
        return dg.AssetKey(["raw", raw_source(relation)])
    return dg.AssetKey([schema, name])


def raw_source(relation: str) -> str:
    """The source whose raw asset writes a raw table (the longest source name it starts with)."""
    name = relation.split(".", 1)[1]
    owners = [s for s in sources() if name == s or name.startswith(s + "_")]
    if not owners:
        raise KeyError(f"{relation}: no source of the registry writes it (pipelines/sources.py)")
    return max(owners, key=len)


# The register every regional source writes its file versions into.
SHARED_REGISTER = "raw.regional_files"


def change_relations(references: tuple[str, ...]) -> tuple[str, ...]:
    """The relations whose changes a reader takes in: a source's raw tables all change as ``raw.<source>``
    (the regional sources' shared register as every regional source)."""
    found = set()
    for ref in references:
        if ref == SHARED_REGISTER:
            found |= {s.raw_relation for s in sources().values() if s.kind == "regional"}
        elif ref.startswith("raw."):
            found.add(f"raw.{raw_source(ref)}")
        else:
            found.add(ref)
    return tuple(sorted(found))


def deps_of(references: tuple[str, ...], own: str) -> list[dg.AssetKey]:
    keys = {relation_key(ref) for ref in change_relations(references)}
    keys.discard(relation_key(own))
    return sorted(keys, key=lambda k: k.to_user_string())


def stage_tags(stage: str) -> dict[str, str]:
    return {STAGE_TAG: stage}
