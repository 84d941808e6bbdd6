"""The catalogue's indicators on tiny deliveries of every source, loaded through the real assets, against values
worked out by hand; and the catalogue's rules for breakdowns and confidence intervals."""

import calendar
import datetime as dt
import math
import shutil

import dagster as dg
import pytest

from pipelines.graph.indicators import indicator_asset
from pipelines.indicators.catalogue import CatalogueError, load_catalogue
from pipelines.settings import CATALOGUE_DIR
from tests.conftest import Site, failure_message

pytestmark = pytest.mark.integration

Z = 1.959964

ORGANISATION = """enhets_id;enhetsnamn;enhetstyp;vårdnivå;sjukhus;specialitet;kommunkod;kostnadsställe;verksamhet;giltig_från;giltig_till;datakälla
19-VC-001;Vårdcentral Viksäng;vårdcentral;primärvård;;;1980;19-KS-1001;1;2015-01-01;;SYNTETISK test
19-VC-002;Vårdcentral Sala;vårdcentral;primärvård;;;1981;19-KS-1002;1;2015-01-01;;SYNTETISK test
19-AVD-01;Avdelning 1 internmedicin;vårdavdelning;specialiserad somatisk vård;Sjukhus A;Internmedicin;1980;19-KS-2001;2;2015-01-01;;SYNTETISK test
19-AVD-02;Avdelning 2 kirurgi;vårdavdelning;specialiserad somatisk vård;Sjukhus B;Kirurgi;1981;19-KS-2002;2;2015-01-01;;SYNTETISK test
19-AMB-01;Ambulansstation Västerås;ambulansstation;ambulanssjukvård;;;1980;19-KS-5001;5;2015-01-01;;SYNTETISK test
19-FTV-01;Folktandvården;övrig;tandvård;;;1980;19-KS-4001;4;2015-01-01;;SYNTETISK test
"""

# Each month of 2024: VC-001 lists 1,100 (300 aged 0-17, 300 men 80-84), VC-002 1,100 (100 women 85+).
LISTINGS = [
    ("19-VC-001", "0-5", "K", 100),
    ("19-VC-001", "6-17", "M", 200),
    ("19-VC-001", "18-44", "K", 500),
    ("19-VC-001", "80-84", "M", 300),
    ("19-VC-002", "45-64", "K", 1000),
    ("19-VC-002", "85+", "K", 100),
]

STAFFING_HEADER = (
    "period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;"
    "sjuktimmar;inhyrd;datakälla\n"
)
# Every month of 2024. 1000003 worked 4 hours (under 8: not counted as FTE, but in the sick-leave share);
# 1000004 is hired.
STAFF_2024 = [
    ("1000001", "19-VC-001", "Specialistläkare allmänmedicin", "tillsvidare", "1,0", "160", "0", "N"),
    ("1000002", "19-VC-001", "ST-läkare allmänmedicin", "visstid", "0,5", "80", "0", "N"),
    ("1000003", "19-VC-002", "Specialistläkare allmänmedicin", "tillsvidare", "1,0", "4", "150", "N"),
    ("1000004", "19-VC-002", "Specialistläkare allmänmedicin", "visstid", "1,0", "160", "0", "J"),
    ("1000005", "19-AMB-01", "Ambulanssjuksköterska", "tillsvidare", "1,0", "150", "10", "N"),
    ("1000006", "19-AVD-01", "Sjuksköterska", "tillsvidare", "0,8", "120", "8", "N"),
    # paid by the hour and not called in: 19-AVD-02 delivers its payroll (coverage), with no FTE and no hours
    ("1000008", "19-AVD-02", "Undersköterska", "timavlönad", "0", "0", "0", "N"),
]
# December 2023: five permanent employees (1000007 is gone by December 2024) and one fixed-term.
STAFF_2023_12 = [s for s in STAFF_2024 if s[0] not in ("1000004", "1000008")] + [
    ("1000007", "19-AVD-02", "Undersköterska", "tillsvidare", "1,0", "160", "0", "N")
]

