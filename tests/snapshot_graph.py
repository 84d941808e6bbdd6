"""The asset graph as data: every asset spec (key, dependencies, group, stage) with its checks (name, blocking).

``tests/test_graph.py`` compares the graph with the committed snapshot ``tests/fixtures/graph/asset_specs.json``,
so a changed graph shows in review as a diff of that file. After changing the graph on purpose (a relation file,
a source, a suite's rule, a catalogue entry), write the snapshot again from the project root and commit it:

    .venv/bin/python -m tests.snapshot_graph
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "fixtures" / "graph" / "asset_specs.json"
COMMAND = ".venv/bin/python -m tests.snapshot_graph"


def asset_specs() -> list[dict]:
    """One entry per asset of the graph, by key: its dependencies, group, stage and checks."""
    from pipelines.definitions import ASSETS, CHECKS
    from pipelines.graph.keys import STAGE_TAG

    checks: dict[str, list[dict]] = {}
    for definition in CHECKS:
        for spec in definition.check_specs:
            checks.setdefault(spec.asset_key.to_user_string(), []).append(
                {"name": spec.name, "blocking": spec.blocking}
            )
    specs = []
    for asset in ASSETS:
        for spec in asset.specs:
            key = spec.key.to_user_string()
            specs.append(
                {
                    "key": key,
                    "deps": sorted(dep.asset_key.to_user_string() for dep in spec.deps),
                    "group": spec.group_name,
                    "stage": (spec.tags or {}).get(STAGE_TAG),
                    "checks": sorted(checks.get(key, []), key=lambda check: check["name"]),
                }
            )
    return sorted(specs, key=lambda spec: spec["key"])


def render(specs: list[dict]) -> str:
    """The snapshot's text: stable (sorted, one field a line), so a change reads as a small diff."""
    return json.dumps(specs, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    text = render(asset_specs())
    changed = not SNAPSHOT.is_file() or SNAPSHOT.read_text(encoding="utf-8") != text
    SNAPSHOT.write_text(text, encoding="utf-8")
    count = text.count('"key":')
    print(f"{SNAPSHOT}: {count} assets, " + ("written (review the diff and commit it)" if changed else "unchanged"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
