"""A new regional source is data only: outpatient visits added to a copy of the project without a line of Python.

The project's code and definitions are copied into a temporary folder, and the new source is added there from the
files of tests/fixtures/extra_source/ alone: its format (pipelines/regional/formats.yaml), its suite, its staging,
core and publish SQL, its description (docs/sources/visits.md) and an indicator on it (visits per 1,000 listed
inhabitants). `python -m pipelines.cli refresh` then runs from the copy, with the copy's code, over the bundled
sample and two months of visits, one row of which names a health centre the organisation register does not know.
The new source is loaded, staged and checked rule by rule, its bad row held out and named, its facts built, the
indicator computed (against the figures worked out below from the delivered files themselves), and its table
published; and every Python file of the copy is still the project's, byte for byte.
"""

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.settings import PROJECT_ROOT
from tests.conftest import live_database

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).parent / "fixtures" / "extra_source"
SAMPLE = PROJECT_ROOT / "data" / "sample"
COPIED = ("pipelines", "sql", "indicators", "goals", "data/reference", "pyproject.toml", "workspace.yaml")
# besok_2024-11.csv and besok_2024-12.csv, by hand: 19-VC-001 and 19-VC-010, both health centres of county 19
VISITS = {"2024-11": 1200 + 800 + 2500 + 300, "2024-12": 1100 + 2400 + 700}
BAD_ROW = ("besok_2024-12.csv", 3)  # 19-VC-999: no such unit in the organisation register (the header is row 1)


