"""The statistics macros against published worked examples and hand-computed values.

Sources of the figures (full references in docs/statistics.md):
- Newcombe RG (1998), Stat Med 17:857-872: Wilson score intervals (method 3) for 81/263, 15/148, 0/20, 1/29.
- Altman DG (1991), Practical statistics for medical research, p. 229 (caesarean section by shoe size), as
  reproduced with R's prop.trend.test by Dalgaard P (2008), Introductory statistics with R, section 7.3.
- R's stats::prop.trend.test help example (smokers 83, 90, 129, 70 of 86, 93, 136, 82): X-squared = 8.2249.
- epitools pois.exact documentation: the exact 95 % upper limit for 0 events is 3.689.
- Calabrese EJ (ed.) (1992), Biological effects of low level exposures, table 7.5: 30 observed, exact 95 %
  limits 20.24 to 42.83.
- PHE (2018), Technical Guide: Confidence intervals: Byar's method is within 0.2 % of the exact limits
  for counts of 10 or more at 95 %.
- Eurostat (2013), Revision of the European Standard Population: the 19 bands and their weights.
- fingertips-open (OHID's Fingertips), AnalysisTest: SingleOverlappingCIsComparatorTest (comparison with a
  benchmark by a confidence interval), QuintilesCalculatorTest (bounds 10.8, 20.6, 30.4, 40.2 for 1..50) and
  QuintilesComparerTest (1..10: 1 in the first quintile, 10 in the fifth; fewer than five values: none).
- PHEindicatormethods, tests/testthat/testdata_funnel_prop_outputs.csv: Wilson funnel limits around 80.642448 %
  (population 1: 3.204264; 3: 35.933491 and 10.150815; 20: 63.326743, 97.958152 and 53.341156).
"""

import csv
import importlib.util
import math
from pathlib import Path

import duckdb
import pytest

from pipelines.statistics import ESP2013, POISSON_EXACT_LIMITS, register_statistics

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
Z95 = 1.959964
Z998 = 3.090232


