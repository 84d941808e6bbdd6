"""The asset graph: a snapshot of every asset spec, and what must hold of it beyond the snapshot.

The snapshot (tests/fixtures/graph/asset_specs.json, written by `python -m tests.snapshot_graph`) makes a changed
graph show in review as a diff. The other tests say what no diff may break: every relation read is written by
exactly one asset, the refresh stage reads nothing of a later stage, each indicator reads only what its SQL
names, and each rule of a suite is one check on its staging relation, blocking when the rule is.
"""

import difflib

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import ASSETS, CHECKS, FETCH_JOBS, JOBS, defs
from pipelines.graph import DATA_RELATIONS, LONG_TABLE
from pipelines.graph.fetch import FETCH
from pipelines.graph.keys import STAGE_TAG, STAGES, change_relations, relation_key
from pipelines.graph.publish import DISCLOSURE, DISCLOSURE_READS, release_reads
from pipelines.indicators.catalogue import load_catalogue
from pipelines.quality.suites import load_suites
from pipelines.relations import LAYERS, reads, relation_files
from pipelines.settings import SQL_DIR
from pipelines.sources import sources
from tests.conftest import Site, failure_message
from tests.snapshot_graph import COMMAND, SNAPSHOT, asset_specs, render

pytestmark = pytest.mark.integration

GRAPH = defs.resolve_asset_graph()
SPECS = {spec.key: spec for asset in ASSETS for spec in asset.specs}
CATALOGUE = load_catalogue()
# the stages in the order of the flow: the fetches (jobs of their own, off by default) before the three of a night
ORDER = (FETCH, *STAGES)
REGISTRY_RELATIONS = ("core.quarantine", "core.source_files")


def stage(key: dg.AssetKey) -> str:
    return SPECS[key].tags[STAGE_TAG]


def upstream(key: str) -> set[str]:
    """Every asset the given one reads, directly or through others (itself left out)."""
    found = dg.AssetSelection.assets(dg.AssetKey(key.split("/"))).upstream().resolve(GRAPH)
    return {k.to_user_string() for k in found} - {key}


def raw_sources_upstream(key: str) -> set[str]:
    return {k.split("/")[1] for k in upstream(key) if k.startswith("raw/")}


def test_the_graph_is_the_committed_snapshot():
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.is_file() else ""
    now = render(asset_specs())
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(True), now.splitlines(True), "committed " + SNAPSHOT.name, "the graph now", n=2
        )
    )
    assert now == committed, (
        f"the asset graph differs from {SNAPSHOT} (if the change is meant, run `{COMMAND}` "
        f"and commit the file):\n{diff[:6000]}"
    )


def test_the_snapshot_holds_every_asset_and_every_check():
    specs = asset_specs()
    assert len(specs) == len(SPECS) == len({s["key"] for s in specs})
    assert sum(len(s["checks"]) for s in specs) == sum(len(list(c.check_specs)) for c in CHECKS)
    assert all(s["stage"] in ORDER and s["group"] for s in specs)


# --- every relation read is written by exactly one asset -------------------------------------------------------


def writers() -> dict[str, list[dg.AssetKey]]:
    """relation -> the assets that write it, from the definitions themselves (not from the graph's dependencies)."""
    written: dict[str, list[dg.AssetKey]] = {}

    def add(relation: str, key: dg.AssetKey) -> None:
        written.setdefault(relation, []).append(key)

    for layer in LAYERS:
        if layer == "publish":  # the release's SELECTs: tables of analyst.duckdb, not relations of the warehouse
            continue
        for name, relation in relation_files(layer).items():
            add(relation.relation, dg.AssetKey([layer, name]))
    for indicator in CATALOGUE:
        add(f"indicators.{indicator.id}", dg.AssetKey(["indicators", indicator.id]))
    add(LONG_TABLE, dg.AssetKey(LONG_TABLE.split(".")))
    for data in DATA_RELATIONS:
        add(data.relation, dg.AssetKey(data.relation.split(".")))
    for relation in (*REGISTRY_RELATIONS, DISCLOSURE):
        add(relation, dg.AssetKey(relation.split(".")))
    return written


