"""The Kolada benchmark: API pages v3 and v2 into benchmark_values, ranks among the regions, own indicators beside.

The small pages in fixtures/kolada/ are written by hand; every expected rank, median and difference
below is worked out from them by hand. The last tests read the real pages bundled in data/sample/kolada/.
"""

import importlib
import json
import shutil
from pathlib import Path

import dagster as dg
import pytest
from conftest import FIXTURES, failure_message

from pipelines.benchmark import mapping
from pipelines.benchmark.mapping import load_benchmarks
from pipelines.graph.indicators import LONG_TABLE
from pipelines.graph.relation_assets import relation_asset
from pipelines.incremental import ALL, ensure_meta, record_changes
from pipelines.publish import column_comments, published_tables, snapshot_table
from pipelines.relations import relation_files
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

KOLADA_FIXTURES = FIXTURES / "kolada"
BUNDLED = PROJECT_ROOT / "data" / "sample" / "kolada"
FIXTURE_PAGES = ("values_v3.json", "values_v2_page1.json", "values_v2_page2.json", "kpi_v2.json")
BENCHMARK = ("core/benchmark_values", "core/benchmark_kpis", "core/benchmark_ranks")
# raw/kolada and everything that reads it on the way to the benchmark tables
KOLADA_CHAIN = {"raw/kolada", "staging/kolada_values", "staging/kolada_kpis", *BENCHMARK}
COMPARISON = ("core/benchmark_mapping", "indicators/benchmark_comparison")
BENCHMARK_TABLES = ("benchmark_values", "benchmark_kpis", "benchmark_ranks", "benchmark_comparison")


def land(site, *names: str, source: Path = KOLADA_FIXTURES) -> Path:
    folder = site.landing / "kolada"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(source / name, folder / name)
    return folder