def _generator():
    """scripts/make_poisson_exact_limits.py, the independent (pure Python) source of exact limits."""
    spec = importlib.util.spec_from_file_location(
        "make_poisson_exact_limits", ROOT / "scripts" / "make_poisson_exact_limits.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    register_statistics(connection)
    yield connection
    connection.close()


def one(con, sql, params=None):
    return con.execute(sql, params).fetchall()[0]


# --- Wilson ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k, n, lower, upper",
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_method_3(con, k, n, lower, upper):
    got_lower, got_upper = one(con, "SELECT wilson_lower($k, $n), wilson_upper($k, $n)", {"k": k, "n": n})
    assert round(got_lower, 4) == lower
    assert round(got_upper, 4) == upper


def test_wilson_edges(con):
    # k = 0: the lower bound is 0, the upper z^2 / (n + z^2) (by hand: 3.841459 / 23.841459 = 0.16112)
    assert one(con, "SELECT wilson_lower(0, 20)")[0] == 0.0
    assert one(con, "SELECT wilson_upper(0, 20)")[0] == pytest.approx(Z95**2 / (20 + Z95**2), rel=1e-12)
    # k = n mirrors k = 0: the upper bound is 1, the lower n / (n + z^2)
    assert one(con, "SELECT wilson_upper(20, 20)")[0] == 1.0
    assert one(con, "SELECT wilson_lower(20, 20)")[0] == pytest.approx(20 / (20 + Z95**2), rel=1e-12)
    assert one(con, "SELECT wilson_lower(5, 0), wilson_upper(5, 0), wilson_lower(5, -3)") == (None, None, None)
    assert one(con, "SELECT wilson_lower(5, NULL), wilson_upper(NULL, 10)") == (None, None)


def test_wilson_at_99_8_percent_is_wider(con):
    lower95, upper95 = one(con, "SELECT wilson_lower(81, 263), wilson_upper(81, 263)")
    lower998, upper998 = one(con, "SELECT wilson_lower(81, 263, z := 3.090232), wilson_upper(81, 263, 3.090232)")
    assert lower998 < lower95 < 81 / 263 < upper95 < upper998


@pytest.mark.parametrize("sql", ["SELECT wilson_lower(30, 20)", "SELECT wilson_upper(-1, 20)"])
def test_wilson_refuses_k_outside_0_to_n(con, sql):
    with pytest.raises(duckdb.InvalidInputException, match="outside 0..n"):
        con.execute(sql).fetchall()


# --- Poisson: exact below 10, Byar from 10 --------------------------------------------------------


def test_exact_limits_for_small_counts(con):
    # 0 events: lower 0; upper -ln(0.025) = 3.689 at 95 % (epitools), -ln(0.001) = 6.908 at 99.8 %
    assert one(con, "SELECT poisson_lower(0), poisson_upper(0)") == (0.0, pytest.approx(3.689, abs=5e-4))
    assert one(con, "SELECT poisson_upper(0, 3.090232)")[0] == pytest.approx(-math.log(0.001), rel=1e-6)
    # 1 event at 95 %: 0.0253 to 5.572 (the classical table values)
    lower, upper = one(con, "SELECT poisson_lower(1), poisson_upper(1)")
    assert (round(lower, 4), round(upper, 3)) == (0.0253, 5.572)


@pytest.mark.parametrize("confidence, z", [("0.95", Z95), ("0.998", Z998)])
def test_the_tabulated_limits_are_exact(con, confidence, z):
    """At each tabulated limit the Poisson tail is exactly the wanted probability (computed here, in Python)."""
    tail = 0.5 * math.erfc(z / math.sqrt(2))

    def cdf(o, mean):
        return math.fsum(math.exp(j * math.log(mean) - mean - math.lgamma(j + 1)) for j in range(o + 1))

    for o in range(10):
        lower, upper = one(con, "SELECT poisson_lower($o, $z), poisson_upper($o, $z)", {"o": o, "z": z})
        assert cdf(o, upper) == pytest.approx(tail, rel=1e-7), (confidence, o)
        if o > 0:
            assert 1 - cdf(o - 1, lower) == pytest.approx(tail, rel=1e-7), (confidence, o)


def test_the_exact_limits_file_is_what_the_script_writes():
    generator = _generator()
    with POISSON_EXACT_LIMITS.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(generator.LEVELS) * generator.EXACT_BELOW
    for row in rows:
        lower, upper = generator.exact_limits(int(row["observed"]), float(row["z"]))
        assert float(row["lower_limit"]) == pytest.approx(lower, rel=1e-9, abs=1e-12)
        assert float(row["upper_limit"]) == pytest.approx(upper, rel=1e-9)


def test_byar_from_10_on(con):
    # 10 events, by hand: 10 (1 - 1/90 - 1.959964 / (3 sqrt 10))^3 = 10 * 0.782292^3 = 4.7874,
    # not the exact 4.7954: from 10 on Fingertips uses Byar's formula
    lower, upper = one(con, "SELECT poisson_lower(10), poisson_upper(10)")
    assert lower == pytest.approx(10 * (1 - 1 / 90 - Z95 / (3 * math.sqrt(10))) ** 3, rel=1e-12)
    assert round(lower, 4) == 4.7874
    assert upper == pytest.approx(11 * (1 - 1 / 99 + Z95 / (3 * math.sqrt(11))) ** 3, rel=1e-12)
    # 30 events: published exact limits 20.24 to 42.83 (Calabrese 1992, table 7.5); Byar agrees to 2 decimals
    lower, upper = one(con, "SELECT poisson_lower(30), poisson_upper(30)")
    assert (round(lower, 2), round(upper, 2)) == (20.24, 42.83)
    # 9 events is still exact: the table's 4.1154 to 17.0848
    assert one(con, "SELECT round(poisson_lower(9), 4), round(poisson_upper(9), 4)") == (4.1154, 17.0848)


def test_byar_is_within_0_2_percent_of_exact_from_10_events(con):
    generator = _generator()
    for o in (10, 11, 15, 20, 35, 50, 100, 388, 389, 1000):
        exact_lower, exact_upper = generator.exact_limits(o, Z95)
        lower, upper = one(con, "SELECT poisson_lower($o), poisson_upper($o)", {"o": o})
        assert abs(lower - exact_lower) / exact_lower < 0.002, o
        assert abs(upper - exact_upper) / exact_upper < 0.002, o


def test_poisson_inputs_it_refuses_or_passes_on(con):
    assert one(con, "SELECT poisson_lower(NULL), poisson_upper(NULL)") == (None, None)
    assert one(con, "SELECT poisson_lower(3::DOUBLE) = poisson_lower(3::BIGINT)")[0]
    assert one(con, "SELECT poisson_lower(12.5) < 12.5 AND poisson_upper(12.5) > 13.5")[0]
    for sql, message in [
        ("SELECT poisson_lower(-1)", "negative"),
        ("SELECT poisson_upper(2.5)", "whole count below 10"),
        ("SELECT poisson_upper(3, 2.0)", "tabulated for z"),
    ]:
        with pytest.raises(duckdb.InvalidInputException, match=message):
            con.execute(sql).fetchall()


# --- Dobson and direct standardisation to the ESP 2013 -------------------------------------------


def test_the_european_standard_population_2013(con):
    bands = con.execute("SELECT age_band, standard_population FROM core.esp2013 ORDER BY age_from").fetchall()
    assert len(bands) == 19
    assert sum(w for _, w in bands) == 100_000
    assert bands[0] == ("0-4", 5000) and bands[9] == ("45-49", 7000) and bands[-1] == ("90+", 1000)
    assert [w for _, w in bands] == [
        5000,
        5500,
        5500,
        5500,
        6000,
        6000,
        6500,
        7000,
        7000,
        7000,
        7000,
        6500,
        6000,
        5500,
        5000,
        4000,
        2500,
        1500,
        1000,
    ]
    assert con.execute(
        "SELECT list(esp2013_band(a) ORDER BY a) FROM (VALUES (0), (4), (5), (64), (89), (90), (100)) t(a)"
    ).fetchall()[0][0] == ["0-4", "0-4", "5-9", "60-64", "85-89", "90+", "90+"]


# A worked example by hand: 30 events among 3,000 aged 85-89 (weight 1,500), 20 among 1,000 aged 90+
# (weight 1,000), no events among 50,000 in each of the 17 younger bands.
#   DSR      = (1500 * 30/3000 + 1000 * 20/1000) / 100,000 = 35 / 100,000
#   var(DSR) = (1500^2 * 30/3000^2 + 1000^2 * 20/1000^2) / 100,000^2 = 27.5 / 10^10
#   O = 50;  sqrt(var / O) * 100,000 = sqrt(0.55) = 0.741620
#   Byar: O_L = 50 (1 - 1/450 - z/(3 sqrt 50))^3 = 37.1078,  O_U = 51 (1 - 1/459 + z/(3 sqrt 51))^3 = 65.9200
#   limits per 100,000: 35 + 0.741620 (37.1078 - 50) = 25.439,  35 + 0.741620 (65.9200 - 50) = 46.807
def test_dobson_limits_by_hand(con):
    lower, upper = one(con, "SELECT dobson_lower(35e-5, 27.5e-10, 50) * 1e5, dobson_upper(35e-5, 27.5e-10, 50) * 1e5")
    byar_lower = 50 * (1 - 1 / 450 - Z95 / (3 * math.sqrt(50))) ** 3
    byar_upper = 51 * (1 - 1 / 459 + Z95 / (3 * math.sqrt(51))) ** 3
    assert lower == pytest.approx(35 + math.sqrt(0.55) * (byar_lower - 50), rel=1e-9)
    assert upper == pytest.approx(35 + math.sqrt(0.55) * (byar_upper - 50), rel=1e-9)
    assert (round(lower, 3), round(upper, 3)) == (25.439, 46.807)
    # the same on the per-100,000 scale: a rate and its variance scaled by 10^5 and 10^10
    assert one(con, "SELECT dobson_lower(35, 27.5, 50)")[0] == pytest.approx(lower, rel=1e-12)
    assert one(con, "SELECT dobson_lower(0, 0, 0), dobson_upper(35, NULL, 50)") == (None, None)


@pytest.fixture()
def bands(con):
    con.execute("""
        CREATE OR REPLACE TEMP TABLE dsr_input AS
        SELECT area, age_band,
               CASE WHEN area = 'few' THEN (age_band = '90+')::INTEGER * 9
                    WHEN age_band = '85-89' THEN 30 WHEN age_band = '90+' THEN 20 ELSE 0 END AS events,
               CASE age_band WHEN '85-89' THEN 3000 WHEN '90+' THEN 1000 ELSE 50000 END AS population
        FROM core.esp2013, (VALUES ('A'), ('few'), ('gap')) a(area)
        WHERE NOT (area = 'gap' AND age_band = '0-4')""").fetchall()
    yield "dsr_input"
    con.execute("DROP TABLE dsr_input").fetchall()


def test_dsr_table_macro_by_hand(con, bands):
    rows = {r[0]: r[1:] for r in con.execute("FROM dsr_esp2013(dsr_input) ORDER BY area").fetchall()}
    events, population, value, lower, upper = rows["A"]
    assert (events, population) == (50, 17 * 50000 + 3000 + 1000)
    assert value == pytest.approx(35.0, rel=1e-12)
    assert (round(lower, 3), round(upper, 3)) == (25.439, 46.807)
    # fewer than 10 events, or a band missing: no rate (Fingertips' rule), but the counts are kept
    assert rows["few"][0] == 9 and rows["few"][2:] == (None, None, None)
    assert rows["gap"][0] == 50 and rows["gap"][2:] == (None, None, None)
    # 99.8 %: wider around the same rate
    lower998, upper998 = one(
        con, "SELECT lower_limit, upper_limit FROM dsr_esp2013(dsr_input, z := 3.090232) WHERE area = 'A'"
    )
    assert lower998 < lower and upper998 > upper


def test_dsr_table_macro_refuses_unknown_or_repeated_bands(con, bands):
    con.execute("INSERT INTO dsr_input VALUES ('A', '85+', 1, 100)").fetchall()
    with pytest.raises(duckdb.InvalidInputException, match="85\\+ is not an age band"):
        con.execute("FROM dsr_esp2013(dsr_input)").fetchall()
    con.execute("DELETE FROM dsr_input WHERE age_band = '85+'").fetchall()
    con.execute("INSERT INTO dsr_input VALUES ('A', '0-4', 1, 100)").fetchall()
    with pytest.raises(duckdb.InvalidInputException, match="more than once"):
        con.execute("FROM dsr_esp2013(dsr_input)").fetchall()


# --- The chi-squared test for trend ---------------------------------------------------------------


def series(con, name, rows):
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (g VARCHAR, t INTEGER, k BIGINT, n BIGINT)").fetchall()
    con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?)", rows)


