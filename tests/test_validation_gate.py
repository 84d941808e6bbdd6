"""The validation gate end to end: files that break every blocking rule, through `vardpuls refresh`.

Each delivery below holds clean rows and, for every blocking row-level rule of its source's suite that
a delivered file can break, one row that breaks it (rules a file cannot reach are refused earlier, as
whole files; see test_population_loading and test_regional_sources). After one refresh:

- the published `quarantine` table names exactly those rows, each with the rule it broke;
- Great Expectations, validating the same staging tables, finds the same rows failing blocking rules
  (one definition, two engines: pipelines/quality/quarantine.py);
- rows that only break a warning are kept in the facts, and reported;
- the summary lists the quarantined rows by rule, the warnings, and the exit status is 1.
"""

import contextlib
import io

import duckdb
import pytest

from pipelines.cli import main
from pipelines.quality.runner import validate_table
from pipelines.quality.suites import load_suites
from tests.conftest import Site

pytestmark = pytest.mark.e2e

ORG_HEADER = (
    "enhets_id;enhetsnamn;enhetstyp;vårdnivå;sjukhus;specialitet;kommunkod;kostnadsställe;verksamhet;"
    "giltig_från;giltig_till\n"
)
ORG_CLEAN = [
    "19-VC-002;Vårdcentral Bäckby;vårdcentral;primärvård;;;1980;19-KS-1002;1;2015-01-01;",
    "19-AVD-01;Avdelning 41;vårdavdelning;specialiserad somatisk vård;Västmanlands sjukhus Västerås;Internmedicin;"
    "1980;19-KS-2001;2;2015-01-01;",
]
# (rule, line): the line breaks that rule and no blocking rule before it
ORG_BREAKS = [
    ("unit_id_given", ";Utan id;vårdcentral;primärvård;;;1980;19-KS-9001;1;2020-01-01;"),
    ("unit_name_given", "19-VC-902;;vårdcentral;primärvård;;;1980;19-KS-9002;1;2020-01-01;"),
    ("unit_type_given", "19-VC-903;Utan typ;;primärvård;;;1980;19-KS-9003;1;2020-01-01;"),
    ("unit_type_known", "19-VC-904;Fel typ;sjukhus;primärvård;;;1980;19-KS-9004;1;2020-01-01;"),
    ("care_level_given", "19-VC-905;Utan nivå;vårdcentral;;;;1980;19-KS-9005;1;2020-01-01;"),
    ("care_level_known", "19-VC-906;Fel nivå;vårdcentral;akutvård;;;1980;19-KS-9006;1;2020-01-01;"),
    ("municipality_known", "19-VC-907;Fel kommun;vårdcentral;primärvård;;;9999;19-KS-9007;1;2020-01-01;"),
    ("cost_centre_given", "19-VC-908;Utan ks;vårdcentral;primärvård;;;1980;;1;2020-01-01;"),
    ("activity_known", "19-VC-909;Fel verksamhet;vårdcentral;primärvård;;;1980;19-KS-9009;99;2020-01-01;"),
    ("valid_from_is_a_date", "19-VC-910;Fel datum;vårdcentral;primärvård;;;1980;19-KS-9010;1;2020-13-01;"),
    ("valid_to_is_a_date", "19-VC-911;Fel slut;vårdcentral;primärvård;;;1980;19-KS-9011;1;2020-01-01;31/12/2024"),
    (
        "valid_to_not_before_valid_from",
        "19-VC-912;Baklänges;vårdcentral;primärvård;;;1980;19-KS-9012;1;2020-01-01;2019-12-31",
    ),
    ("one_row_per_unit_version", ORG_CLEAN[0]),
    (
        "versions_do_not_overlap",
        "19-AVD-01;Avdelning 41 ny;vårdavdelning;specialiserad somatisk vård;"
        "Västmanlands sjukhus Västerås;Internmedicin;1980;19-KS-2001;2;2020-06-01;",
    ),
]
ORG_WARNINGS = [
    (
        "ward_has_hospital",
        "19-AVD-03;Avdelning utan sjukhus;vårdavdelning;specialiserad somatisk vård;;"
        "Geriatrik;1983;19-KS-2003;2;2015-01-01;",
    )
]

