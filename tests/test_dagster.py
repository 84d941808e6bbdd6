"""The Dagster code location: the workspace loads, and `vardpuls ui` serves the asset graph."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.definitions import defs
from pipelines.indicators.catalogue import load_catalogue
from pipelines.quality.suites import load_suites
from pipelines.settings import PROJECT_ROOT
from tests.conftest import graphql, vardpuls_ui
from tests.snapshot_graph import SNAPSHOT

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
# every asset of the graph, as the committed snapshot lists them (tests/test_graph.py keeps it current)
ASSETS = {spec["key"] for spec in json.loads(SNAPSHOT.read_text(encoding="utf-8"))}
SUITES = load_suites()


def test_the_asset_graph_runs_one_direction():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == ASSETS
    upstream = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    # each layer reads the one before: raw -> staging (with the registers) -> core -> indicators -> goals
    assert upstream["staging/population"] == {"raw/population", "core/areas", "core/area_code_changes"}
    assert upstream["core/population"] == {"staging/population", "core/areas"}
    assert upstream["core/population_projections"] == {"staging/population_projections"}
    assert upstream["staging/staffing"] == {"raw/staffing", "core/unit_months", "core/professions"}
    assert upstream["core/staff_fte"] == {"staging/staffing"}
    assert upstream["staging/organisation"] == {"raw/organisation", "core/areas", "core/activity_areas"}
    assert upstream["core/units"] == {"staging/organisation"}
    catalogue = {f"indicators/{i.id}" for i in load_catalogue()}
    assert upstream["indicators/indicator_values"] == catalogue
    assert upstream["goals/goal_progress"] == {
        "core/goals",
        "core/indicators",
        "core/population",
        "core/population_projections",
        "indicators/indicator_values",
    }
    assert upstream["core/goal_comments"] == set()  # the regions' comments: data files
    assert upstream["indicators/benchmark_comparison"] == {
        "core/benchmark_mapping",
        "core/benchmark_values",
        "indicators/indicator_values",
    }
    staged = {f"staging/{name}" for name in SUITES}
    # the coverage suite only warns (a missing delivery has no row to hold out): the quarantine does not read it
    # and it reads the operator's acknowledgements (decisions.yaml)
    assert upstream["core/quarantine"] == staged - {"staging/coverage"} | {"core/quality_rules", "core/decisions"}
    assert upstream["publish/data_docs"] == staged
    assert "publish/disclosure_cells" in upstream["publish/release"]
    assert upstream["publish/report"] == {"publish/release"}
    assert {key for key, parents in upstream.items() if "publish/release" in parents} == {"publish/report"}
    jobs = {
        job: {key.to_user_string() for key in defs.resolve_job_def(job).asset_layer.executable_asset_keys}
        for job in ("refresh", "derive", "publish")
    }
    # reading each source on its own, then what reads across them, then the release and what is made from it
    assert jobs["publish"] == {"publish/release", "publish/data_docs", "publish/report"}
    assert {
        "indicators/indicator_values",
        "indicators/indicator_trends",
        "goals/goal_progress",
        "core/quarantine",
        "core/source_files",
        "publish/disclosure_cells",
    } <= jobs["derive"]
    assert catalogue | {"raw/staffing", "staging/staffing", "core/staff_fte"} <= jobs["refresh"]
    # the fetches (Kolada's and SCB's APIs) run in jobs of their own, off by default
    fetches = {key for key in ASSETS if key.startswith("fetch/")}
    assert fetches == {"fetch/kolada", "fetch/population", "fetch/population_projections"}
    assert jobs["refresh"] | jobs["derive"] | jobs["publish"] == ASSETS - fetches
    assert not (jobs["refresh"] & jobs["derive"]) and not (jobs["derive"] & jobs["publish"])
    # one check per rule of each suite, on the staging relation it validates
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert checks == {(f"staging/{name}", rule.rule) for name, suite in SUITES.items() for rule in suite.rules}


def test_dagster_definitions_validate_loads_the_workspace(tmp_path):
    env = os.environ | {"DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_vardpuls_ui_serves_the_asset_graph(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()  # empty: the sensor has nothing to refresh while the graph is asked for
    with vardpuls_ui(tmp_path, landing) as (process, port):
        deadline, answer = time.monotonic() + 180, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = graphql(port, "{ assetNodes { assetKey { path } } }")
                if answer.get("data", {}).get("assetNodes"):
                    break
            except OSError:
                pass
            time.sleep(1)
        assert answer is not None, "the UI never answered"
        served = {"/".join(node["assetKey"]["path"]) for node in answer["data"]["assetNodes"]}
        assert served == ASSETS