def materialize(site, targets=BENCHMARK, instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """The benchmark tables and what they read."""
    return site.materialize(*targets, instance=instance)


def compare(site) -> dg.ExecuteInProcessResult:
    """The Kolada pairs and the comparison alone, over the own values and Kolada's tables already there."""
    return site.materialize(*COMPARISON, upstream=False)


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() == asset:
            return {k: v.value for k, v in event.materialization.metadata.items()}
    return {}


def value(site, kpi: str, area: str, period: str, sex: str = "T") -> tuple:
    return site.query(
        "SELECT value, status FROM core.benchmark_values WHERE kpi_id = ? AND area_code = ? AND period = ? AND sex = ?",
        [kpi, area, period, sex],
    )[0]


def ranks(site, kpi: str, period: str, sex: str = "T") -> dict[str, tuple]:
    rows = site.query(
        "SELECT area_code, rank, regions_ranked, regions_median, riket_value, difference_to_riket, "
        "difference_to_median FROM core.benchmark_ranks WHERE kpi_id = ? AND period = ? AND sex = ?",
        [kpi, period, sex],
    )
    return {row[0]: row[1:] for row in rows}


@pytest.fixture
def loaded(site):
    land(site, *FIXTURE_PAGES)
    result = materialize(site)
    assert result.success, failure_message(result)
    return site, result


# -- reading pages ---------------------------------------------------------------------------------


def test_v3_and_v2_pages_are_read_with_kolada_ids_as_scb_area_codes(loaded):
    site, _ = loaded
    assert value(site, "N79173", "19", "2023") == (60.0, None)  # "0019" is region 19
    assert value(site, "N79173", "00", "2023") == (70.0, None)  # "0000" is Riket
    assert value(site, "N79173", "1980", "2023") == (55.0, None)  # a municipality keeps four digits
    assert value(site, "U70425", "12", "2023") == (4.2, None)  # v2: period as text
    assert value(site, "N70845", "19", "2022") == (2.1, None)  # v2: the second page
    codes = {row[0] for row in site.query("SELECT DISTINCT area_code FROM core.benchmark_values")}
    assert codes == {"00", "01", "03", "04", "05", "12", "19", "1980"}
    assert site.query("SELECT count(*) FROM core.benchmark_values")[0][0] == 17  # 8 + 5 + 4 gender entries
    formats = dict(site.query("SELECT source_file, format || ' ' || page_kind FROM raw.kolada_files"))
    assert formats == {
        "values_v3.json": "kolada_v3 data",
        "values_v2_page1.json": "kolada_v2 data",
        "values_v2_page2.json": "kolada_v2 data",
        "kpi_v2.json": "kolada kpi",
    }


def test_missing_stays_null_and_zero_stays_zero(loaded):
    site, _ = loaded
    assert value(site, "N79173", "05", "2023") == (None, "Missing")
    assert value(site, "N79173", "19", "2023", sex="K") == (0.0, None)
    assert site.query("SELECT value FROM raw.kolada_values WHERE municipality = '0005'") == [(None,)]


def test_every_raw_row_carries_its_lineage(loaded):
    site, result = loaded
    run_id = result.run_id
    rows = site.query(
        "SELECT v.source_file, v.source_item, v.source_entry, v.source_sha256 = f.sha256, v.load_run "
        "FROM raw.kolada_values v JOIN raw.kolada_files f USING (file_version_id) "
        "WHERE v.municipality = '0019' AND v.kpi = 'N79173' ORDER BY v.source_entry"
    )
    assert rows == [("values_v3.json", 4, 1, True, run_id), ("values_v3.json", 4, 2, True, run_id)]


def test_kpi_metadata_with_the_polarity_the_project_set(loaded):
    site, _ = loaded
    kpis = {
        row[0]: row[1:]
        for row in site.query(
            "SELECT kpi_id, polarity, polarity_set, is_divided_by_gender, operating_area FROM core.benchmark_kpis"
        )
    }
    assert kpis["N79173"] == ("higher_is_better", True, True, "Tillgänglighet och väntetider")
    assert kpis["U70425"] == ("lower_is_better", True, False, "Säker vård")
    assert kpis["N70845"] == ("no_judgement", True, False, "Kostnader och produktivitet")
    assert kpis["N99999"][:2] == ("no_judgement", False)  # not in the polarity file: no judgement, and said so
    attributes = site.query("SELECT attributes->>'unit' FROM raw.kolada_kpis WHERE id = 'N79173'")
    assert attributes == [("andel (%)",)]  # the v2 fields not in the table are kept


def test_a_polarity_file_with_an_unknown_polarity_is_refused_with_its_line(loaded, tmp_path, monkeypatch):
    site, _ = loaded
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "kolada_kpi_polarity.csv").write_text(
        "kpi_id,polarity,reason\nN79173,higher_is_better,faster access\nU70425,up_is_good,overcrowding\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("pipelines.graph.relation_assets.REFERENCE_DIR", reference)
    polarity = relation_asset(relation_files("core")["kolada_polarity"])  # reading the file above
    result = dg.materialize(
        [polarity],
        resources={"warehouse": site.warehouse},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    assert failure_message(result) == (
        "core.kolada_polarity refused, what it held stays: "
        "data/reference/kolada_kpi_polarity.csv, line 3, column 'polarity': 'up_is_good' "
        "is not understood: expected higher_is_better, lower_is_better or no_judgement"
    )
    assert site.query("SELECT polarity FROM core.kolada_polarity WHERE kpi_id = 'U70425'") == [("lower_is_better",)]


# -- ranks, Riket and the median -------------------------------------------------------------------


def test_higher_is_better_ranks_with_ties_riket_and_median(loaded):
    site, _ = loaded
    # regions 01: 80.0, 04: 80.0, 03: 75.5, 19: 60.0, 05: missing; Riket 70.0; median (75.5 + 80) / 2 = 77.75
    got = ranks(site, "N79173", "2023")
    assert got["01"] == (1, 4, 77.75, 70.0, 10.0, 2.25)
    assert got["04"] == (1, 4, 77.75, 70.0, 10.0, 2.25)
    assert got["03"] == (3, 4, 77.75, 70.0, 5.5, -2.25)
    assert got["19"] == (4, 4, 77.75, 70.0, -10.0, -17.75)
    assert got["05"] == (None, 4, 77.75, 70.0, None, None)
    assert set(got) == {"01", "03", "04", "05", "19"}  # Riket and municipalities are not ranked
    # women: only region 19 has a value (0), and no Riket value
    assert ranks(site, "N79173", "2023", sex="K") == {"19": (1, 1, 0.0, None, None, 0.0)}


def test_lower_is_better_ranks_lowest_first(loaded):
    site, _ = loaded
    # 03: 1.5, 19: 1.5, 01: 3.0, 12: 4.2; Riket 2.5; median (1.5 + 3.0) / 2 = 2.25
    got = ranks(site, "U70425", "2023")
    assert {area: r[0] for area, r in got.items()} == {"03": 1, "19": 1, "01": 3, "12": 4}
    assert got["12"][2:] == pytest.approx((2.25, 2.5, 1.7, 1.95))
    assert got["19"][2:] == pytest.approx((2.25, 2.5, -1.0, -0.75))


def test_no_judgement_ranks_by_value_descending_and_says_so(loaded):
    site, _ = loaded
    # 19: 2.1, 03: 2.0, 01: 1.9; median 2.0; Riket 2.0
    got = ranks(site, "N70845", "2022")
    assert {area: r[0] for area, r in got.items()} == {"19": 1, "03": 2, "01": 3}
    assert got["19"][2:] == pytest.approx((2.0, 2.0, 0.1, 0.1))
    basis = site.query("SELECT DISTINCT rank_basis FROM core.benchmark_ranks WHERE kpi_id = 'N70845'")[0][0]
    assert "no judgement" in basis and "highest first" in basis


# -- pages, reloads, refusals ------------------------------------------------------------------------


def test_a_page_saying_more_exist_warns_when_the_next_page_is_missing(site):
    land(site, "values_v2_page1.json", "kpi_v2.json")  # page 2 of the query is not landed
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(site, instance=instance)
    assert result.success
    next_page = "http://api.kolada.se/v2/data/kpi/U70425,N70845/year/2022,2023?per_page=5&page=2"
    assert metadata(result, "raw/kolada")["pages_missing"] == [{"file": "values_v2_page1.json", "next_page": next_page}]
    warnings = [entry.user_message for entry in instance.all_logs(result.run_id) if entry.level >= 30]
    page = site.landing / "kolada" / "values_v2_page1.json"
    assert any(
        message.startswith(f"kolada: {page} says more pages exist ({next_page}) but no file") for message in warnings
    ), warnings
    assert value(site, "U70425", "12", "2023") == (4.2, None)  # what the page holds is loaded all the same
    # with the next page landed (it points back with page=1), nothing is missing
    land(site, "values_v2_page2.json")
    assert metadata(materialize(site), "raw/kolada")["pages_missing"] == []


def test_loading_the_same_pages_again_changes_nothing(loaded):
    site, _ = loaded
    before = site.query("SELECT * FROM core.benchmark_values ORDER BY ALL")
    raw_before = site.query("SELECT count(*), max(file_version_id) FROM raw.kolada_values")
    again = materialize(site)
    assert again.success
    raw = metadata(again, "raw/kolada")
    assert (raw["files_seen"], raw["files_loaded"], raw["files_unchanged"], raw["rows_loaded"]) == (4, 0, 4, 0)
    assert site.query("SELECT count(*), max(file_version_id) FROM raw.kolada_values") == raw_before
    assert site.query("SELECT count(*) FROM raw.kolada_files")[0][0] == 4
    assert site.query("SELECT * FROM core.benchmark_values ORDER BY ALL") == before


def test_a_changed_page_replaces_its_values_and_the_old_version_stays_for_lineage(loaded):
    site, _ = loaded
    page = site.landing / "kolada" / "values_v3.json"
    page.write_text(page.read_text(encoding="utf-8").replace('"value": 60.0', '"value": 65.0'), encoding="utf-8")
    assert materialize(site).success
    assert value(site, "N79173", "19", "2023") == (65.0, None)
    assert site.query("SELECT count(*) FROM raw.kolada_files WHERE source_file = 'values_v3.json'")[0][0] == 2
    assert ranks(site, "N79173", "2023")["19"][0] == 4  # still last of four


BAD_PAGES = {
    "not_json.json": (
        '{"count": 1, "values": [{"kpi": "N70845", ',
        None,
        None,
        "is not JSON",
        "expected a Kolada API page",
    ),
    "an_array.json": (
        '[{"kpi": "N70845"}]',
        None,
        None,
        '[{"kpi": "N70845"}] is not understood',
        "expected a JSON object: a Kolada API page",
    ),
    "bad_gender.json": (
        '{"count": 2, "values": ['
        '{"kpi": "N70845", "municipality": "0019", "period": 2023, '
        ' "values": [{"gender": "T", "value": 1.9}]},'
        '{"kpi": "N70845", "municipality": "0017", "period": 2023, '
        ' "values": [{"gender": "X", "value": 2.0}]}'
        '], "next_url": null}',
        2,
        "values[1].gender",
        '"X" is not understood',
        'expected "T" (total), "K" (women) or "M" (men)',
    ),
    "unknown_area.json": (
        '{"count": 1, "values": [{"kpi": "N70845", "municipality": "0002", "period": 2023, '
        '"values": [{"gender": "T", "value": 1.9}]}], "next_url": null}',
        1,
        "municipality",
        '"0002" is not understood',
        "as in the area register",
    ),
    "text_value.json": (
        '{"count": 1, "values": [{"kpi": "N70845", "municipality": "0019", "period": 2023, '
        '"values": [{"gender": "T", "value": "1,9"}]}], "next_url": null}',
        1,
        "values[1].value",
        '"1,9" is not understood',
        "expected a number, or null",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_a_malformed_page_is_refused_with_file_item_field_and_what_was_expected(site, name):
    text, item, field, found, expected = BAD_PAGES[name]
    land(site, "values_v3.json")  # a good page beside it: not kept either
    (site.landing / "kolada" / name).write_text(text, encoding="utf-8")
    result = materialize(site)
    assert not result.success
    message = failure_message(result)
    assert message.startswith(str(site.landing / "kolada" / name)), message
    assert found in message and expected in message, message
    assert (f"item {item}" in message) == (item is not None), message
    assert (f"field '{field}'" in message) if field else "field" not in message.split(":")[0], message
    assert site.query("SELECT count(*) FROM raw.kolada_files")[0][0] == 0  # all or nothing


def test_a_refused_page_fails_only_the_benchmark_assets(site):
    land(site, "values_v3.json")
    assert materialize(site).success
    (site.landing / "kolada" / "broken.json").write_text('{"count": 1, "values": 3}', encoding="utf-8")
    result = materialize(site, (*BENCHMARK, "core/units"))
    assert not result.success
    assert "broken.json, field 'values': 3 is not understood: expected an array" in failure_message(result)
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    # the others carry on (the registers, the polarity file, the organisation's chain); nothing the page feeds ran
    assert {"core/areas", "core/kolada_polarity", "raw/organisation", "staging/organisation", "core/units"} <= done
    assert done & KOLADA_CHAIN == set()
    assert value(site, "N79173", "19", "2023") == (60.0, None)  # what was loaded before stays


# -- own indicators beside Kolada ----------------------------------------------------------------------

OWN_VALUES = [
    # indicator_id, area_code, period, sex, value, synthetic, unit_id
    ("beds_per_1000", "19", "2022", "T", 2.3, True, None),
    ("beds_per_1000", "19", "2022-05", "T", 2.4, True, None),  # a month: Kolada is yearly
    ("beds_per_1000", "03", "2022", "T", 2.2, False, None),
    ("beds_per_1000", "19", "2021", "T", 2.5, True, None),  # a year Kolada does not have
    ("overcrowding_per_100_beds", "19", "2023", "T", 2.0, True, None),  # the region as a whole
    ("overcrowding_per_100_beds", "19", "2023", "T", 3.5, True, "Västerås sjukhus"),  # one hospital
    ("population_total", "19", "2023", "T", 280813, True, None),  # no Kolada pair
]


def own_indicator_values(site) -> None:
    """Hand-written rows in indicators.indicator_values, recorded as a change of it as the long table's step records
    one (so the comparison reads them)."""
    with site.warehouse.connect() as con:
        ensure_meta(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS indicators").fetchall()
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {LONG_TABLE} (indicator_id VARCHAR, area_code VARCHAR, "
            "period VARCHAR, sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, "
            "definition_version INTEGER, synthetic BOOLEAN, unit_id VARCHAR, age_group VARCHAR, "
            "category VARCHAR, ci_lower DOUBLE, ci_upper DOUBLE, ci_method VARCHAR, complete BOOLEAN, "
            "incomplete_note VARCHAR)"
        ).fetchall()
        for indicator, area, period, sex, own, synthetic, unit in OWN_VALUES:
            row = {
                "indicator_id": indicator,
                "area_code": area,
                "period": period,
                "sex": sex,
                "value": own,
                "numerator": own,
                "denominator": 1.0,
                "definition_version": 1,
                "synthetic": synthetic,
                "unit_id": unit,
                "age_group": "all",
                "category": "all",
                "complete": True,
            }
            con.execute(
                f"INSERT INTO {LONG_TABLE} BY NAME SELECT {', '.join('? AS ' + k for k in row)}", list(row.values())
            ).fetchall()
        record_changes(con, LONG_TABLE, [ALL], "hand-written")


def write_mapping(tmp_path, monkeypatch, entries: str) -> Path:
    path = tmp_path / "benchmarks.yaml"
    path.write_text("benchmarks:\n" + entries, encoding="utf-8")
    monkeypatch.setattr(mapping, "MAPPING_FILE", path)
    # the file core.benchmark_mapping is made from (the module, which pipelines.graph's function of that name hides)
    monkeypatch.setattr(importlib.import_module("pipelines.graph.data_assets"), "MAPPING_FILE", path)
    return path


def test_own_indicators_beside_kolada_with_the_difference(loaded, tmp_path, monkeypatch):
    site, _ = loaded
    own_indicator_values(site)
    write_mapping(
        tmp_path,
        monkeypatch,
        """
  - {indicator_id: beds_per_1000, kpi_id: N70845, comparable: approximate, note: all beds in the county}
  - {indicator_id: overcrowding_per_100_beds, kpi_id: U70425, comparable: approximate, note: somatic only}
  - {indicator_id: not_in_the_catalogue_yet, kpi_id: N79173, comparable: exact, note: absent without an error}
""",
    )
    result = compare(site)
    assert result.success, failure_message(result)
    rows = site.query(
        "SELECT indicator_id, kpi_id, area_code, period, sex, own_value, kolada_value, difference, "
        "comparable, synthetic FROM indicators.benchmark_comparison ORDER BY ALL"
    )
    expected = [
        ("beds_per_1000", "N70845", "03", "2022", "T", 2.2, 2.0, 0.2, "approximate", False),
        ("beds_per_1000", "N70845", "19", "2021", "T", 2.5, None, None, "approximate", True),
        ("beds_per_1000", "N70845", "19", "2022", "T", 2.3, 2.1, 0.2, "approximate", True),
        ("overcrowding_per_100_beds", "U70425", "19", "2023", "T", 2.0, 1.5, 0.5, "approximate", True),
    ]
    assert [r[:7] + r[8:] for r in rows] == [e[:7] + e[8:] for e in expected]
    for got, want in zip(rows, expected):  # the difference, own - Kolada
        assert got[7] == (None if want[7] is None else pytest.approx(want[7]))
    # the pair of an indicator without values has no rows, and no error
    assert site.query(
        "SELECT count(*) FROM core.benchmark_mapping WHERE indicator_id = 'not_in_the_catalogue_yet'"
    ) == [(1,)]


def test_a_mapping_to_an_unknown_kpi_is_a_clear_error(loaded, tmp_path, monkeypatch):
    site, _ = loaded
    own_indicator_values(site)
    write_mapping(
        tmp_path,
        monkeypatch,
        """
  - {indicator_id: beds_per_1000, kpi_id: N70845, comparable: approximate, note: fine}
  - {indicator_id: occupancy, kpi_id: N00000, comparable: exact, note: no such KPI}
""",
    )
    result = compare(site)
    assert not result.success
    assert failure_message(result).startswith(
        "indicators.benchmark_comparison refused, what it held stays: indicators/benchmarks.yaml, entry 2, field "
        "'kpi_id': 'N00000' is not a known Kolada KPI"
    )


def test_a_mapping_entry_must_say_how_comparable_it_is(tmp_path):
    path = tmp_path / "benchmarks.yaml"
    path.write_text(
        "benchmarks:\n  - {indicator_id: occupancy, kpi_id: U70425, comparable: roughly, note: x}\n", encoding="utf-8"
    )
    with pytest.raises(mapping.BenchmarkMappingError, match="entry 1, field 'comparable': 'roughly' is not understood"):
        load_benchmarks(path)


# -- the real pages bundled in data/sample/kolada/ ------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("bundled"))
    land(site, *[p.name for p in BUNDLED.glob("*.json")], source=BUNDLED)
    # the benchmark tables, the comparison and disclosure control with everything they read (the other sources
    # have no files here)
    result = materialize(site, (*BENCHMARK, "indicators/benchmark_comparison", "publish/disclosure_cells"))
    assert result.success, failure_message(result)
    return site


def test_riket_beds_per_1000_equals_the_value_in_the_page(bundled):
    page = json.loads((BUNDLED / "N70845.json").read_text(encoding="utf-8"))
    riket = {item["period"]: item["values"][0]["value"] for item in page["values"] if item["municipality"] == "0000"}
    assert riket[2023] == 1.9
    for year, published in riket.items():
        assert value(bundled, "N70845", "00", str(year)) == (published, None)
    västmanland = next(
        i["values"][0]["value"] for i in page["values"] if i["municipality"] == "0019" and i["period"] == 2023
    )
    assert value(bundled, "N70845", "19", "2023")[0] == västmanland


def test_every_bundled_value_and_kpi_is_loaded_with_a_polarity(bundled):
    entries = sum(
        len(item["values"])
        for path in BUNDLED.glob("[NU]*.json")
        for item in json.loads(path.read_text(encoding="utf-8"))["values"]
    )
    kpis = {k["id"] for k in json.loads((BUNDLED / "kpi.json").read_text(encoding="utf-8"))["values"]}
    assert bundled.query("SELECT count(*) FROM core.benchmark_values")[0][0] == entries == 13603
    assert bundled.query("SELECT count(*), bool_and(polarity_set) FROM core.benchmark_kpis")[0] == (len(kpis), True)
    # the 21 regions are ranked; Riket is not
    ranked = bundled.query("SELECT max(regions_ranked), count(DISTINCT area_code) FROM core.benchmark_ranks")[0]
    assert ranked == (21, 21)


def test_the_project_mapping_names_known_kpis_and_compares_without_error(bundled):
    kpis = {k["id"] for k in json.loads((BUNDLED / "kpi.json").read_text(encoding="utf-8"))["values"]}
    benchmarks = load_benchmarks()
    assert {"beds_per_1000": "N70845"}.items() <= {b.indicator_id: b.kpi_id for b in benchmarks}.items()
    assert all(b.kpi_id in kpis for b in benchmarks)
    own_indicator_values(bundled)
    result = compare(bundled)
    assert result.success, failure_message(result)
    # the hand-written own value 2.3 for Västmanland 2022 beside Kolada's published 2022 value
    page = json.loads((BUNDLED / "N70845.json").read_text(encoding="utf-8"))
    kolada = next(
        i["values"][0]["value"] for i in page["values"] if i["municipality"] == "0019" and i["period"] == 2022
    )
    compared = bundled.query(
        "SELECT kolada_value, difference FROM indicators.benchmark_comparison WHERE indicator_id = "
        "'beds_per_1000' AND area_code = '19' AND period = '2022'"
    )
    assert compared[0] == pytest.approx((kolada, 2.3 - kolada))


def test_published_benchmark_tables_comment_every_column(bundled, tmp_path):
    tables = published_tables()
    with bundled.warehouse.connect() as con:
        con.execute(f"ATTACH '{tmp_path / 'snapshot.duckdb'}' AS snapshot").fetchall()
        for name in BENCHMARK_TABLES:
            description, select = tables[name]
            snapshot_table(con, name, description, select)
        comments = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = 'snapshot'"
        ).fetchall()
        table_comments = dict(
            con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 'snapshot'").fetchall()
        )
    assert {t for t, _, _ in comments} == set(BENCHMARK_TABLES)
    assert all(table_comments[t] for t in BENCHMARK_TABLES)
    assert [(t, c) for t, c, comment in comments if not comment] == []
    assert column_comments("-- table\n-- kpi_id: the KPI\n-- not a column line\nSELECT 1") == {"kpi_id": "the KPI"}
