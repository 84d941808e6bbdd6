"""Sick leave as SKR counts it (sick hours over the ordinary working time of the employees who have one), and
sick leave as health data: the employees behind each value are counted as persons by disclosure control, and
staff_fte shows no sick hours of a row resting on fewer employees than the threshold. Small cases worked out by
hand, in an in-memory DuckDB."""

import datetime as dt

import duckdb
import pytest

from pipelines.disclosure import load_rule, protect
from pipelines.indicators.catalogue import load_catalogue
from pipelines.publish import published_tables
from pipelines.relations import strip_comments
from pipelines.settings import PROJECT_ROOT
from pipelines.warehouse import forget_connection, register_macros

pytestmark = pytest.mark.unit


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in ("core", "staging", "indicators", "publish"):
        con.execute(f"CREATE SCHEMA {schema}").fetchall()
    register_macros(con)
    yield con
    forget_connection(con)
    con.close()


def rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_the_ordinary_working_time_of_a_full_time_month(con):
    # March 2024: 21 weekdays, Good Friday (29 March) off: 20 x 8 h; June 2024: 20 weekdays, the national day
    # (Thursday 6 June) and midsummer eve (Friday 21 June) off: 18 x 8 h; December 2024: 22 weekdays, Christmas
    # Eve, Christmas Day, Boxing Day and New Year's Eve (Tuesday to Thursday, and Tuesday) off: 18 x 8 h
    assert con.execute(
        "SELECT ordinary_full_time_hours('2024-03'), ordinary_full_time_hours('2024-06'), "
        "ordinary_full_time_hours('2024-12')"
    ).fetchall() == [(160, 144, 144)]
    assert con.execute("SELECT easter_sunday(2025), easter_sunday(2024)").fetchall()[0] == (
        dt.date(2025, 4, 20),
        dt.date(2024, 3, 31),
    )


def staffing(con, employees):
    con.execute(
        "CREATE TABLE staging.staffing (period VARCHAR, county_code VARCHAR, unit_id VARCHAR, "
        "unit_type VARCHAR, employee_id VARCHAR, employment_form VARCHAR, hired BOOLEAN, fte DOUBLE, "
        "sick_hours DOUBLE, synthetic BOOLEAN, finding VARCHAR[])"
    ).fetchall()
    con.executemany(
        "INSERT INTO staging.staffing VALUES (?, '19', ?, 'vårdcentral', ?, ?, ?, ?, ?, false, NULL)", employees
    )
    con.execute("CREATE TABLE core.unit_months (unit_id VARCHAR, period VARCHAR, hospital VARCHAR)").fetchall()
    # every unit delivered: complete
    con.execute(
        "CREATE TABLE core.staffing_coverage AS SELECT '19' AS county_code, period, unit_id, NULL AS hospital, "
        "true AS complete, 1 AS delivered, 1 AS expected, 1.0 AS coverage, NULL::VARCHAR AS note, "
        "NULL::VARCHAR AS missing_note, NULL::VARCHAR AS period_note "
        "FROM (SELECT DISTINCT period, unit_id FROM staging.staffing UNION ALL "
        "SELECT DISTINCT period, NULL FROM staging.staffing)"
    ).fetchall()


def test_sick_hours_over_the_ordinary_working_time_of_employees_with_one(con):
    staffing(
        con,
        [
            ("2024-03", "VC-1", "e1", "tillsvidare", False, 1.0, 16),
            ("2024-03", "VC-1", "e2", "visstid", False, 0.5, 8),
            ("2024-03", "VC-1", "e3", "timavlönad", False, 0.0, 0),  # no ordinary working time: left out
            ("2024-03", "VC-1", "e4", "tillsvidare", True, 1.0, 40),  # hired: left out
        ],
    )
    values = {(r["unit_id"], r["period"]): r for r in rows(con, catalogue_select("sick_leave_share"))}
    march = values[(None, "2024-03")]
    # (16 + 8) / (1.0 x 160 + 0.5 x 160) = 24 / 240: 10 %, resting on two employees
    assert (march["numerator"], march["denominator"], march["persons"]) == (24, 240, 2)
    assert march["complete"] is True
    # before version 2 the denominator was hours worked plus sick hours; hours worked play no part now
    assert values[("VC-1", "2024-03")]["persons"] == 2


def catalogue_select(indicator_id: str) -> str:
    return strip_comments((PROJECT_ROOT / "sql" / "catalogue" / f"{indicator_id}.sql").read_text(encoding="utf-8"))


def sick_leave_values(con, rows: list[tuple]) -> None:
    """The catalogue's sick-leave share and its values for March 2024 in region 19: (unit, sick hours, hours,
    employees)."""
    con.execute(
        "CREATE TABLE core.indicators AS SELECT 'sick_leave_share' AS indicator_id, "
        "'none' AS disclosure_numerator, 'none' AS disclosure_denominator, "
        "'persons' AS disclosure_persons"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, "
        "period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, numerator DOUBLE, "
        "denominator DOUBLE, persons BIGINT)"
    ).fetchall()
    con.executemany(
        "INSERT INTO indicators.indicator_values VALUES ('sick_leave_share', '19', ?, '2024-03', 'T', "
        "'all', 'all', ?, ?, ?)",
        rows,
    )


