"""`fetch_kolada` against the local server answering from the real bundled pages: the requests it makes (ids per
request, pages followed), the files it writes and that the loader reads them, failures, and the incremental fetch."""

import datetime as dt
import json
import math
import shutil
import socket

import pytest
from conftest import failure_message
from fetch_server import BUNDLED, ApiServer

from pipelines.fetch.http import PoliteClient
from pipelines.fetch.kolada import fetch_kolada
from pipelines.fetch.landing import STATE_FILE

pytestmark = pytest.mark.integration

TOTAL_VALUES = 13603  # every value of the 76 bundled pages (data/sample/kolada/README.md)
MAPPING = ["N70845", "U70425", "U79134", "N79176"]  # the KPIs indicators/benchmarks.yaml compares with
REGIONS = ["0000"] + [
    f"00{c}"
    for c in (
        "01",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "12",
        "13",
        "14",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
    )
]


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


def fetch(api, landing, when="2026-03-01T06:00:00", waits=None, **options):
    client = PoliteClient("kolada", sleep=(waits if waits is not None else []).append, jitter=lambda: 0.5)
    moment = dt.datetime.fromisoformat(when).replace(tzinfo=dt.timezone.utc)
    return fetch_kolada(landing, api=api.kolada_api, client=client, now=lambda: moment, **options)


def data_requests(api):
    return api.made("/kolada/v3/data/")


def load(site):
    result = site.materialize("core/benchmark_kpis", "core/benchmark_values")
    assert result.success, failure_message(result)
    return result


def value(site, kpi, area, period):
    rows = site.query(
        "SELECT value FROM core.benchmark_values WHERE kpi_id = ? AND area_code = ? AND period = ? AND sex = 'T'",
        [kpi, area, period],
    )
    return rows[0][0] if rows else "absent"


def test_the_default_fetch_asks_for_skrs_76_kpis_for_riket_and_the_regions_25_ids_a_request(api, site):
    report = fetch(api, site.landing)
    assert report.ok, report.errors
    assert report.warnings == []
    assert [r.path for r in api.requests[:1]] == ["/kolada/v3/kpi_groups/G2KPI138906"]
    metadata = api.made("/kolada/v3/kpi/")
    assert [len(r.ids("kpi")) for r in metadata] == [25, 25, 25, 1]  # 76 KPIs; the mapping's are among them
    data = data_requests(api)
    assert [len(r.ids("kpi")) for r in data] == [25, 25, 25, 1]
    assert all(r.ids("municipality") == REGIONS for r in data)
    assert all(r.param("per_page") == "5000" and r.param("from_date") is None and "year" not in r.path for r in data)
    assert sorted(k for r in data for k in r.ids("kpi")) == sorted(p.stem for p in BUNDLED.glob("[NU]*.json"))
    # the pages as the API returned them, in a new folder named after the fetch
    assert report.files == (
        [f"20260301T060000Z/kpi-{n:02d}-p001.json" for n in range(1, 5)]
        + [f"20260301T060000Z/data-{n:02d}-p001.json" for n in range(1, 5)]
    )
    pages = [json.loads(p.read_text(encoding="utf-8")) for p in report.paths if p.name.startswith("data")]
    assert sum(len(item["values"]) for page in pages for item in page["values"]) == TOTAL_VALUES
    assert not any(p.name.startswith(".partial") for p in (site.landing / "kolada").iterdir())
    state = json.loads((site.landing / "kolada" / STATE_FILE).read_text(encoding="utf-8"))
    assert set(state["kpis"]) == {p.stem for p in BUNDLED.glob("[NU]*.json")}
    assert state["kpis"]["N70845"] == {"areas": REGIONS, "years": None, "fetched_at": "2026-03-01T06:00:00+00:00"}


