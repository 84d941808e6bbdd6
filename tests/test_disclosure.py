"""Disclosure control: small counts withheld from every published form, with secondary suppression.

A hand-made delivery (organisation register and one month of listings) goes through the real refresh and
publication (`vardpuls refresh`); the published analyst.duckdb, Parquet and CSV are then read back. The
numbers are chosen so that they can be searched for: health centre 19-VC-001 lists 3 women aged 80-84
(primary suppression) and 4711 men aged 80-84, a number found nowhere else, which K + M = T would reveal
(secondary); 17-VC-001 lists 5 women aged 80-84 and 0 men aged 85+, both shown. Every search is run again
on a publication with the threshold 1 (nothing withheld) and must find there what it must not find in
the real one, so a search that cannot see a number cannot pass.
"""

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.disclosure import load_rule, protect
from pipelines.indicators.catalogue import CatalogueError, load_catalogue
from pipelines.settings import CATALOGUE_DIR
from pipelines.warehouse import Warehouse
from tests.conftest import Site, failure_message, live_database, materialize, table_files

pytestmark = pytest.mark.e2e

# what a new threshold changes, as the refresh, derive and publish jobs make them: the rule, the cells, the release
REPUBLISH = ("core/disclosure_rule", "publish/disclosure_cells", "publish/release")

ORGANISATION = """enhets_id;enhetsnamn;enhetstyp;vårdnivå;sjukhus;specialitet;kommunkod;kostnadsställe;verksamhet;giltig_från;giltig_till;datakälla
19-VC-001;Vårdcentral Viksäng;vårdcentral;primärvård;;;1980;19-KS-1001;1;2015-01-01;;SYNTETISK test
19-VC-002;Vårdcentral Sala;vårdcentral;primärvård;;;1981;19-KS-1002;1;2015-01-01;;SYNTETISK test
17-VC-001;Vårdcentral Karlstad;vårdcentral;primärvård;;;1780;17-KS-1001;1;2015-01-01;;SYNTETISK test
"""
LISTINGS = [
    ("19-VC-001", "18-44", "K", 2000),
    ("19-VC-001", "18-44", "M", 2100),
    ("19-VC-001", "80-84", "K", 3),  # primary: fewer than 5 persons
    ("19-VC-001", "80-84", "M", 4711),  # secondary: T (4714) - K would reveal it; 4711 appears nowhere else
    ("19-VC-002", "18-44", "K", 3000),
    ("19-VC-002", "18-44", "M", 3100),
    ("19-VC-002", "80-84", "K", 900),
    ("19-VC-002", "80-84", "M", 800),
    ("17-VC-001", "18-44", "K", 1000),
    ("17-VC-001", "18-44", "M", 1000),
    ("17-VC-001", "80-84", "K", 5),  # not small: shown
    ("17-VC-001", "85+", "M", 0),  # zero: shown
]
SECRET = 4711
PRIMARY_REASON = "primary: fewer than 5 persons"


def listed(con, unit: str, sex: str, age_group: str = "80+", period: str = "2024-12") -> tuple:
    """(numerator, value, suppressed, suppression_reason) of listed_inhabitants in a published analyst.duckdb."""
    rows = con.execute(
        "SELECT numerator, value, suppressed, suppression_reason FROM indicator_values "
        "WHERE indicator_id = 'listed_inhabitants' AND unit_id = ? AND sex = ? AND age_group = ? AND period = ? "
        "AND category = 'all'",
        [unit, sex, age_group, period],
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("disclosure"))
    site.write_source("organisation", "enheter.csv", ORGANISATION)
    site.write_source(
        "listings",
        "listning_2024-12.csv",
        "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
        + "".join(f"2024-12;{u};{a};{s};{n}\n" for u, a, s, n in LISTINGS),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(site.warehouse_root.parent / "dagster_home"))
        patch.delenv("VARDPULS_MIN_COUNT", raising=False)
        assert main(["refresh", "--landing", str(site.landing), "--warehouse", str(site.warehouse_root)]) == 0
    return site


