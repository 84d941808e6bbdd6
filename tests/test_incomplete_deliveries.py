"""Never silently wrong on incomplete deliveries: copies of the bundled sample with one thing removed, through
`vardpuls refresh`, as a new user would run them.

Night 1, the sample with, each in its own source:
- health centre 19-VC-005's rows left out of the listing of March 2024 (its staff still delivered);
- every primary-care row (VI 2000 activity 1) left out of 2024's ledger;
- ward 19-AVD-003 left out of the census of May 2024;
- the year 2021 left out of Västmanland's population file (a gap inside the series);
- a price index delivered (deflators/, test figures: 2023 = 100, 2024 = 105).
Night 2: the late files arrive (the originals, delivered again); then every published value must be what one
refresh of the whole sample (with the same price index) publishes.
The sample itself: the goal with a single yearly value (Värmland's 80+ growth) reads 'no data'.
"""

import contextlib
import io
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.settings import PROJECT_ROOT
from tests.test_incremental import content_fingerprints

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
LISTING = "listings/listning_2024-03.csv"
CENSUS = "beds/vardplatslage_2024-05.csv"
POPULATION = "population/folkmangd_vastmanland_kommuner_2015-2024.csv"
LEDGERS = [f"cost/huvudbok_2024-{m:02d}.parquet" for m in range(1, 13)]
# test figures, not a published index
DEFLATORS = "år;index;källa\n2023;100,0;test index (not a published one)\n2024;105,0;test index (not a published one)\n"


