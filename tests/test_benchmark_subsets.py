"""Any subset of Kolada's KPIs loads and compares: a pair whose KPI was not fetched is skipped (it has no rows); an id
Kolada's loaded metadata does not know stays an error. And the loader's check of the deleted mark."""

import shutil

import pytest
from conftest import failure_message
from test_benchmark import BENCHMARK, own_indicator_values, write_mapping
from test_benchmark import compare as compare_alone

from pipelines.benchmark import mapping
from pipelines.benchmark.mapping import Benchmark, BenchmarkMappingError, pairs_to_compare
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

BUNDLED = PROJECT_ROOT / "data" / "sample" / "kolada"


def land(site, *names):
    folder = site.landing / "kolada"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(BUNDLED / name, folder / name)


def compare(site):
    assert site.materialize(*BENCHMARK).success
    own_indicator_values(site)
    return compare_alone(site)


@pytest.mark.parametrize("metadata", [[], ["kpi.json"]], ids=["data pages only", "with the KPI metadata page"])
def test_pages_of_some_kpis_only_compare_what_is_there_and_skip_the_rest(site, metadata):
    land(site, "N70341.json", "N70845.json", *metadata)
    result = compare(site)
    assert result.success, failure_message(result)
    # the project's pairs with another KPI (overcrowding_per_100_beds -> U70425 among them) have no rows
    pairs = {(b.indicator_id, b.kpi_id) for b in mapping.load_benchmarks()}
    assert ("beds_per_1000", "N70845") in pairs and ("overcrowding_per_100_beds", "U70425") in pairs
    compared = site.query("SELECT DISTINCT indicator_id, kpi_id FROM indicators.benchmark_comparison")
    assert compared == [("beds_per_1000", "N70845")]


def test_a_kpi_the_loaded_metadata_does_not_know_is_still_refused(site, tmp_path, monkeypatch):
    land(site, "N70845.json", "kpi.json")
    write_mapping(
        tmp_path,
        monkeypatch,
        "  - {indicator_id: beds_per_1000, kpi_id: N70845, comparable: exact, note: x}\n"
        "  - {indicator_id: occupancy, kpi_id: N7O845, comparable: exact, note: a typo}\n",
    )
    result = compare(site)
    assert not result.success
    assert failure_message(result).startswith(
        "indicators.benchmark_comparison refused, what it held stays: indicators/benchmarks.yaml, entry 2, field "
        "'kpi_id': 'N7O845' is not a known Kolada KPI (the loaded pages describe 76 KPIs"
    )


def pair(indicator, kpi):
    return Benchmark(indicator, kpi, "exact", "note")


def test_pairs_to_compare_by_what_is_loaded():
    pairs = [pair("a", "N00001"), pair("b", "N00002"), pair("c", "N00003")]
    # no metadata pages: a KPI without values cannot be told from one not fetched; skipped
    assert pairs_to_compare(pairs, set(), {"N00001"}) == (pairs[:1], pairs[1:])
    # metadata describing N00002 (not fetched) and N00001: N00003 is nothing Kolada knows
    with pytest.raises(BenchmarkMappingError, match="entry 3, field 'kpi_id': 'N00003' is not a known Kolada KPI"):
        pairs_to_compare(pairs, {"N00001", "N00002"}, {"N00001"})
    assert pairs_to_compare(pairs[:2], {"N00001", "N00002"}, {"N00001"}) == (pairs[:1], pairs[1:2])
    # values of a KPI the metadata pages do not describe: Kolada knows it, it is compared
    assert pairs_to_compare(pairs[:1], {"N00002"}, {"N00001"}) == (pairs[:1], [])


def test_a_deleted_mark_that_is_not_true_or_false_refuses_the_page(site):
    folder = site.landing / "kolada"
    folder.mkdir(parents=True)
    (folder / "changes.json").write_text(
        '{"count": 2, "values": [{"kpi": "N70845", "municipality": "0019", "period": 2023, "values": '
        '[{"gender": "T", "count": 1, "status": "", "value": 2.0, "isdeleted": false}]}, '
        '{"kpi": "N70845", "municipality": "0003", "period": 2023, "values": '
        '[{"gender": "T", "count": 1, "status": "", "value": null, "isdeleted": "yes"}]}], "next_url": null}',
        encoding="utf-8",
    )
    result = site.materialize("raw/kolada")
    assert not result.success
    assert failure_message(result) == (
        f"{folder / 'changes.json'}, item 2, field 'values[1].isdeleted': \"yes\" is "
        "not understood: expected true or false (1 or 0): whether Kolada has removed "
        "the value, or null"
    )