def relations_read() -> dict[str, set[str]]:
    """relation -> the places that read it: relation files, catalogue SQL, the release and disclosure control."""
    read: dict[str, set[str]] = {}
    for layer in LAYERS:
        if layer == "publish":
            continue
        for relation in relation_files(layer).values():
            for ref in relation.references:
                read.setdefault(ref, set()).add(relation.relation)
    for indicator in CATALOGUE:
        for ref in reads(indicator.select_sql()):
            read.setdefault(ref, set()).add(indicator.sql)
    for ref in release_reads():
        read.setdefault(ref, set()).add("sql/publish/")
    for ref in DISCLOSURE_READS:
        read.setdefault(ref, set()).add(DISCLOSURE)
    return read


def test_every_relation_read_but_raw_is_written_by_exactly_one_asset_of_the_graph():
    written = writers()
    for relation, readers in sorted(relations_read().items()):
        if relation.startswith("raw."):
            continue
        keys = written.get(relation, [])
        assert len(keys) == 1, (relation, keys, sorted(readers))
        assert keys[0] == relation_key(relation) and keys[0] in SPECS, (relation, keys)
    # and nothing writes a relation twice, read or not (an indicator named like a relation file, say)
    assert {r: k for r, k in written.items() if len(k) > 1} == {}


@pytest.fixture(scope="module")
def raw_tables(tmp_path_factory) -> dict[str, set[str]]:
    """source -> the raw tables its raw asset creates, each source's asset run alone on an empty landing."""
    created = {}
    for name in sources():
        site = Site(tmp_path_factory.mktemp(f"raw_{name}"))
        result = site.materialize(f"raw/{name}")
        assert result.success, failure_message(result)
        with duckdb.connect(str(site.warehouse.live_path), read_only=True) as con:
            created[name] = {
                f"raw.{t}"
                for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()
            }
    return created


def test_every_raw_table_read_is_created_by_exactly_one_source_the_one_its_key_names(raw_tables):
    shared = {"raw.regional_files"}  # the regional sources' common file register (pipelines/graph/keys.py)
    regional = {name for name, source in sources().items() if source.kind == "regional"}
    assert all(shared <= raw_tables[name] for name in regional)
    for relation, readers in sorted(relations_read().items()):
        if not relation.startswith("raw.") or relation in shared:
            continue
        creators = [name for name, tables in raw_tables.items() if relation in tables]
        assert len(creators) == 1, (relation, creators, sorted(readers))
        assert relation_key(relation) == dg.AssetKey(["raw", creators[0]]), relation
    # a reader of the shared register takes in the changes of every regional source
    assert set(change_relations(("raw.regional_files",))) == {f"raw.{name}" for name in regional}


# --- stages --------------------------------------------------------------------------------------------------


def test_no_asset_reads_an_asset_of_a_later_stage():
    later = []
    for key, spec in SPECS.items():
        for dep in spec.deps:
            if ORDER.index(stage(dep.asset_key)) > ORDER.index(stage(key)):
                later.append((key.to_user_string(), stage(key), dep.asset_key.to_user_string(), stage(dep.asset_key)))
    assert later == []


def test_the_three_jobs_run_every_asset_once_each_its_stage():
    jobs = {job.name: job for job in JOBS if job not in FETCH_JOBS}
    assert list(jobs) == list(STAGES)
    seen: dict[dg.AssetKey, str] = {}
    for name, job in jobs.items():
        for key in job.selection.resolve(GRAPH):
            assert key not in seen, (key, seen.get(key), name)
            seen[key] = name
            assert stage(key) == name, key
    # the fetches run in their own jobs, one source each, and in none of the three
    fetched = {key for job in FETCH_JOBS for key in job.selection.resolve(GRAPH)}
    assert fetched == {key for key in SPECS if stage(key) == FETCH} and not fetched & set(seen)
    assert set(seen) | fetched == set(SPECS)