LISTINGS_HEADER = "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
LISTINGS_CLEAN = ["2024-01;19-VC-002;80-84;K;120", "2024-01;19-VC-002;80-84;M;95"]
LISTINGS_BREAKS = [
    ("period_is_a_month", "2024-13;19-VC-002;0-5;K;300"),
    ("period_not_after_delivery", "2099-01;19-VC-002;0-5;K;300"),
    ("period_of_the_file", "2024-02;19-VC-002;0-5;K;300"),  # a month the file's name does not give
    ("health_centre_registered", "2024-01;19-VC-999;0-5;K;300"),
    ("unit_is_health_centre", "2024-01;19-AVD-01;0-5;K;300"),
    ("age_band_given", "2024-01;19-VC-002;;K;300"),
    ("age_band_known", "2024-01;19-VC-002;0-4;K;300"),
    ("sex_given", "2024-01;19-VC-002;0-5;;300"),
    ("sex_known", "2024-01;19-VC-002;0-5;X;300"),
    ("listed_is_a_whole_number", "2024-01;19-VC-002;0-5;K;12,5"),
    ("listed_not_negative", "2024-01;19-VC-002;0-5;M;-3"),
    ("listed_within_range", "2024-01;19-VC-002;6-17;M;200000"),
    ("one_row_per_key", LISTINGS_CLEAN[0]),
]

STAFFING_HEADER = (
    "period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;sjuktimmar;inhyrd\n"
)
STAFFING_CLEAN = [
    "2024-01;1000001;19-VC-002;Specialistläkare allmänmedicin;tillsvidare;1,0;150,5;8,0;N",
    "2024-01;1000002;19-VC-002;Distriktssköterska;visstid;0,75;110;0;N",
]
STAFFING_BREAKS = [
    ("period_is_a_month", "jan-24;1000101;19-VC-002;Distriktssköterska;visstid;0,5;80;0;N"),
    ("employee_id_given", "2024-01;;19-VC-002;Distriktssköterska;visstid;0,5;80;0;N"),
    ("unit_registered", "2024-01;1000103;19-VC-999;Distriktssköterska;visstid;0,5;80;0;N"),
    ("profession_known", "2024-01;1000104;19-VC-002;Trollkarl;visstid;0,5;80;0;N"),
    ("employment_form_given", "2024-01;1000105;19-VC-002;Distriktssköterska;;0,5;80;0;N"),
    ("employment_form_known", "2024-01;1000106;19-VC-002;Distriktssköterska;konsult;0,5;80;0;N"),
    ("fte_is_a_number", "2024-01;1000107;19-VC-002;Distriktssköterska;visstid;heltid;80;0;N"),
    ("fte_in_range", "2024-01;1000108;19-VC-002;Distriktssköterska;visstid;2,5;80;0;N"),
    ("hours_worked_is_a_number", "2024-01;1000109;19-VC-002;Distriktssköterska;visstid;0,5;x;0;N"),
    ("hours_worked_not_negative", "2024-01;1000110;19-VC-002;Distriktssköterska;visstid;0,5;-1;0;N"),
    ("hours_worked_within_a_month", "2024-01;1000115;19-VC-002;Distriktssköterska;visstid;0,5;800;0;N"),
    ("sick_hours_is_a_number", "2024-01;1000111;19-VC-002;Distriktssköterska;visstid;0,5;80;x;N"),
    ("sick_hours_not_negative", "2024-01;1000112;19-VC-002;Distriktssköterska;visstid;0,5;80;-4;N"),
    ("sick_hours_within_a_month", "2024-01;1000116;19-VC-002;Distriktssköterska;visstid;0,5;80;750;N"),
    ("hired_is_a_flag", "2024-01;1000113;19-VC-002;Distriktssköterska;visstid;0,5;80;0;kanske"),
    ("one_row_per_employee_month", STAFFING_CLEAN[1]),
    ("period_not_after_delivery", "2099-01;1000114;19-VC-002;Distriktssköterska;visstid;0,5;80;0;N"),
    ("period_of_the_file", "2024-02;1000115;19-VC-002;Distriktssköterska;visstid;0,5;80;0;N"),
]
STAFFING_WARNINGS = [
    ("fte_at_most_full_time", "2024-01;1000201;19-VC-002;Distriktssköterska;visstid;1,2;180;0;N"),
    ("sick_hours_within_hours_worked", "2024-01;1000202;19-VC-002;Distriktssköterska;visstid;1,0;100;500;N"),
]