def python_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "pipelines").rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def read_delivered(path: Path) -> list[dict]:
    """A delivered CSV as the source system wrote it (UTF-8 with BOM, or Windows-1252)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def listed_in_county(county: str, month: str) -> int:
    """The inhabitants listed that month at the county's health centres, summed from the sample's own files."""
    county_of = {
        row["enhets_id"]: row["kommunkod"][:2] for row in read_delivered(SAMPLE / "organisation" / "enheter.csv")
    }
    rows = read_delivered(SAMPLE / "listings" / f"listning_{month}.csv")
    assert rows and all(row["period"] == month for row in rows)
    return sum(int(row["antal_listade"]) for row in rows if county_of[row["vårdcentral_id"]] == county)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    root = tmp_path_factory.mktemp("extra_source")
    copy = root / "project"
    for name in COPIED:
        source, target = PROJECT_ROOT / name, copy / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # the new source, from the fixture files only
    shutil.copytree(FIXTURE / "project", copy, dirs_exist_ok=True)
    formats = copy / "pipelines" / "regional" / "formats.yaml"
    formats.write_text(
        formats.read_text(encoding="utf-8") + (FIXTURE / "formats_visits.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    landing, warehouse, home = root / "landing", root / "warehouse", root / "dagster_home"
    shutil.copytree(SAMPLE, landing)
    shutil.copytree(FIXTURE / "landing" / "visits", landing / "visits")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VARDPULS_")}
    environment |= {"PYTHONPATH": str(copy), "DAGSTER_HOME": str(home)}
    which = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pipelines.cli, pipelines.settings as s; print(pipelines.cli.__file__); print(s.PROJECT_ROOT)",
        ],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "refresh", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    return {
        "copy": copy,
        "landing": landing,
        "warehouse": warehouse,
        "home": home,
        "which": which.stdout.split(),
        "code": done.returncode,
        "out": done.stdout,
        "err": done.stderr,
    }


def live(refreshed, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(live_database(refreshed["warehouse"])), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def published(refreshed, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(refreshed["warehouse"] / "current" / "analyst.duckdb"), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_the_refresh_ran_the_copys_own_code_with_no_python_changed(refreshed):
    copy = refreshed["copy"]
    assert refreshed["which"] == [str(copy / "pipelines" / "cli.py"), str(copy)]
    assert python_files(copy) == python_files(PROJECT_ROOT)
    assert "Traceback" not in refreshed["err"], refreshed["err"][-3000:]
    # rows were quarantined by a blocking rule, everything else is published: exit 1, nothing refused or failed
    assert refreshed["code"] == 1, refreshed["out"][-3000:] + refreshed["err"][-3000:]
    assert "FAILED" not in refreshed["err"] and "REFUSED" not in refreshed["out"], refreshed["err"][-3000:]
    assert "rows broke blocking rules and were quarantined" in refreshed["err"]


def test_the_visits_are_loaded_into_raw_with_their_lineage(refreshed):
    assert live(
        refreshed, "SELECT source_file, count(*), bool_and(synthetic) FROM raw.visits GROUP BY 1 ORDER BY 1"
    ) == [("besok_2024-11.csv", 4, True), ("besok_2024-12.csv", 4, True)]
    assert live(
        refreshed, "SELECT source, source_file, row_count FROM raw.regional_files WHERE source = 'visits' ORDER BY 2"
    ) == [("visits", "besok_2024-11.csv", 4), ("visits", "besok_2024-12.csv", 4)]
    line = next(line for line in refreshed["out"].splitlines() if line.strip().startswith("visits "))
    assert "2 files (2 loaded, 0 unchanged), 8 rows loaded" in line, line


def test_staging_holds_the_finding_of_the_bad_row_and_only_that_one(refreshed):
    findings = live(refreshed, "SELECT source_file, source_row, finding FROM staging.visits WHERE finding IS NOT NULL")
    assert findings == [(*BAD_ROW, ["vårdcentral_id", "health_centre_registered", "19-VC-999"])]
    assert live(refreshed, "SELECT count(*) FROM staging.visits WHERE finding IS NULL") == [(7,)]
    quarantine = published(
        refreshed,
        "SELECT source, source_file, source_row, column_name, rule, rule_title, value "
        "FROM quarantine WHERE source = 'visits'",
    )
    assert quarantine == [
        (
            "visits",
            *BAD_ROW,
            "vårdcentral_id",
            "health_centre_registered",
            "The vårdcentral_id is a unit in the organisation register that month",
            "19-VC-999",
        )
    ]
    assert any(
        line.split()[:1] == ["visits"] and "health_centre_registered:" in line for line in refreshed["out"].splitlines()
    ), refreshed["out"][-3000:]


def test_the_check_of_the_rule_reports_the_row_and_the_other_rules_pass(refreshed):
    suite_rules = [r for (r,) in live(refreshed, "SELECT rule FROM core.quality_rules WHERE suite = 'visits'")]
    assert len(suite_rules) == 8 and "health_centre_registered" in suite_rules
    staging = dg.AssetKey(["staging", "visits"])
    with dg.DagsterInstance.from_config(str(refreshed["home"])) as instance:
        latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(staging, rule) for rule in suite_rules]
        )
        evaluations = {key.name: record.event.dagster_event.event_specific_data for key, record in latest.items()}
    assert set(evaluations) == set(suite_rules)
    broken = evaluations.pop("health_centre_registered")
    assert (broken.passed, broken.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert (
        broken.metadata["unexpected"].value == 1 and broken.description == "1 rows held out of the facts (quarantine)"
    )
    assert broken.metadata["first_failing_rows"].value == [
        {"file": BAD_ROW[0], "row": BAD_ROW[1], "value": "19-VC-999"}
    ]
    assert all(evaluation.passed for evaluation in evaluations.values()), evaluations
    # the published quality results say the same, over both months
    assert published(
        refreshed,
        "SELECT severity, success, evaluated, unexpected FROM quality_results "
        "WHERE suite = 'visits' AND rule = 'health_centre_registered'",
    ) == [("blocking", False, 8, 1)]


def test_core_visits_holds_the_rows_no_rule_held_out(refreshed):
    assert live(
        refreshed, "SELECT period, county_code, sum(visits), count(*) FROM core.visits GROUP BY ALL ORDER BY 1"
    ) == [("2024-11", "19", VISITS["2024-11"], 4), ("2024-12", "19", VISITS["2024-12"], 3)]
    assert live(
        refreshed,
        "SELECT health_centre_name FROM core.visits WHERE health_centre_id = '19-VC-001' "
        "AND period = '2024-11' AND visit_type = 'läkare'",
    )[0][0]


def test_the_indicator_on_the_new_source_has_the_values_worked_out_by_hand(refreshed):
    for month, visits in VISITS.items():
        listed = listed_in_county("19", month)
        assert listed > 250_000  # the sample's Västmanland lists about 277,000
        rows = published(
            refreshed,
            "SELECT value, numerator, denominator, ci_method, ci_lower, ci_upper, synthetic, "
            "suppressed FROM indicator_values WHERE indicator_id = 'visits_per_1000_listed' "
            "AND area_code = '19' AND period = ? AND sex = 'T'",
            [month],
        )
        assert len(rows) == 1, (month, rows)
        value, numerator, denominator, method, lower, upper, synthetic, suppressed = rows[0]
        assert (numerator, denominator) == (visits, listed)
        assert value == pytest.approx(1000 * visits / listed)
        assert method == "poisson" and lower < value < upper
        assert synthetic and not suppressed
    catalogue = published(
        refreshed, "SELECT title_en, theme FROM indicators WHERE indicator_id = 'visits_per_1000_listed'"
    )
    assert catalogue == [("Primary care visits per 1,000 listed inhabitants", "staffing")]


def test_the_new_table_is_published_in_analyst_duckdb_and_parquet(refreshed):
    rows = published(
        refreshed, "SELECT period, health_centre_id, visit_type, visits, synthetic FROM visits ORDER BY ALL"
    )
    assert len(rows) == 7 and sum(r[3] for r in rows) == sum(VISITS.values()) and all(r[4] for r in rows)
    assert ("2024-12", "19-VC-999", "läkare", 50, True) not in rows
    parquet = refreshed["warehouse"] / "current" / "exports" / "parquet" / "visits" / "data.parquet"
    with duckdb.connect() as con:
        assert (
            con.execute(
                f"SELECT period, health_centre_id, visit_type, visits, synthetic FROM read_parquet('{parquet}') "
                "ORDER BY ALL"
            ).fetchall()
            == rows
        )
    comments = published(refreshed, "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'visits'")
    assert comments and all(comment for _, comment in comments)
    line = next(
        line
        for line in refreshed["out"].splitlines()
        if line.split()[:1] == ["visits"] and "rows" in line and "parquet" in line
    )
    assert line.split()[1] == "7" and line.rstrip().endswith("visits/data.parquet"), line
