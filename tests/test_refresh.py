"""The whole refresh through the command line, on the bundled sample and on bad input."""

import csv
import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from pipelines.indicators.catalogue import load_catalogue
from pipelines.publish import publish
from pipelines.quality.suites import load_suites
from pipelines.settings import PROJECT_ROOT
from pipelines.warehouse import Warehouse
from tests.conftest import table_files, table_state

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
PUBLISHED_TABLES = {
    "areas",
    "indicator_values",
    "indicators",
    "population",
    "source_files",
    "units",
    "listed_inhabitants",
    "staff_fte",
    "cost",
    "bed_days",
    "quarantine",
    "quality_results",
    "quality_rules",
    "benchmark_values",
    "benchmark_kpis",
    "benchmark_ranks",
    "benchmark_comparison",
    "population_projections",
    "goals",
    "goal_progress",
    "runs",
    "indicator_trends",
    "disclosure_rule",
    "benchmark_assessment",
    "rank_intervals",
    "unit_funnels",
    "funnel_limits",
    "goal_comments",
    # what was delivered against what the organisation register expects, and the price index
    "coverage",
    "deflators",
    # the operator's retractions and acknowledgements (docs/using.md, "Operator")
    "decisions",
    # vintages: what each release published and what changed (docs/vintages.md)
    "releases",
    "release_changes",
    "indicator_value_history",
    "goal_progress_history",
    "benchmark_value_history",
    "benchmark_revisions",
}


