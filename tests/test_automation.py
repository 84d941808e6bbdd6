"""The schedule and the sensors: their logic in-process, and a real daemon starting a refresh."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.automation import NIGHTLY_CRON, TIMEZONE, landing_fingerprint
from pipelines.definitions import defs
from pipelines.warehouse import Warehouse
from tests.conftest import graphql, vardpuls_ui

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "population"


def evaluate(sensor, instance, warehouse: Warehouse, cursor: str | None = None):
    """One tick of a sensor, as the daemon runs it (its resources set up for the tick): (result, cursor after)."""
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources={"warehouse": warehouse}) as context:
        return sensor(context), context.cursor


def land(landing: Path, name: str = "web_export_comma_bom.csv", age_seconds: float = 60) -> Path:
    (landing / "population").mkdir(parents=True, exist_ok=True)
    target = landing / "population" / name
    shutil.copy(FIXTURES / name, target)
    stamp = time.time() - age_seconds
    os.utime(target, (stamp, stamp))
    return target


def test_the_nightly_schedule_runs_the_refresh_at_two_in_stockholm():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone, schedule.job_name) == (
        NIGHTLY_CRON,
        TIMEZONE,
        "refresh",
    )
    assert NIGHTLY_CRON == "0 2 * * *" and TIMEZONE == "Europe/Stockholm"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    # derive follows every refresh and publish every derive, whatever became of it; failed runs are alerted
    assert {s.name for s in defs.sensors} == {
        "new_landed_files",
        "derive_after_refresh",
        "derive_after_failed_refresh",
        "publish_after_derive",
        "publish_after_failed_derive",
        "alert_on_failed_run",
    }


def test_the_sensor_asks_for_a_refresh_once_per_new_landing(tmp_path):
    sensor = defs.resolve_sensor_def("new_landed_files")
    warehouse = Warehouse(landing_dir=str(tmp_path / "landing"), warehouse_dir=str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:
        empty, _ = evaluate(sensor, instance, warehouse)
        assert isinstance(empty, dg.SkipReason) and "no files" in empty.skip_message
        land(warehouse.landing)
        request, cursor = evaluate(sensor, instance, warehouse)
        assert isinstance(request, dg.RunRequest) and request.run_key.startswith("landing-")
        assert cursor == landing_fingerprint(warehouse.landing)[0]
        # nothing new: no second refresh
        again, _ = evaluate(sensor, instance, warehouse, cursor)
        assert isinstance(again, dg.SkipReason) and "no new or changed files" in again.skip_message
        # a file still being copied in waits for the next look
        fresh = land(warehouse.landing, "jsonstat2.json", age_seconds=0)
        waiting, _ = evaluate(sensor, instance, warehouse, cursor)
        assert isinstance(waiting, dg.SkipReason) and "last seconds" in waiting.skip_message
        os.utime(fresh, (time.time() - 60, time.time() - 60))
        changed, _ = evaluate(sensor, instance, warehouse, cursor)
        assert isinstance(changed, dg.RunRequest) and changed.run_key != request.run_key


def test_the_sensor_waits_while_a_refresh_is_running(tmp_path):
    sensor = defs.resolve_sensor_def("new_landed_files")
    warehouse = Warehouse(landing_dir=str(tmp_path / "landing"), warehouse_dir=str(tmp_path / "warehouse"))
    land(warehouse.landing)
    # the running refresh holds the writer lock in its own process, as a run launched by the daemon does: the
    # sensor's tick must still be evaluated (and skip), not fail on the lock
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(warehouse.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with dg.instance_for_test() as instance:
            run = instance.create_run_for_job(defs.resolve_job_def("refresh"), status=dg.DagsterRunStatus.STARTED)
            busy, _ = evaluate(sensor, instance, warehouse)
            assert isinstance(busy, dg.SkipReason) and "queued or running" in busy.skip_message
            holder.terminate()
            holder.wait(timeout=30)
            instance.report_run_failed(run)
            assert isinstance(evaluate(sensor, instance, warehouse)[0], dg.RunRequest)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipelines.lock import writer_lock
with writer_lock(Path(sys.argv[1]), "a Dagster run (refresh)"):
    print("holding", flush=True)
    time.sleep(120)
"""


RUNS = "{ runsOrError { ... on Runs { results { runId jobName status tags { key value } } } } }"
SCHEDULES = (
    "{ repositoriesOrError { ... on RepositoryConnection { nodes { schedules { name cronSchedule "
    "executionTimezone scheduleState { status } } sensors { name sensorState { status } } } } } }"
)


def test_vardpuls_ui_runs_the_daemon_the_sensor_refreshes_derives_and_publishes(tmp_path):
    """`vardpuls ui` with a landing folder: the daemon's sensor sees the files, refreshes, derives, then publishes."""
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    land(landing)
    with vardpuls_ui(tmp_path, landing, VARDPULS_SENSOR_SECONDS="5") as (process, port):
        deadline, runs, automation = time.monotonic() + 300, [], None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                automation = automation or graphql(port, SCHEDULES)
                runs = graphql(port, RUNS)["data"]["runsOrError"]["results"]
            except (OSError, KeyError, TypeError):
                runs = []
            if any(r["jobName"] == "publish" and r["status"] in ("SUCCESS", "FAILURE") for r in runs):
                break
            time.sleep(2)
        assert process.poll() is None, "vardpuls ui stopped"
        repository = automation["data"]["repositoriesOrError"]["nodes"][0]
        assert {
            (s["name"], s["cronSchedule"], s["executionTimezone"], s["scheduleState"]["status"])
            for s in repository["schedules"]
        } == {
            ("nightly_refresh", "0 2 * * *", "Europe/Stockholm", "RUNNING"),
            # the fetches: off until a region turns them on
            ("fetch_kolada_schedule", "0 5 * * 1", "Europe/Stockholm", "STOPPED"),
            ("fetch_scb_schedule", "0 5 2 * *", "Europe/Stockholm", "STOPPED"),
        }
        assert all(s["sensorState"]["status"] == "RUNNING" for s in repository["sensors"])
        by_job = {r["jobName"]: r for r in runs}
        refresh, derive, publish = by_job.get("refresh"), by_job.get("derive"), by_job.get("publish")
        assert refresh and derive and publish, runs
        assert refresh["status"] == derive["status"] == publish["status"] == "SUCCESS", runs
        assert {"key": "vardpuls/trigger", "value": "new files"} in refresh["tags"]
        assert {"key": "vardpuls/refresh_run", "value": refresh["runId"]} in derive["tags"]
        assert {"key": "vardpuls/refresh_run", "value": refresh["runId"]} in publish["tags"]
        assert len([r for r in runs if r["jobName"] == "refresh"]) == 1  # one landing, one refresh
        con = duckdb.connect(str(warehouse / "analyst.duckdb"), read_only=True)
        try:
            assert con.execute("SELECT count(*) > 0 FROM population WHERE area_code = '17'").fetchall() == [(True,)]
        finally:
            con.close()