def republish(site: Site, root: Path, min_count: str, monkeypatch) -> Path:
    """The disclosure rule, disclosure control and a release made again with VARDPULS_MIN_COUNT set, on a copy of the
    site's live warehouse under ``root`` (the first time: the site's); the release folder."""
    result = threshold_run(site, root, min_count, monkeypatch)
    assert result.success, failure_message(result)
    return (root / "current").resolve()


def threshold_run(site: Site, root: Path, min_count: str, monkeypatch):
    monkeypatch.setenv("VARDPULS_MIN_COUNT", min_count)
    live = live_database(root)
    if not live.exists():
        live.parent.mkdir(parents=True)
        shutil.copy(site.warehouse.live_path, live)
    return materialize(Warehouse(landing_dir=str(site.landing), warehouse_dir=str(root)), *REPUBLISH, upstream=False)


def analyst(release: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(release / "analyst.duckdb"), read_only=True)


# ---------------------------------------------------------------------------------------------------------
# what is withheld, and what is shown


def test_a_count_of_3_is_suppressed_with_its_reason(site):
    with analyst(site.warehouse_root / "current") as con:
        for period in ("2024-12", "2024"):  # the yearly value is December's
            assert listed(con, "19-VC-001", "K", period=period) == (None, None, True, PRIMARY_REASON)
        row = con.execute(
            "SELECT * EXCLUDE (indicator_id, area_code, period, sex, unit_id, age_group, category, "
            "definition_version, synthetic, suppressed, suppression_reason, ci_method, complete, "
            "coverage, incomplete_note, persons) "
            "FROM indicator_values WHERE indicator_id = 'listed_inhabitants' AND unit_id = '19-VC-001' "
            "AND sex = 'K' AND age_group = '80+' AND period = '2024-12'"
        ).fetchall()
        assert row == [(None, None, None, None, None)]  # value, numerator, denominator, ci_lower, ci_upper
        # the listing's own row: health centre, month, age band, sex
        assert con.execute(
            "SELECT listed, suppressed, suppression_reason FROM listed_inhabitants "
            "WHERE health_centre_id = '19-VC-001' AND age_band = '80-84' AND sex = 'K'"
        ).fetchall() == [(None, True, PRIMARY_REASON)]
        # the rule is in the snapshot, with the threshold in force
        rule = dict(con.execute("SELECT part, rule_en FROM disclosure_rule").fetchall())
        assert set(rule) == {"primary", "zero", "secondary", "groupings", "tables", "limits"}
        assert "fewer than 5 persons or events" in rule["primary"]
        assert con.execute("SELECT DISTINCT min_count FROM disclosure_rule").fetchall() == [(5,)]
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'indicator_values' AND column_name = 'suppressed'"
        ).fetchall()[0][0]
        assert "disclosure control" in comment and "disclosure_rule" in comment


def test_zero_and_five_are_shown(site):
    with analyst(site.warehouse_root / "current") as con:
        assert listed(con, "17-VC-001", "K") == (5.0, 5.0, False, None)
        assert listed(con, "17-VC-001", "M") == (0.0, 0.0, False, None)
        assert con.execute(
            "SELECT age_band, sex, listed, suppressed FROM listed_inhabitants "
            "WHERE health_centre_id = '17-VC-001' AND age_band IN ('80-84', '85+') ORDER BY 1"
        ).fetchall() == [("80-84", "K", 5, False), ("85+", "M", 0, False)]
        # nothing of region 17 rests on a small count, so nothing there is withheld
        assert con.execute(
            "SELECT count(*) FROM indicator_values WHERE area_code = '17' AND suppressed"
        ).fetchall() == [(0,)]