@pytest.fixture
def refresh(tmp_path, monkeypatch):
    """Run `vardpuls refresh` in this process against a temporary warehouse; returns (exit code, out, err)."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("VARDPULS_LANDING", str(SAMPLE))
    monkeypatch.setenv("VARDPULS_WAREHOUSE", str(tmp_path / "warehouse"))

    def run(capsys, landing: Path = SAMPLE, warehouse: Path = tmp_path / "warehouse"):
        code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def analyst(tmp_path):
    def open_snapshot():
        return duckdb.connect(str(tmp_path / "warehouse" / "analyst.duckdb"), read_only=True)

    return open_snapshot


def test_refresh_on_the_sample_publishes_every_table(refresh, analyst, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VARDPULS_EXCEL_MAX_ROWS", raising=False)  # every table as Excel workbooks too
    code, out, _ = refresh(capsys)
    assert code == 0
    assert "analyst DuckDB" in out and "SYNTHETIC" in out
    with analyst() as con:
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == PUBLISHED_TABLES
        columns = [row[0] for row in con.execute("DESCRIBE indicator_values").fetchall()]
        assert columns[:7] == ["indicator_id", "area_code", "period", "sex", "value", "numerator", "denominator"]
        assert con.execute("SELECT DISTINCT sex FROM indicator_values ORDER BY 1").fetchall() == [
            ("K",),
            ("M",),
            ("T",),
        ]
        periods = [row[0] for row in con.execute("SELECT DISTINCT period FROM indicator_values").fetchall()]
        assert periods and all(re.fullmatch(r"\d{4}(-\d{2})?", p) for p in periods)
        assert con.execute("SELECT min(age), max(age), typeof(any_value(age)) FROM population").fetchall() == [
            (0, 100, "INTEGER")
        ]
        assert con.execute("SELECT count(*) FROM indicators").fetchall() == [(len(load_catalogue()),)]
        # every value built on the synthetic sample says so
        assert con.execute("SELECT bool_and(synthetic) FROM indicator_values").fetchall() == [(True,)]
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES}
        # every published table and column explains itself (COMMENT ON, from sql/publish/<table>.sql)
        assert (
            con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND (comment IS NULL OR comment = '')"
            ).fetchall()
            == []
        )
        assert (
            con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
                "AND (comment IS NULL OR comment = '') ORDER BY ALL"
            ).fetchall()
            == []
        )
    for table, rows in counts.items():  # one file per table, or one per year
        files = table_files(tmp_path / "warehouse", table)
        assert files and sum(pq.read_metadata(f).num_rows for f in files) == rows, table
    assert not list((tmp_path / "warehouse" / "releases").glob(".*")), "partial release left behind"
    # a release is read-only on disk: readers open it read-only, nobody writes into what was published
    release = (tmp_path / "warehouse" / "current").resolve()
    assert {oct(p.stat().st_mode & 0o777) for p in release.rglob("*") if p.is_file()} == {"0o444"}
    # CSV for Swedish Excel: UTF-8 with a BOM, semicolons, decimal commas; the same rows and values
    csv_dir = tmp_path / "warehouse" / "exports" / "csv"
    with duckdb.connect() as con:
        for table, rows in counts.items():
            files = table_files(tmp_path / "warehouse", table, "csv")
            assert files and all(csv.read_bytes()[:3] == b"\xef\xbb\xbf" for csv in files), table
            read = (
                f"read_csv({[str(f) for f in files]}, delim = ';', header = true, decimal_separator = ',', "
                "encoding = 'utf-8')"
            )
            assert con.execute(f"SELECT count(*) FROM {read}").fetchall() == [(rows,)], table
        parquet = [str(f) for f in table_files(tmp_path / "warehouse", "indicator_values")]
        csvs = table_files(tmp_path / "warehouse", "indicator_values", "csv")
        read = f"read_csv({[str(f) for f in csvs]}, delim = ';', header = true, decimal_separator = ',')"
        from_csv, from_parquet = (
            con.execute(f"SELECT sum(value)::DOUBLE, count(value) FROM {source}").fetchall()[0]
            for source in (read, f"read_parquet({parquet}, hive_partitioning = false)")
        )
        assert from_csv[1] == from_parquet[1] and abs(from_csv[0] - from_parquet[0]) < 1e-3
        assert ";" in csvs[0].read_text(encoding="utf-8-sig").splitlines()[0]
        assert csv_dir.is_dir()
    # Excel workbooks: every table (by year where it is cut by year), its rows on the Data sheets, codes as text
    for table, rows in counts.items():
        books = table_files(tmp_path / "warehouse", table, "xlsx")
        assert books, table
        held = 0
        for book in books:
            workbook = openpyxl.load_workbook(book, read_only=True)
            assert workbook.sheetnames[0] == "Om tabellen", book
            held += sum(workbook[name].max_row - 1 for name in workbook.sheetnames if name.startswith("Data"))
            workbook.close()
        assert held == rows, table
    areas = openpyxl.load_workbook(table_files(tmp_path / "warehouse", "areas", "xlsx")[0], read_only=True)["Data"]
    first = next(areas.iter_rows(min_row=2, max_row=2))
    assert first[0].value == "00" and first[0].data_type == "s"  # Riket's code, leading zero kept
    values = table_files(tmp_path / "warehouse", "indicator_values", "xlsx")[0]
    sheet = openpyxl.load_workbook(values, read_only=True)["Data"]
    header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Värde")].value is not None)
    assert row[header.index("Period")].data_type == "s" and row[header.index("Värde")].data_type == "n"
    # the runs table traces this publication to its refresh, its code and every file behind it
    with analyst() as con:
        run = con.execute(
            "SELECT refresh_run_id IS NOT NULL, started <= finished, code_version, len(source_files), "
            "json_extract(row_counts, '$.indicator_values')::BIGINT FROM runs"
        ).fetchall()
        files = con.execute("SELECT count(*) FROM source_files").fetchall()[0][0]
    assert len(run) == 1 and run[0][:2] == (True, True) and run[0][2].startswith("0.1.0+")
    assert run[0][3] == files and run[0][4] == counts["indicator_values"]
    # the Great Expectations suites ran over every staging table, with Data Docs beside
    assert "Data quality (Great Expectations; Data Docs:" in out
    index = tmp_path / "warehouse" / "quality" / "data_docs" / "index.html"
    assert index.is_file() and "staffing" in index.read_text(encoding="utf-8")
    with analyst() as con:
        suites = con.execute(
            "SELECT suite, count(*), bool_and(success OR severity = 'warning') "
            "FROM quality_results GROUP BY 1 ORDER BY 1"
        ).fetchall()
    # a suite per source, the deliveries the register expects (coverage), and the release's checks against the
    # release before it (releases: docs/vintages.md)
    assert [s[0] for s in suites] == [
        "beds",
        "cost",
        "coverage",
        "deflators",
        "listings",
        "organisation",
        "population",
        "population_projections",
        "releases",
        "staffing",
    ]
    # a result per rule of each suite's file, and no blocking rule broken on the sample
    rules = {name: len(suite.rules) for name, suite in load_suites().items()}
    assert {suite: (count, ok) for suite, count, ok in suites if suite != "releases"} == {
        suite: (rules[suite], True) for suite, *_ in suites if suite != "releases"
    }
    # a release made again from the same live data: every workbook but those of the changed tables (the
    # publication logs) is the release before's file itself, not written again
    before = (tmp_path / "warehouse" / "current").resolve()
    with Warehouse(landing_dir=str(SAMPLE), warehouse_dir=str(tmp_path / "warehouse")).connect() as con:
        changed = {
            t for t, entry in publish(con, tmp_path / "warehouse", "0123456789ab")["tables"].items() if entry["changed"]
        }
    after = (tmp_path / "warehouse" / "current").resolve()
    assert after != before and changed and changed <= PUBLICATION_LOGS
    for book in (before / "exports" / "xlsx").rglob("*.xlsx"):
        kept = (after / book.relative_to(before)).stat().st_ino == book.stat().st_ino
        assert kept == (not changed & {book.stem, book.parent.name}), book


def test_sample_population_matches_published_totals(refresh, analyst, capsys):
    """Every SCB total in data/reference/published_figures.csv for the sample's counties and years."""
    assert refresh(capsys)[0] == 0
    with open(PROJECT_ROOT / "data" / "reference" / "published_figures.csv", encoding="utf-8") as handle:
        published = [
            r
            for r in csv.DictReader(handle)
            if r["metric"] == "folkmangd_31dec"
            and r["geo_code"] in {"19", "17", "14"}
            and 2015 <= int(r["period"]) <= 2024
        ]
    assert len(published) >= 6
    with analyst() as con:
        for figure in published:
            value = con.execute(
                "SELECT value FROM indicator_values WHERE indicator_id = 'population_total' AND sex = 'T' "
                "AND area_code = ? AND period = ?",
                [figure["geo_code"], figure["period"]],
            ).fetchall()
            assert value == [(float(figure["value"]),)], figure


