"""Great Expectations validation of the staging tables: every rule of every suite, batching, Data Docs.

The clean staging tables are built once through the real assets (Site.load_regional); each test
copies the table it needs into an in-memory DuckDB and breaks rows there.
"""

import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pipelines.quality.docs import write_data_docs
from pipelines.quality.runner import _frames, validate_table
from pipelines.quality.suites import SuiteError, load_suites, parse_suite, source_headers
from tests.conftest import Site

pytestmark = pytest.mark.integration

ORGANISATION = """enhets_id;enhetsnamn;enhetstyp;vårdnivå;sjukhus;specialitet;kommunkod;kostnadsställe;verksamhet;giltig_från;giltig_till
19-VC-001;Vårdcentral Viksäng;vårdcentral;primärvård;;;1980;19-KS-1001;1;2015-01-01;2023-06-30
19-VC-002;Vårdcentral Bäckby;vårdcentral;primärvård;;;1980;19-KS-1002;1;2015-01-01;2019-12-31
19-VC-002;Vårdcentral Bäckby-Råby;vårdcentral;primärvård;;;1980;19-KS-1002;1;2020-01-01;
19-AVD-01;Avdelning 41 Internmedicin;vårdavdelning;specialiserad somatisk vård;Västmanlands sjukhus Västerås;Internmedicin;1980;19-KS-2001;2;2015-01-01;
19-AVD-02;Avdelning 12 Geriatrik;vårdavdelning;specialiserad somatisk vård;Västmanlands sjukhus Köping;Geriatrik;1983;19-KS-2002;2;2015-01-01;2024-12-31
19-AMB-01;Ambulansstation Västerås;ambulansstation;ambulanssjukvård;;;1980;19-KS-3001;5;2015-01-01;
"""
LISTINGS = """period;vårdcentral_id;åldersgrupp;kön;antal_listade
2024-01;19-VC-002;80-84;K;120
2024-01;19-VC-002;80-84;M;95
2024-01;19-VC-002;0-5;K;300
2024-01;19-VC-002;0-5;M;310
"""
STAFFING = """period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;sjuktimmar;inhyrd
2024-01;1000001;19-VC-002;Specialistläkare allmänmedicin;tillsvidare;1,0;150,5;8,0;N
2024-01;1000002;19-VC-002;Distriktssköterska;visstid;0,75;110;0;N
2024-01;1000003;19-AVD-01;Sjuksköterska;tillsvidare;0,5;80,25;4,5;J
2024-01;1000004;19-AMB-01;Ambulanssjuksköterska;timavlönad;1,0;150;0;N
"""
COST = """period;kostnadsställe;konto;verksamhet;belopp
2024-01;19-KS-1002;5010;1;1200000,50
2024-01;19-KS-1002;3110;1;-80000
2024-01;19-KS-2001;5010;2;3000000
"""
# Both wards on both days: a ward's gap is counted from the first day the census was delivered.
BEDS = """datum;avdelnings_id;disponibla_vårdplatser;belagda;överbelagda;utlokaliserade;utskrivningsklara;utskrivningar
2024-03-30;19-AVD-01;24;20;0;0;1;4
2024-03-31;19-AVD-01;24;26;2;0;1;5
2024-03-31;19-AVD-02;18;17;0;1;2;3
2024-03-30;19-AVD-02;18;16;0;0;1;2
"""
# Gotland: the county (09) has one municipality (0980), so the county equals its sum of parts.
POPULATION = """"region","ålder","kön","2023"
"09 Gotlands län","0 år","män",300
"09 Gotlands län","0 år","kvinnor",290
"0980 Gotland","0 år","män",300
"0980 Gotland","0 år","kvinnor",290
"""
# a price index (test figures)
DEFLATORS = """år;index;källa
2022;96,0;test index
2023;100,0;test index
2024;104,5;test index
"""
# SCB's projection (BE0401) of the same cells for 2025.
POPULATION_PROJECTIONS = """"region","ålder","kön","2025"
"09 Gotlands län","0 år","män",310
"09 Gotlands län","0 år","kvinnor",295
"0980 Gotland","0 år","män",310
"0980 Gotland","0 år","kvinnor",295
"""
FILES = {
    "organisation": ("enheter.csv", ORGANISATION),
    "listings": ("listning_2024-01.csv", LISTINGS),
    "staffing": ("personal_2024-01.csv", STAFFING),
    "cost": ("huvudbok_2024-01.csv", COST),
    "beds": ("vardplatslage_2024-03.csv", BEDS),
    "population": ("folkmangd_gotland.csv", POPULATION),
    "deflators": ("index.csv", DEFLATORS),
    "population_projections": ("framskrivning_gotland.csv", POPULATION_PROJECTIONS),
}
WARNINGS = {
    "ward_has_hospital",
    "ward_has_specialty",
    "fte_at_most_full_time",
    "sick_hours_within_hours_worked",
    "discharge_ready_within_occupied",
    "no_missing_month_before",
    "no_missing_day_before",
    "no_missing_year_before",
    "unit_delivered",
    "amount_plausible",
    "listed_plausible",
    "beds_available_typical",
}
SUITES = load_suites()


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory) -> Path:
    """A warehouse whose staging tables hold the clean rows above, loaded through the real assets."""
    site = Site(tmp_path_factory.mktemp("quality"))
    for source, (name, text) in FILES.items():
        site.write_source(source, name, text)
    assert site.load_regional().success
    assert site.load_population().success
    assert site.materialize("staging/deflators", "staging/coverage").success
    assert site.materialize("core/population_projections").success
    for source in FILES:
        assert site.query(f"SELECT count(*) FROM staging.{source} WHERE finding IS NOT NULL") == [(0,)], source
    return site.warehouse.live_path


