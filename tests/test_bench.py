"""The benchmark harness itself (bench/), cheaply: it measures nothing here, it is only checked to work.

Speed and memory are measured by bench/run.py and recorded in BENCHMARKS.md, never asserted in tests.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parent.parent / "bench"
STAGES = {"parse_load", "validate", "compute", "publish", "overhead"}


def test_run_at_sample_scale_measures_every_stage_the_floor_and_the_next_night(tmp_path):
    results = tmp_path / "results"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--scale",
            "sample",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
            "--heartbeat",
            "600",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    result = json.loads((results / "sample-latest.json").read_text(encoding="utf-8"))

    assert result["scale"] == "sample" and result["commit"]
    for run in ("full", "incremental"):
        measured = result[run]
        assert set(measured["stages"]) == STAGES, measured["stages"]
        assert all(measured["stages"][stage] > 0 for stage in ("parse_load", "validate", "compute", "publish"))
        assert measured["published"] and measured["wall_seconds"] > 0 and measured["peak_rss_bytes"] > 0
        # Dagster's step keys: the raw load, a fact, the suite's checks and the release
        assert {"raw__staffing", "core__staff_fte", "staffing_suite", "publish__release"} <= set(measured["steps"])
    assert result["floor"]["wall_seconds"] > 0
    assert set(result["floor"]["stages"]) == {"load", "facts", "indicators", "publish"}
    assert all(check["same"] for check in result["floor_agrees"].values()), result["floor_agrees"]

    # the next night: one new file each of listings, staffing, ledger and census, and only those loaded
    added = {entry["source"]: entry for entry in result["incremental"]["new_files"]}
    assert set(added) == {"listings", "staffing", "cost", "beds"}
    assert added["staffing"]["period"] == "2025-01" and added["beds"]["period"] == "2025-01-01"
    full_files = result["full"]["published_tables"]["source_files"]
    assert result["incremental"]["published_tables"]["source_files"] == full_files + 4
    # generated data stays in the work folder, never in the repository
    assert (tmp_path / "work" / "data" / "sample-seed2024").is_dir()


def made_up(scale: str, seconds: float, memory_gib: float) -> dict:
    stages = {
        "parse_load": seconds * 0.4,
        "validate": seconds * 0.2,
        "compute": seconds * 0.3,
        "publish": seconds * 0.05,
        "overhead": seconds * 0.05,
    }
    return {
        "scale": scale,
        "commit": "0" * 40,
        "date": "2026-01-01T00:00:00+00:00",
        "machine": {"nproc": 2},
        "full": {"wall_seconds": seconds, "stages": stages, "peak_rss_bytes": memory_gib * 1024**3},
        "incremental": {
            "wall_seconds": seconds / 10,
            "stages": {k: v / 10 for k, v in stages.items()},
            "peak_rss_bytes": memory_gib * 1024**3,
        },
        "floor": {"wall_seconds": 50.0},
        "ratios": {"full_to_floor": seconds / 50.0},
    }


def compare(tmp_path: Path, recorded: dict, result: dict) -> subprocess.CompletedProcess:
    (tmp_path / "recorded.json").write_text(json.dumps({"scales": {recorded["scale"]: recorded}}))
    (tmp_path / "result.json").write_text(json.dumps(result))
    return subprocess.run(
        [
            sys.executable,
            str(BENCH / "compare.py"),
            "--recorded",
            str(tmp_path / "recorded.json"),
            str(tmp_path / "result.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compare_flags_a_25_percent_regression(tmp_path):
    done = compare(tmp_path, made_up("national", 600.0, 16.0), made_up("national", 750.0, 16.0))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "REGRESSION" in done.stderr and "national: full wall 750.0 s against 600.0 s recorded (+25%)" in done.stderr


def test_compare_flags_25_percent_more_memory(tmp_path):
    done = compare(tmp_path, made_up("region", 60.0, 1.0), made_up("region", 60.0, 1.25))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "full peak memory 1.25 GiB against 1.00 GiB recorded (+25%)" in done.stderr


def test_compare_accepts_15_percent(tmp_path):
    done = compare(tmp_path, made_up("national", 600.0, 16.0), made_up("national", 690.0, 18.4))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no figure more than 20% worse" in done.stdout


def test_compare_records_a_result(tmp_path):
    (tmp_path / "result.json").write_text(json.dumps(made_up("region", 60.0, 1.0)))
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "compare.py"),
            "--record",
            "--recorded",
            str(tmp_path / "recorded.json"),
            str(tmp_path / "result.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "recorded.json").read_text())["scales"]["region"]["full"]["wall_seconds"] == 60.0
