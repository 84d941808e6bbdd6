"""`vardpuls fetch kolada|scb` on the command line against the local server, and the end-to-end check: a refresh
over the fetched pages publishes the same benchmark values as a refresh over the bundled pages."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from fetch_server import BUNDLED, ApiServer

from pipelines.cli import main
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

VARDPULS = str(Path(sys.executable).parent / "vardpuls")


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


def test_fetch_kolada_writes_the_pages_and_says_where_and_how_to_load_them(api, tmp_path, capsys):
    landing = tmp_path / "landing"
    code = main(
        ["fetch", "kolada", "--landing", str(landing), "--api-url", api.kolada_api, "--kpi", "N70845", "U70425"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"vardpuls fetch kolada: {api.kolada_api} -> {landing / 'kolada'}\n")
    written = sorted(
        p.relative_to(landing / "kolada").as_posix()
        for p in (landing / "kolada").rglob("*.json")
        if not p.name.startswith(".")
    )
    assert len(written) == 2 and f"Written (2 files, in {landing / 'kolada'}):" in out
    assert all(f"  {name}" in out for name in written)
    assert out.rstrip().endswith(f"Källa: Kolada. Load them with: vardpuls refresh --landing {landing}")


def test_the_api_addresses_come_from_the_environment_when_not_given(api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VARDPULS_KOLADA_API", api.kolada_api)
    monkeypatch.setenv("VARDPULS_SCB_API", api.scb_api)
    monkeypatch.setenv("VARDPULS_LANDING", str(tmp_path / "landing"))
    assert main(["fetch", "kolada", "--kpi", "N70845"]) == 0
    assert main(["fetch", "scb", "--region", "1980", "--years", "2024"]) == 0
    assert api.made("/kolada/v3/data/") and api.made("/scb/api/v2/tables/TAB638/data")
    assert list((tmp_path / "landing" / "population").glob("2*/TAB638-01.json"))


def test_without_a_landing_folder_nothing_is_fetched(api, monkeypatch, capsys):
    monkeypatch.delenv("VARDPULS_LANDING", raising=False)
    assert main(["fetch", "kolada", "--api-url", api.kolada_api]) == 1
    assert capsys.readouterr().err.strip() == (
        "vardpuls fetch kolada: give --landing DIR or set VARDPULS_LANDING "
        "(fetches are not written into the bundled sample data/sample/ by "
        "default)"
    )
    assert api.requests == []


def test_a_failure_exits_1_with_one_line_per_error(api, tmp_path, capsys):
    code = main(["fetch", "kolada", "--landing", str(tmp_path), "--api-url", api.kolada_api, "--group", "G9KPI999"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.endswith(
        "vardpuls fetch kolada: 1 error; what was fetched completely is written and remembered, the "
        "rest is asked again next time:\n"
        f"  Kolada has no KPI group G9KPI999 ({api.kolada_api}/kpi_groups/G9KPI999 answered with no "
        "such group): check the id\n"
    )
    assert main(["fetch", "scb", "--landing", str(tmp_path), "--api-url", api.scb_api, "--years", "2024-2020"]) == 1
    assert "--years 2024-2020: 2024-2020 runs backwards" in capsys.readouterr().err


def published(warehouse: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "current" / "analyst.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_a_refresh_over_fetched_pages_publishes_the_same_benchmark_values_as_over_the_bundled_pages(api, tmp_path):
    fetched, bundled = tmp_path / "fetched", tmp_path / "bundled"
    fetch = subprocess.run(
        [VARDPULS, "fetch", "kolada", "--landing", str(fetched), "--api-url", api.kolada_api],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fetch.returncode == 0, fetch.stderr
    assert len(api.made("/kolada/v3/data/")) == 4  # 76 KPIs, 25 a request
    (bundled / "kolada").mkdir(parents=True)
    for page in BUNDLED.glob("*.json"):
        shutil.copy(page, bundled / "kolada" / page.name)
    for landing in (fetched, bundled):
        refresh = subprocess.run(
            [
                VARDPULS,
                "refresh",
                "--landing",
                str(landing),
                "--warehouse",
                str(tmp_path / f"warehouse-{landing.name}"),
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert refresh.returncode == 0, refresh.stderr[-3000:]
    for table in ("benchmark_values", "benchmark_kpis", "benchmark_ranks"):
        from_fetch = published(tmp_path / "warehouse-fetched", table)
        assert from_fetch == published(tmp_path / "warehouse-bundled", table), table
    assert len(published(tmp_path / "warehouse-fetched", "benchmark_values")) == 13603