def refresh(landing: Path, warehouse: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    return code, out.getvalue() + err.getvalue()


def copy_sample(target: Path) -> None:
    shutil.copytree(SAMPLE, target)
    (target / "deflators").mkdir()
    (target / "deflators" / "index.csv").write_text(DEFLATORS, encoding="utf-8")


def without_lines(path: Path, marker: bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(line for line in lines if marker not in line))


def without_year_2021(path: Path) -> None:
    """The "med rubrik" export without its column 2021 (region; ålder; kön; 2015 .. 2024)."""
    out = []
    for line in path.read_bytes().split(b"\n"):
        fields = line.split(b";")
        out.append(b";".join(fields[:9] + fields[10:]) if len(fields) == 13 else line)
    path.write_bytes(b"\n".join(out))


def deliver_again(landing: Path, relative: str) -> None:
    """A late delivery: the original file, written now, newer than everything before it."""
    target = landing / relative
    shutil.copyfile(SAMPLE / relative, target)
    later = time.time() + 1
    os.utime(target, (later, later))


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("incomplete")
    landing, warehouse, whole = root / "landing", root / "warehouse", root / "whole"
    copy_sample(landing)
    without_lines(landing / LISTING, b";19-VC-005;")
    without_lines(landing / CENSUS, b";19-AVD-003;")
    without_year_2021(landing / POPULATION)
    with duckdb.connect() as con:
        for ledger in LEDGERS:
            con.execute(
                f"COPY (SELECT * FROM read_parquet('{SAMPLE / ledger}') WHERE verksamhet <> '1') "
                f"TO '{landing / ledger}' (FORMAT parquet)"
            ).fetchall()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        first = refresh(landing, warehouse)
        night_1 = root / "night_1.duckdb"
        shutil.copyfile((warehouse / "current").resolve() / "analyst.duckdb", night_1)
        night_1_report = (warehouse / "report" / "region-19.html").read_text(encoding="utf-8")
        for relative in [LISTING, CENSUS, POPULATION, *LEDGERS]:
            deliver_again(landing, relative)
        second = refresh(landing, warehouse)
        whole_landing = root / "whole_landing"
        copy_sample(whole_landing)
        third = refresh(whole_landing, whole)
    return {
        "first": first,
        "night_1": night_1,
        "report": night_1_report,
        "second": second,
        "night_2": warehouse / "analyst.duckdb",
        "live": warehouse / ".live" / "vardpuls.duckdb",
        "third": third,
        "whole": whole / "analyst.duckdb",
    }


def query(database: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def values(database: Path, indicator: str, period: str, unit: str | None = None) -> tuple:
    rows = query(
        database,
        "SELECT value, numerator, denominator, complete, coverage, incomplete_note FROM "
        "indicator_values WHERE indicator_id = ? AND area_code = '19' AND period = ? "
        "AND unit_id IS NOT DISTINCT FROM ? AND sex = 'T' AND age_group = 'all' "
        "AND category = 'all'",
        [indicator, period, unit],
    )
    assert len(rows) == 1, (indicator, period, unit, rows)
    return rows[0]


def test_the_refreshes_ran(nights):
    for night in ("first", "second", "third"):
        code, out = nights[night]
        assert code == 0, out


def test_a_health_centre_missing_from_the_listing_has_no_value_never_0(nights):
    db = nights["night_1"]
    note = "19-VC-005 saknas i listningen för 2024-03"
    for indicator in ("listed_per_gp_specialist", "listed_per_gp_incl_trainees", "listed_per_gp_incl_trainees_hired"):
        # the centre's month: its staff delivered, its listing did not
        value, numerator, denominator, complete, coverage, incomplete = values(db, indicator, "2024-03", "19-VC-005")
        assert (value, numerator, complete, coverage) == (None, None, False, 0.0)
        assert incomplete == note
        # its year, and the county's month and year
        assert values(db, indicator, "2024", "19-VC-005")[0] is None
        county = values(db, indicator, "2024-03")
        assert county[0] is None and county[3] is False and note in county[5]
        assert 0 < county[4] < 1  # the share of the county's health centres that delivered
        assert values(db, indicator, "2024")[0] is None
        # the month before is whole
        assert values(db, indicator, "2024-02", "19-VC-005")[3] is True
    assert values(db, "listed_inhabitants", "2024-03")[0] is None
    coverage = query(
        db,
        "SELECT expected, delivered, complete, missing_units, note FROM coverage WHERE source = "
        "'listings' AND area_code = '19' AND period = '2024-03' AND unit_id IS NULL",
    )
    ((expected, delivered, complete, missing, text),) = coverage
    assert (delivered, complete, text) == (expected - 1, False, note)
    assert missing.startswith("19-VC-005 Vårdcentralen")


def test_a_ledger_without_primary_care_has_no_share_and_no_goal_achieved(nights):
    db = nights["night_1"]
    for indicator in (
        "primary_care_cost_share",
        "primary_care_net_cost",
        "hired_staff_cost_share",
        "net_cost_per_inhabitant",
    ):
        value, _, _, complete, _, incomplete = values(db, indicator, "2024")
        assert value is None and complete is False and "huvudboken" in incomplete, indicator
        assert values(db, indicator, "2023")[3] is True  # 2023 is whole
    # the 47 MSEK goal: 2023 is its only complete year, so no line: no data, never 'achieved' against 0
    status, latest = query(
        db, "SELECT status, latest_year FROM goal_progress WHERE goal_id = 'vastmanland_primary_care_investment'"
    )[0]
    assert (status, latest) == ("no data", 2023)
    # every primary-care cost centre is named as missing in the ledger
    missing = query(
        db,
        "SELECT missing_units FROM coverage WHERE source = 'cost' AND area_code = '19' "
        "AND period = '2024-06' AND unit_id IS NULL",
    )[0][0]
    assert "19-KS-1001" in missing and "Vårdcentralen" in missing


def test_a_ward_missing_for_a_month_leaves_the_month_and_year_without_beds_per_1000(nights):
    db = nights["night_1"]
    note = "19-AVD-003 saknas i vårdplatsläget för 2024-05"
    for period in ("2024-05", "2024"):
        value, _, _, complete, coverage, incomplete = values(db, "beds_per_1000", period)
        assert (value, complete) == (None, False) and note in incomplete
    assert values(db, "beds_per_1000", "2024-04")[3] is True
    # the ward's hospital has no value that month; another hospital has
    hospital = query(
        db, "SELECT hospital FROM coverage WHERE source = 'beds' AND unit_id = '19-AVD-003' AND period = '2024-05'"
    )[0][0]
    assert values(db, "occupancy", "2024-05", hospital)[3] is False
    others = query(
        db,
        "SELECT count(*) FROM indicator_values WHERE indicator_id = 'occupancy' AND period = '2024-05' "
        "AND unit_id IS NOT NULL AND unit_id <> ? AND complete",
        [hospital],
    )[0][0]
    assert others >= 1


def test_a_year_missing_inside_the_population_series_stops_the_trend_test(nights):
    verdict, reason, first, last = query(
        nights["night_1"],
        "SELECT verdict, verdict_reason, first_period, last_period FROM indicator_trends "
        "WHERE indicator_id = 'population_share_80plus' AND area_code = '19' AND unit_id IS NULL "
        "AND sex = 'T' AND age_group = 'all' AND category = 'all'",
    )[0]
    assert (verdict, first, last) == ("could not be calculated", "2020", "2024")
    assert reason.startswith("a gap in the series: no value for 2021")
    # the full series says increasing (the sample's share of 80+ grows)
    assert (
        query(
            nights["whole"],
            "SELECT verdict FROM indicator_trends WHERE indicator_id = 'population_share_80plus' "
            "AND area_code = '19' AND unit_id IS NULL AND sex = 'T' AND age_group = 'all' "
            "AND category = 'all'",
        )[0][0]
        == "increasing"
    )


def test_the_missing_units_are_named_in_the_summary_quality_results_and_report(nights):
    _, out = nights["first"]
    assert "Incomplete deliveries" in out
    assert "19-VC-005 saknas i listningen för 2024-03" in out
    assert "19-AVD-003 saknas i vårdplatsläget för 2024-05" in out
    assert "unit_delivered" in out  # the coverage suite's warning, with the data quality
    success, unexpected = query(
        nights["night_1"],
        "SELECT success, unexpected FROM quality_results WHERE suite = 'coverage' AND rule = 'unit_delivered'",
    )[0]
    assert success is False and unexpected >= 2
    # after the late files (night 2) the coverage suite keeps no failing row
    assert query(nights["live"], "SELECT count(*) FROM meta.audit_failing WHERE suite = 'coverage'") == [(0,)]
    report = nights["report"]
    assert "Leveranser som saknas" in report and "19-VC-005 saknas i listningen för 2024-03" in report
    assert "ofullständigt underlag" in report


def test_fixed_prices_from_a_delivered_index(nights):
    db = nights["whole"]
    current = values(db, "net_cost_per_inhabitant", "2023")[0]
    fixed = values(db, "net_cost_per_inhabitant_fixed_prices", "2023")[0]
    # 2023 in the prices of 2024, the index's latest year: x 105 / 100
    assert fixed == pytest.approx(current * 1.05)
    assert values(db, "net_cost_per_inhabitant_fixed_prices", "2024")[0] == pytest.approx(
        values(db, "net_cost_per_inhabitant", "2024")[0]
    )
    growth = values(db, "net_cost_growth_fixed_prices", "2024")[0]
    current_growth = values(db, "net_cost_growth", "2024")[0]
    # (1 + g_fixed) = (1 + g_current) / 1.05
    assert 1 + growth / 100 == pytest.approx((1 + current_growth / 100) / 1.05)
    assert query(db, "SELECT price_year, index_source FROM deflators WHERE year = 2023") == [
        (2024, "test index (not a published one)")
    ]
    # night 1: 2024's ledger is incomplete, so 2024 has no fixed-price value either
    assert values(nights["night_1"], "primary_care_net_cost_fixed_prices", "2024")[0] is None


def test_the_late_files_bring_every_value_back_to_the_complete_figure(nights):
    _, out = nights["second"]
    assert "Incomplete deliveries" not in out
    assert query(nights["night_2"], "SELECT count(*) FROM indicator_values WHERE NOT complete") == [(0,)]
    assert query(nights["night_2"], "SELECT count(*) FROM coverage WHERE NOT complete") == [(0,)]
    night_2, whole = content_fingerprints(nights["night_2"]), content_fingerprints(nights["whole"])
    assert night_2.keys() == whole.keys()
    differ = {t: (night_2[t], whole[t]) for t in whole if night_2[t] != whole[t]}
    assert not differ, differ
    # the centre's month as the files say: 19-VC-005's listed inhabitants of March over its GP FTE
    value = values(nights["night_2"], "listed_per_gp_incl_trainees_hired", "2024-03", "19-VC-005")
    assert value[3] is True and value[0] == pytest.approx(value[1] / value[2])
    listed = query(
        nights["night_2"],
        "SELECT sum(listed) FROM listed_inhabitants WHERE period = '2024-03' AND health_centre_id = '19-VC-005'",
    )[0][0]
    assert value[1] == listed > 0


def test_a_goal_with_a_single_yearly_value_reads_no_data(nights):
    status, reason, n = query(
        nights["whole"],
        "SELECT status, status_reason, years_observed FROM goal_progress WHERE goal_id = 'varmland_80plus_growth'",
    )[0]
    assert (status, n) == ("no data", 1)
    assert reason == "one yearly value since the baseline (2024): a trend needs two"