def test_each_source_and_its_chain_to_the_indicators_is_in_the_refresh_stage():
    for name in sources():
        assert stage(dg.AssetKey(["raw", name])) == "refresh"
    for indicator in CATALOGUE:
        key = dg.AssetKey(["indicators", indicator.id])
        assert stage(key) == "refresh"
        assert all(stage(dg.AssetKey(k.split("/"))) in ("refresh", FETCH) for k in upstream(key.to_user_string())), key
    # what reads across sources and indicators comes after
    for key in (LONG_TABLE, "indicators.indicator_trends", "goals.goal_progress", "core.quarantine", DISCLOSURE):
        assert stage(relation_key(key)) == "derive", key
    assert stage(dg.AssetKey(["publish", "release"])) == "publish"


def test_the_release_waits_for_disclosure_control():
    # its SQL reads the cells disclosure control marks: a run of both never publishes before they are marked
    release = {dep.asset_key for dep in SPECS[dg.AssetKey(["publish", "release"])].deps}
    assert relation_key(DISCLOSURE) in release
    assert DISCLOSURE in release_reads()


# --- each indicator reads only what its SQL reads ---------------------------------------------------------------


def test_each_indicator_depends_on_the_catalogue_and_the_relations_its_sql_names_only():
    for indicator in CATALOGUE:
        key = dg.AssetKey(["indicators", indicator.id])
        deps = {dep.asset_key for dep in SPECS[key].deps}
        named = {relation_key(r) for r in change_relations(reads(indicator.select_sql()))}
        assert deps == {dg.AssetKey(["core", "indicators"])} | named, indicator.id
        assert dg.AssetKey(LONG_TABLE.split(".")) not in deps


def test_the_population_indicators_read_no_regional_source_and_sick_leave_no_census():
    assert raw_sources_upstream("indicators/population_total") == {"population"}
    assert raw_sources_upstream("indicators/projected_change_80plus_10y") == {"population", "population_projections"}
    regional = {name for name, source in sources().items() if source.kind == "regional"}
    for indicator in CATALOGUE:
        if indicator.theme == "demography":
            assert not raw_sources_upstream(f"indicators/{indicator.id}") & (regional | {"kolada"}), indicator.id
    sick_leave = upstream("indicators/sick_leave_share")
    assert {"raw/staffing", "staging/staffing", "core/staff_fte"} <= sick_leave
    assert not {"raw/beds", "raw/cost", "raw/listings", "raw/population", "raw/kolada"} & sick_leave
    assert raw_sources_upstream("indicators/occupancy") == {"beds", "organisation"}
    # no own indicator is computed from Kolada's values: those are the benchmark beside them
    assert not any("kolada" in raw_sources_upstream(f"indicators/{i.id}") for i in CATALOGUE)


def test_the_long_table_reads_every_indicator_and_nothing_else():
    deps = {dep.asset_key for dep in SPECS[dg.AssetKey(LONG_TABLE.split("."))].deps}
    assert deps == {dg.AssetKey(["indicators", i.id]) for i in CATALOGUE}


# --- the suites' rules are checks on their staging relations ------------------------------------------------------


def test_every_rule_of_every_suite_is_one_check_on_its_staging_relation_blocking_when_the_rule_is():
    checks = {(spec.asset_key, spec.name): spec.blocking for c in CHECKS for spec in c.check_specs}
    expected = {
        (relation_key(suite.table), rule.rule): rule.severity == "blocking"
        for suite in load_suites().values()
        for rule in suite.rules
    }
    assert checks == expected
    assert {key.path[0] for key, _ in checks} == {"staging"}
    # a staging relation's file exists for every suite, and the quarantine reads each that can quarantine a row
    quarantine = {dep.asset_key for dep in SPECS[relation_key("core.quarantine")].deps}
    for suite in load_suites().values():
        assert (SQL_DIR / "staging" / f"{suite.table.split('.')[1]}.sql").is_file(), suite.name
        if any(rule.severity == "blocking" and rule.row_level for rule in suite.rules):
            assert relation_key(suite.table) in quarantine, suite.name