def test_every_next_url_is_followed_and_the_loader_finds_no_page_missing(api, site):
    api.kolada.page_cap = 1000
    report = fetch(api, site.landing, kpis=["N70845", "U70425", "N79176", "N63125", "N61603", "U79134"])
    assert report.ok, report.errors
    data = data_requests(api)
    first = [r for r in data if r.param("page") is None]
    assert len(first) == 1
    values = sum(
        len(json.loads((BUNDLED / f"{k}.json").read_text(encoding="utf-8"))["values"])
        for k in ("N70845", "U70425", "N79176", "N63125", "N61603", "U79134")
    )
    assert [r.param("page") for r in data] == [None] + [str(n) for n in range(2, math.ceil(values / 1000) + 1)]
    assert [p.name for p in report.paths if p.name.startswith("data")] == [
        f"data-01-p{n:03d}.json" for n in range(1, math.ceil(values / 1000) + 1)
    ]
    result = load(site)
    loaded = {
        k: v.value
        for k, v in next(
            e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "raw/kolada"
        ).materialization.metadata.items()
    }
    assert loaded["pages_missing"] == []
    assert site.query("SELECT count(*) FROM core.benchmark_values")[0][0] == values


def test_more_than_25_area_ids_are_asked_in_chunks_of_25(api, site):
    report = fetch(api, site.landing, kpis=["N70845"], areas="all")
    assert report.ok, report.errors
    sizes = [len(r.ids("municipality")) for r in data_requests(api)]
    assert sizes == [25] * 12 + [312 - 12 * 25]  # Riket, 21 regions, 290 municipalities
    assert len({a for r in data_requests(api) for a in r.ids("municipality")}) == 312


def test_years_are_asked_in_the_path(api, site):
    report = fetch(api, site.landing, kpis=["N70845"], years=[2022, 2023])
    assert report.ok
    assert data_requests(api)[0].path.endswith("/year/2022,2023")
    page = json.loads(report.paths[-1].read_text(encoding="utf-8"))
    assert {item["period"] for item in page["values"]} == {2022, 2023} and page["count"] == 44


def test_a_429_then_success_is_waited_out_and_nothing_is_lost(api, site):
    api.fault("/kolada/v3/data/", status=429, headers={"Retry-After": "2"})
    waits = []
    report = fetch(api, site.landing, waits=waits, kpis=["N70845"])
    assert report.ok, report.errors
    assert waits == [2.0] and len(data_requests(api)) == 2
    assert [a.outcome for a in report.requests if "/data/" in a.url] == ["retried", "ok"]
    assert len(json.loads(report.paths[-1].read_text(encoding="utf-8"))["values"]) == 216


def test_a_query_that_keeps_failing_writes_nothing_of_it_and_is_asked_in_full_next_time(api, site):
    api.fault("/data/kpi/N70845,U70425", status=500, times=5)
    report = fetch(api, site.landing, kpis=["N70845", "U70425"], group=None)
    # both KPIs are one query (at most 25 a request): it failed, so neither is written or remembered
    assert not report.ok
    assert report.errors == [
        f"query 1: N70845..U70425 (2 KPIs) x 22 areas, every year: kolada: GET {api.kolada_api}"
        f"/data/kpi/N70845,U70425/municipality/{','.join(REGIONS)}?per_page=5000 failed after 5 "
        "attempts: HTTP 500 Internal Server Error"
    ]
    assert [p.name for p in report.paths] == ["kpi-01-p001.json"]  # the metadata came through
    state = json.loads((site.landing / "kolada" / STATE_FILE).read_text(encoding="utf-8"))
    assert state.get("kpis") == {}
    again = fetch(api, site.landing, when="2026-03-02T06:00:00", kpis=["N70845", "U70425"])
    assert again.ok
    assert data_requests(api)[-1].param("from_date") is None


def test_a_body_cut_short_is_fetched_again(api, site):
    api.fault("/kolada/v3/data/", kind="truncate")
    report = fetch(api, site.landing, kpis=["N70845"])
    assert report.ok, report.errors
    assert len(json.loads(report.paths[-1].read_text(encoding="utf-8"))["values"]) == 216


