"""The production recipe (deploy/): dagster-webserver and dagster-daemon started exactly as the systemd units start
them (command lines, working directory and environment read from the unit files, only the paths moved under a
temporary folder and the port made free), the instance configured by deploy/dagster.yaml; a refresh launched
through the webserver's GraphQL API waits in the queue until the daemon runs it; then both are stopped.
"""

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.settings import PROJECT_ROOT
from tests.conftest import live_database

pytestmark = pytest.mark.e2e

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = {"webserver": DEPLOY / "vardpuls-webserver.service", "daemon": DEPLOY / "vardpuls-daemon.service"}
INSTALLED = "/opt/vardpuls"


def unit_service(path: Path) -> dict[str, list[str]]:
    """The [Service] section of a systemd unit: key -> every value it is given (Environment= comes many times)."""
    section, values = None, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "Service":
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def moved(value: str, root: Path) -> str:
    """A path of the installed layout, moved to this test's: the checkout and its venv, state, landing, config."""
    venv_bin = str(Path(sys.executable).parent)
    for installed, here in (
        (f"{INSTALLED}/.venv/bin", venv_bin),
        (INSTALLED, str(PROJECT_ROOT)),
        ("/var/lib/vardpuls", str(root / "var")),
        ("/srv/vardpuls", str(root / "srv")),
        ("/etc/vardpuls", str(root / "etc")),
    ):
        value = value.replace(installed, here)
    return value


def service_process(name: str, root: Path, port: int, log: Path) -> subprocess.Popen:
    service = unit_service(UNITS[name])
    command = [moved(part, root) for part in shlex.split(service["ExecStart"][0])]
    if "-p" in command:
        command[command.index("-p") + 1] = str(port)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("VARDPULS_", "DAGSTER_"))}
    for assignment in service.get("Environment", []):
        key, _, value = assignment.partition("=")
        environment[key] = moved(value, root)
    for env_file in service.get("EnvironmentFile", []):
        path = Path(moved(env_file.lstrip("-"), root))
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    key, _, value = line.partition("=")
                    environment[key.strip()] = value.strip()
    cwd = moved(service["WorkingDirectory"][0], root)
    for pre in service.get("ExecStartPre", []):  # as systemd does: each to its end, before the service starts
        done = subprocess.run(
            [moved(part, root) for part in shlex.split(pre.lstrip("-"))],
            cwd=cwd,
            env=environment,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            timeout=120,
        )
        assert done.returncode == 0 or pre.startswith("-"), f"{name}: {pre} failed\n" + log.read_text(errors="replace")
    return subprocess.Popen(
        command, cwd=cwd, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)


def stop(process: subprocess.Popen) -> int:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


LOCATION = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
LAUNCH = """mutation Launch($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
    ... on LaunchRunSuccess { run { runId status } } ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } } } }"""
RUN = """query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status jobName } } }"""
DAEMONS = """{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"""


def test_the_units_run_the_webserver_and_the_daemon_from_the_checkouts_environment():
    web, daemon = unit_service(UNITS["webserver"]), unit_service(UNITS["daemon"])
    assert shlex.split(web["ExecStart"][0])[:3] == [
        f"{INSTALLED}/.venv/bin/dagster-webserver",
        "-w",
        f"{INSTALLED}/workspace.yaml",
    ]
    assert shlex.split(web["ExecStart"][0])[3:5] == ["-h", "127.0.0.1"]  # no login in the UI: behind a proxy
    assert shlex.split(daemon["ExecStart"][0]) == [
        f"{INSTALLED}/.venv/bin/dagster-daemon",
        "run",
        "-w",
        f"{INSTALLED}/workspace.yaml",
    ]
    for service in (web, daemon):
        assert {e.split("=")[0] for e in service["Environment"]} == {
            "DAGSTER_HOME",
            "VARDPULS_LANDING",
            "VARDPULS_WAREHOUSE",
            "VARDPULS_PSEUDONYM_KEY_FILE",
        }
        assert service["User"] == ["vardpuls"] and service["Restart"] == ["on-failure"]
        assert service["WorkingDirectory"] == [INSTALLED]
        home = next(e for e in service["Environment"] if e.startswith("DAGSTER_HOME="))
        assert home.split("=", 1)[1].startswith(service["ReadWritePaths"][0])  # the state it writes is writable
    assert web["Environment"] == daemon["Environment"]  # one instance, one warehouse


