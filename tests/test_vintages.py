"""The history of releases on the bundled sample, through three refreshes of the real pipeline:

1. the sample as it is;
2. March 2024's listing delivered again with one count changed, a new month (January 2025) with one health
   centre's counts tripled, SCB's 2023 revised for Västmanland (2,000 more women aged 85 in Västerås), and a
   Kolada fetch with one value revised and one deleted (tests/vintage_deliveries.py);
3. the catalogue's population_share_80plus raised to version 2, and the original March 2024 listing delivered
   again (the value goes back).

Asserted: the history of every value and the as-of query (also after the oldest release is pruned), the kinds of
change and their causes (which file version replaced which, the definition version, Kolada's page and date), the
numerator's and the denominator's part of a move against a hand computation, the goal whose status changed,
Kolada's revisions, the warnings in quality_results, `vardpuls diff` and `vardpuls goals --as-of`, the digest's
sentences (the report's page and Markdown, and the message its webhook received), "reviderad" in the report,
and the history taken back from the current release when the live warehouse lost it.
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.settings import CATALOGUE_DIR, PROJECT_ROOT
from tests import vintage_deliveries as deliveries

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
# a refresh with the catalogue read from a copy, as if indicators/ had been edited: the catalogue's relation (its
# files are its definition), the indicators' assets and the code version (which covers indicators/) all see it
BUMPED_NIGHT = """
import importlib, sys
from pathlib import Path
bumped, version, landing, warehouse = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
from pipelines.indicators import catalogue
catalogue.load_catalogue.__defaults__ = (bumped,)
importlib.import_module("pipelines.graph.data_assets").CATALOGUE_DIR = bumped
from pipelines import plan
known = plan.code_version
plan.code_version = lambda: known() + "+catalogue-" + version
from pipelines.cli import main
sys.exit(main(["refresh", "--landing", landing, "--warehouse", warehouse]))
"""
VC_KEY = ("listed_inhabitants", "19", "19-VC-001", "2024-03", "T", "0-17", "all")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


@pytest.fixture(scope="module")
def nights(tmp_path_factory, webhook):
    root = tmp_path_factory.mktemp("vintages")
    landing, warehouse = root / "landing", root / "warehouse"
    shutil.copytree(SAMPLE, landing)
    url, received = webhook
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "dagster"))
        mp.setenv("VARDPULS_DIGEST_SEND", "true")
        mp.setenv("VARDPULS_ALERT_WEBHOOK_URL", url)
        mp.setenv("VARDPULS_ALERT_WEBHOOK_FORMAT", "slack")
        releases = []
        code, out = run("refresh", "--landing", str(landing), "--warehouse", str(warehouse))
        assert code == 0, out
        releases.append(Path(os.path.realpath(warehouse / "current")).name)
        delivered = {
            "listing": deliveries.redeliver_listing_month(landing),
            "month": deliveries.new_listing_month(landing),
            "scb": deliveries.revised_scb_year(landing),
            "kolada": deliveries.kolada_revision(landing),
        }
        time.sleep(1.1)  # releases are named by the second
        code, out = run("refresh", "--landing", str(landing), "--warehouse", str(warehouse))
        assert code == 0, out
        releases.append(Path(os.path.realpath(warehouse / "current")).name)
        bumped = root / "catalogue"
        shutil.copytree(CATALOGUE_DIR, bumped)
        delivered["version"] = deliveries.bump_catalogue_version(bumped, "population_share_80plus")
        original = landing / "listings" / "listning_2024-03.csv"
        shutil.copyfile(SAMPLE / "listings" / "listning_2024-03.csv", original)
        later = time.time() + 4
        os.utime(original, (later, later))
        time.sleep(1.1)
        # the code location loaded again with the bumped catalogue, as after a deployment (the asset graph is made
        # from the catalogue when it is imported): a process of its own
        night = subprocess.run(
            [sys.executable, "-c", BUMPED_NIGHT, str(bumped), str(delivered["version"]), str(landing), str(warehouse)],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
        )
        assert night.returncode == 0, night.stdout + night.stderr
        releases.append(Path(os.path.realpath(warehouse / "current")).name)
    assert len(set(releases)) == 3
    return {
        "root": root,
        "landing": landing,
        "warehouse": warehouse,
        "releases": releases,
        "delivered": delivered,
        "received": received,
    }


@pytest.fixture
def con(nights):
    with duckdb.connect(os.path.realpath(nights["warehouse"] / "current" / "analyst.duckdb"), read_only=True) as c:
        yield c


def rows(con, sql, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def change(con, release, measure, indicator, area, period, unit=None, sex="T", age="all", category="all") -> dict:
    found = rows(
        con,
        "SELECT * FROM release_changes WHERE release = ? AND measure = ? AND indicator_id = ? AND "
        "area_code = ? AND period = ? AND unit_id IS NOT DISTINCT FROM ? AND sex = ? AND age_group = ? "
        "AND category = ?",
        [release, measure, indicator, area, period, unit, sex, age, category],
    )
    assert len(found) == 1, (indicator, area, period, unit, found)
    return found[0]


def test_every_release_is_in_the_history_and_each_value_with_the_releases_it_was_part_of(nights, con):
    r1, r2, r3 = nights["releases"]
    assert rows(con, "SELECT release, previous_release FROM releases ORDER BY published_at") == [
        {"release": r1, "previous_release": None},
        {"release": r2, "previous_release": r1},
        {"release": r3, "previous_release": r2},
    ]
    assert con.execute("SELECT count(*) FROM release_changes WHERE release = ?", [r1]).fetchall() == [(0,)]
    # what the release publishes is exactly the versions still open
    published = con.execute("SELECT count(*) FROM indicator_values").fetchall()[0][0]
    assert con.execute("SELECT count(*) FROM indicator_value_history WHERE ended_release IS NULL").fetchall() == [
        (published,)
    ]
    assert con.execute(
        "SELECT count(*) FROM (SELECT indicator_id, area_code, unit_id, period, sex, age_group, category,"
        " value, numerator, denominator, suppressed FROM indicator_values EXCEPT SELECT indicator_id, "
        "area_code, unit_id, period, sex, age_group, category, value, numerator, denominator, suppressed "
        "FROM indicator_value_history WHERE ended_release IS NULL)"
    ).fetchall() == [(0,)]
    # the health centre's value: first published in 1, revised in 2, back in 3 (a new version, the old value)
    history = rows(
        con,
        "SELECT value, first_release, last_release, ended_release, end_reason FROM "
        "indicator_value_history WHERE (indicator_id, area_code, unit_id, period, sex, age_group, "
        "category) = (?, ?, ?, ?, ?, ?, ?) ORDER BY first_published_at",
        list(VC_KEY),
    )
    assert history == [
        {"value": 1045.0, "first_release": r1, "last_release": r1, "ended_release": r2, "end_reason": "revised"},
        {"value": 2548.0, "first_release": r2, "last_release": r2, "ended_release": r3, "end_reason": "revised"},
        {"value": 1045.0, "first_release": r3, "last_release": None, "ended_release": None, "end_reason": None},
    ]


def test_a_night_that_changed_some_periods_adds_versions_for_those_only(con, nights):
    r1, r2, _ = nights["releases"]
    # release 2 touched 2023 (SCB), 2024 (a month of listings) and 2025 (a new month, Kolada); nothing of 2015-2022
    untouched = con.execute(
        "SELECT count(*) FROM indicator_value_history WHERE period < '2023' AND first_release <> ? "
        "AND indicator_id <> 'population_share_80plus'",
        [r1],
    ).fetchall()[0][0]
    assert untouched == 0
    new_versions = con.execute("SELECT count(*) FROM indicator_value_history WHERE first_release = ?", [r2]).fetchall()[
        0
    ][0]
    # every change but a withdrawal is a new version (a new period whose deliveries are incomplete too: no value)
    changed = con.execute(
        "SELECT count(*) FROM release_changes WHERE release = ? AND measure = 'indicator' AND "
        "change <> 'withdrawn value'",
        [r2],
    ).fetchall()[0][0]
    assert new_versions == changed > 0


def test_a_redelivered_month_is_a_revision_caused_by_the_file_version_that_replaced_the_other(con, nights):
    r1, r2, _ = nights["releases"]
    c = change(con, r2, "indicator", "listed_inhabitants", "19", "2024-03", unit="19-VC-001", age="0-17")
    assert (c["change"], c["value_before"], c["value_after"]) == ("revised value", 1045, 2548)
    assert c["cause"] == "source file replaced" and c["numerator_effect"] == 1503 and c["denominator_effect"] is None
    [file] = c["source_files"]
    assert file["source"] == "listings" and file["file"] == file["replaced_file"] == "listning_2024-03.csv"
    assert file["replaced_version_id"] < file["file_version_id"] and file["periods"] == ["2024-03"]
    assert c["anomaly_rule"] == "revision_within_share"
    assert (
        "revised from 1045 to 2548 (+143.8 %, more than 30 %)" in c["anomaly"]
        and "listning_2024-03.csv" in c["anomaly"]
    )
    region = change(con, r2, "indicator", "listed_inhabitants", "19", "2024-03")
    assert region["move"] == 1503 and region["anomaly"] is None  # half a per cent of the region


def test_a_new_month_is_a_new_period_and_a_tripled_centre_a_warning(con, nights):
    _, r2, _ = nights["releases"]
    new = rows(
        con,
        "SELECT DISTINCT change, cause, source_files[1].file AS file FROM release_changes WHERE release = ? "
        "AND period = '2025-01'",
        [r2],
    )
    assert new == [{"change": "new period", "cause": "new source file", "file": "listning_2025-01.csv"}]
    tripled = change(con, r2, "indicator", "listed_inhabitants", "19", "2025-01", unit="19-VC-002")
    assert tripled["anomaly_rule"] == "new_value_within_series_variation"
    assert (
        tripled["anomaly_baseline_period"] == "2024-12"
        and tripled["value_after"] == 3 * tripled["anomaly_baseline_value"]
    )
    same = change(con, r2, "indicator", "listed_inhabitants", "19", "2025-01", unit="19-VC-003")
    assert same["anomaly"] is None  # December again: no move


def test_a_revised_scb_year_moves_numerator_and_denominator_split_as_computed_by_hand(con, nights):
    r1, r2, _ = nights["releases"]
    extra = nights["delivered"]["scb"]["extra"]
    before = rows(
        con,
        "SELECT numerator, denominator, value FROM indicator_value_history WHERE indicator_id = "
        "'population_share_80plus' AND area_code = '1980' AND period = '2023' AND sex = 'T' AND "
        "first_release = ?",
        [r1],
    )[0]
    n0, d0 = before["numerator"], before["denominator"]
    c = change(con, r2, "indicator", "population_share_80plus", "1980", "2023")
    assert (c["numerator_after"], c["denominator_after"]) == (n0 + extra, d0 + extra)
    # the share in per cent, scale 100: numerator part 100 × 2000 × (1/D0 + 1/D1) / 2,
    # denominator part 100 × (1/D1 − 1/D0) × (N0 + N1) / 2
    n1, d1 = n0 + extra, d0 + extra
    assert c["numerator_effect"] == pytest.approx(100 * extra * (1 / d0 + 1 / d1) / 2, rel=1e-12)
    assert c["denominator_effect"] == pytest.approx(100 * (1 / d1 - 1 / d0) * (n0 + n1) / 2, rel=1e-12)
    assert c["numerator_effect"] + c["denominator_effect"] == pytest.approx(c["move"], rel=1e-12)
    assert c["move"] == pytest.approx(100 * n1 / d1 - 100 * n0 / d0, rel=1e-12)
    [file] = c["source_files"]
    assert (file["file"], file["replaced_file"]) == (deliveries.REVISED_POPULATION_FILE, deliveries.POPULATION_FILE)
    beds = change(con, r2, "indicator", "beds_per_1000", "19", "2023")
    assert beds["numerator_effect"] == 0 and beds["move"] < 0
    assert beds["denominator_effect"] == pytest.approx(beds["move"], rel=1e-12)


def test_the_goal_whose_status_changed_is_part_of_the_changes(con, nights):
    _, r2, _ = nights["releases"]
    [goal] = rows(con, "SELECT * FROM release_changes WHERE release = ? AND goal_id = 'vastmanland_beds'", [r2])
    assert (goal["change"], goal["status_before"], goal["status_after"]) == ("status changed", "on track", "off track")
    assert goal["cause"] == "revised values"


def test_kolada_revisions_and_deletions_are_seen_with_their_page_and_date(con, nights):
    _, r2, _ = nights["releases"]
    kolada = nights["delivered"]["kolada"]
    revised = change(con, r2, "kolada", "N70845", "19", "2025")
    assert (revised["change"], revised["value_before"], revised["value_after"]) == ("revised value", 1.9, 2.6)
    assert (revised["cause"], revised["kolada_page"], str(revised["kolada_seen_on"])) == (
        "kolada revision",
        kolada["page"],
        kolada["seen_on"],
    )
    assert revised["anomaly_rule"] == "revision_within_share"  # +36.8 %
    deleted = change(con, r2, "kolada", "N70845", "01", "2023")
    assert (deleted["change"], deleted["cause"], deleted["value_before"]) == ("withdrawn value", "kolada deletion", 2.0)
    seen = rows(
        con,
        "SELECT revision, kind, value, previous_value, page, CAST(seen_on AS VARCHAR) AS seen_on, "
        "seen_from FROM benchmark_revisions WHERE kpi_id = 'N70845' AND area_code IN ('19', '01') "
        "AND period = CASE area_code WHEN '19' THEN '2025' ELSE '2023' END ORDER BY area_code, revision",
    )
    assert [(s["revision"], s["kind"], s["value"], s["previous_value"]) for s in seen] == [
        (1, "first seen", 2.0, None),
        (2, "deleted", None, 2.0),
        (1, "first seen", 1.9, None),
        (2, "revised", 2.6, 1.9),
    ]
    assert {(s["page"], s["seen_on"], s["seen_from"]) for s in seen if s["revision"] == 2} == {
        (kolada["page"], kolada["seen_on"], "fetch folder")
    }


def test_the_warnings_are_rows_of_the_quality_results(con, nights):
    _, r2, r3 = nights["releases"]
    results = {r["rule"]: r for r in rows(con, "SELECT * FROM quality_results WHERE suite = 'releases'")}
    assert set(results) == {"revision_within_share", "new_value_within_series_variation"}
    assert all(r["severity"] == "warning" for r in results.values())
    # the release read is the third: its revert moves the health centre's value back by more than 30 %
    flagged = con.execute(
        "SELECT count(*) FROM release_changes WHERE release = ? AND anomaly_rule = 'revision_within_share'", [r3]
    ).fetchall()[0][0]
    assert results["revision_within_share"]["unexpected"] == flagged > 0
    assert results["revision_within_share"]["success"] is False
    assert "30 %" in results["revision_within_share"]["title"]


def test_a_new_definition_version_is_a_change_of_every_value_it_computes(con, nights):
    _, _, r3 = nights["releases"]
    version = nights["delivered"]["version"]
    counted = rows(
        con,
        "SELECT change, cause, definition_version_before, definition_version_after, count(*) AS n "
        "FROM release_changes WHERE release = ? AND indicator_id = 'population_share_80plus' "
        "GROUP BY ALL",
        [r3],
    )
    published = con.execute(
        "SELECT count(*) FROM indicator_values WHERE indicator_id = 'population_share_80plus'"
    ).fetchall()[0][0]
    assert counted == [
        {
            "change": "definition version changed",
            "cause": "definition version",
            "definition_version_before": version - 1,
            "definition_version_after": version,
            "n": published,
        }
    ]
    back = change(con, r3, "indicator", "listed_inhabitants", "19", "2024-03", unit="19-VC-001", age="0-17")
    assert (back["value_before"], back["value_after"]) == (2548, 1045)


def test_what_was_published_on_a_date_even_after_the_release_is_pruned(con, nights):
    r1, r2, r3 = nights["releases"]
    times = dict(con.execute("SELECT release, published_at FROM releases").fetchall())
    shutil.rmtree(nights["warehouse"] / "releases" / r1)  # pruned, as the fourth release would
    value = lambda moment: con.execute(  # noqa: E731
        "SELECT value FROM indicator_values_as_of(?::VARCHAR) WHERE (indicator_id, area_code, unit_id, period, sex, "
        "age_group, category) = (?, ?, ?, ?, ?, ?, ?)",
        [moment, *VC_KEY],
    ).fetchall()
    assert value(times[r1].isoformat()) == [(1045.0,)]
    assert value(times[r2].isoformat()) == [(2548.0,)]
    assert value(times[r3].isoformat()) == [(1045.0,)]
    assert con.execute("SELECT count(*) FROM indicator_values_as_of('2020-01-01')").fetchall() == [(0,)]
    assert con.execute("SELECT release_as_of(?::VARCHAR)", [times[r2].isoformat()]).fetchall() == [(r2,)]
    goals = dict(
        con.execute(
            "SELECT goal_id, status FROM goal_progress_as_of(?::VARCHAR) WHERE area_code = '19'",
            [times[r1].isoformat()],
        ).fetchall()
    )
    assert goals["vastmanland_beds"] == "on track"
    assert con.execute(
        "SELECT value FROM benchmark_values_as_of(?::VARCHAR) WHERE kpi_id = 'N70845' AND area_code = "
        "'19' AND period = '2025'",
        [times[r1].isoformat()],
    ).fetchall() == [(1.9,)]


def test_vardpuls_diff_prints_the_changes_and_their_causes(nights):
    r1, r2, r3 = nights["releases"]
    warehouse = str(nights["warehouse"])
    code, out = run(
        "diff", r1, r2, "--warehouse", warehouse, "--indicator", "listed_inhabitants", "--area", "19", "--limit", "3"
    )
    assert code == 0, out
    assert f"vardpuls diff: {r1}" in out and f"-> {r2}" in out
    assert "indicator  new period" in out and "revised value" in out
    assert "cause: listings: listning_2024-03.csv (file version" in out or "cause: listings: new file" in out
    code, out = run("diff", "--warehouse", warehouse, "--indicator", "vastmanland_beds", "previous", "latest")
    assert code == 0 and "No change matches the filters." in out, out  # release 3 left the goal as it was
    code, out = run("diff", r1, r3, "--warehouse", warehouse, "--all", "--csv", str(nights["root"] / "diff.csv"))
    assert code == 0, out
    # across two releases: the health centre's value went up and came back, so it did not change; 80+ did
    assert "19-VC-001 2024-03 T 0-17" not in out
    assert "population_share_80plus  1980 2023 T  definition version changed" in out
    assert "folkmangd_vastmanland_2023_reviderad.csv" in out
    csv = (nights["root"] / "diff.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and b";definition version changed;" in csv
    code, out = run("diff", "next-tuesday", "--warehouse", warehouse)
    assert code == 1 and "'next-tuesday' is not a release of the history" in out
    code, out = run("diff", "--releases", "--warehouse", warehouse)
    assert code == 0 and all(r in out for r in nights["releases"])


def test_vardpuls_goals_as_of_prints_the_goal_table_as_it_stood_then(nights, con):
    r1 = nights["releases"][0]
    made = con.execute("SELECT published_at FROM releases WHERE release = ?", [r1]).fetchall()[0][0]
    code, out = run("goals", "--region", "19", "--as-of", made.isoformat(), "--warehouse", str(nights["warehouse"]))
    assert code == 0, out
    assert out.startswith(f"As published in release {r1}")
    line = next(x for x in out.splitlines() if x.strip().startswith("vastmanland_beds"))
    assert line.rstrip().endswith("on track")
    code, now = run("goals", "--region", "19", "--warehouse", str(nights["warehouse"]))
    assert next(x for x in now.splitlines() if x.strip().startswith("vastmanland_beds")).rstrip().endswith("off track")
    code, out = run("goals", "--as-of", "1999-01-01", "--warehouse", str(nights["warehouse"]))
    assert code == 1 and "no release was published by 1999-01-01" in out


def test_the_digest_in_swedish_as_markdown_a_report_page_and_a_message(nights, con):
    from pipelines.vintages.digest import read_digest, to_markdown

    _, r2, _ = nights["releases"]
    digest = to_markdown(read_digest(con, r2))
    assert digest.startswith("# Vad har ändrats sedan förra publiceringen\n")
    assert (
        "- Målet ”Länsbehovet av vårdplatser ska minska” för Region Västmanland: i fas → ej i fas (syntetiska "
        "data). Orsak: reviderade värden bakom målet." in digest
    )
    assert (
        "- Kolada har reviderat Disponibla vårdplatser slutenvård totalt i regionen, antal/1000 inv (N70845) för "
        "Region Västmanland 2025 från 1,9 till 2,6 (+36,8 %) (reviderad 2026-05-14)." in digest
    )
    assert "- Listade invånare: nya värden för januari 2025 (" in digest
    # no staffing is delivered for January 2025: the staffing ratios' new periods have no values, said after the
    # periods with values
    assert digest.index("- Listade invånare: nya värden för januari 2025 (") < digest.index(
        " värden, alla utan värde eftersom leveranserna är ofullständiga)"
    )
    assert (
        "Folkmängd för Region Västmanland 2023 har reviderats från 280\u00a0813 till 282\u00a0813 (+0,7 %) "
        "(syntetiska data). Orsak: SCB:s befolkningsfil folkmangd_vastmanland_2023_reviderad.csv"
    ) in digest
    assert "## Nya varningar" in digest and "mer än varningsgränsen 30 %" in digest
    report = Path(os.path.realpath(nights["warehouse"] / "report"))
    page = (report / "digest.html").read_text(encoding="utf-8")
    assert "<h1>Vad har ändrats sedan förra publiceringen</h1>" in page and "ny definitionsversion" in page
    assert (report / "digest.md").read_text(encoding="utf-8").startswith("# Vad har ändrats")
    assert 'href="digest.html"' in (report / "index.html").read_text(encoding="utf-8")
    assert "reviderad 2026-05-14" in (report / "region-19.html").read_text(encoding="utf-8")
    texts = [message["text"] for message in nights["received"]]
    assert len(texts) == 2  # releases 2 and 3; the first has nothing before it to compare with
    assert texts[0].startswith(f"*vardpuls: Vad har ändrats sedan förra publiceringen ({r2})*")
    assert "i fas → ej i fas" in texts[0]


def test_the_history_is_taken_back_from_the_current_release_when_the_live_warehouse_lost_it(nights, tmp_path):
    from pipelines.vintages.history import _recover

    live = tmp_path / "live.duckdb"
    shutil.copyfile(nights["warehouse"] / ".live" / "vardpuls.duckdb", live)
    release = Path(os.path.realpath(nights["warehouse"] / "current"))
    with duckdb.connect(str(live)) as con:
        before = {
            t: con.execute(f"SELECT count(*) FROM meta.{t}").fetchall()[0][0]
            for t in (
                "vintage_releases",
                "vintage_changes",
                "vintage_indicator_values",
                "vintage_kolada_revisions",
                "vintage_goal_progress",
            )
        }
        con.execute("DELETE FROM meta.vintage_releases WHERE release = ?", [release.name]).fetchall()
        con.execute("DELETE FROM meta.vintage_indicator_values").fetchall()
        con.execute("DELETE FROM meta.vintage_changes").fetchall()
        _recover(con, release)
        after = {t: con.execute(f"SELECT count(*) FROM meta.{t}").fetchall()[0][0] for t in before}
        assert after == before
        assert (
            con.execute("SELECT count(*) FROM meta.vintage_indicator_values WHERE ended_release IS NULL").fetchall()[0][
                0
            ]
            > 0
        )