def test_a_next_url_that_loops_is_refused_and_its_pages_not_written(api, site):
    api.kolada.page_cap, api.kolada.loop_at = 100, 2
    report = fetch(api, site.landing, kpis=["N70845"])
    assert len(report.errors) == 1
    assert report.errors[0].startswith("query 1: N70845 x 22 areas, every year: next_url of page 2 (")
    assert report.errors[0].endswith("page=1) leads back to page 1: the links loop; the pages are not written")
    assert [p.name for p in report.paths] == ["kpi-01-p001.json"]
    assert len(data_requests(api)) == 2


def test_a_count_that_does_not_match_the_values_received_refuses_the_query(api, site, monkeypatch):
    answer = api.kolada._data
    monkeypatch.setattr(api.kolada, "_data", lambda request, root: answer(request, root) | {"count": 300})
    report = fetch(api, site.landing, kpis=["N70845"])
    assert report.errors == [
        "query 1: N70845 x 22 areas, every year: Kolada's count says 300 values but 216 came in "
        "1 page (per page: 216): the pages are not written; fetch again later"
    ]


def test_an_unknown_kpi_is_warned_about_and_not_asked_for(api, site):
    report = fetch(api, site.landing, kpis=["N70845", "N00000"])
    assert report.ok
    assert report.warnings == [
        "Kolada does not know KPI N00000 (its KPI metadata has no such id): nothing fetched "
        "for it; check the id (Kolada removes retired KPIs without notice)"
    ]
    assert [r.ids("kpi") for r in data_requests(api)] == [["N70845"]]
    assert sorted(api.made("/kolada/v3/kpi/")[0].ids("kpi")) == sorted(["N70845", "N00000"] + MAPPING[1:])


def test_a_kpi_id_that_is_not_one_and_an_unknown_group_are_one_line_each(api, site):
    report = fetch(api, site.landing, kpis=["N7084"])
    assert report.errors == [
        "--kpi N7084: 'N7084' is not a Kolada KPI id (a letter and five digits, such as N70845 or U70425)"
    ]
    assert api.requests == []
    report = fetch(api, site.landing, group="G9KPI999")
    assert report.errors == [
        f"Kolada has no KPI group G9KPI999 ({api.kolada_api}/kpi_groups/G9KPI999 answered with no "
        "such group): check the id"
    ]
    assert not (site.landing / "kolada").exists() or not any((site.landing / "kolada").glob("2*"))


def test_no_network_is_one_clear_line_and_nothing_is_written(site):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = PoliteClient("kolada", sleep=lambda s: None)
    report = fetch_kolada(site.landing, api=f"http://127.0.0.1:{port}/v3", client=client)
    assert len(report.errors) == 1
    assert report.errors[0].startswith(
        f"kolada: GET http://127.0.0.1:{port}/v3/kpi_groups/G2KPI138906 failed after 2 attempts: cannot connect ("
    )
    assert not (site.landing / "kolada").exists()


def test_the_metadata_of_the_compared_kpis_is_fetched_with_a_subset(api, site):
    report = fetch(api, site.landing, kpis=["N70341"])
    assert report.ok
    assert sorted(api.made("/kolada/v3/kpi/")[0].ids("kpi")) == sorted(["N70341"] + MAPPING)
    assert [r.ids("kpi") for r in data_requests(api)] == [["N70341"]]
    load(site)
    assert {r[0] for r in site.query("SELECT kpi_id FROM core.benchmark_kpis")} == {"N70341", *MAPPING}
    assert {r[0] for r in site.query("SELECT DISTINCT kpi_id FROM core.benchmark_values")} == {"N70341"}