COST_HEADER = "period;kostnadsställe;konto;verksamhet;belopp;datakälla\n"
# Per month: primary care 100,000 salaries - 10,000 income; the wards 300,000 salaries + hired staff
# (50,000 in 2024, 40,000 in 2023); dental care 70,000 (not health care). 2023 primary care salaries 80,000.
COST = {
    2024: [
        ("19-KS-1001", "5010", "1", "100000"),
        ("19-KS-1001", "3110", "1", "-10000"),
        ("19-KS-2001", "5010", "2", "300000"),
        ("19-KS-2001", "4621", "2", "50000"),
        ("19-KS-4001", "5010", "4", "70000"),
        # the other cost centres of the register deliver rows that sum to nothing (coverage)
        ("19-KS-1002", "5010", "1", "0"),
        ("19-KS-2002", "5010", "2", "0"),
        ("19-KS-5001", "5010", "5", "0"),
    ],
    2023: [
        ("19-KS-1001", "5010", "1", "80000"),
        ("19-KS-1001", "3110", "1", "-10000"),
        ("19-KS-2001", "5010", "2", "300000"),
        ("19-KS-2001", "4621", "2", "40000"),
        ("19-KS-4001", "5010", "4", "70000"),
        # the other cost centres of the register deliver rows that sum to nothing (coverage)
        ("19-KS-1002", "5010", "1", "0"),
        ("19-KS-2002", "5010", "2", "0"),
        ("19-KS-5001", "5010", "5", "0"),
    ],
}

BEDS_HEADER = (
    "datum;avdelnings_id;disponibla_vårdplatser;belagda;överbelagda;utlokaliserade;utskrivningsklara;utskrivningar\n"
)


def population_csv(values: dict[int, int]) -> str:
    """County 19, every age 0..100 and both sexes: the same number of persons in each cell of a year."""
    years = sorted(values)
    lines = ['"region","ålder","kön",' + ",".join(f'"{y}"' for y in years)]
    for age in range(101):
        label = "100+ år" if age == 100 else f"{age} år"
        for sex in ("män", "kvinnor"):
            lines.append(f'"19 Västmanlands län","{label}","{sex}",' + ",".join(str(values[y]) for y in years))
    return "\n".join(lines) + "\n"


def land_everything(site: Site) -> None:
    site.write_source("organisation", "enheter.csv", ORGANISATION)
    for month in range(1, 13):
        period = f"2024-{month:02d}"
        site.write_source(
            "listings",
            f"listning_{period}.csv",
            "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
            + "".join(f"{period};{u};{a};{s};{n}\n" for u, a, s, n in LISTINGS),
        )
        site.write_source(
            "staffing",
            f"personal_{period}.csv",
            STAFFING_HEADER + "".join(f"{period};{';'.join(s)};SYNTETISK\n" for s in STAFF_2024),
        )
        for year, rows in COST.items():
            p = f"{year}-{month:02d}"
            site.write_source(
                "cost", f"huvudbok_{p}.csv", COST_HEADER + "".join(f"{p};{';'.join(r)};SYNTETISK\n" for r in rows)
            )
        days = calendar.monthrange(2024, month)[1]
        rows = []
        for day in range(1, days + 1):
            date = dt.date(2024, month, day).isoformat()
            rows.append(f"{date};19-AVD-01;20;18;1;0;2;4")
            # ward 2 closes its beds on New Year's Eve
            rows.append(f"{date};19-AVD-02;0;0;0;0;0;0" if date == "2024-12-31" else f"{date};19-AVD-02;10;10;0;1;0;2")
        site.write_source("beds", f"vardplatslage_{period}.csv", BEDS_HEADER + "\n".join(rows) + "\n")
    site.write_source(
        "staffing",
        "personal_2023-12.csv",
        STAFFING_HEADER + "".join(f"2023-12;{';'.join(s)};SYNTETISK\n" for s in STAFF_2023_12),
    )
    site.write("folkmangd.csv", population_csv({2023: 990, 2024: 1000}))
    # a price index, so the fixed-price cost indicators have values too
    site.write_source("deflators", "index.csv", "år;index;källa\n2023;100,0;test index\n2024;104,0;test index\n")
    # the projection: 1,500 in every cell of 2034 (and 2025, its first year, so the base year is 2024)
    projections = site.landing / "population_projections"
    projections.mkdir()
    (projections / "framskrivning.csv").write_text(population_csv({2025: 1200, 2034: 1500}), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("indicators"))
    land_everything(site)
    result = site.materialize("indicators/indicator_values")
    assert result.success, failure_message(result)
    return site


def value(
    site: Site, indicator: str, period: str, unit=None, sex="T", age_group="all", category="all", area="19"
) -> tuple:
    rows = site.query(
        "SELECT value, numerator, denominator, ci_lower, ci_upper, ci_method, synthetic FROM indicators.indicator_values "
        "WHERE indicator_id = ? AND area_code = ? AND period = ? AND unit_id IS NOT DISTINCT FROM ? AND sex = ? "
        "AND age_group = ? AND category = ?",
        [indicator, area, period, unit, sex, age_group, category],
    )
    assert len(rows) == 1, (indicator, period, unit, sex, age_group, category, rows)
    return rows[0]


