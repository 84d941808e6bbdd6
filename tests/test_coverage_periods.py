"""What the organisation register expects each regional source to deliver, against what came: the coverage
relations (sql/core/<source>_coverage.sql, the macro coverage_periods) on small registers and deliveries worked
out by hand, in an in-memory DuckDB."""

import datetime as dt

import duckdb
import pytest

from pipelines.relations import relation_files
from pipelines.warehouse import forget_connection, register_macros

pytestmark = pytest.mark.unit


def relation(con, layer: str, name: str) -> list[dict]:
    cursor = con.execute(relation_files(layer)[name].select)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def by_key(rows: list[dict]) -> dict[tuple, dict]:
    return {(r["period"], r["unit_id"]): r for r in rows}


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in ("core", "staging"):
        con.execute(f"CREATE SCHEMA {schema}").fetchall()
    register_macros(con)
    yield con
    forget_connection(con)  # the macros are remembered per connection: a new one at the same address needs them
    con.close()


def unit_months(con, rows):
    """core.unit_months from (period, unit_id, unit_name, unit_type, cost_centre, hospital)."""
    con.execute(
        "CREATE TABLE core.unit_months (period VARCHAR, unit_id VARCHAR, unit_name VARCHAR, unit_type VARCHAR, "
        "cost_centre VARCHAR, hospital VARCHAR, county_code VARCHAR, synthetic BOOLEAN)"
    ).fetchall()
    con.executemany("INSERT INTO core.unit_months VALUES (?, ?, ?, ?, ?, ?, '19', false)", rows)


# Three health centres in 2024, VC-003 closing after February; the listing of March lacks VC-002, and only
# January to April are delivered (May to December are not due yet).
CENTRES = [("19-VC-001", "Vårdcentral Ett"), ("19-VC-002", "Vårdcentral Två"), ("19-VC-003", "Vårdcentral Tre")]


def listing_case(con):
    unit_months(
        con,
        [
            (f"2024-{m:02d}", unit, name, "vårdcentral", f"KS-{unit[-3:]}", None)
            for m in range(1, 13)
            for unit, name in CENTRES
            if not (unit == "19-VC-003" and m > 2)
        ],
    )
    con.execute(
        "CREATE TABLE core.listed_inhabitants (period VARCHAR, county_code VARCHAR, health_centre_id VARCHAR, "
        "listed BIGINT)"
    ).fetchall()
    delivered = [
        (f"2024-{m:02d}", unit)
        for m in range(1, 5)
        for unit, _ in CENTRES
        if not (unit == "19-VC-003" and m > 2) and not (unit == "19-VC-002" and m == 3)
    ]
    con.executemany("INSERT INTO core.listed_inhabitants VALUES (?, '19', ?, 100)", delivered)


def test_a_health_centre_missing_from_a_month_is_named_and_the_month_and_year_are_incomplete(con):
    listing_case(con)
    rows = by_key(relation(con, "core", "listings_coverage"))
    march = rows[("2024-03", None)]
    # registered in March: VC-001 and VC-002 (VC-003 closed after February); VC-002 missing
    assert (march["expected"], march["delivered"], march["complete"], march["coverage"]) == (2, 1, False, 0.5)
    assert march["missing_units"] == ["19-VC-002"] and march["missing_named"] == ["19-VC-002 Vårdcentral Två"]
    assert march["note"] == "19-VC-002 saknas i listningen för 2024-03"
    assert rows[("2024-03", "19-VC-002")]["complete"] is False
    assert rows[("2024-03", "19-VC-001")]["complete"] is True
    # February: all three delivered; May is not judged (after the last month delivered)
    assert rows[("2024-02", None)]["complete"] is True and rows[("2024-02", None)]["expected"] == 3
    assert ("2024-05", None) not in rows
    # the year: months January..April judged, only three complete, and not whole
    year = rows[("2024", None)]
    assert (year["expected"], year["delivered"], year["complete"]) == (12, 3, False)
    assert year["note"] == ("3 av 12 månader 2024 fullständiga i listningen; 19-VC-002 saknas i listningen för 2024-03")
    # a centre's year: VC-003 delivered both its months, but the county's year is not whole
    assert rows[("2024", "19-VC-003")]["delivered"] == 2 and rows[("2024", "19-VC-003")]["complete"] is False