TREND = (
    "SELECT g, trend_points(k, n, t) AS points, trend_chi2(k, n, t) AS chi2, "
    "trend_chi2_rate(k, n, t) AS chi2_rate, trend_slope(k, n, t) AS slope, "
    "trend_verdict(trend_chi2(k, n, t), sign(trend_slope(k, n, t)), trend_points(k, n, t)) AS verdict "
    "FROM {table} GROUP BY g ORDER BY g"
)


def test_trend_chi2_matches_altman_1991_and_r(con):
    caesarean = [5, 7, 6, 7, 8, 10]
    women = [5 + 17, 7 + 28, 6 + 36, 7 + 41, 8 + 46, 10 + 140]
    smokers, patients = [83, 90, 129, 70], [86, 93, 136, 82]
    series(
        con,
        "published",
        [("altman", i + 1, k, n) for i, (k, n) in enumerate(zip(caesarean, women))]
        + [("r", i + 1, k, n) for i, (k, n) in enumerate(zip(smokers, patients))],
    )
    rows = {r[0]: r for r in con.execute(TREND.format(table="published")).fetchall()}
    assert round(rows["altman"][2], 2) == 8.02
    assert round(rows["r"][2], 4) == 8.2249
    # P = 0.005 is significant at 95 % but not at Fingertips' 99.8 % (9.5495)
    assert rows["altman"][5] == "no significant change"
    # four points: too few for a trend marker, whatever the statistic
    assert rows["r"][5] == "could not be calculated"