# Population: 2024 has 1,000 in each of 101 ages x 2 sexes = 202,000; 2023 990 per cell = 199,980.
def test_population_bands(site):
    share = value(site, "population_share_0_17", "2024")
    assert share[:3] == pytest.approx((100 * 36_000 / 202_000, 36_000, 202_000))  # 18 ages x 2 sexes x 1,000
    # Wilson: (2k + z^2 -/+ z sqrt(z^2 + 4k(1 - k/n))) / (2(n + z^2)), times 100
    k, n = 36_000, 202_000
    root = Z * math.sqrt(Z * Z + 4 * k * (1 - k / n))
    assert share[3:6] == pytest.approx(
        (100 * (2 * k + Z * Z - root) / (2 * (n + Z * Z)), 100 * (2 * k + Z * Z + root) / (2 * (n + Z * Z)), "wilson")
    )
    assert value(site, "working_age_per_80plus", "2024", sex="K")[:3] == pytest.approx(
        (45_000 / 21_000, 45_000, 21_000)
    )
    assert value(site, "population_total", "2024")[3:6] == (None, None, None)  # a count: no interval


def test_projected_change_of_80plus_over_ten_years(site):
    # base year 2024 (the projection starts in 2025): 21 ages x 2 sexes x 1,000 = 42,000; 2034: x 1,500 = 63,000
    assert value(site, "projected_change_80plus_10y", "2024")[:3] == pytest.approx((50.0, 21_000, 42_000))
    assert value(site, "projected_change_80plus_10y", "2024", sex="M")[:3] == pytest.approx((50.0, 10_500, 21_000))
    assert site.query(
        "SELECT DISTINCT period FROM indicators.indicator_values WHERE indicator_id = 'projected_change_80plus_10y'"
    ) == [("2024",)]
    assert site.query("SELECT count(*), sum(persons) FROM core.population_projections WHERE year = 2034") == [
        (202, 303_000)
    ]


def test_listed_inhabitants_by_health_centre_age_group_and_sex(site):
    assert value(site, "listed_inhabitants", "2024")[0] == 2200  # December
    assert value(site, "listed_inhabitants", "2024-03", age_group="0-17")[0] == 300
    assert value(site, "listed_inhabitants", "2024", age_group="0-17", sex="K")[0] == 100
    assert value(site, "listed_inhabitants", "2024", unit="19-VC-001", age_group="80+", sex="M")[0] == 300
    assert value(site, "listed_inhabitants", "2024", unit="19-VC-002", age_group="80+")[0] == 100


def test_listed_inhabitants_per_gp_variants(site):
    # counted FTE at health centres: specialist 1.0 (the other worked 4 hours), trainee 0.5, hired 1.0
    for period in ("2024-06", "2024"):
        assert value(site, "listed_per_gp_specialist", period)[:3] == pytest.approx((2200, 2200, 1.0))
        assert value(site, "listed_per_gp_incl_trainees", period)[:3] == pytest.approx((2200 / 1.5, 2200, 1.5))
        assert value(site, "listed_per_gp_incl_trainees_hired", period)[:3] == pytest.approx((880, 2200, 2.5))
    assert value(site, "listed_per_gp_specialist", "2024", unit="19-VC-001")[:3] == pytest.approx((1100, 1100, 1.0))
    # no counted specialist at VC-002: no value, numerator and denominator kept
    assert value(site, "listed_per_gp_specialist", "2024", unit="19-VC-002")[:3] == (None, 1100, 0)
    assert value(site, "listed_per_gp_incl_trainees_hired", "2024", unit="19-VC-002")[0] == pytest.approx(1100)
    assert value(site, "gp_specialist_fte_per_1000_listed", "2024")[0] == pytest.approx(1000 / 2200)
    # December 2023 has staff but no listing: no value for that month
    assert not site.query(
        "SELECT 1 FROM indicators.indicator_values WHERE indicator_id LIKE 'listed_per_gp%' "
        "AND period LIKE '2023%' AND value IS NOT NULL"
    )