COST_HEADER = "period;kostnadsställe;konto;verksamhet;belopp\n"
COST_CLEAN = ["2024-01;19-KS-1002;5010;1;1200000,50", "2024-01;19-KS-1002;3110;1;-80000"]
COST_BREAKS = [
    ("period_is_a_month", "2024;19-KS-1002;5010;1;100"),
    ("period_not_after_delivery", "2099-01;19-KS-1002;5010;1;100"),
    ("period_of_the_file", "2024-02;19-KS-1002;5010;1;100"),
    ("cost_centre_registered", "2024-01;19-KS-9999;5010;1;100"),
    ("account_given", "2024-01;19-KS-1002;;1;100"),
    ("account_is_four_digits", "2024-01;19-KS-1002;501;1;100"),
    ("activity_known", "2024-01;19-KS-1002;5010;42;100"),
    ("amount_is_a_number", "2024-01;19-KS-1002;5010;1;1 2 3 kr"),
    ("amount_within_range", "2024-01;19-KS-1002;5010;1;2000000000000000"),
]

BEDS_HEADER = (
    "datum;avdelnings_id;disponibla_vårdplatser;belagda;överbelagda;utlokaliserade;utskrivningsklara;utskrivningar\n"
)
BEDS_CLEAN = ["2024-03-01;19-AVD-01;24;20;0;0;1;4", "2024-03-02;19-AVD-01;24;22;0;0;1;4"]
COUNTS = ["disponibla_vårdplatser", "belagda", "överbelagda", "utlokaliserade", "utskrivningsklara", "utskrivningar"]
RULE_OF_COUNT = {
    "disponibla_vårdplatser": "beds_available",
    "belagda": "beds_occupied",
    "överbelagda": "overcrowded",
    "utlokaliserade": "outlying",
    "utskrivningsklara": "discharge_ready",
    "utskrivningar": "discharges",
}


def bed_line(day: int, ward: str = "19-AVD-01", **values: str) -> str:
    cells = {
        "disponibla_vårdplatser": "24",
        "belagda": "20",
        "överbelagda": "0",
        "utlokaliserade": "0",
        "utskrivningsklara": "1",
        "utskrivningar": "4",
        **values,
    }
    return f"2024-03-{day:02d};{ward};" + ";".join(cells[c] for c in COUNTS)


BEDS_BREAKS = [
    ("census_date_is_a_date", "2024-02-30;19-AVD-01;24;20;0;0;1;4"),
    ("census_date_not_after_delivery", "2099-03-01;19-AVD-01;24;20;0;0;1;4"),
    ("period_of_the_file", "2024-04-01;19-AVD-01;24;20;0;0;1;4"),  # a day of April in March's census
    ("ward_registered", bed_line(3, "19-AVD-99")),
    ("unit_is_a_ward", bed_line(3, "19-VC-002")),
    *[(f"{RULE_OF_COUNT[c]}_is_a_whole_number", bed_line(3 + i, **{c: "många"})) for i, c in enumerate(COUNTS)],
    *[(f"{RULE_OF_COUNT[c]}_not_negative", bed_line(9 + i, **{c: "-1"})) for i, c in enumerate(COUNTS)],
    # days 18-23, after the gap and the warning of day 17
    *[(f"{RULE_OF_COUNT[c]}_within_a_ward", bed_line(18 + i, **{c: "250"})) for i, c in enumerate(COUNTS)],
    ("occupied_within_capacity", bed_line(15, belagda="40")),
    ("one_row_per_ward_day", BEDS_CLEAN[0]),
]
# day 16 is missing: the census of day 17 follows a gap
BEDS_WARNINGS = [("discharge_ready_within_occupied", bed_line(17, utskrivningsklara="99"))]