# By hand: t = 1..5, n = 1000 each, k = 100, 120, 140, 160, 180. N = 5000, K = 700, p = 0.14.
#   sum(n t) = 15,000; sum(n t^2) = 55,000; S = 55,000 - 15,000^2 / 5,000 = 10,000
#   sum(k t) = 2,300; U = 2,300 - 700 * 15,000 / 5,000 = 200; slope = U / S = 0.02
#   proportion: X^2 = 200^2 / (0.14 * 0.86 * 10,000) = 33.2226; rate: X^2 = 200^2 / (0.14 * 10,000) = 28.5714
def test_trend_by_hand_increasing_and_decreasing(con):
    ks = [100, 120, 140, 160, 180]
    series(
        con,
        "by_hand",
        [("up", t, k, 1000) for t, k in zip(range(1, 6), ks)]
        + [("down", t, k, 1000) for t, k in zip(range(1, 6), reversed(ks))]
        + [("years", 2018 + t, k, 1000) for t, k in zip(range(1, 6), ks)],
    )
    rows = {r[0]: r[1:] for r in con.execute(TREND.format(table="by_hand")).fetchall()}
    points, chi2, chi2_rate, slope, verdict = rows["up"]
    assert points == 5
    assert chi2 == pytest.approx(40000 / 1204, rel=1e-12)
    assert chi2_rate == pytest.approx(40000 / 1400, rel=1e-12)
    assert slope == pytest.approx(0.02, rel=1e-12)
    assert verdict == "increasing"
    assert rows["down"][1] == pytest.approx(chi2, rel=1e-12) and rows["down"][3] == pytest.approx(-0.02)
    assert rows["down"][4] == "decreasing"
    # calendar years instead of 1..5: the same test
    assert rows["years"][1] == pytest.approx(chi2, rel=1e-9) and rows["years"][4] == "increasing"