def test_staff_fte_shares_ambulance_and_sick_leave(site):
    # November 2024, employed, 8 hours or more: doctors 1.0 + 0.5, ambulance 1.0, nurse 0.8 = 3.3
    assert value(site, "staff_fte_per_1000", "2024")[:3] == pytest.approx((3.3 / 202_000 * 1000, 3.3, 202_000))
    assert value(site, "staff_fte_per_1000", "2024", category="doctor")[1] == pytest.approx(1.5)
    assert value(site, "staff_fte_per_1000", "2024", category="nurse")[1] == pytest.approx(0.8)
    # December 2023 against 2023's population (199,980): 1.0 + 0.5 + 1.0 + 0.8 + 1.0 (1000007) = 4.3
    assert value(site, "staff_fte_per_1000", "2023-12")[:3] == pytest.approx((4.3 / 199_980 * 1000, 4.3, 199_980))
    assert value(site, "primary_care_fte_share", "2024")[:3] == pytest.approx((100 * 1.5 / 3.3, 1.5, 3.3))
    assert value(site, "ambulance_fte", "2024")[:2] == pytest.approx((1.0, 1.0))
    # as SKR counts it: sick hours 0 + 0 + 150 + 10 + 8 = 168 of the ordinary hours of the contracted time, FTE
    # 1.0 + 0.5 + 1.0 + 1.0 + 0.8 = 4.3 (hired and hourly paid left out) times the month's full-time hours:
    # May 2024 has 21 working days (1 May and Ascension Day off), 168 hours; 2024 has 251, 2,008 hours
    assert value(site, "sick_leave_share", "2024-05")[:3] == pytest.approx((100 * 168 / (4.3 * 168), 168, 4.3 * 168))
    assert value(site, "sick_leave_share", "2024")[:3] == pytest.approx(
        (100 * 12 * 168 / (4.3 * 2008), 12 * 168, 4.3 * 2008)
    )
    assert value(site, "sick_leave_share", "2024", unit="19-VC-002")[0] == pytest.approx(100 * 12 * 150 / 2008)
    assert value(site, "sick_leave_share", "2024", unit="Sjukhus A")[0] == pytest.approx(100 * 12 * 8 / (0.8 * 2008))


def test_staff_turnover(site):
    # permanent in December 2023: 1000001, 1000003, 1000005, 1000006, 1000007; gone in December 2024: 1000007
    turnover = value(site, "staff_turnover", "2024")
    assert turnover[:3] == pytest.approx((20.0, 1, 5))
    # Wilson for 1 of 5: 3.62 % .. 62.45 %
    assert turnover[3:6] == pytest.approx((3.622411, 62.446537, "wilson"), abs=1e-5)


def test_cost_indicators(site):
    # health care per month: 100,000 - 10,000 + 300,000 + 50,000 = 440,000 (dental care left out); 2023 410,000
    net_2024, net_2023 = 12 * 440_000, 12 * 410_000
    assert value(site, "net_cost_per_inhabitant", "2024")[:3] == pytest.approx((net_2024 / 202_000, net_2024, 202_000))
    assert value(site, "primary_care_cost_share", "2024")[0] == pytest.approx(100 * 90_000 / 440_000)
    assert value(site, "primary_care_net_cost", "2024")[0] == pytest.approx(12 * 90_000 / 1e6)
    assert value(site, "primary_care_net_cost", "2023")[0] == pytest.approx(12 * 70_000 / 1e6)
    # hired staff over the own personnel cost (salaries 100,000 + 300,000), as SKR counts it
    assert value(site, "hired_staff_cost_share", "2024")[0] == pytest.approx(100 * 50_000 / 400_000)
    assert value(site, "net_cost_growth", "2024")[0] == pytest.approx(100 * (net_2024 - net_2023) / net_2023)
    per_2024, per_2023 = net_2024 / 202_000, net_2023 / 199_980
    assert value(site, "net_cost_per_inhabitant_growth", "2024")[0] == pytest.approx(
        100 * (per_2024 - per_2023) / per_2023
    )
    assert not site.query(
        "SELECT 1 FROM indicators.indicator_values WHERE indicator_id = 'net_cost_growth' AND period = '2023'"
    )