def test_a_sick_leave_share_of_few_employees_is_withheld_with_one_more_unit(con):
    """The employees behind each value are persons: 3 at a health centre is small; the region's value is the
    sum of its centres, so one more centre is withheld (the smallest), as for any count of persons."""
    sick_leave_values(
        con, [(None, 300, 5000, 20), ("VC-1", 40, 500, 3), ("VC-2", 100, 1300, 8), ("VC-3", 160, 3200, 9)]
    )
    protect(con, load_rule(environ={}))
    withheld = dict(con.execute("SELECT unit_id, reason FROM disclosure_work WHERE suppressed").fetchall())
    assert withheld == {
        "VC-1": "primary: fewer than 5 persons",
        "VC-2": "secondary: the health centres or hospitals add up to the area and would reveal a suppressed value",
    }


def test_a_region_whose_value_is_missing_gives_nothing_away_and_withholds_only_the_small_unit(con):
    """The region's value for the month is missing (a delivery incomplete: NULL, never 0), so no total is published
    and no unit can be worked out by subtraction: the centre of 2 employees is withheld, its neighbour is shown,
    and the publication goes ahead (a group without its total is no group to protect)."""
    sick_leave_values(con, [(None, None, None, None), ("VC-1", 8, 308, 2), ("VC-2", 100, 1300, 8)])
    result = protect(con, load_rule(environ={}))
    withheld = dict(con.execute("SELECT unit_id, reason FROM disclosure_work WHERE suppressed").fetchall())
    assert withheld == {"VC-1": "primary: fewer than 5 persons"}
    assert (result["primary"], result["secondary"]) == (1, 0)


def test_staff_fte_shows_no_sick_hours_of_few_employees(con):
    con.execute(
        "CREATE TABLE core.staff_fte (period VARCHAR, county_code VARCHAR, unit_id VARCHAR, unit_type VARCHAR, "
        "care_level VARCHAR, profession VARCHAR, profession_group VARCHAR, gp_specialist BOOLEAN, "
        "gp_trainee BOOLEAN, employment_form VARCHAR, hired BOOLEAN, employee_months BIGINT, fte DOUBLE, "
        "hours_worked DOUBLE, sick_hours DOUBLE, synthetic BOOLEAN)"
    ).fetchall()
    con.executemany(
        "INSERT INTO core.staff_fte VALUES ('2024-03', '19', ?, 'vårdcentral', 'primärvård', ?, 'x', "
        "false, false, 'tillsvidare', false, ?, 1, 100, ?, false)",
        [
            # VC-1: one row of 2 employees (small), and two of 10 and 7: the 7 goes too, or the
            # centre's published sick-leave share less the 10 would give the 2 away
            ("VC-1", "Sjuksköterska", 10, 50),
            ("VC-1", "Läkare", 2, 8),
            ("VC-1", "Undersköterska", 7, 20),
            # VC-2: its sick-leave share is withheld, so are all its rows
            ("VC-2", "Sjuksköterska", 12, 30),
            # VC-3: nothing small
            ("VC-3", "Sjuksköterska", 6, 12),
            ("VC-3", "Läkare", 5, 10),
        ],
    )
    con.execute("CREATE TABLE core.unit_months (unit_id VARCHAR, period VARCHAR, hospital VARCHAR)").fetchall()
    con.execute("CREATE TABLE core.disclosure_rule AS SELECT 5 AS min_count").fetchall()
    con.execute(
        "CREATE TABLE publish.disclosure_cells AS SELECT 'indicator_values' AS source, "
        "'sick_leave_share' AS indicator_id, '19' AS area_code, 'VC-2' AS unit_id, '2024-03' AS period, "
        "true AS suppressed"
    ).fetchall()
    _, select = published_tables()["staff_fte"]
    shown = {(r["unit_id"], r["profession"]): (r["sick_hours"], r["suppression_reason"]) for r in rows(con, select)}
    assert shown == {
        ("VC-1", "Sjuksköterska"): (50, None),
        ("VC-1", "Läkare"): (None, "primary: fewer than 5 employees"),
        ("VC-1", "Undersköterska"): (None, "secondary: the unit's other rows would reveal a withheld row"),
        ("VC-2", "Sjuksköterska"): (None, "secondary: the sick-leave share of the unit that month is withheld"),
        ("VC-3", "Sjuksköterska"): (12, None),
        ("VC-3", "Läkare"): (10, None),
    }


def test_the_catalogue_protects_the_employees_behind_the_sick_leave_share():
    catalogue = {i.id: i for i in load_catalogue()}
    assert (catalogue["sick_leave_share"].disclosure_persons, catalogue["sick_leave_share"].version) == ("persons", 2)
    assert {i.id for i in catalogue.values() if i.disclosure_persons == "persons"} == {"sick_leave_share"}