def test_trend_over_the_last_five_of_a_longer_series(con):
    """The documented pattern: the five most recent points per series, then GROUP BY."""
    k = [500, 400, 100, 100, 100, 100, 100]  # flat over the last five, falling over all seven
    series(con, "long", [("x", 2015 + i, ki, 1000) for i, ki in enumerate(k)])
    verdict = "trend_verdict(trend_chi2(k, n, t), sign(trend_slope(k, n, t)), trend_points(k, n, t))"
    last_five = (
        f"SELECT g, trend_chi2(k, n, t), {verdict} FROM "
        "(FROM long QUALIFY row_number() OVER (PARTITION BY g ORDER BY t DESC) <= 5) GROUP BY g"
    )
    assert con.execute(last_five).fetchall() == [("x", 0.0, "no significant change")]
    assert con.execute(f"SELECT {verdict} FROM long").fetchall() == [("decreasing",)]


def test_trend_verdict_edges(con):
    assert one(con, "SELECT trend_verdict(9.549536, 1, 5), trend_verdict(9.56, 1, 5), trend_verdict(9.56, -1, 5)") == (
        "no significant change",
        "increasing",
        "decreasing",
    )
    assert (
        one(con, "SELECT trend_verdict(100, 1, 4), trend_verdict(NULL, 1, 5), trend_verdict(100, NULL, 5)")
        == ("could not be calculated",) * 3
    )
    series(
        con,
        "edges",
        [("gap", t, None if t == 3 else 10 * t, 100) for t in range(1, 6)] + [("zero", t, 0, 100) for t in range(1, 6)],
    )
    rows = {r[0]: r[1:] for r in con.execute(TREND.format(table="edges")).fetchall()}
    assert rows["gap"][0] == 4 and rows["gap"][4] == "could not be calculated"  # a missing point
    assert rows["zero"][1] is None and rows["zero"][4] == "could not be calculated"  # p = 0: no variance
    series(con, "broken", [("x", t, 200, 100) for t in range(1, 6)])
    with pytest.raises(duckdb.InvalidInputException, match="k outside 0..n"):
        con.execute(TREND.format(table="broken")).fetchall()