def test_the_instance_queues_runs_one_at_a_time_in_sqlite_without_telemetry(tmp_path, monkeypatch):
    (tmp_path / "dagster.yaml").write_bytes((DEPLOY / "dagster.yaml").read_bytes())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    instance = dg.DagsterInstance.get()
    try:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert not instance.telemetry_enabled and instance.run_monitoring_enabled
    finally:
        instance.dispose()


def test_webserver_and_daemon_as_services_run_a_launched_refresh(tmp_path):
    for folder in ("var/dagster", "var/warehouse", "srv/landing", "etc"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "var" / "dagster" / "dagster.yaml").write_bytes((DEPLOY / "dagster.yaml").read_bytes())
    (tmp_path / "etc" / "pseudonym.key").write_text("a-test-key-of-thirty-two-chars!!\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "etc" / "vardpuls.env").write_text(f"VARDPULS_UI_URL=http://127.0.0.1:{port}\n", encoding="utf-8")
    web = service_process("webserver", tmp_path, port, tmp_path / "webserver.log")
    daemon = service_process("daemon", tmp_path, port, tmp_path / "daemon.log")

    def logs() -> str:
        return "".join(
            f"\n--- {name}.log\n" + (tmp_path / f"{name}.log").read_text(errors="replace")[-4000:]
            for name in ("webserver", "daemon")
        )

    try:
        deadline = time.monotonic() + 150
        loaded = None
        while time.monotonic() < deadline and loaded is None:
            assert web.poll() is None and daemon.poll() is None, "a service stopped" + logs()
            try:
                entries = graphql(port, LOCATION)["data"]["workspaceOrError"]["locationEntries"]
                entry = next(e for e in entries if e["name"] == "vardpuls")
                if entry["loadStatus"] == "LOADED":
                    loaded = entry
                    assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
            except (urllib.error.URLError, ConnectionError, StopIteration, KeyError, TypeError):
                pass
            time.sleep(1)
        assert loaded, "the webserver did not load the code location in time" + logs()
        params = {
            "selector": {
                "repositoryLocationName": "vardpuls",
                "repositoryName": "__repository__",
                "jobName": "refresh",
            },
            "runConfigData": {},
        }
        launched = graphql(port, LAUNCH, {"params": params})["data"]["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        # the webserver only queues it: the daemon takes it from the queue and runs it
        assert launched["run"]["status"] in ("QUEUED", "NOT_STARTED")
        seen, status = set(), None
        while time.monotonic() < deadline + 120:
            status = graphql(port, RUN, {"id": run_id})["data"]["runOrError"]["status"]
            seen.add(status)
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(1)
        assert status == "SUCCESS", f"run {run_id}: {status}" + logs()
        assert "STARTED" in seen or "STARTING" in seen or status == "SUCCESS"
        daemons = graphql(port, DAEMONS)["data"]["instance"]["daemonHealth"]["allDaemonStatuses"]
        required = {d["daemonType"]: d["healthy"] for d in daemons if d["required"]}
        assert required.get("QUEUED_RUN_COORDINATOR") and required.get("SENSOR") and required.get("SCHEDULER"), daemons
    finally:
        codes = stop(web), stop(daemon)
    assert all(code is not None for code in codes)
    # the run wrote the warehouse the units name (moved here): the area register is in the live database
    con = duckdb.connect(str(live_database(tmp_path / "var" / "warehouse")), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM core.areas").fetchall()[0][0] == 312
    finally:
        con.close()
    # the run history is in the instance's SQLite storage under DAGSTER_HOME
    assert (tmp_path / "var" / "dagster" / "history" / "runs.db").is_file()
