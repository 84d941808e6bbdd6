"""`fetch_scb` against the local server answering as PxWebApi 2.0 in its documented shapes: the requests (cells
under the limit, the selection from the metadata), the files and that the population loader reads them with
totals worked by hand, the incremental fetch on the table's update time, and failures."""

import datetime as dt
import json
import math

import pytest
from conftest import failure_message
from fetch_server import ApiServer

from pipelines.fetch.http import PoliteClient
from pipelines.fetch.landing import STATE_FILE
from pipelines.fetch.scb import fetch_scb

pytestmark = pytest.mark.integration

VASTMANLAND = ["19", "1904", "1907", "1960", "1961", "1962", "1980", "1981", "1982", "1983", "1984"]
AGES = 101  # 0..99 and 100+ (TAB638, TAB698) or 100+1 (TAB5557)
# Every municipality cell holds one person (the server's made-up data): a municipality has 101 ages x 2 sexes
# = 202 persons a year, Västmanland its ten municipalities' 2,020.
PER_MUNICIPALITY = AGES * 2


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


def fetch(api, landing, when="2026-03-01T06:00:00", waits=None, **options):
    client = PoliteClient("scb", sleep=(waits if waits is not None else []).append, jitter=lambda: 0.5)
    moment = dt.datetime.fromisoformat(when).replace(tzinfo=dt.timezone.utc)
    return fetch_scb(landing, api=api.scb_api, client=client, now=lambda: moment, **options)


def posts(api):
    return api.made("/data", method="POST")


def selection(request) -> dict[str, list[str]]:
    return {s["variableCode"]: s["valueCodes"] for s in request.json()["selection"]}


def load(site, *targets: str):
    result = site.materialize(*targets) if targets else site.load_population()
    assert result.success, failure_message(result)


def test_a_county_and_its_municipalities_by_single_year_of_age_and_sex_from_both_tables(api, site):
    report = fetch(api, site.landing, region="19", years=[2023, 2024, 2025])
    assert report.ok, report.errors
    assert [(r.method, r.path) for r in api.requests[:3]] == [
        ("GET", "/scb/api/v2/config"),
        ("GET", "/scb/api/v2/tables/TAB638/metadata"),
        ("GET", "/scb/api/v2/tables/TAB5557/metadata"),
    ]
    assert all(r.param("lang") == "sv" for r in api.requests[1:])
    new, old = posts(api)  # the later table first: it has 2025
    assert new.path.endswith("/TAB5557/data") and old.path.endswith("/TAB638/data")
    assert new.param("outputFormat") == "json-stat2"
    assert selection(old) == {
        "Region": VASTMANLAND,
        "Alder": [str(a) for a in range(100)] + ["100+"],
        "Kon": ["1", "2"],
        "ContentsCode": ["BE0101N1"],
        "Tid": ["2023", "2024"],
    }
    assert selection(new)["Alder"][-1] == "100+1" and selection(new)["ContentsCode"] == ["000007ME"]
    assert "Civilstand" not in selection(new)  # left out: SCB answers with the total
    assert selection(new)["Tid"] == ["2025"]
    stamp = "20260301T060000Z"
    assert report.files == [f"{stamp}/TAB5557-01.json", f"{stamp}/TAB638-01.json"]
    assert report.folder == site.landing / "population"
    metadata = json.loads((report.folder / stamp / ".TAB638-metadata.json").read_text(encoding="utf-8"))
    assert metadata["updated"] == "2025-02-21T07:00:00Z"  # kept beside the data, hidden from the loader
    load(site)
    assert site.persons("19", 2023) == site.persons("19", 2025) == 10 * PER_MUNICIPALITY == 2020
    assert site.persons("1980", 2024) == PER_MUNICIPALITY
    assert site.persons("1980", 2024, "K") == AGES
    assert site.query("SELECT count(DISTINCT age), max(age) FROM core.population")[0] == (AGES, 100)
    assert site.query("SELECT DISTINCT derivation FROM core.population") == [("delivered",)]


def test_requests_stay_under_the_cell_limit_of_the_config(api, site):
    api.scb.config["maxDataCells"] = 1000
    report = fetch(api, site.landing, region="19", years=[2023, 2024, 2025])
    assert report.ok, report.errors
    cells = [math.prod(len(codes) for codes in selection(r).values()) for r in posts(api)]
    assert max(cells) <= 1000
    # one region and year is 202 cells: TAB638 two years x 2 regions a request, TAB5557 one year x 4 regions
    assert cells == [808, 808, 606] + [808] * 5 + [404]
    assert sorted(r for p in posts(api) if p.path.endswith("TAB638/data") for r in selection(p)["Region"]) == sorted(
        VASTMANLAND
    )
    assert len(report.files) == 9
    load(site)
    assert site.persons("19", 2023) == 2020 and site.persons("19", 2025) == 2020