DEFLATORS_HEADER = "år;index;källa\n"
DEFLATORS_CLEAN = ["2023;100,0;test index", "2024;104,5;test index"]
DEFLATORS_BREAKS = [
    ("year_is_a_year", "tjugo;101,0;test index"),
    ("year_in_range", "1850;101,0;test index"),
    ("index_is_a_number", "2021;hundra;test index"),
    ("index_positive", "2020;-1,5;test index"),
    ("source_named", "2019;99,0;"),
    ("one_row_per_year", DEFLATORS_CLEAN[0]),
]

# Gotland: county 09 has one municipality, 0980. In 2023 the county's women (296) contradict the
# municipality (295): the county's 2023 cells are held out and summed from the municipality instead.
POPULATION = """"region","ålder","kön","2022","2023"
"09 Gotlands län","0 år","män",300,310
"09 Gotlands län","0 år","kvinnor",290,296
"0980 Gotland","0 år","män",300,310
"0980 Gotland","0 år","kvinnor",290,295
"0980 Gotland","150 år","män",1,1
"""
POPULATION_2020 = """"region","ålder","kön","2020"
"0980 Gotland","0 år","män",280
"""
# a year after the file was delivered: BE0101 counts what was (a year to come is a projection)
POPULATION_2099 = """"region","ålder","kön","2099"
"0980 Gotland","0 år","män",280
"""
# SCB's projection for Gotland, with a 150-year-old (line 4)
POPULATION_PROJECTIONS = """"region","ålder","kön","2025"
"0980 Gotland","0 år","män",320
"0980 Gotland","0 år","kvinnor",305
"0980 Gotland","150 år","män",1
"""


def delivery(header: str, clean: list[str], breaks: list[tuple[str, str]], warnings=()) -> tuple[str, dict]:
    """File text and {row number: (rule, severity)} for the broken rows (header = row 1)."""
    lines = [*clean, *(line for _, line in breaks), *(line for _, line in warnings)]
    expected = {len(clean) + 2 + i: (rule, "blocking") for i, (rule, _) in enumerate(breaks)}
    expected |= {len(clean) + len(breaks) + 2 + i: (rule, "warning") for i, (rule, _) in enumerate(warnings)}
    return header + "\n".join(lines) + "\n", expected


