"""Shared helpers: a temporary landing area and warehouse, loading files through the real SQL, `vardpuls ui`."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import ASSETS, CHECKS
from pipelines.graph.fetch import LandingArea
from pipelines.warehouse import Warehouse, forget_connection, register_macros

# Excel workbooks cost a release of the sample some 20 s (XlsxWriter writes every cell from Python), so the
# suite's refreshes write them only for empty tables; tests/test_refresh.py's full sample refresh writes them all
# (monkeypatch.delenv) and reads them back, and tests/test_excel.py tests the writer itself.
os.environ.setdefault("VARDPULS_EXCEL_MAX_ROWS", "0")

FIXTURES = Path(__file__).parent / "fixtures"
POPULATION_FIXTURES = FIXTURES / "population"


class Site:
    """A landing folder and a warehouse folder under tmp_path, and ways to load and query them."""

    def __init__(self, root: Path):
        self.landing = root / "landing"
        self.warehouse_root = root / "warehouse"
        (self.landing / "population").mkdir(parents=True)

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(landing_dir=str(self.landing), warehouse_dir=str(self.warehouse_root))

    def land(self, *names: str) -> None:
        for name in names:
            shutil.copy(POPULATION_FIXTURES / name, self.landing / "population" / name)

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.landing / "population" / name
        path.write_bytes(text.encode(encoding))
        return path

    def write_source(self, source: str, name: str, text: str, encoding: str = "utf-8-sig") -> Path:
        folder = self.landing / source
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
        return path

    def materialize(
        self, *targets: str, instance: dg.DagsterInstance | None = None, upstream: bool = True
    ) -> dg.ExecuteInProcessResult:
        """Materialise the given assets ('core/units', ...) and everything upstream of them (``upstream=False``:
        those alone), with their checks (the real assets of the graph), into this warehouse."""
        return materialize(self.warehouse, *targets, instance=instance, upstream=upstream)

    def load_regional(self) -> dg.ExecuteInProcessResult:
        """The reference data, every regional source's facts and the quarantine (the real assets)."""
        return self.materialize(
            "core/units",
            "core/unit_months",
            "core/listed_inhabitants",
            "core/staff_fte",
            "core/cost",
            "core/bed_days",
            "core/quarantine",
        )

    def load_population(self) -> dg.ExecuteInProcessResult:
        """The areas, raw/population, staging/population and core/population (the real assets)."""
        return self.materialize("core/population")

    def query(self, sql: str, params=None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse.live_path), read_only=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def persons(self, area: str, year: int, sex: str | None = None) -> int | None:
        """Sum of core.population for an area and year (and sex), NULL if any cell is missing."""
        sql = (
            "SELECT CASE WHEN count(*) = count(persons) THEN sum(persons) END FROM core.population "
            "WHERE area_code = ? AND year = ?" + (" AND sex = ?" if sex else "")
        )
        return self.query(sql, [area, year] + ([sex] if sex else []))[0][0]


def materialize(
    warehouse: Warehouse, *targets: str, instance: dg.DagsterInstance | None = None, upstream: bool = True
) -> dg.ExecuteInProcessResult:
    """Materialise assets of the graph ('core/units', ...) with their checks into a warehouse: the given ones and
    everything upstream of them, or (``upstream=False``) those alone."""
    selection = dg.AssetSelection.assets(*(dg.AssetKey(t.split("/")) for t in targets))
    # the fetches (Kolada's and SCB's APIs, jobs of their own) are never part of it: the landing folder is given
    selection = selection.upstream() - dg.AssetSelection.key_prefixes("fetch") if upstream else selection
    return dg.materialize(
        [*ASSETS, *CHECKS],
        selection=selection,
        resources={"warehouse": warehouse, "landing": LandingArea(landing_dir=warehouse.landing_dir)},
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def live_database(warehouse_root: Path) -> Path:
    """The live DuckDB file of a warehouse folder (the pipeline's own; analysts read analyst.duckdb)."""
    return Warehouse(landing_dir="", warehouse_dir=str(warehouse_root)).live_path


def build_relation(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """Build one relation file (``sql/<layer>/<name>.sql``) whole on this connection, as its asset builds it
    (pipelines/incremental.py; a staging relation with its suite's ``finding``); its row count."""
    from pipelines.graph.relation_assets import relation_spec
    from pipelines.incremental import build
    from pipelines.quality.suites import load_suites
    from pipelines.relations import relation_files

    layer, name = relation.split(".")
    suite = {s.table: s for s in load_suites().values()}.get(relation) if layer == "staging" else None
    forget_connection(con)  # a new connection may reuse a closed one's id: create every macro on it
    register_macros(con)
    return build(con, relation_spec(relation_files(layer)[name], suite), "test", whole=True).rows


def table_files(root: Path, table: str, kind: str = "parquet") -> list[Path]:
    """The published files of a table under a warehouse or release folder: its one file, or its file per year
    (a table cut by year: ``parquet/<table>/year=<Y>/data.parquet``, ``csv/<table>/<table>_<Y>.csv``)."""
    base = root / "exports" / kind
    single = base / table / "data.parquet" if kind == "parquet" else base / f"{table}.{kind}"
    return (
        [single]
        if single.is_file()
        else sorted((base / table).glob("*/data.parquet" if kind == "parquet" else f"{table}_*.{kind}"))
    )


def table_state(state: dict, table: str) -> dict:
    """The entries of a {path under the warehouse: digest} map that are a published table's Parquet, CSV and Excel
    files."""
    prefixes = (f"exports/parquet/{table}/", f"exports/csv/{table}/", f"exports/xlsx/{table}/")
    singles = {f"exports/csv/{table}.csv", f"exports/xlsx/{table}.xlsx"}
    found = {k: v for k, v in state.items() if str(k).startswith(prefixes) or str(k) in singles}
    assert found, f"no published file of {table}"
    return found


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            return data.user_failure_data.description if data.user_failure_data else data.error.to_string()
    raise AssertionError("the run did not fail")


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


@contextlib.contextmanager
def vardpuls_ui(tmp_path: Path, landing: Path, **env: str):
    """`vardpuls ui` (webserver and daemon) on a free port, stopped afterwards; yields (process, port)."""
    from pipelines.settings import PROJECT_ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environment = os.environ | {"DAGSTER_HOME": str(tmp_path / "dagster_home"), **env}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "vardpuls"),
            "ui",
            "--port",
            str(port),
            "--landing",
            str(landing),
            "--warehouse",
            str(tmp_path / "warehouse"),
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process, port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def graphql(port: int, query: str) -> dict:
    """One query to the UI's GraphQL API."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


TIERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(config, items):
    """Every test is in exactly one tier (a file's `pytestmark = pytest.mark.<tier>`), so `make test-fast` misses
    none by accident."""
    untiered = [item.nodeid for item in items if sum(item.get_closest_marker(t) is not None for t in TIERS) != 1]
    if untiered:
        raise pytest.UsageError(
            f"tests without exactly one tier marker ({', '.join(TIERS)}): {', '.join(untiered[:5])}"
            + (f" and {len(untiered) - 5} more" if len(untiered) > 5 else "")
        )
