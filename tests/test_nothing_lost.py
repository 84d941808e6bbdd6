"""Nothing lost: every delivered row of every regional source ends in the facts or in the quarantine.

Two nights over the sample's organisation register and its May and June 2024 of every monthly source. The first
night delivers them as they are. The second brings what real deliveries bring:

- May's payroll again under its own name, with one employee-month of June added at its end (a stray row): the new
  version replaces every row the old one delivered, and the stray row is held out (``period_of_the_file``);
  above all it does not replace June's own payroll, delivered the night before;
- May's ledger again under a new name (``huvudbok_2024-05_rättelse``): it replaces May of the old file;
- June's listings with a row of May at the end, and June's census with a census day of May: held out.

The sums are worked out here from the files themselves (DuckDB reading the Parquet and CSV files, not the
pipeline's reader): for each source, the rows of the files that are current for their periods equal the rows the
facts count plus the rows in the quarantine, and the facts' totals (listed inhabitants, FTE, amounts, occupied
beds) equal the files' totals less the held-out rows'.
"""

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import PROJECT_ROOT
from tests.conftest import Site, failure_message

pytestmark = pytest.mark.integration

SAMPLE = PROJECT_ROOT / "data" / "sample"
FACTS = ("core/units", "core/listed_inhabitants", "core/staff_fte", "core/cost", "core/bed_days", "core/quarantine")
MAY_PAYROLL, JUNE_PAYROLL = "personal_2024-05.parquet", "personal_2024-06.parquet"
MAY_LEDGER, MAY_LEDGER_AGAIN = "huvudbok_2024-05.parquet", "huvudbok_2024-05_rättelse.parquet"
JUNE_LISTINGS, JUNE_CENSUS = "listning_2024-06.csv", "vardplatslage_2024-06.csv"


def copy(source: str, name: str, landing: Path) -> Path:
    (landing / source).mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SAMPLE / source / name, landing / source / name))


def append_line(path: Path, line: str, encoding: str) -> None:
    with path.open("ab") as out:
        out.write((line + "\r\n").encode(encoding))


def file_lines(path: Path, encoding: str) -> list[list[str]]:
    """The data lines of a delivered CSV file (';', the header left out), split into cells."""
    text = path.read_bytes().decode(encoding).lstrip("\ufeff")
    return [line.split(";") for line in text.splitlines()[1:] if line.strip()]


def later(path: Path) -> None:
    """A modification time a minute after the file's own: a new version the next night is seen as changed."""
    stat = path.stat()
    os.utime(path, (stat.st_atime + 60, stat.st_mtime + 60))


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("nothing_lost"))
    landing = site.landing
    copy("organisation", "enheter.csv", landing)
    for month in ("2024-05", "2024-06"):
        copy("listings", f"listning_{month}.csv", landing)
        copy("staffing", f"personal_{month}.parquet", landing)
        copy("cost", f"huvudbok_{month}.parquet", landing)
        copy("beds", f"vardplatslage_{month}.csv", landing)
    first = site.materialize(*FACTS)
    assert first.success, failure_message(first)
    before = dict(site.query("SELECT period, sum(employee_months) FROM core.staff_fte GROUP BY period"))

    # the second night's deliveries
    payroll = landing / "staffing" / MAY_PAYROLL
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{SAMPLE / 'staffing' / MAY_PAYROLL}') UNION ALL "
            f"(SELECT * REPLACE ('2024-06' AS period, anställningsnummer || '9' AS anställningsnummer) "
            f"FROM read_parquet('{SAMPLE / 'staffing' / MAY_PAYROLL}') LIMIT 1)) "
            f"TO '{payroll}' (FORMAT parquet)"
        ).fetchall()
        con.execute(
            f"COPY (SELECT * REPLACE (belopp * 2 AS belopp) FROM read_parquet('{SAMPLE / 'cost' / MAY_LEDGER}')) "
            f"TO '{landing / 'cost' / MAY_LEDGER_AGAIN}' (FORMAT parquet)"
        ).fetchall()
    later(payroll)
    listings = landing / "listings" / JUNE_LISTINGS
    append_line(listings, "2024-05;19-VC-001;0-5;K;99;SYNTETISK vardpuls", "cp1252")
    later(listings)
    census = landing / "beds" / JUNE_CENSUS
    ward_day = file_lines(census, "utf-8-sig")[0]
    append_line(census, ";".join(["2024-05-31", *ward_day[1:]]), "utf-8")
    later(census)
    second = site.materialize(*FACTS)
    assert second.success, failure_message(second)
    return site, before


def current_files(site: Site) -> dict[str, list[Path]]:
    """The files whose rows are current: every file but the ledger the re-delivery under a new name replaced."""
    landing = site.landing
    return {
        source: sorted(p for p in (landing / source).iterdir() if p.name != MAY_LEDGER)
        for source in ("organisation", "listings", "staffing", "cost", "beds")
    }