def test_indicators_agree_with_a_hand_computation_from_the_population_table(refresh, analyst, tmp_path, capsys):
    assert refresh(capsys)[0] == 0
    rows = [
        r
        for f in table_files(tmp_path / "warehouse", "population")
        for r in pq.read_table(f, filters=[("area_code", "=", "19"), ("year", "=", 2023)]).to_pylist()
    ]
    total = sum(r["persons"] for r in rows)
    young = sum(r["persons"] for r in rows if r["age"] <= 19)
    working = sum(r["persons"] for r in rows if 20 <= r["age"] <= 64)
    old = sum(r["persons"] for r in rows if r["age"] >= 65)
    very_old_women = sum(r["persons"] for r in rows if r["age"] >= 80 and r["sex"] == "K")
    women = sum(r["persons"] for r in rows if r["sex"] == "K")
    with analyst() as con:

        def value(indicator, sex="T"):
            return con.execute(
                "SELECT value, numerator, denominator FROM indicator_values WHERE indicator_id = ? "
                "AND area_code = '19' AND period = '2023' AND sex = ?",
                [indicator, sex],
            ).fetchall()[0]

        assert value("population_total") == (total, total, None)
        assert value("dependency_ratio") == pytest.approx(((young + old) / working, young + old, working))
        assert value("population_share_65plus") == pytest.approx((100 * old / total, old, total))
        assert value("population_share_80plus", "K") == pytest.approx(
            (100 * very_old_women / women, very_old_women, women)
        )


