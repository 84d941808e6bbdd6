"""Analysts and BI tools read while the refresh writes: never a failure, never two runs mixed.

A reader in its own process loops over the published release for as long as three refreshes take:
it resolves `current` once per round (as a BI tool resolving a path does), opens analyst.duckdb
read-only, reads every Parquet and CSV file of the release, and checks that they all belong to the
run its manifest names: the analyst database's latest `runs` row, every table's row count, every
Parquet file's content fingerprint (key-value metadata) and row count, every CSV's line count.
"""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipelines.cli import main

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "population"

READER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    import duckdb
    root, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    rounds, errors, runs = 0, [], []
    while not stop.exists():
        current = root / "current"
        if not current.exists():
            time.sleep(0.05)
            continue
        try:
            release = Path(os.path.realpath(current))
            manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
            con = duckdb.connect(str(release / "analyst.duckdb"), read_only=True)
            try:
                latest = con.execute("SELECT run_id FROM runs ORDER BY finished DESC LIMIT 1").fetchall()[0][0]
                assert latest == manifest["run_id"], (latest, manifest["run_id"])
                for name, table in manifest["tables"].items():
                    rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                    assert rows == table["rows"], (name, rows, table["rows"])
                    # every file of the table (one, or one per year) is one of the manifest's parts
                    parts = {part["content_sha256"] for part in table.get("parts", {}).values()} \\
                        or {table["content_sha256"]}
                    single = release / "exports" / "parquet" / name / "data.parquet"
                    files = [single] if single.is_file() else sorted(
                        (release / "exports" / "parquet" / name).glob("*/data.parquet"))
                    counted = 0
                    for parquet in files:
                        meta = dict(con.execute("SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata(?)",
                                                [str(parquet)]).fetchall())
                        assert meta["content_sha256"] in parts, (name, str(parquet))
                        counted += con.execute("SELECT count(*) FROM read_parquet(?)",
                                               [str(parquet)]).fetchall()[0][0]
                    assert files and counted == rows, name
                    csv_single = release / "exports" / "csv" / f"{name}.csv"
                    for path in [csv_single] if csv_single.is_file() else sorted(
                            (release / "exports" / "csv" / name).glob("*.csv")):
                        with open(path, "rb") as csv:
                            assert csv.read(3) == b"\\xef\\xbb\\xbf", name
            finally:
                con.close()
            rounds += 1
            if not runs or runs[-1] != manifest["run_id"]:
                runs.append(manifest["run_id"])
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    out.write_text(json.dumps({"rounds": rounds, "errors": errors, "runs": runs}))
""")


def test_readers_never_fail_and_never_see_two_runs_mixed(tmp_path, monkeypatch):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    (landing / "population").mkdir(parents=True)
    (landing / "population" / "a.csv").write_bytes((FIXTURES / "web_export_comma_bom.csv").read_bytes())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop), str(out)])
    try:
        published = []
        for extra in ("jsonstat2.json", "pxweb_v1_labels.csv", None):
            assert main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
            published.append(json.loads((warehouse / "manifest.json").read_text(encoding="utf-8"))["run_id"])
            if extra:  # new content for the next run
                (landing / "population" / extra).write_bytes((FIXTURES / extra).read_bytes())
            time.sleep(1)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    result = json.loads(out.read_text())
    assert result["errors"] == []
    assert result["rounds"] >= 5
    # the reader saw the releases in the order they were published, each as one whole
    assert len(result["runs"]) >= 2 and result["runs"] == [r for r in published if r in result["runs"]]
    # three publications, the last three releases kept
    assert len([p for p in (warehouse / "releases").iterdir() if not p.name.startswith(".")]) == 3