def delivered(files: list[Path], measure: str | None) -> tuple[int, float]:
    """Rows and the total of a column, read from the files themselves (DuckDB, every cell as text)."""
    with duckdb.connect() as con:
        parts = []
        for path in files:
            if path.suffix == ".parquet":
                parts.append(f"SELECT * FROM read_parquet('{path}')")
            else:
                encoding = "latin-1" if path.parent.name == "listings" else "utf-8"
                parts.append(
                    f"SELECT * FROM read_csv('{path}', delim=';', header=true, all_varchar=true, encoding='{encoding}')"
                )
        total = f"sum(replace(CAST(\"{measure}\" AS VARCHAR), ',', '.')::DOUBLE)" if measure else "0"
        rows, amount = con.execute(f"SELECT count(*), {total} FROM ({' UNION ALL BY NAME '.join(parts)})").fetchall()[0]
    return rows, amount or 0.0


def quarantined(site: Site, source: str) -> list[tuple]:
    return site.query("SELECT source_file, rule FROM core.quarantine WHERE source = ? ORDER BY ALL", [source])


def test_a_stray_row_of_another_month_is_held_out_and_replaces_nothing(nights):
    site, before = nights
    assert quarantined(site, "staffing") == [(MAY_PAYROLL, "period_of_the_file")]
    assert quarantined(site, "listings") == [(JUNE_LISTINGS, "period_of_the_file")]
    assert quarantined(site, "beds") == [(JUNE_CENSUS, "period_of_the_file")]
    assert quarantined(site, "cost") == [] and quarantined(site, "organisation") == []
    # June's payroll is the June file's, whole, as the night before
    june_rows, _ = delivered([site.landing / "staffing" / JUNE_PAYROLL], None)
    after = dict(site.query("SELECT period, sum(employee_months) FROM core.staff_fte GROUP BY period"))
    assert after["2024-06"] == before["2024-06"] == june_rows
    # the register says what each version delivered: the re-delivered payroll May only, the name's period kept
    assert site.query(
        "SELECT periods, named_period FROM raw.regional_files WHERE source_file = ? "
        "ORDER BY file_version_id DESC LIMIT 1",
        [MAY_PAYROLL],
    ) == [(["2024-05"], "2024-05")]


def test_a_re_delivery_under_a_new_name_replaces_the_month_it_delivers(nights):
    site, _ = nights
    assert site.query("SELECT count(*) FROM raw.cost WHERE source_file = ?", [MAY_LEDGER]) == [(0,)]
    rows, amount = delivered([site.landing / "cost" / MAY_LEDGER_AGAIN], "belopp")
    assert site.query(
        "SELECT sum(ledger_rows), round(sum(amount_sek), 2)::DOUBLE FROM core.cost WHERE period = '2024-05'"
    ) == [(rows, round(amount, 2))]


@pytest.mark.parametrize(
    "source, fact_rows, measure, fact_total",
    [
        ("organisation", "SELECT count(*) FROM core.units", None, None),
        (
            "listings",
            "SELECT count(*) FROM core.listed_inhabitants",
            "antal_listade",
            "SELECT sum(listed) FROM core.listed_inhabitants",
        ),
        (
            "staffing",
            "SELECT sum(employee_months) FROM core.staff_fte",
            "sysselsättningsgrad",
            "SELECT sum(fte) FROM core.staff_fte",
        ),
        ("cost", "SELECT sum(ledger_rows) FROM core.cost", "belopp", "SELECT sum(amount_sek) FROM core.cost"),
        ("beds", "SELECT count(*) FROM core.bed_days", "belagda", "SELECT sum(beds_occupied) FROM core.bed_days"),
    ],
)
def test_every_delivered_row_is_in_the_facts_or_in_the_quarantine(nights, source, fact_rows, measure, fact_total):
    site, _ = nights
    files = current_files(site)[source]
    rows, total = delivered(files, measure)
    held_out = len(quarantined(site, source))
    assert site.query(fact_rows)[0][0] + held_out == rows
    if measure:
        # the held-out rows' part of the total: the stray rows added above (a copy of a row of the same file)
        stray = {
            "listings": 99.0,
            "beds": float(file_lines(site.landing / "beds" / JUNE_CENSUS, "utf-8-sig")[0][3]),
            "staffing": delivered_first_fte(site),
        }.get(source, 0.0)
        assert float(site.query(fact_total)[0][0]) == pytest.approx(total - stray, abs=1e-6)


def delivered_first_fte(site: Site) -> float:
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT sysselsättningsgrad FROM read_parquet('{site.landing / 'staffing' / MAY_PAYROLL}') "
            "WHERE period = '2024-06'"
        ).fetchall()[0][0]