# the publication log gains a row with every publication; every other table is data
# the logs of runs and releases: a new row each time a release is written, whatever it holds
PUBLICATION_LOGS = {"runs", "releases"}


def published_parquet(warehouse: Path) -> dict[Path, str]:
    """sha256 of every published Parquet and CSV file but the publication logs'."""
    return {
        p.relative_to(warehouse): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((warehouse / "exports").rglob("*.*"))
        if not PUBLICATION_LOGS & {p.parent.name, p.stem}
    }


def snapshot_tables(warehouse: Path, tables) -> dict[str, list]:
    con = duckdb.connect(str(warehouse / "analyst.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


def test_a_bad_population_file_fails_the_refresh_and_changes_nothing_published(refresh, tmp_path, capsys):
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    warehouse = tmp_path / "warehouse"
    assert refresh(capsys, landing=landing)[0] == 0
    before, tables_before = published_parquet(warehouse), snapshot_tables(warehouse, PUBLISHED_TABLES)
    (landing / "population" / "zz_broken.csv").write_text(
        '"region","ålder","kön","2025"\n"19 Västmanlands län","0 år","män",1500\n"19 Västmanlands län","tre år","män",7\n',
        encoding="utf-8",
    )
    code, out, err = refresh(capsys, landing=landing)
    assert code == 1
    assert "zz_broken.csv, row 3, column 'ålder': 'tre år' is not understood" in err
    assert "keeps what was published before" in err
    assert re.search(r"^  population +REFUSED: ", out, re.MULTILINE), out
    assert published_parquet(warehouse) == before  # byte for byte
    assert snapshot_tables(warehouse, PUBLISHED_TABLES - PUBLICATION_LOGS) == {
        t: rows for t, rows in tables_before.items() if t not in PUBLICATION_LOGS
    }


def test_a_refused_source_keeps_its_publication_while_the_others_move_on(refresh, tmp_path, capsys):
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing, ignore=shutil.ignore_patterns("*2024-12*"))
    warehouse = tmp_path / "warehouse"
    assert refresh(capsys, landing=landing)[0] == 0
    staff_before = published_parquet(warehouse)
    # December arrives for every source, but the staffing file is broken
    for path in SAMPLE.rglob("*2024-12*"):
        shutil.copy(path, landing / path.parent.name / path.name)
    broken = landing / "staffing" / "personal_2024-12.parquet"
    broken.write_bytes(b"PAR1 this is not a parquet file")
    code, out, err = refresh(capsys, landing=landing)
    assert code == 1
    assert "personal_2024-12.parquet: not a readable Parquet file" in err
    assert re.search(r"^  staffing +REFUSED: ", out, re.MULTILINE), out
    after = published_parquet(warehouse)
    # the refused source: byte for byte as before
    assert table_state(after, "staff_fte") == table_state(staff_before, "staff_fte")
    for table in ("bed_days", "listed_inhabitants", "cost"):
        assert table_state(after, table) != table_state(staff_before, table), table
        assert (
            sum(
                pq.read_table(f, columns=["period"]).column("period").to_pylist().count("2024-12")
                for f in table_files(warehouse, table)
            )
            > 0
        ), table


def test_a_source_without_files_is_reported_and_skipped(refresh, analyst, tmp_path, capsys):
    empty = tmp_path / "empty_landing"
    empty.mkdir()
    code, out, _ = refresh(capsys, landing=empty)
    assert code == 0
    assert "no files in" in out and "skipped" in out
    with analyst() as con:
        assert con.execute("SELECT count(*) FROM indicator_values").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM areas").fetchall() == [(312,)]


def test_a_missing_landing_folder_is_a_clear_error(tmp_path, monkeypatch):
    for name in ("DAGSTER_HOME", "VARDPULS_LANDING", "VARDPULS_WAREHOUSE"):
        monkeypatch.setenv(name, str(tmp_path / name))
    with pytest.raises(SystemExit, match="landing folder .*nowhere does not exist"):
        main(["refresh", "--landing", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "wh")])