def test_k_m_t_where_k_is_3_suppresses_m_as_secondary_and_shows_t(site):
    with analyst(site.warehouse_root / "current") as con:
        assert listed(con, "19-VC-001", "K")[2:] == (True, PRIMARY_REASON)
        assert listed(con, "19-VC-001", "M") == (
            None,
            None,
            True,
            "secondary: K + M = T would reveal a suppressed value",
        )
        assert listed(con, "19-VC-001", "T") == (4714.0, 4714.0, False, None)
        # the listing row behind M, 4711 men aged 80-84, would give it away too
        assert con.execute(
            "SELECT listed, suppressed, suppression_reason FROM listed_inhabitants "
            "WHERE health_centre_id = '19-VC-001' AND age_band = '80-84' AND sex = 'M'"
        ).fetchall() == [
            (
                None,
                True,
                "secondary: the age bands of listed_inhabitants add up to the age group and would "
                "reveal a suppressed value",
            )
        ]


def test_every_published_group_has_no_single_suppressed_cell(site):
    """Checked on what was published, not on the pipeline's tables: no total-and-parts group of indicator_values
    holds exactly one suppressed cell, and neither does an age group with the listing rows it adds up."""
    with analyst(site.warehouse_root / "current") as con:
        assert con.execute("SELECT count(*) FILTER (WHERE suppressed) FROM indicator_values").fetchall()[0][0] >= 10
        groupings = {  # grouping: (the columns that stay the same, the test that marks the total)
            "sex": ("indicator_id, area_code, unit_id, period, age_group, category", "sex = 'T'"),
            "age_group": ("indicator_id, area_code, unit_id, period, sex, category", "age_group = 'all'"),
            "unit": ("indicator_id, area_code, period, sex, age_group, category", "unit_id IS NULL"),
            "period": (
                "indicator_id, area_code, unit_id, left(period, 4), sex, age_group, category",
                "length(period) = 4",
            ),
        }
        for grouping, (same, total) in groupings.items():
            single = con.execute(
                f"SELECT {same} FROM indicator_values GROUP BY {same} "
                f"HAVING count(*) FILTER (WHERE {total}) = 1 AND count(*) FILTER (WHERE NOT ({total})) >= 1 "
                "AND count(*) FILTER (WHERE suppressed) = 1"
            ).fetchall()
            assert single == [], grouping
        single = con.execute("""
            WITH cells AS (
                SELECT unit_id, period, sex, age_group, suppressed FROM indicator_values
                WHERE indicator_id = 'listed_inhabitants' AND unit_id IS NOT NULL AND sex <> 'T'
                  AND age_group <> 'all' AND length(period) = 7
                UNION ALL
                SELECT health_centre_id, period, sex, CASE WHEN age_band IN ('0-5', '6-17') THEN '0-17'
                    WHEN age_band IN ('18-44', '45-64') THEN '18-64' WHEN age_band IN ('65-74', '75-79') THEN '65-79'
                    ELSE '80+' END, suppressed
                FROM listed_inhabitants)
            SELECT unit_id, period, sex, age_group FROM cells GROUP BY ALL HAVING count(*) FILTER (WHERE suppressed) = 1
        """).fetchall()
        assert single == []


# ---------------------------------------------------------------------------------------------------------
# no published file holds a withheld number


def number(n: int) -> re.Pattern:
    """n as a whole number in any published spelling (4711, 4711.0, 4711,0), not inside a longer number or word."""
    return re.compile(rf"(?<![\w.,-]){n}(?:[.,]0+)?(?![\w-]|[.,]\d)")