def test_bed_census_indicators(site):
    # 2024 has 366 days; ward 2 has no beds on 31 December. Available 20 x 366 + 10 x 365 = 10,970;
    # occupied 18 x 366 + 10 x 365 = 10,238; överbelagda 366, utlokaliserade 365, discharge-ready 732,
    # discharges 4 x 366 + 2 x 365 = 2,194.
    assert value(site, "beds_per_1000", "2024")[:3] == pytest.approx(
        (10_970 / 366 / 202_000 * 1000, 10_970 / 366, 202_000)
    )
    assert value(site, "occupancy", "2024")[:3] == pytest.approx((100 * 10_238 / 10_970, 10_238, 10_970))
    assert value(site, "occupancy", "2024", unit="Sjukhus A")[0] == pytest.approx(90.0)
    assert value(site, "average_length_of_stay", "2024")[0] == pytest.approx(10_238 / 2_194)
    assert value(site, "average_length_of_stay", "2024-02", unit="Sjukhus B")[:3] == pytest.approx((5.0, 290, 58))
    over = value(site, "overcrowding_per_100_beds", "2024")
    # a census count is no Poisson count (the same patient is counted each day): no interval
    assert over[:3] == pytest.approx((100 * 366 / 10_970, 366, 10_970)) and over[3:6] == (None, None, None)
    assert value(site, "outlying_per_100_beds", "2024")[0] == pytest.approx(100 * 365 / 10_970)
    assert value(site, "discharge_ready_share", "2024")[:3] == pytest.approx((100 * 732 / 10_238, 732, 10_238))
    assert value(site, "discharge_ready_share", "2024")[5] is None  # census days, not independent trials
    # on the last day of June both sites had beds; on 31 December only Sjukhus A's internal medicine
    assert value(site, "hospital_sites_per_specialty", "2024-06")[0] == 2
    assert value(site, "hospital_sites_per_specialty", "2024-06", category="Kirurgi")[0] == 1
    assert value(site, "hospital_sites_per_specialty", "2024")[0] == 1
    # the census files carry no synthetic mark, the staffing files do: the flag follows the rows behind a value
    synthetic = dict(
        site.query(
            "SELECT indicator_id, list(DISTINCT synthetic) FROM indicators.indicator_values "
            "WHERE indicator_id IN ('occupancy', 'staff_fte_per_1000') GROUP BY 1"
        )
    )
    assert synthetic == {"occupancy": [False], "staff_fte_per_1000": [True]}


def test_every_value_is_stamped_with_its_definition_version_and_no_key_repeats(site):
    versions = {i.id: i.version for i in load_catalogue()}
    stamped = dict(
        site.query("SELECT indicator_id, max(definition_version) FROM indicators.indicator_values GROUP BY 1")
    )
    assert stamped == {k: v for k, v in versions.items() if k in stamped}
    assert len(stamped) == len(versions)  # every indicator has values on these deliveries


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda t: t.replace("breakdowns: [area, hospital]", "breakdowns: [area, ward]"),
            "breakdowns ['ward'] are not among",
        ),
        (lambda t: t.replace("statistic: none\n", "statistic: normal\n"), "statistic 'normal' is not one of"),
        (
            lambda t: t.replace(t[t.index("statistic_reason:") : t.index("sql:")], ""),
            "statistic 'none' needs a 'statistic_reason'",
        ),
        (
            lambda t: t.replace("kind: ratio", "kind: count").replace("statistic: none\n", "statistic: poisson\n"),
            "statistic 'poisson' needs kind 'ratio'",
        ),
    ],
)
def test_a_broken_breakdown_or_statistic_is_refused(tmp_path, edit, message):
    source = CATALOGUE_DIR / "occupancy.yaml"
    (tmp_path / source.name).write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError, match="occupancy.yaml") as error:
        load_catalogue(tmp_path)
    assert message in str(error.value)


def test_an_indicator_sql_without_its_breakdown_column_is_refused(tmp_path):
    """The catalogue says per hospital, the SQL returns no unit_id: the run fails naming both files."""
    catalogue = tmp_path / "indicators"
    catalogue.mkdir()
    shutil.copy(CATALOGUE_DIR / "population_total.yaml", catalogue)
    text = (catalogue / "population_total.yaml").read_text(encoding="utf-8")
    (catalogue / "population_total.yaml").write_text(
        text.replace("breakdowns: [area, sex]", "breakdowns: [area, sex, hospital]"), encoding="utf-8"
    )
    (entry,) = load_catalogue(catalogue)
    site = Site(tmp_path / "site")
    site.land("web_export_comma_bom.csv")
    assert site.materialize("core/population_bands").success  # what its SQL reads
    result = dg.materialize(
        [indicator_asset(entry)],
        resources={"warehouse": site.warehouse},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    message = failure_message(result)
    assert (
        "sql/catalogue/population_total.sql" in message
        and "population_total.yaml" in message
        and "['unit_id']" in message
    )