def copy_of(
    warehouse: Path, source: str, select: str = "SELECT * FROM w.staging.{source}"
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding staging.<source> copied from the clean warehouse (to break rows in)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    con.execute("CREATE SCHEMA staging")
    con.execute(f"CREATE TABLE staging.{source} AS " + select.format(source=source))
    con.execute("DETACH w")
    return con


def validate(con, source: str, **options):
    return validate_table(con, f"staging.{source}", SUITES[source], **options)


# (source, rule, SET clause, rows broken, other rules the same change breaks)
POPULATION_BREAKS = [
    ("population", "area_registered", "area_known = false, area_label = '99 Okänt län'", (2, 3), ()),
    ("population", "year_given", "year = NULL, period_label = 'år'", (2, 3), ()),
    ("population", "age_in_range", "age = 150, age_label = '150 år'", (2, 3), ()),
    ("population", "sex_known", "sex = 'X', sex_label = 'okänt'", (2, 3), ()),
    ("population", "persons_not_negative", "persons = -5, value_text = '-5'", (2, 3), ()),
    ("population", "one_row_per_key", "occurrence = 2", (2, 3), ()),
    (
        "population",
        "no_missing_year_before",
        "years_missing_before = 2, continuity_text = '0980 Gotland 2023'",
        (2, 3),
        (),
    ),
]
BREAKS = [
    ("organisation", "unit_id_given", "unit_id = NULL", (2, 7), ()),
    ("organisation", "unit_name_given", "unit_name = NULL", (2, 7), ()),
    ("organisation", "unit_type_given", "unit_type = NULL", (2, 7), ()),
    ("organisation", "unit_type_known", "unit_type = 'sjukhus'", (2, 7), ()),
    ("organisation", "care_level_given", "care_level = NULL", (2, 7), ()),
    ("organisation", "care_level_known", "care_level = 'akutvård'", (2, 7), ()),
    ("organisation", "municipality_known", "municipality_known = false, municipality_code = '9999'", (2, 7), ()),
    ("organisation", "cost_centre_given", "cost_centre = NULL", (2, 7), ()),
    ("organisation", "activity_known", "activity_known = false, activity_code = '99'", (2, 7), ()),
    ("organisation", "valid_from_is_a_date", "valid_from = NULL, valid_from_text = '2015-13-01'", (2, 7), ()),
    ("organisation", "valid_to_is_a_date", "valid_to = NULL, valid_to_text = '31/12/2024'", (2, 7), ()),
    (
        "organisation",
        "valid_to_not_before_valid_from",
        "valid_to = DATE '2014-12-31', valid_to_text = '2014-12-31'",
        (2, 7),
        (),
    ),
    ("organisation", "one_row_per_unit_version", "occurrence = 2", (2, 7), ()),
    ("organisation", "versions_do_not_overlap", "previous_valid_to = DATE '2030-12-31'", (2, 4), ()),
    ("organisation", "ward_has_hospital", "hospital = NULL", (5, 6), ()),
    ("organisation", "ward_has_specialty", "specialty = NULL", (5, 6), ()),
    ("listings", "period_is_a_month", "period = NULL, month_text = '2024-13'", (2, 3), ()),
    ("listings", "health_centre_registered", "unit_type = NULL, health_centre_id = '19-VC-999'", (2, 3), ()),
    ("listings", "unit_is_health_centre", "unit_type = 'vårdavdelning'", (2, 3), ()),
    ("listings", "age_band_given", "age_band = NULL", (2, 3), ()),
    ("listings", "age_band_known", "age_band = '0-4'", (2, 3), ()),
    ("listings", "sex_given", "sex = NULL", (2, 3), ()),
    ("listings", "sex_known", "sex = 'X'", (2, 3), ()),
    ("listings", "listed_is_a_whole_number", "listed = NULL, listed_text = '12,5'", (2, 3), ()),
    ("listings", "listed_not_negative", "listed = -3, listed_text = '-3'", (2, 3), ()),
    ("listings", "one_row_per_key", "occurrence = 2", (2, 3), ()),
    ("listings", "no_missing_month_before", "months_missing_before = 1, continuity_text = '2024-01 (...)'", (2, 3), ()),
    ("staffing", "period_is_a_month", "period = NULL, month_text = 'jan-24'", (2, 3), ()),
    ("staffing", "employee_id_given", "employee_id = NULL", (2, 3), ()),
    ("staffing", "unit_registered", "unit_type = NULL, unit_id = '19-VC-999'", (2, 3), ()),
    ("staffing", "profession_known", "profession_group = NULL, profession = 'Trollkarl'", (2, 3), ()),
    ("staffing", "employment_form_given", "employment_form = NULL", (2, 3), ()),
    ("staffing", "employment_form_known", "employment_form = 'konsult'", (2, 3), ()),
    ("staffing", "fte_is_a_number", "fte = NULL, fte_text = 'heltid'", (2, 3), ()),
    ("staffing", "fte_in_range", "fte = -0.5, fte_text = '-0,5'", (2, 3), ()),
    ("staffing", "fte_at_most_full_time", "fte = 1.2, fte_text = '1,2'", (2, 3), ()),
    ("staffing", "hours_worked_is_a_number", "hours_worked = NULL, hours_worked_text = 'x'", (2, 3), ()),
    (
        "staffing",
        "hours_worked_not_negative",
        "hours_worked = -1, hours_worked_text = '-1'",
        (2, 3),
        ("sick_hours_within_hours_worked",),
    ),
    ("staffing", "sick_hours_is_a_number", "sick_hours = NULL, sick_hours_text = 'x'", (2, 3), ()),
    ("staffing", "sick_hours_not_negative", "sick_hours = -4, sick_hours_text = '-4'", (2, 3), ()),
    ("staffing", "sick_hours_within_hours_worked", "sick_hours = 500, sick_hours_text = '500'", (2, 3), ()),
    ("staffing", "hired_is_a_flag", "hired = NULL, hired_text = 'kanske'", (2, 3), ()),
    ("staffing", "one_row_per_employee_month", "occurrence = 2", (2, 3), ()),
    ("staffing", "no_missing_month_before", "months_missing_before = 2, continuity_text = '2024-01 (...)'", (2, 3), ()),
    ("cost", "period_is_a_month", "period = NULL, month_text = '2024'", (2, 3), ()),
    ("cost", "cost_centre_registered", "unit_id = NULL, cost_centre = '19-KS-9999'", (2, 3), ()),
    ("cost", "account_given", "account = NULL", (2, 3), ()),
    ("cost", "account_is_four_digits", "account = '501'", (2, 3), ()),
    ("cost", "activity_known", "activity_area = NULL, activity_code = '42'", (2, 3), ()),
    ("cost", "amount_is_a_number", "amount_sek = NULL, amount_text = '1 2 3 kr'", (2, 3), ()),
    ("cost", "no_missing_month_before", "months_missing_before = 1, continuity_text = '2024-01 (...)'", (2, 3), ()),
    ("beds", "census_date_is_a_date", "census_date = NULL, census_date_text = '2024-02-30'", (2, 3), ()),
    ("beds", "ward_registered", "unit_id = NULL, ward_id = '19-AVD-99'", (2, 3), ()),
    ("beds", "unit_is_a_ward", "unit_type = 'vårdcentral'", (2, 3), ()),
    ("beds", "discharge_ready_within_occupied", "discharge_ready = 99, discharge_ready_text = '99'", (2, 3), ()),
    ("beds", "one_row_per_ward_day", "occurrence = 2", (2, 3), ()),
    ("beds", "no_missing_day_before", "days_missing_before = 3, continuity_text = '2024-03-30 (...)'", (2, 3), ()),
    *POPULATION_BREAKS,
    (
        "population",
        "equals_sum_of_parts",
        "parts_disagree = true, parts_check_text = '09 Gotlands län 2023: 300'",
        (2, 3),
        (),
    ),
    ("deflators", "year_is_a_year", "year = NULL, year_text = 'tjugo'", (2, 3), ()),
    ("deflators", "year_in_range", "year = 1850, year_text = '1850'", (2, 3), ()),
    ("deflators", "index_is_a_number", "price_index = NULL, price_index_text = 'hundra'", (2, 3), ()),
    ("deflators", "index_positive", "price_index = -1.5, price_index_text = '-1,5'", (2, 3), ()),
    ("deflators", "source_named", "index_source = NULL", (2, 3), ()),
    ("deflators", "one_row_per_year", "occurrence = 2", (2, 3), ()),
    *[("population_projections", rule, change, (2, 3), ()) for _, rule, change, _, _ in POPULATION_BREAKS],
    ("beds", "occupied_within_capacity", "beds_over_capacity = 3, beds_occupied_text = '40'", (2, 3), ()),
    *[
        ("beds", f"{count}_is_a_whole_number", f"{count} = NULL, {count}_text = 'många'", (2, 3), ())
        for count in ("beds_available", "beds_occupied", "overcrowded", "outlying", "discharge_ready", "discharges")
    ],
    *[
        (
            "beds",
            f"{count}_not_negative",
            f"{count} = -1, {count}_text = '-1'",
            (2, 3),
            ("discharge_ready_within_occupied",) if count == "beds_occupied" else (),
        )
        for count in ("beds_available", "beds_occupied", "overcrowded", "outlying", "discharge_ready", "discharges")
    ],
    # ranges: what cannot have happened yet, and what no ward, health centre or month can hold
    *[
        (source, "period_not_after_delivery", "months_after_delivery = 2, month_text = '2099-01'", (2, 3), ())
        for source in ("listings", "staffing", "cost")
    ],
    ("beds", "census_date_not_after_delivery", "days_after_delivery = 3, census_date_text = '2099-03-01'", (2, 3), ()),
    # a row of a period the file's name does not give
    *[
        (source, "period_of_the_file", "in_file_period = false", (2, 3), ())
        for source in ("listings", "staffing", "cost", "beds")
    ],
    ("population", "year_not_after_delivery", "years_after_delivery = 1, period_label = '2099'", (2, 3), ()),
    ("staffing", "hours_worked_within_a_month", "hours_worked = 800, hours_worked_text = '800'", (2, 3), ()),
    (
        "staffing",
        "sick_hours_within_a_month",
        "sick_hours = 750, sick_hours_text = '750'",
        (2, 3),
        ("sick_hours_within_hours_worked",),
    ),
    (
        "cost",
        "amount_within_range",
        "amount_sek = 2e15, amount_text = '2000000000000000'",
        (2, 3),
        ("amount_plausible",),
    ),
    ("cost", "amount_plausible", "amount_sek = 2e9, amount_text = '2000000000'", (2, 3), ()),
    ("listings", "listed_within_range", "listed = 200000, listed_text = '200000'", (2, 3), ("listed_plausible",)),
    ("listings", "listed_plausible", "listed = 20000, listed_text = '20000'", (2, 3), ()),
    *[
        (
            "beds",
            f"{count}_within_a_ward",
            f"{count} = 250, {count}_text = '250'",
            (2, 3),
            {
                "beds_available": ("beds_available_typical",),
                "discharge_ready": ("discharge_ready_within_occupied",),
            }.get(count, ()),
        )
        for count in ("beds_available", "beds_occupied", "overcrowded", "outlying", "discharge_ready", "discharges")
    ],
    ("beds", "beds_available_typical", "beds_available = 80, beds_available_text = '80'", (2, 3), ()),
]


def test_every_suite_loads_builds_and_checks_every_column_it_reads():
    # every source's, and the deliveries the organisation register expects (staging.coverage)
    assert set(SUITES) == set(FILES) | {"coverage"}
    for name, suite in SUITES.items():
        gx_suite = suite.expectation_suite()
        assert [e.meta["rule"] for e in gx_suite.expectations] == [rule.rule for rule in suite.rules]
        present = suite.rule("columns_present")
        assert sorted(present.kwargs["column_set"]) == sorted(suite.columns), name
        assert suite.table == f"staging.{name}"


def test_every_rule_of_every_suite_has_a_break_below():
    covered = {(source, rule) for source, rule, *_ in BREAKS}
    assert len(covered) == len(BREAKS)
    wanted = {
        (name, rule.rule)
        for name, suite in SUITES.items()
        for rule in suite.rules
        if rule.row_level and name != "coverage"
    }  # its rows are units, not delivered rows: test_the_coverage_suite_...
    assert covered == wanted
    assert {rule.rule for suite in SUITES.values() for rule in suite.rules if rule.severity == "warning"} == WARNINGS


def test_clean_staging_tables_pass_every_rule(clean_warehouse):
    for source in FILES:
        outcome = validate(copy_of(clean_warehouse, source), source)
        assert outcome.failed == [], (source, outcome.failed)
        assert not outcome.blocking_failed and outcome.warnings == []
        assert outcome.rows == outcome.rule("columns_present").evaluated > 0
        assert all(rule.unexpected == 0 and rule.failing_rows == [] for rule in outcome.rules)


def test_the_coverage_suite_names_every_unit_that_did_not_deliver(clean_warehouse):
    """The deliveries above leave units out: the payroll of January has no one at ward 19-AVD-02, the ledger no
    row of its cost centre or the ambulance station's (the census has both wards on both days). One row per
    unit and month: the warning names each, its row in the register the delivery the register expects."""
    con = copy_of(clean_warehouse, "coverage")
    outcome = validate(con, "coverage")
    rule = outcome.rule("unit_delivered")
    assert (rule.success, rule.severity) == (False, "warning") and not outcome.blocking_failed
    assert sorted(row.value for row in rule.failing_rows) == [
        "19-AVD-02 saknas i personalexporten för 2024-01",
        "19-KS-2002 saknas i huvudboken för 2024-01",
        "19-KS-3001 saknas i huvudboken för 2024-01",
    ]
    assert {(row.source_file, row.source_row) for row in rule.failing_rows} == {("enheter.csv", 6), ("enheter.csv", 7)}
    # every unit delivered: the rule holds
    con.execute("UPDATE staging.coverage SET delivered_all = true")
    assert validate(con, "coverage").failed == []


@pytest.mark.parametrize("source, rule, change, rows, also", BREAKS, ids=[f"{b[0]}-{b[1]}" for b in BREAKS])
def test_a_row_that_breaks_a_rule_is_named_with_its_severity(clean_warehouse, source, rule, change, rows, also):
    con = copy_of(clean_warehouse, source)
    con.execute(f"UPDATE staging.{source} SET {change} WHERE source_row IN {rows}")
    outcome = validate(con, source)
    assert {failed.rule for failed in outcome.failed} == {rule, *also}
    broken = outcome.rule(rule)
    severity = "warning" if rule in WARNINGS else "blocking"
    assert (broken.success, broken.severity, broken.unexpected) == (False, severity, len(rows))
    assert outcome.blocking_failed == (severity == "blocking" or any(r not in WARNINGS for r in also))
    assert (broken in outcome.warnings) == (severity == "warning")
    definition = SUITES[source].rule(rule)
    expected = con.execute(
        f"SELECT source_file, source_row, ?, {definition.value_column} FROM staging.{source} "
        f"WHERE source_row IN {rows} ORDER BY source_row",
        [definition.shown_column],
    ).fetchall()
    assert [tuple(row) for row in broken.failing_rows] == expected
    assert all(row.source_file == FILES[source][0] for row in broken.failing_rows)


def test_the_offending_value_is_the_delivered_text(clean_warehouse):
    con = copy_of(clean_warehouse, "staffing")
    con.execute("UPDATE staging.staffing SET fte = 2.5, fte_text = '2,5' WHERE source_row = 4")
    outcome = validate(con, "staffing")
    assert [tuple(row) for row in outcome.rule("fte_in_range").failing_rows] == [
        ("personal_2024-01.csv", 4, "sysselsättningsgrad", "2,5")
    ]
    # above 1.5 also breaks the warning for more than full time
    assert outcome.rule("fte_at_most_full_time").unexpected == 1


@pytest.mark.parametrize(
    "source, column",
    [
        ("organisation", "previous_valid_to"),
        ("listings", "occurrence"),
        ("staffing", "profession_group"),
        ("cost", "activity_area"),
        ("beds", "census_date"),
    ],
)
def test_a_missing_column_fails_the_schema_rule_and_the_rules_that_read_it(clean_warehouse, source, column):
    con = copy_of(clean_warehouse, source)
    con.execute(f"ALTER TABLE staging.{source} DROP COLUMN {column}")
    outcome = validate(con, source)
    readers = {rule.rule for rule in SUITES[source].rules if column in rule.columns} - {"columns_present"}
    assert readers
    assert {failed.rule for failed in outcome.failed} == {"columns_present", *readers}
    present = outcome.rule("columns_present")
    assert (present.severity, present.row_level, present.unexpected, present.failing_rows) == ("blocking", False, 0, [])
    assert all(outcome.rule(rule).error for rule in readers)
    assert outcome.blocking_failed


def twenty_employee_months(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """20 rows (the 4 clean ones five times over, source_row 2..45) with known failures spread over batches."""
    con = copy_of(
        warehouse,
        "staffing",
        "SELECT s.* REPLACE (g * 10 + source_row AS source_row, "
        "'personal_' || g || '.csv' AS source_file) "
        "FROM w.staging.{source} s, range(5) t(g)",
    )
    con.execute("UPDATE staging.staffing SET fte = 2.0, fte_text = '2,0' WHERE source_row IN (2, 23, 44)")
    con.execute("UPDATE staging.staffing SET occurrence = 2 WHERE source_row IN (13, 14, 35)")
    con.execute("UPDATE staging.staffing SET sick_hours = 300, sick_hours_text = '300' WHERE source_row % 2 = 1")
    return con


def comparable(outcome):
    return [(r.rule, r.success, r.evaluated, r.unexpected, r.failing_rows, r.error) for r in outcome.rules]


def test_batches_add_up_to_the_same_outcome_as_one_batch(clean_warehouse):
    con = twenty_employee_months(clean_warehouse)
    small, whole = validate(con, "staffing", rows_per_batch=3), validate(con, "staffing", rows_per_batch=1_000_000)
    assert (small.rows, small.batches, whole.rows, whole.batches) == (20, 7, 20, 1)
    assert comparable(small) == comparable(whole)
    exact = dict(
        con.execute(
            "SELECT 'fte_in_range', count(*) FILTER (WHERE fte > 1.5) FROM staging.staffing UNION ALL "
            "SELECT 'one_row_per_employee_month', count(*) FILTER (WHERE occurrence > 1) "
            "FROM staging.staffing UNION ALL SELECT 'sick_hours_within_hours_worked', "
            "count(*) FILTER (WHERE sick_hours > hours_worked) FROM staging.staffing"
        ).fetchall()
    )
    assert {r.rule: r.unexpected for r in small.failed} == {**exact, "fte_at_most_full_time": exact["fte_in_range"]}
    assert [(r.source_file, r.source_row) for r in small.rule("fte_in_range").failing_rows] == [
        ("personal_0.csv", 2),
        ("personal_2.csv", 23),
        ("personal_4.csv", 44),
    ]
    assert all(r.evaluated == 20 for r in small.rules)
    assert small.blocking_failed and [w.rule for w in small.warnings] == [
        "fte_at_most_full_time",
        "sick_hours_within_hours_worked",
    ]


def test_record_batches_of_any_size_become_frames_of_the_batch_size():
    schema = pa.schema([("source_row", pa.int64())])
    batches = [
        pa.record_batch([pa.array(range(start, start + size))], schema=schema)
        for start, size in ((0, 5), (5, 1), (6, 7))
    ]
    frames = list(_frames(pa.RecordBatchReader.from_batches(schema, batches), 3))
    assert [list(frame["source_row"]) for frame in frames] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12]]
    empty = list(_frames(pa.RecordBatchReader.from_batches(schema, []), 3))
    assert [(len(frame), list(frame.columns)) for frame in empty] == [(0, ["source_row"])]