def test_the_second_fetch_asks_from_date_and_writes_only_the_changes_which_the_loader_applies(api, site):
    first = fetch(api, site.landing, kpis=["N70845", "U70425"])
    assert first.ok
    load(site)
    assert value(site, "N70845", "19", "2023") == 1.9 and value(site, "N70845", "03", "2022") is not None
    api.kolada.change("N70845", "0019", 2023, 9.9, on="2026-03-05")
    api.kolada.change("N70845", "0019", 2026, 2.0, on="2026-03-05")  # a new year published
    api.kolada.delete("N70845", "0003", 2022, on="2026-03-06")
    second = fetch(api, site.landing, when="2026-03-10T06:00:00", kpis=["N70845", "U70425"])
    assert second.ok, second.errors
    asked = data_requests(api)[-1]
    assert asked.param("from_date") == "2026-02-28"  # the day before the last complete fetch
    assert asked.ids("kpi") == ["N70845", "U70425"]
    page = json.loads(second.paths[-1].read_text(encoding="utf-8"))
    assert second.paths[-1].parent.name == "20260310T060000Z" and page["count"] == 3
    changed = {(i["municipality"], i["period"]): i["values"][0] for i in page["values"]}
    assert changed == {
        ("0019", 2023): {"gender": "T", "count": 1, "status": "", "value": 9.9, "isdeleted": False},
        ("0019", 2026): {"gender": "T", "count": 1, "status": "", "value": 2.0, "isdeleted": False},
        ("0003", 2022): {"gender": "T", "count": 1, "status": "", "value": None, "isdeleted": True},
    }
    assert "1 marked deleted" in second.notes[-1]
    # the first fetch's pages stay: the later page wins, a deleted value is gone, raw keeps every version
    assert (site.landing / "kolada" / first.files[-1]).exists()
    load(site)
    assert value(site, "N70845", "19", "2023") == 9.9
    assert value(site, "N70845", "19", "2026") == 2.0
    assert value(site, "N70845", "03", "2022") == "absent"
    assert value(site, "N70845", "03", "2021") is not None
    assert site.query("SELECT count(*) FROM core.benchmark_values")[0][0] == 216 + 220 + 1 - 1
    history = site.query(
        "SELECT value, deleted FROM raw.kolada_values WHERE kpi = 'N70845' AND municipality = "
        "'0003' AND period = '2022' ORDER BY file_version_id"
    )
    assert history[0][1] is None and history[1] == (None, "true")
    third = fetch(api, site.landing, when="2026-03-11T06:00:00", kpis=["N70845", "U70425"])
    assert data_requests(api)[-1].param("from_date") == "2026-03-09" and third.ok


def test_since_and_full_override_what_was_fetched_before(api, site):
    fetch(api, site.landing, kpis=["N70845"])
    fetch(api, site.landing, when="2026-03-02T06:00:00", kpis=["N70845"], since=dt.date(2020, 1, 1))
    assert data_requests(api)[-1].param("from_date") == "2020-01-01"
    fetch(api, site.landing, when="2026-03-03T06:00:00", kpis=["N70845"], full=True)
    assert data_requests(api)[-1].param("from_date") is None
    # a wider set of areas than fetched before is asked in full
    fetch(api, site.landing, when="2026-03-04T06:00:00", kpis=["N70845"], areas="all")
    assert all(r.param("from_date") is None for r in data_requests(api)[-13:])


def test_the_pages_of_the_bundled_sample_and_a_fetch_load_side_by_side(api, site):
    """A landing area that holds the bundled pages and then a fetch: the fetch's pages load after and win."""
    folder = site.landing / "kolada"
    folder.mkdir(parents=True)
    shutil.copy(BUNDLED / "N70845.json", folder / "N70845.json")
    api.kolada.change("N70845", "0019", 2023, 4.2, on="2026-02-01")
    assert fetch(api, site.landing, kpis=["N70845"]).ok
    load(site)
    assert value(site, "N70845", "19", "2023") == 4.2


def test_only_unknown_kpis_is_an_error_not_an_empty_success(api, site):
    report = fetch(api, site.landing, kpis=["N00000", "N00001"], mapping_kpis=[])
    assert report.errors == ["none of the KPIs asked is known to Kolada (N00000, N00001): nothing to fetch"]
    assert data_requests(api) == [] and not any((site.landing / "kolada").glob("2*"))