FILES = {
    "organisation": ("enheter.csv", *delivery(ORG_HEADER, ORG_CLEAN, ORG_BREAKS, ORG_WARNINGS)),
    "listings": ("listning_2024-01.csv", *delivery(LISTINGS_HEADER, LISTINGS_CLEAN, LISTINGS_BREAKS)),
    "staffing": (
        "personal_2024-01.csv",
        *delivery(STAFFING_HEADER, STAFFING_CLEAN, STAFFING_BREAKS, STAFFING_WARNINGS),
    ),
    "cost": ("huvudbok_2024-01.csv", *delivery(COST_HEADER, COST_CLEAN, COST_BREAKS)),
    "beds": ("vardplatslage_2024-03.csv", *delivery(BEDS_HEADER, BEDS_CLEAN, BEDS_BREAKS, BEDS_WARNINGS)),
    "deflators": ("index.csv", *delivery(DEFLATORS_HEADER, DEFLATORS_CLEAN, DEFLATORS_BREAKS)),
}
SUITES = load_suites()


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    site = Site(root)
    for source, (name, text, _) in FILES.items():
        site.write_source(source, name, text)
    site.write_source("listings", "listning_2024-03.csv", LISTINGS_HEADER + "2024-03;19-VC-002;0-5;K;310\n")
    site.write("folkmangd_gotland.csv", POPULATION)
    site.write("folkmangd_gotland_2020.csv", POPULATION_2020)
    site.write("folkmangd_gotland_2099.csv", POPULATION_2099)
    projections = site.landing / "population_projections"
    projections.mkdir()
    (projections / "framskrivning_gotland.csv").write_text(POPULATION_PROJECTIONS, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        code = main(["refresh", "--landing", str(site.landing), "--warehouse", str(site.warehouse_root)])
    return site, code, out.getvalue(), err.getvalue()


def published(site: Site, sql: str) -> list[tuple]:
    analyst = duckdb.connect(str(site.warehouse_root / "analyst.duckdb"), read_only=True)
    try:
        return analyst.execute(sql).fetchall()
    finally:
        analyst.close()


def expected_quarantine() -> set[tuple[str, str, int, str]]:
    rows = {
        (source, name, row, rule)
        for source, (name, _, expected) in FILES.items()
        for row, (rule, severity) in expected.items()
        if severity == "blocking"
    }
    # population: the 150-year-old (line 6, both years) and the county's 2023 cells (lines 2 and 3)
    rows |= {
        ("population", "folkmangd_gotland.csv", 6, "age_in_range"),
        ("population", "folkmangd_gotland.csv", 2, "equals_sum_of_parts"),
        ("population", "folkmangd_gotland.csv", 3, "equals_sum_of_parts"),
        ("population", "folkmangd_gotland_2099.csv", 2, "year_not_after_delivery"),
        ("population_projections", "framskrivning_gotland.csv", 4, "age_in_range"),
    }
    return rows


def test_every_blocking_rule_a_file_can_break_is_fed_one(gate):
    fed = {
        (source, rule)
        for source, (_, _, expected) in FILES.items()
        for rule, severity in expected.values()
        if severity == "blocking"
    } | {
        ("population", "age_in_range"),
        ("population", "equals_sum_of_parts"),
        ("population", "year_not_after_delivery"),
        ("population_projections", "age_in_range"),
    }
    refused_as_whole_files = {  # the SCB reader refuses these files before staging
        (source, rule)
        for source in ("population", "population_projections")
        for rule in ("area_registered", "year_given", "sex_known", "persons_not_negative", "one_row_per_key")
    }
    blocking = {
        (name, rule.rule)
        for name, suite in SUITES.items()
        for rule in suite.rules
        if rule.severity == "blocking" and rule.row_level
    }
    # the deliveries the organisation register expects (staging.coverage) have warnings only
    assert not {rule for suite, rule in blocking if suite == "coverage"}
    assert fed | refused_as_whole_files == blocking


def test_quarantine_names_exactly_the_broken_rows_with_their_rule(gate):
    site, *_ = gate
    quarantined = site.query("SELECT source, source_file, source_row, rule FROM core.quarantine")
    assert set(quarantined) == expected_quarantine()
    # the 150-year-old is one line with two years: two cells, both held out
    assert len(quarantined) == len(expected_quarantine()) + 1
    analyst = duckdb.connect(str(site.warehouse_root / "analyst.duckdb"), read_only=True)
    try:
        published = analyst.execute(
            "SELECT source, source_file, source_row, column_name, rule, rule_title, value "
            "FROM quarantine WHERE source = 'staffing' AND rule = 'fte_in_range'"
        ).fetchall()
    finally:
        analyst.close()
    title = SUITES["staffing"].rule("fte_in_range").title
    assert published == [("staffing", "personal_2024-01.csv", 11, "sysselsättningsgrad", "fte_in_range", title, "2,5")]


def test_great_expectations_finds_the_same_rows_failing_blocking_rules(gate):
    site, *_ = gate
    con = duckdb.connect(str(site.warehouse.live_path), read_only=True)
    try:
        quarantined = con.execute("SELECT source, source_file, source_row, rule FROM core.quarantine").fetchall()
        for name, suite in SUITES.items():
            outcome = validate_table(con, suite.table, suite)
            by_rule = {
                r.rule: {(row.source_file, row.source_row) for row in r.failing_rows}
                for r in outcome.rules
                if r.severity == "blocking"
            }
            gx_rows = set().union(*by_rule.values())
            mine = {(file, row) for source, file, row, _ in quarantined if source == name}
            assert gx_rows == mine, name
            for source, file, row, rule in quarantined:
                if source == name:
                    assert (file, row) in by_rule[rule], (name, rule, file, row)
            assert not any(r.truncated for r in outcome.rules)
    finally:
        con.close()


def test_rows_breaking_only_a_warning_stay_in_the_facts_and_are_reported(gate):
    site, code, out, err = gate
    assert site.query(
        "SELECT count(*) FROM staging.staffing WHERE employee_id IN ('1000201', '1000202') AND finding IS NULL"
    ) == [(2,)]
    assert site.query("SELECT count(*) FROM core.bed_days WHERE census_date = DATE '2024-03-17'") == [(1,)]
    assert site.query("SELECT count(*) FROM core.units WHERE unit_id = '19-AVD-03'") == [(1,)]
    warned = {
        row[:2]
        for row in published(site, "SELECT suite, rule FROM quality_results WHERE severity = 'warning' AND NOT success")
    }
    assert warned == {
        ("organisation", "ward_has_hospital"),
        ("staffing", "fte_at_most_full_time"),
        ("staffing", "sick_hours_within_hours_worked"),
        ("beds", "discharge_ready_within_occupied"),
        ("beds", "no_missing_day_before"),
        ("listings", "no_missing_month_before"),
        ("population", "no_missing_year_before"),
        # the rows beyond a blocking range break the warning below it too (the rows of 2099 and
        # February are not months the files deliver, their names say January: no gap follows)
        ("cost", "amount_plausible"),
        ("listings", "listed_plausible"),
        ("beds", "beds_available_typical"),
        # the ward 19-AVD-01 delivers no payroll rows, and its cost centre no ledger rows
        ("coverage", "unit_delivered"),
    }
    # fte 2,5 breaks the blocking range and the full-time warning; hours -1 makes sick hours exceed them
    assert published(site, "SELECT unexpected FROM quality_results WHERE rule = 'fte_at_most_full_time'") == [(2,)]
    for suite, rule in warned:
        assert any(line.split()[:2] == [suite, "warning"] and f"{rule}:" in line for line in out.splitlines()), rule


def test_quarantined_rows_stay_out_of_the_facts(gate):
    site, *_ = gate
    assert site.query("SELECT sum(listed) FROM core.listed_inhabitants WHERE period = '2024-01'") == [(215,)]
    # 1.0 and 0.75 (clean), 1.2 and 1.0 (warnings only)
    assert site.query("SELECT sum(fte)::DOUBLE FROM core.staff_fte WHERE period = '2024-01'") == [(3.95,)]
    assert site.query("SELECT sum(amount_sek)::DOUBLE FROM core.cost") == [(1_120_000.50,)]
    assert site.query("SELECT count(*) FROM core.bed_days") == [(3,)]  # days 1, 2 and 17
    # Gotland 2023: the county's own figures contradicted the municipality: summed from it instead
    assert site.query(
        "SELECT sex, persons, derivation FROM core.population WHERE area_code = '09' AND year = 2023 ORDER BY sex"
    ) == [("K", 295, "sum of municipalities"), ("M", 310, "sum of municipalities")]
    assert site.query(
        "SELECT sex, persons, derivation FROM core.population WHERE area_code = '09' AND year = 2022 ORDER BY sex"
    ) == [("K", 290, "delivered"), ("M", 300, "delivered")]
    assert site.query("SELECT count(*) FROM core.population WHERE age > 110") == [(0,)]


def test_the_summary_lists_quarantine_by_rule_and_warnings_and_exits_1(gate):
    _, code, out, err = gate
    assert code == 1
    assert "Quarantined:" in out
    for source, file, row, rule in expected_quarantine():
        assert any(line.split()[:1] == [source] and f"{rule}:" in line for line in out.splitlines()), (source, rule)
    assert "rows broke blocking rules and were quarantined" in err
    assert "Blocked" not in out
