"""The fetches in Dagster: assets upstream of the raw loads, in jobs of their own, on schedules that are off by
default; run against the local API server, they write the files the CLI writes and name them."""

import dagster as dg
import pytest
from fetch_server import ApiServer

from pipelines.definitions import build_definitions
from pipelines.warehouse import Warehouse

pytestmark = pytest.mark.integration


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


@pytest.fixture
def defs(tmp_path):
    return build_definitions(Warehouse(landing_dir=str(tmp_path / "landing"), warehouse_dir=str(tmp_path / "wh")))


def test_the_fetches_sit_upstream_of_their_raw_loads_in_jobs_of_their_own_scheduled_but_off(defs):
    graph = defs.resolve_asset_graph()
    for source in ("kolada", "population", "population_projections"):
        assert dg.AssetKey(["fetch", source]) in graph.get(dg.AssetKey(["raw", source])).parent_keys
    assert defs.resolve_job_def("fetch_kolada").asset_layer.selected_asset_keys == {dg.AssetKey(["fetch", "kolada"])}
    assert defs.resolve_job_def("fetch_scb").asset_layer.selected_asset_keys == {
        dg.AssetKey(["fetch", "population"]),
        dg.AssetKey(["fetch", "population_projections"]),
    }
    # the nightly refresh never reaches out to the network
    refresh = defs.resolve_job_def("refresh").asset_layer.selected_asset_keys
    assert not [key for key in refresh if key.path[0] == "fetch"]
    schedules = {s.name: s for s in defs.schedules}
    assert schedules["fetch_kolada_schedule"].cron_schedule == "0 5 * * 1"
    assert schedules["fetch_scb_schedule"].cron_schedule == "0 5 2 * *"
    for name in ("fetch_kolada_schedule", "fetch_scb_schedule"):
        assert schedules[name].default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedules["nightly_refresh"].default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_kolada_fetch_job_writes_the_pages_and_names_them(api, defs, tmp_path):
    job = defs.resolve_job_def("fetch_kolada")
    result = job.execute_in_process(
        run_config={"ops": {"fetch__kolada": {"config": {"kpis": ["N70845", "U70425"], "api_url": api.kolada_api}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    event = result.asset_materializations_for_node("fetch__kolada")[0]
    written = event.metadata["written"].value
    on_disk = sorted(
        p.relative_to(tmp_path / "landing" / "kolada").as_posix()
        for p in (tmp_path / "landing" / "kolada").rglob("*.json")
        if not p.name.startswith(".")
    )
    assert sorted(written) == on_disk and len(on_disk) == 2
    assert event.metadata["requests"].value == len(api.requests) >= 2
    # the warehouse was never opened: a fetch runs beside a refresh
    assert not (tmp_path / "wh").exists()


def test_a_failed_fetch_fails_the_run_with_the_reason(api, defs):
    job = defs.resolve_job_def("fetch_kolada")
    result = job.execute_in_process(
        run_config={"ops": {"fetch__kolada": {"config": {"group": "G9KPI999", "api_url": api.kolada_api}}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "G9KPI999" in failure.step_failure_data.user_failure_data.description


def test_the_scb_fetch_job_writes_a_region_s_tables(api, defs, tmp_path):
    job = defs.resolve_job_def("fetch_scb")
    config = {"region": "1980", "years": "2024", "api_url": api.scb_api}
    result = job.execute_in_process(
        run_config={
            "ops": {"fetch__population": {"config": config}, "fetch__population_projections": {"config": config}}
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert list((tmp_path / "landing" / "population").glob("2*/TAB638-01.json"))
    assert api.made("/scb/api/v2/tables/TAB638/data")
    written = result.asset_materializations_for_node("fetch__population")[0].metadata["written"].value
    assert written and all(name.endswith(".json") for name in written)