def test_the_next_fetch_asks_only_when_scb_has_updated_the_table(api, site):
    assert fetch(api, site.landing, region="19", years=[2024, 2025]).ok
    assert len(posts(api)) == 2
    again = fetch(api, site.landing, when="2026-03-02T06:00:00", region="19", years=[2024, 2025])
    assert again.ok and again.files == [] and len(posts(api)) == 2
    assert again.notes[-2:] == [
        "TAB5557: unchanged since SCB updated it 2026-02-20T07:00:00Z (fetched 2026-03-01T06:00:00+00:00): "
        "nothing asked",
        "TAB638: unchanged since SCB updated it 2025-02-21T07:00:00Z (fetched 2026-03-01T06:00:00+00:00): "
        "nothing asked",
    ]
    api.scb.update("TAB638", "2026-03-20T07:00:00Z", persons=2)  # SCB revises 2024: two persons a cell now
    third = fetch(api, site.landing, when="2026-03-21T06:00:00", region="19", years=[2024, 2025])
    assert third.ok and third.files == ["20260321T060000Z/TAB638-01.json"]
    assert [p.path for p in posts(api)][-1].endswith("/TAB638/data")
    assert "TAB638: SCB updated it 2026-03-20T07:00:00Z (last fetch saw 2025-02-21T07:00:00Z)" in third.notes
    # the first fetch's file stays beside the new one; the later file replaces that area-year
    assert (site.landing / "population" / "20260301T060000Z" / "TAB638-01.json").exists()
    load(site)
    assert site.persons("19", 2024) == 2 * 2020 and site.persons("19", 2025) == 2020
    state = json.loads((site.landing / "population" / STATE_FILE).read_text(encoding="utf-8"))
    assert state["tables"]["TAB638"]["updated"] == "2026-03-20T07:00:00Z"
    assert [f["started_at"] for f in state["fetches"]] == [
        "2026-03-01T06:00:00+00:00",
        "2026-03-02T06:00:00+00:00",
        "2026-03-21T06:00:00+00:00",
    ]
    # years not fetched before are asked even though the table is unchanged
    fetch(api, site.landing, when="2026-03-22T06:00:00", region="19", years=[2023, 2024, 2025])
    assert selection(posts(api)[-1])["Tid"] == ["2023", "2024"]


def test_the_projection_goes_to_population_projections_and_loads(api, site):
    report = fetch(api, site.landing, statistic="BE0401", region="17", years=[2030, 2035])
    assert report.ok, report.errors
    assert report.folder == site.landing / "population_projections"
    assert selection(posts(api)[0])["ContentsCode"] == ["000004LG"] and posts(api)[0].path.endswith("TAB698/data")
    load(site, "core/population_projections")
    värmland = site.query("SELECT sum(persons) FROM core.population_projections WHERE area_code = '17' AND year = 2035")
    assert värmland == [(16 * PER_MUNICIPALITY,)]  # Värmland's sixteen municipalities


def test_csv_is_written_as_scb_sends_it_and_read_by_the_loader(api, site):
    report = fetch(api, site.landing, region="19", years=[2023, 2024], output_format="csv")
    assert report.ok, report.errors
    assert report.files == ["20260301T060000Z/TAB638-01.csv"]
    first_line = (report.folder / report.files[0]).read_bytes().splitlines()[0]
    assert first_line == b"Region,Alder,Kon,BE0101N1 2023,BE0101N1 2024"
    load(site)
    assert site.persons("19", 2024) == 2020


def test_a_429_on_a_data_request_is_waited_out(api, site):
    api.fault("/TAB638/data", status=429, headers={"Retry-After": "1"})
    waits = []
    report = fetch(api, site.landing, waits=waits, region="19", years=[2024])
    assert report.ok and 1.0 in waits and len(posts(api)) == 2


def test_an_answer_with_fewer_cells_than_asked_keeps_nothing(api, site, monkeypatch):
    answer = api.scb._data

    def short(table, request):
        status, body = answer(table, request)
        return status, body | {"value": body["value"][:-1]}

    monkeypatch.setattr(api.scb, "_data", short)
    report = fetch(api, site.landing, region="19", years=[2024])
    assert report.errors == [
        f"TAB638: asked for 2,222 cells, SCB's answer holds 2,221 ({api.scb_api}/tables/TAB638/data?"
        "lang=sv&outputFormat=json-stat2, request 1 of 1): incomplete, nothing of this fetch is kept"
    ]
    assert not any((site.landing / "population").glob("2*"))


def test_an_unknown_table_a_refused_selection_and_a_bad_region_are_one_line_each(api, site):
    report = fetch(api, site.landing, table_ids=["TAB0"])
    assert report.errors == [
        f"SCB has no table TAB0 ({api.scb_api}/tables/TAB0/metadata?lang=sv answered 404): check --table-id"
    ]
    api.scb.config["maxDataCells"] = 100  # the config says less than one area-year
    report = fetch(api, site.landing, region="19", years=[2024])
    assert report.errors == ["TAB638: one area and year is 202 cells, more than the 100 SCB answers in one request"]
    report = fetch(api, site.landing, region="29")
    assert report.errors[0].startswith("--region 29: not an area of the register")
    assert not any((site.landing / "population").glob("2*"))


def test_without_years_the_last_ten_the_tables_have_are_asked(api, site):
    report = fetch(api, site.landing, region="1980")
    assert report.ok
    years = [y for p in posts(api) for y in selection(p)["Tid"]]
    assert sorted(years) == [str(y) for y in range(2016, 2026)]  # TAB638 2015-2024 and TAB5557 2025


def test_years_no_table_has_are_a_warning_not_a_silent_success(api, site):
    report = fetch(api, site.landing, region="19", years=[1990])
    assert report.ok and report.files == [] and posts(api) == []
    assert report.warnings == ["none of the years asked (1990) is in TAB638, TAB5557: nothing fetched"]


def test_a_service_without_config_is_asked_within_scbs_published_limits(api, site):
    api.fault("/scb/api/v2/config", status=404, body=b'{"title": "Not found", "status": 404}')
    report = fetch(api, site.landing, region="19", years=[2024])
    assert report.ok, report.errors
    assert report.warnings == [
        f"{api.scb_api}/config names no maxDataCells (or there is no /config): asking at most 150,000 cells a request"
    ]
    assert len(posts(api)) == 1