# --- Registration --------------------------------------------------------------------------------


def test_register_statistics_is_idempotent_and_persists(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as first:
        register_statistics(first)
        register_statistics(first)
    with duckdb.connect(str(path)) as again:
        assert again.execute(
            "SELECT round(poisson_upper(3), 3), count(*) FROM core.poisson_exact_limits"
        ).fetchall() == [(8.767, 40)]
    assert ESP2013.is_file()


# --- Comparison with a benchmark, quintiles, trend assessment (Fingertips) -----------------------------------


# fingertips-open SingleOverlappingCIsComparatorTest: (value, lower, upper, benchmark) -> for RAG low is good
# (polarity 0) and RAG high is good (polarity 1)
@pytest.mark.parametrize(
    "value, lower, upper, benchmark, low_is_good, high_is_good",
    [
        (11, 10, 12, 11, "similar", "similar"),  # TestSameExactly
        (3.05, 2.7, 3.1, 3.0, "similar", "similar"),  # TestSame
        (3.3, 3.2, 3.5, 3.0, "worse", "better"),  # TestHigher
        (2.5, 2.2, 2.8, 3.0, "better", "worse"),  # TestLower
    ],
)
def test_benchmark_compare_matches_fingertips(con, value, lower, upper, benchmark, low_is_good, high_is_good):
    sql = "SELECT benchmark_compare($v, $l, $u, $b, $p)"
    args = {"v": value, "l": lower, "u": upper, "b": benchmark}
    assert one(con, sql, args | {"p": "lower_is_better"})[0] == low_is_good
    assert one(con, sql, args | {"p": "higher_is_better"})[0] == high_is_good


def test_benchmark_compare_edges(con):
    # a benchmark on a limit is inside it (Fingertips: val <= upper and val >= lower)
    assert one(
        con,
        "SELECT benchmark_compare(5, 4, 6, 6, 'lower_is_better'), benchmark_compare(5, 4, 6, 4, 'higher_is_better')",
    ) == ("similar", "similar")
    # no judgement: higher or lower, never better or worse
    assert one(
        con,
        "SELECT benchmark_compare(3.3, 3.2, 3.5, 3.0, 'no_judgement'), "
        "benchmark_compare(2.5, 2.2, 2.8, 3.0, 'no_judgement')",
    ) == ("higher", "lower")
    # nothing to compare (Fingertips' TestMinusOne... and TestNoCIsOnLocalData...): NULL
    assert (
        one(
            con,
            "SELECT benchmark_compare(NULL, 2.2, 2.8, 3.0, 'lower_is_better'), "
            "benchmark_compare(2.5, 2.2, 2.8, NULL, 'lower_is_better'), "
            "benchmark_compare(4.0, NULL, 4.1, 3.0, 'lower_is_better'), "
            "benchmark_compare(4.0, 4.0, NULL, 3.0, 'lower_is_better')",
        )
        == (None,) * 4
    )
    # the 99.8 % interval is wider: worse at 95 %, similar at 99.8 % (81/263 = 30.8 % against 25 %)
    lower95, upper95 = one(con, "SELECT wilson_lower(81, 263), wilson_upper(81, 263)")
    lower998, upper998 = one(con, "SELECT wilson_lower(81, 263, 3.090232), wilson_upper(81, 263, 3.090232)")
    assert lower998 < 0.25 < lower95
    assert one(
        con,
        "SELECT benchmark_compare(81 / 263, $l95, $u95, 0.25, 'lower_is_better'), "
        "benchmark_compare(81 / 263, $l998, $u998, 0.25, 'lower_is_better')",
        {"l95": lower95, "u95": upper95, "l998": lower998, "u998": upper998},
    ) == ("worse", "similar")


def test_fingertips_quintiles(con):
    # QuintilesCalculatorTest: 1..50 -> bounds 10.8, 20.6, 30.4, 40.2 (linear interpolation, R type 7)
    bounds = one(con, "SELECT quantile_cont(x, [0.2, 0.4, 0.6, 0.8]) FROM range(1, 51) t(x)")[0]
    assert bounds == pytest.approx([10.8, 20.6, 30.4, 40.2])
    # QuintilesComparerTest: 1..10 -> 1 is in the first quintile, 10 in the fifth
    rows = con.execute(
        "SELECT x, fingertips_quintile(x, quantile_cont(x, [0.2, 0.4, 0.6, 0.8]) OVER (), "
        "count(x) OVER ()) FROM range(1, 11) t(x) ORDER BY x"
    ).fetchall()
    assert rows[0] == (1, 1) and rows[-1] == (10, 5)
    # by hand, 21 regions valued 1..21: bounds 5, 9, 13, 17; quintile 1 holds 1..5 (a bound is inside its
    # quintile), 2 holds 6..9, 3 10..13, 4 14..17, 5 18..21
    rows = dict(
        con.execute(
            "SELECT x, fingertips_quintile(x, quantile_cont(x, [0.2, 0.4, 0.6, 0.8]) OVER (), "
            "count(x) OVER ()) FROM range(1, 22) t(x)"
        ).fetchall()
    )
    assert [rows[x] for x in (1, 5, 6, 9, 10, 13, 14, 17, 18, 21)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # fewer than five values: no quintile (Test_Category0IfValueCountLessThan5)
    assert one(con, "SELECT fingertips_quintile(1, [1.6, 2.2, 2.8, 3.4], 4)")[0] is None
    assert one(
        con,
        "SELECT quintile_assessment(1, 'higher_is_better'), quintile_assessment(1, 'lower_is_better'), "
        "quintile_assessment(5, 'no_judgement'), quintile_assessment(3, 'higher_is_better')",
    ) == ("worst", "best", "highest", "middle")


def test_trend_assessment_by_polarity(con):
    got = con.execute(
        "SELECT trend_assessment(v, p) FROM (VALUES ('increasing', 'higher_is_better'), "
        "('decreasing', 'higher_is_better'), ('increasing', 'lower_is_better'), "
        "('decreasing', 'lower_is_better'), ('increasing', 'no_judgement'), "
        "('no significant change', 'lower_is_better'), ('could not be calculated', 'higher_is_better')"
        ") t(v, p)"
    ).fetchall()
    assert [g[0] for g in got] == [
        "increasing and getting better",
        "decreasing and getting worse",
        "increasing and getting worse",
        "decreasing and getting better",
        "increasing",
        "no significant change",
        "could not be calculated",
    ]


# --- Funnel plot limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "population, lower95, upper95, lower998, upper998",
    [
        (1, 3.204264, 100, 0, 100),
        (2, 25.885383, 100, 0, 100),
        (3, 35.933491, 100, 10.150815, 100),
        (20, 63.326743, 97.958152, 53.341156, 100),
        (24, 64.835445, 96.449451, 55.719892, 100),
    ],
)
def test_funnel_proportion_limits_match_phe_indicator_methods(con, population, lower95, upper95, lower998, upper998):
    """testdata_funnel_prop_outputs.csv: the baseline 80.642448 % (PHE computes z = qnorm(p) in full; z = 3.090232
    here moves the 99.8 % limits by about 1e-5, so those are compared to 4 decimals)."""
    got = one(
        con,
        "SELECT 100 * funnel_proportion_limit(0.80642448, $n, 1.959964, 'lower'), "
        "100 * funnel_proportion_limit(0.80642448, $n, 1.959964, 'upper'), "
        "100 * funnel_proportion_limit(0.80642448, $n, 3.090232, 'lower'), "
        "100 * funnel_proportion_limit(0.80642448, $n, 3.090232, 'upper')",
        {"n": population},
    )
    assert got[0] == pytest.approx(lower95, abs=2e-6) and got[1] == pytest.approx(upper95, abs=2e-6)
    assert got[2] == pytest.approx(lower998, abs=1e-4) and got[3] == pytest.approx(upper998, abs=1e-4)


def test_a_funnel_limit_is_where_the_wilson_interval_reaches_the_target(con):
    """The limit's definition, independently: a unit at the 95 % lower limit with denominator n has a Wilson
    upper bound equal to the target."""
    for n in (20, 250, 4000):
        limit = one(con, "SELECT funnel_proportion_limit(0.3, $n, 1.959964, 'lower')", {"n": n})[0]
        assert one(con, "SELECT wilson_upper($k, $n)", {"k": limit * n, "n": n})[0] == pytest.approx(0.3, abs=1e-9)
        upper = one(con, "SELECT funnel_proportion_limit(0.3, $n, 1.959964, 'upper')", {"n": n})[0]
        assert one(con, "SELECT wilson_lower($k, $n)", {"k": upper * n, "n": n})[0] == pytest.approx(0.3, abs=1e-9)
    assert one(
        con,
        "SELECT funnel_proportion_limit(NULL, 10, 1.959964, 'lower'), "
        "funnel_proportion_limit(0.3, 0, 1.959964, 'lower'), "
        "funnel_proportion_limit(1.2, 10, 1.959964, 'upper')",
    ) == (None, None, None)
    with pytest.raises(duckdb.InvalidInputException, match="side must be"):
        con.execute("SELECT funnel_proportion_limit(0.3, 10, 1.959964, 'middle')").fetchall()


def test_funnel_position(con):
    # the target 5 against a unit's intervals: 95 % 6..8 and 99.8 % 5.5..8.5 -> above 99.8 %; 99.8 % 4..9 -> above 95 %
    assert one(
        con,
        "SELECT funnel_position(5, 6, 8, 5.5, 8.5), funnel_position(5, 6, 8, 4, 9), "
        "funnel_position(5, 4, 6, 3, 7), funnel_position(5, 2, 4, 1, 4.5), funnel_position(5, 2, 4, 1, 6), "
        "funnel_position(NULL, 2, 4, 1, 6)",
    ) == ("above 99.8 %", "above 95 %", "within", "below 99.8 %", "below 95 %", None)


# --- Seeded random numbers for the rank simulation ----------------------------------------------------------

NORMALS = "SELECT seeded_normal(2024, 'key', d) AS z FROM range(200000) t(d)"


def test_seeded_normals_are_standard_normal(con):
    mean, sd, below_1_96, below_0, corr = one(
        con,
        "SELECT avg(z), stddev(z), avg(CASE WHEN z < 1.959964 THEN 1.0 ELSE 0.0 END), "
        "avg(CASE WHEN z < 0 THEN 1.0 ELSE 0.0 END), "
        "(SELECT corr(seeded_uniform(2024, 'key', d, 1), seeded_uniform(2024, 'key', d, 2)) FROM range(200000) t(d)) "
        f"FROM ({NORMALS})",
    )
    # 200,000 draws: the standard errors are 0.0022 (mean), 0.0016 (sd), 0.00035 (share below 1.96), 0.0011
    assert abs(mean) < 0.01 and abs(sd - 1) < 0.008
    assert abs(below_1_96 - 0.975) < 0.0015 and abs(below_0 - 0.5) < 0.005
    # the two uniforms of Box-Muller are independent (hash(a, b, c, d) of the arguments would correlate, r = 0.59)
    assert abs(corr) < 0.01


def test_seeded_normals_are_the_same_with_any_number_of_threads(tmp_path):
    results = []
    for threads in (1, 4):
        con = duckdb.connect(config={"threads": threads})
        register_statistics(con)
        results.append(
            con.execute(f"SELECT sum(z * d), count(*) FROM ({NORMALS.replace('AS z', 'AS z, d')})").fetchall()
        )
        con.close()
    assert results[0] == results[1]


def test_a_value_drawn_within_its_interval(con):
    # the two-piece normal: median at the value, 2.5th and 97.5th percentiles at the asymmetric limits 8 and 15
    p025, median, p975 = one(
        con,
        "SELECT quantile_cont(x, 0.025), median(x), quantile_cont(x, 0.975) FROM "
        "(SELECT draw_within_interval(10, 8, 15, seeded_normal(7, 'v', d)) AS x "
        "FROM range(200000) t(d))",
    )
    assert p025 == pytest.approx(8, abs=0.03) and median == pytest.approx(10, abs=0.03)
    assert p975 == pytest.approx(15, abs=0.06)