def test_a_month_not_delivered_at_all_between_two_that_are(con):
    listing_case(con)
    con.execute("DELETE FROM core.listed_inhabitants WHERE period = '2024-02'").fetchall()
    rows = by_key(relation(con, "core", "listings_coverage"))
    assert rows[("2024-02", None)]["delivered"] == 0
    assert rows[("2024-02", None)]["note"] == "listningen saknas för 2024-02"


def test_the_late_listing_completes_the_month(con):
    listing_case(con)
    con.execute("INSERT INTO core.listed_inhabitants VALUES ('2024-03', '19', '19-VC-002', 100)").fetchall()
    rows = by_key(relation(con, "core", "listings_coverage"))
    assert rows[("2024-03", None)]["complete"] is True and rows[("2024-03", None)]["note"] is None
    assert rows[("2024-03", None)]["missing_units"] == []


def test_a_whole_delivered_year_is_complete(con):
    listing_case(con)
    con.execute(
        "INSERT INTO core.listed_inhabitants SELECT period, '19', unit_id, 100 FROM core.unit_months "
        "WHERE period >= '2024-05' OR (period = '2024-03' AND unit_id = '19-VC-002')"
    ).fetchall()
    rows = by_key(relation(con, "core", "listings_coverage"))
    assert (rows[("2024", None)]["delivered"], rows[("2024", None)]["complete"]) == (12, True)
    assert rows[("2024", "19-VC-003")]["complete"] is True  # its two months, in a whole year


def test_the_ledger_expects_every_cost_centre_of_every_unit(con):
    # two units share no cost centre; the dental unit's cost centre is expected too (every unit type)
    unit_months(
        con,
        [
            ("2024-01", "19-VC-001", "Vårdcentral Ett", "vårdcentral", "KS-1001", None),
            ("2024-01", "19-FTV-01", "Folktandvården", "övrig", "KS-4001", None),
        ],
    )
    con.execute("CREATE TABLE core.cost (period VARCHAR, county_code VARCHAR, cost_centre VARCHAR)").fetchall()
    con.execute("INSERT INTO core.cost VALUES ('2024-01', '19', 'KS-4001')").fetchall()
    rows = by_key(relation(con, "core", "cost_coverage"))
    january = rows[("2024-01", None)]
    assert (january["expected"], january["delivered"], january["counted"]) == (2, 1, "cost centres")
    assert january["note"] == "KS-1001 saknas i huvudboken för 2024-01"
    assert rows[("2024-01", "KS-1001")]["unit_name"] == "Vårdcentral Ett"


def test_the_payroll_expects_health_centres_wards_and_ambulance_stations(con):
    unit_months(
        con,
        [
            ("2024-01", "19-VC-001", "Vårdcentral Ett", "vårdcentral", "KS-1", None),
            ("2024-01", "19-AVD-01", "Avdelning 1", "vårdavdelning", "KS-2", "Sjukhus A"),
            ("2024-01", "19-AMB-01", "Ambulansen", "ambulansstation", "KS-3", None),
            ("2024-01", "19-LMF-01", "Läkemedelsförmånen", "övrig", "KS-4", None),
        ],
    )
    con.execute("CREATE TABLE core.staff_fte (period VARCHAR, county_code VARCHAR, unit_id VARCHAR)").fetchall()
    con.executemany("INSERT INTO core.staff_fte VALUES ('2024-01', '19', ?)", [("19-VC-001",), ("19-AMB-01",)])
    rows = by_key(relation(con, "core", "staffing_coverage"))
    # the pharmaceutical benefit (övrig) has no staff and is not expected; the ward is missing
    assert (rows[("2024-01", None)]["expected"], rows[("2024-01", None)]["delivered"]) == (3, 2)
    assert rows[("2024-01", None)]["missing_units"] == ["19-AVD-01"]
    assert rows[("2024-01", "19-AVD-01")]["hospital"] == "Sjukhus A"