def test_failing_rows_are_capped_but_counts_stay_exact(clean_warehouse):
    con = twenty_employee_months(clean_warehouse)
    for rows_per_batch in (3, 1_000_000):
        outcome = validate(con, "staffing", rows_per_batch=rows_per_batch, max_failing_rows=2)
        sick = outcome.rule("sick_hours_within_hours_worked")
        assert (sick.unexpected, sick.truncated) == (10, True)
        assert [(r.source_file, r.source_row, r.value) for r in sick.failing_rows] == [
            ("personal_0.csv", 3, "300"),
            ("personal_0.csv", 5, "300"),
        ]


def test_where_restricts_the_rows_validated(clean_warehouse):
    con = twenty_employee_months(clean_warehouse)
    outcome = validate(con, "staffing", rows_per_batch=4, where="source_row < 20")
    assert outcome.rows == 8
    assert outcome.rule("fte_in_range").unexpected == 1
    assert outcome.rule("one_row_per_employee_month").unexpected == 2


def test_an_empty_table_passes_and_a_table_without_row_ids_is_refused(clean_warehouse):
    outcome = validate(copy_of(clean_warehouse, "beds", "SELECT * FROM w.staging.{source} LIMIT 0"), "beds")
    assert (outcome.rows, outcome.failed) == (0, [])
    assert outcome.rule("columns_present").success
    con = copy_of(clean_warehouse, "beds", "SELECT * EXCLUDE (source_row) FROM w.staging.{source}")
    with pytest.raises(ValueError, match="source_row"):
        validate(con, "beds")
    with pytest.raises(ValueError, match="not a table name"):
        validate_table(con, "staging.beds; DROP TABLE x", SUITES["beds"])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"severity": "fatal"}, "severity must be one of"),
        ({"kwargs": {"column": "fte", "mostly": 0.9}}, "'mostly' is not supported"),
        ({"shown_column": None}, "needs shown_column"),
        ({"shown_column": "lön"}, "not a header of this source"),
        ({"rule": "fte_is_a_number"}, "rule ids must be unique"),
    ],
)
def test_a_suite_file_with_a_mistake_is_refused(change, message):
    doc = {
        "suite": "staffing",
        "table": "staging.staffing",
        "title": "t",
        "rules": [
            {
                "rule": "fte_is_a_number",
                "title": "t",
                "severity": "blocking",
                "type": "ExpectColumnValuesToNotBeNull",
                "kwargs": {"column": "fte"},
                "shown_column": "sysselsättningsgrad",
                "value_column": "fte_text",
            },
            {
                "rule": "other",
                "title": "t",
                "severity": "warning",
                "type": "ExpectColumnValuesToNotBeNull",
                "kwargs": {"column": "fte"},
                "shown_column": "sysselsättningsgrad",
                "value_column": "fte_text",
            }
            | change,
        ],
    }
    with pytest.raises(SuiteError, match=message):
        parse_suite(doc, headers=source_headers("staffing"))