def duckdb_cells(path: Path) -> list[str]:
    """Every cell of every table of a DuckDB file, as text (the file itself is compressed: its bytes prove nothing)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return [str(cell) for t in tables for row in con.execute(f"SELECT * FROM {t}").fetchall() for cell in row]


def parquet_cells(folder: Path) -> list[str]:
    """Every cell of every Parquet file under folder, read back (zstd: the bytes prove nothing)."""
    files = sorted(folder.rglob("*.parquet"))
    assert files
    with duckdb.connect() as con:
        return [
            str(cell)
            for f in files
            for row in con.execute("SELECT * FROM read_parquet(?)", [str(f)]).fetchall()
            for cell in row
        ]


def csv_text(folder: Path) -> str:
    files = sorted(folder.rglob("*.csv"))
    assert files
    return "\n".join(f.read_text(encoding="utf-8-sig") for f in files)


def found(release: Path, n: int) -> dict[str, bool]:
    """Whether n is anywhere in each published form of a release."""
    pattern = number(n)
    return {
        "analyst.duckdb": any(pattern.search(c) for c in duckdb_cells(release / "analyst.duckdb")),
        "parquet": any(pattern.search(c) for c in parquet_cells(release / "exports" / "parquet")),
        "csv": bool(pattern.search(csv_text(release / "exports" / "csv"))),
    }


def primary_rows(release: Path) -> dict[str, list]:
    """The published row of the suppressed count (19-VC-001, women 80+, December) in each form."""
    key = (
        "indicator_id = 'listed_inhabitants' AND unit_id = '19-VC-001' AND sex = 'K' AND age_group = '80+' "
        "AND period = '2024-12'"
    )
    columns = "value, numerator, denominator, ci_lower, ci_upper"
    with analyst(release) as con:
        snapshot = con.execute(f"SELECT {columns} FROM indicator_values WHERE {key}").fetchall()
    with duckdb.connect() as con:
        csv = (
            f"read_csv({[str(p) for p in table_files(release, 'indicator_values', 'csv')]}, delim = ';', "
            "header = true, all_varchar = true)"
        )
        return {
            "analyst.duckdb": snapshot,
            "parquet": con.execute(
                f"SELECT {columns} FROM read_parquet("
                f"{[str(p) for p in table_files(release, 'indicator_values')]}, "
                f"hive_partitioning = false) WHERE {key}"
            ).fetchall(),
            "csv": con.execute(f"SELECT {columns} FROM {csv} WHERE {key}").fetchall(),
        }


def test_no_published_file_holds_a_suppressed_number(site, tmp_path, monkeypatch):
    release = (site.warehouse_root / "current").resolve()
    # the control: the same live warehouse published with the threshold 1 withholds nothing, and every search
    # finds there what it must not find in the real release (so a search that is blind cannot pass)
    control = republish(site, tmp_path / "control", "1", monkeypatch)
    assert found(control, SECRET) == {"analyst.duckdb": True, "parquet": True, "csv": True}
    assert primary_rows(control) == {
        "analyst.duckdb": [(3.0, 3.0, None, None, None)],
        "parquet": [(3.0, 3.0, None, None, None)],
        "csv": [("3", "3", None, None, None)],
    }
    # the release published by the refresh holds neither
    assert found(release, SECRET) == {"analyst.duckdb": False, "parquet": False, "csv": False}
    assert primary_rows(release) == {form: [(None,) * 5] for form in ("analyst.duckdb", "parquet", "csv")}
    # nor does the follow-up report written from it, where there is one
    for page in (site.warehouse_root / "report").rglob("*.htm*"):
        assert not number(SECRET).search(page.read_text(encoding="utf-8")), page
    # the total beside them is shown, so the search would see a number of that size
    assert found(release, 4714)["csv"]


# ---------------------------------------------------------------------------------------------------------
# the threshold is configuration


def test_the_threshold_is_configuration(site, tmp_path, monkeypatch):
    monkeypatch.delenv("VARDPULS_MIN_COUNT", raising=False)
    assert load_rule().min_count == 5  # indicators/disclosure.yaml
    with analyst(republish(site, tmp_path / "six", "6", monkeypatch)) as con:
        assert listed(con, "17-VC-001", "K") == (None, None, True, "primary: fewer than 6 persons")
        assert listed(con, "17-VC-001", "M")[:3] == (0.0, 0.0, False)  # 0 stays shown
        assert con.execute("SELECT DISTINCT min_count FROM disclosure_rule").fetchall() == [(6,)]
        assert (
            "fewer than 6 persons"
            in con.execute("SELECT rule_en FROM disclosure_rule WHERE part = 'primary'").fetchall()[0][0]
        )
    with analyst(republish(site, tmp_path / "three", "3", monkeypatch)) as con:
        assert listed(con, "19-VC-001", "K") == (3.0, 3.0, False, None)
        assert listed(con, "19-VC-001", "M") == (4711.0, 4711.0, False, None)
        assert con.execute("SELECT count(*) FROM indicator_values WHERE suppressed").fetchall() == [(0,)]


@pytest.mark.parametrize("setting", ["five", "0", "2.5"])
def test_a_threshold_that_is_not_a_whole_number_from_1_publishes_nothing(site, tmp_path, monkeypatch, setting):
    before = republish(site, tmp_path / "release", "5", monkeypatch)
    result = threshold_run(site, tmp_path / "release", setting, monkeypatch)
    assert not result.success
    assert "VARDPULS_MIN_COUNT" in failure_message(result)
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert done == set()
    # refused before anything is written: the release before stays current, and no other appeared
    assert (tmp_path / "release" / "current").resolve() == before
    assert [p.name for p in (tmp_path / "release" / "releases").iterdir()] == [before.name]


def test_a_threshold_that_cannot_be_read_stops_the_publish_job_that_follows(site, tmp_path, monkeypatch):
    """`vardpuls refresh` runs the publish job whatever became of the derive job: with the threshold unreadable,
    the release that job makes must refuse too, not publish again by the rule of before."""
    before = republish(site, tmp_path / "release", "5", monkeypatch)
    assert not threshold_run(site, tmp_path / "release", "five", monkeypatch).success
    result = materialize(
        Warehouse(landing_dir=str(site.landing), warehouse_dir=str(tmp_path / "release")),
        "publish/release",
        upstream=False,
    )
    assert not result.success
    assert "VARDPULS_MIN_COUNT" in failure_message(result) or "disclosure control" in failure_message(result)
    assert [p.name for p in (tmp_path / "release" / "releases").iterdir()] == [before.name]


# ---------------------------------------------------------------------------------------------------------
# the rules on hand-made cells: events, denominators, municipalities, the same count in two indicators


def hand_made(con: duckdb.DuckDBPyConnection, values: list[tuple]) -> None:
    """The tables protect() reads, with a catalogue of four made-up indicators and the given values."""
    con.execute("CREATE SCHEMA core").fetchall()
    con.execute("CREATE SCHEMA indicators").fetchall()
    con.execute("CREATE MACRO listing_age_group(band) AS '80+'").fetchall()
    con.execute(
        "CREATE TABLE core.areas AS SELECT * FROM (VALUES ('19', '00'), ('1980', '19'), ('1981', '19'), "
        "('1982', '19')) a(area_code, parent_code)"
    ).fetchall()
    con.execute(
        "CREATE TABLE core.indicators AS SELECT * FROM (VALUES ('events', 'events', 'none'), "
        "('share', 'persons', 'persons'), ('persons', 'persons', 'none'), ('per_person', 'none', 'persons'), "
        "('money', 'none', 'none')) i(indicator_id, disclosure_numerator, disclosure_denominator)"
    ).fetchall()
    con.execute("ALTER TABLE core.indicators ADD COLUMN disclosure_persons VARCHAR DEFAULT 'none'").fetchall()
    con.execute(
        "CREATE TABLE core.listed_inhabitants (county_code VARCHAR, health_centre_id VARCHAR, "
        "period VARCHAR, sex VARCHAR, age_band VARCHAR, listed INTEGER)"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, "
        "period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, numerator DOUBLE, "
        "denominator DOUBLE, persons BIGINT)"
    ).fetchall()
    con.executemany(
        "INSERT INTO indicators.indicator_values VALUES (?, ?, NULL, '2024', ?, 'all', 'all', ?, ?, NULL)", values
    )


def withheld(con) -> dict:
    return {
        (i, a, s): r
        for i, a, s, r in con.execute(
            "SELECT indicator_id, area_code, sex, reason FROM disclosure_work WHERE suppressed"
        ).fetchall()
    }


def test_the_rules_on_hand_made_cells():
    con = duckdb.connect()
    hand_made(
        con,
        [
            # events: county 19 = its three municipalities; 2 events is small, 0 is not
            ("events", "19", "T", 32, None),
            ("events", "1980", "T", 2, None),
            ("events", "1981", "T", 0, None),
            ("events", "1982", "T", 30, None),
            # a share with 0 of 3 persons: the small denominator withholds it; 0 of 50 is shown
            ("share", "1980", "T", 0, 3),
            ("share", "1981", "T", 0, 50),
            # persons by sex: K = 2 withholds M = 40 (K + M = T), and 40 is the denominator of per_person for men
            ("persons", "19", "T", 42, None),
            ("persons", "19", "K", 2, None),
            ("persons", "19", "M", 40, None),
            ("per_person", "19", "M", 12.5, 40),
            # money is never withheld
            ("money", "1980", "T", 1, None),
        ],
    )
    summary = protect(con, load_rule(environ={}))
    assert summary["min_count"] == 5 and summary["primary"] == 3
    assert withheld(con) == {
        ("events", "1980", "T"): "primary: fewer than 5 events",
        # the smallest municipality above 0 (the 0 of 1981 would protect nothing)
        ("events", "1982", "T"): "secondary: the municipalities add up to the county (the counties to Riket) "
        "and would reveal a suppressed value",
        ("share", "1980", "T"): "primary: fewer than 5 persons",
        ("persons", "19", "K"): "primary: fewer than 5 persons",
        ("persons", "19", "M"): "secondary: K + M = T would reveal a suppressed value",
        ("per_person", "19", "M"): "secondary: the same count is in another value that is suppressed",
    }
    # a lower threshold: only what is below it
    protect(con, load_rule(environ={"VARDPULS_MIN_COUNT": "2"}))
    assert withheld(con) == {}
    protect(con, load_rule(environ={"VARDPULS_MIN_COUNT": "3"}))
    assert set(withheld(con)) == {
        ("events", "1980", "T"),
        ("events", "1982", "T"),
        ("persons", "19", "K"),
        ("persons", "19", "M"),
        ("per_person", "19", "M"),
    }


# ---------------------------------------------------------------------------------------------------------
# every indicator says what its counts are


def test_every_indicator_says_what_its_counts_are():
    catalogue = {i.id: i for i in load_catalogue()}
    for indicator in catalogue.values():
        assert indicator.disclosure_numerator in ("persons", "events", "none"), indicator.id
        assert indicator.disclosure_denominator in ("persons", "events", "none"), indicator.id
        assert indicator.disclosure_reason, indicator.id
    assert catalogue["listed_inhabitants"].disclosure_numerator == "persons"
    assert catalogue["population_share_80plus"].disclosure_denominator == "persons"
    assert catalogue["net_cost_growth"].disclosure_numerator == "none"


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t[: t.index("disclosure:")], "field 'disclosure' is missing"),
        (lambda t: t.replace("  numerator: persons\n", "  numerator: people\n"), "disclosure numerator 'people'"),
        (lambda t: t[: t.index("  reason:")], "disclosure needs a 'reason'"),
    ],
)
def test_a_missing_or_unknown_disclosure_is_refused(tmp_path, edit, message):
    source = CATALOGUE_DIR / "population_total.yaml"
    (tmp_path / source.name).write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError, match="population_total.yaml") as error:
        load_catalogue(tmp_path)
    assert message in str(error.value)