def census_case(con, missing_days: list[dt.date], last_day: dt.date):
    """Two wards open all of 2024 (W2 from 10 January) and the census delivered from 1 January to last_day."""
    con.execute(
        "CREATE TABLE core.units (unit_id VARCHAR, unit_name VARCHAR, unit_type VARCHAR, hospital VARCHAR, "
        "county_code VARCHAR, valid_from DATE, valid_to DATE, synthetic BOOLEAN)"
    ).fetchall()
    con.execute(
        "INSERT INTO core.units VALUES ('W1', 'Avdelning 1', 'vårdavdelning', 'Sjukhus A', '19', "
        "DATE '2015-01-01', NULL, false), ('W2', 'Avdelning 2', 'vårdavdelning', 'Sjukhus A', '19', "
        "DATE '2024-01-10', NULL, false)"
    ).fetchall()
    con.execute("CREATE TABLE core.bed_days (census_date DATE, county_code VARCHAR, ward_id VARCHAR)").fetchall()
    con.execute(
        "INSERT INTO core.bed_days SELECT d::DATE, '19', w FROM generate_series(DATE '2024-01-01', ?::DATE, "
        "INTERVAL 1 DAY) t(d), (VALUES ('W1'), ('W2')) u(w) "
        "WHERE NOT (w = 'W2' AND d < DATE '2024-01-10')",
        [last_day],
    ).fetchall()
    for day in missing_days:
        con.execute("DELETE FROM core.bed_days WHERE ward_id = 'W1' AND census_date = ?", [day]).fetchall()


def test_a_ward_missing_days_is_named_with_the_days(con):
    census_case(con, [dt.date(2024, 3, d) for d in range(1, 32)], dt.date(2024, 12, 31))
    rows = by_key(relation(con, "core", "beds_coverage"))
    # January: W1 31 days, W2 from the 10th, 22 days: 53 ward-days, all delivered
    assert (rows[("2024-01", None)]["expected"], rows[("2024-01", None)]["complete"]) == (53, True)
    march = rows[("2024-03", None)]
    assert (march["expected"], march["delivered"], march["complete"]) == (62, 31, False)
    assert march["note"] == "W1 saknas i vårdplatsläget för 2024-03"
    assert rows[("2024-03", "W1")]["note"] == "W1 saknas i vårdplatsläget för 31 av 31 dagar i 2024-03"
    assert rows[("2024", None)]["note"] == (
        "11 av 12 månader 2024 fullständiga i vårdplatsläget; W1 saknas i vårdplatsläget för 2024-03"
    )


def test_a_month_still_running_is_not_whole_but_names_no_ward(con):
    census_case(con, [], dt.date(2024, 12, 15))
    rows = by_key(relation(con, "core", "beds_coverage"))
    december = rows[("2024-12", None)]
    assert (december["expected"], december["delivered"], december["complete"]) == (30, 30, False)
    assert december["missing_units"] == []
    assert december["note"] == "vårdplatsläget för 2024-12 omfattar inte hela månaden"
    assert rows[("2024-11", None)]["complete"] is True
    assert rows[("2024", None)]["complete"] is False and rows[("2024", None)]["delivered"] == 11


def test_a_centre_renamed_in_the_year_has_its_new_name_on_the_year(con):
    # VC-001 is renamed from May: its months carry the name of their month, its year the name of the year's
    # last month judged, whatever order the rows are read in (a refresh and a rebuild must publish the same)
    renamed = [
        (
            f"2024-{m:02d}",
            "19-VC-001",
            "Vårdcentral Ett" if m < 5 else "Hälsocentral Ett",
            "vårdcentral",
            "KS-001",
            None,
        )
        for m in range(1, 13)
    ]
    unit_months(con, renamed)
    con.execute(
        "CREATE TABLE core.listed_inhabitants (period VARCHAR, county_code VARCHAR, health_centre_id VARCHAR, "
        "listed BIGINT)"
    ).fetchall()
    con.execute(
        "INSERT INTO core.listed_inhabitants SELECT period, '19', unit_id, 100 FROM core.unit_months"
    ).fetchall()
    rows = by_key(relation(con, "core", "listings_coverage"))
    assert rows[("2024-04", "19-VC-001")]["unit_name"] == "Vårdcentral Ett"
    assert rows[("2024-05", "19-VC-001")]["unit_name"] == "Hälsocentral Ett"
    assert rows[("2024", "19-VC-001")]["unit_name"] == "Hälsocentral Ett"