def test_an_unknown_expectation_type_is_refused_when_the_suite_is_built():
    doc = {
        "suite": "cost",
        "table": "staging.cost",
        "title": "t",
        "rules": [
            {
                "rule": "r",
                "title": "t",
                "severity": "blocking",
                "type": "ExpectColumnValuesToBeLovely",
                "kwargs": {"column": "account"},
                "shown_column": "konto",
                "value_column": "account",
            }
        ],
    }
    with pytest.raises(SuiteError, match="not a Great Expectations expectation class"):
        parse_suite(doc, headers=source_headers("cost")).expectation_suite()


def test_data_docs_are_gx_pages_for_every_suite_that_open_offline(clean_warehouse, tmp_path):
    outcomes = [validate(copy_of(clean_warehouse, source), source) for source in SUITES]
    outcomes.append(validate(twenty_employee_months(clean_warehouse), "staffing"))
    index = write_data_docs(outcomes, tmp_path / "quality")
    assert index == tmp_path / "quality" / "data_docs" / "index.html" and index.is_file()
    text = index.read_text(encoding="utf-8")
    assert "Great Expectations" in text
    for source in SUITES:
        assert f"expectations/{source}.html" in text and f"{source} on staging.{source}" in text
    pages = list((index.parent / "validations").rglob("*.html"))
    assert len(pages) == len(outcomes)
    staffing_pages = [page.read_text(encoding="utf-8") for page in pages if "staffing" in str(page)]
    assert any("personal_4.csv" in page and "fte_in_range" in page for page in staffing_pages)
    remote = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']https?://", re.IGNORECASE)
    assert not [page for page in [index, *pages] if remote.search(page.read_text(encoding="utf-8"))]
    # a new build replaces the old site, pages of earlier runs included
    write_data_docs(outcomes[:1], tmp_path / "quality")
    assert len(list((index.parent / "validations").rglob("*.html"))) == 1
    assert [p.name for p in (tmp_path / "quality").iterdir()] == ["data_docs"]
