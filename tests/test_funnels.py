"""Funnel plots per unit (indicators.unit_funnels, indicators.funnel_limits) on hand-made units whose limits are worked
out in the comments: a proportion against PHEindicatormethods' published funnel limits, a rate of counts by
the units' exact and Byar intervals, and listed inhabitants per doctor FTE by the normal approximation to a
Poisson count of the doctors; and what the published tables withhold.
"""

import math

import duckdb
import pytest

from pipelines.publish import published_tables
from pipelines.statistics import register_statistics
from tests.conftest import build_relation

pytestmark = pytest.mark.unit

Z95, Z998 = 1.959964, 3.090232


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core").fetchall()
    con.execute("CREATE SCHEMA indicators").fetchall()
    con.execute("CREATE SCHEMA publish").fetchall()
    register_statistics(con)
    con.execute(
        "CREATE TABLE core.indicators (indicator_id VARCHAR, statistic VARCHAR, scale DOUBLE, polarity VARCHAR, "
        "funnel_count VARCHAR, kind VARCHAR)"
    ).fetchall()
    con.execute(
        "INSERT INTO core.indicators VALUES ('share', 'wilson', 100, 'higher_is_better', 'numerator', 'ratio'), "
        "('rate', 'poisson', 100, 'lower_is_better', 'numerator', 'ratio'), "
        "('per_gp', 'none', 1, 'lower_is_better', 'denominator', 'ratio'), "
        "('hours', 'none', 100, 'lower_is_better', NULL, 'ratio')"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, "
        "period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, value DOUBLE, numerator DOUBLE, "
        "denominator DOUBLE, ci_lower DOUBLE, ci_upper DOUBLE, synthetic BOOLEAN)"
    ).fetchall()
    rows = [
        # the region's share is PHEindicatormethods' baseline 80.642448 %; three units of 20
        ("share", None, 80_642_448, 100_000_000),
        ("share", "A", 16, 20),
        ("share", "B", 12, 20),
        ("share", "C", 10, 20),
        # 4 events per 100 bed-days in the region
        ("rate", None, 400, 10_000),
        ("rate", "X", 30, 1000),
        ("rate", "Y", 9, 500),
        ("rate", "Z", 100, 1000),
        # 1,100 listed per doctor FTE in the region; two centres at 2,200, one small (5 FTE), one large (20 FTE)
        ("per_gp", None, 110_000, 100),
        ("per_gp", "U", 11_000, 5),
        ("per_gp", "V", 44_000, 20),
        ("hours", None, 10, 100),
        ("hours", "H", 5, 50),
    ]
    for indicator, unit, numerator, denominator in rows:
        scale = {"share": 100, "rate": 100, "per_gp": 1, "hours": 100}[indicator]
        con.execute(
            "INSERT INTO indicators.indicator_values VALUES (?, '19', ?, '2024', 'T', 'all', 'all', ?, ?, ?, NULL, "
            "NULL, ?)",
            [indicator, unit, numerator / denominator * scale, numerator, denominator, indicator == "per_gp"],
        ).fetchall()
    con.execute(
        "INSERT INTO indicators.indicator_values VALUES ('share', '19', 'A', '2024-01', 'T', 'all', 'all', 50, 1, 2, "
        "NULL, NULL, false)"
    ).fetchall()  # a month: not in a yearly funnel
    con.execute(
        "CREATE TABLE publish.disclosure_cells (source VARCHAR, indicator_id VARCHAR, area_code VARCHAR, "
        "unit_id VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, "
        "suppressed BOOLEAN)"
    ).fetchall()
    build_relation(con, "indicators.unit_funnels")
    build_relation(con, "indicators.funnel_limits")
    yield con
    con.close()


def units(con, table="indicators.unit_funnels"):
    cursor = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cursor.description]
    return {(r[0], r[2]): dict(zip(names, r)) for r in cursor.fetchall()}


def test_a_proportion_against_phe_indicator_methods_limits(con):
    found = units(con)
    # testdata_funnel_prop_outputs.csv, population 20: 63.326743 / 97.958152 (95 %), 53.341156 / 100 (99.8 %)
    a = found[("share", "A")]
    assert (a["lower_95"], a["upper_95"]) == (pytest.approx(63.326743, abs=1e-5), pytest.approx(97.958152, abs=1e-5))
    assert (a["lower_998"], a["upper_998"]) == (pytest.approx(53.3412, abs=1e-4), 100.0)
    assert a["target_value"] == pytest.approx(80.642448) and a["exposure"] == 20 and a["counted"] == "numerator"
    # 80 % within; 60 % below 63.3 but above 53.3; 50 % below both; higher is better
    assert (a["position"], a["assessment"]) == ("within", "similar")
    assert (found[("share", "B")]["position"], found[("share", "B")]["assessment"]) == ("below 95 %", "worse")
    assert found[("share", "C")]["position"] == "below 99.8 %"
    assert ("share", "A") in found and len([k for k in found if k[0] == "share"]) == 3  # no month
    assert ("hours", "H") not in found  # statistic none and no funnel count: no funnel


def test_a_rate_of_counts_by_the_units_own_intervals(con):
    found = units(con)
    # X: 30 events, exact 95 % limits 20.24 to 42.83 per 1,000 bed-days -> 2.02 to 4.28 per 100, holds 4: within
    assert found[("rate", "X")]["position"] == "within"
    # Y: 9 events of 500, exact 95 % 4.1154 to 17.0848 -> 0.82 to 3.42 per 100, below 4; at 99.8 % the upper
    # limit of 9 is 21.0 (chi-squared exact), 4.2 per 100, holds 4: below 95 % only; lower is better
    assert (found[("rate", "Y")]["position"], found[("rate", "Y")]["assessment"]) == ("below 95 %", "better")
    # Z: 100 events of 1,000, Byar's 99.8 % lower limit 100 (1 - 1/900 - 3.090232/30)^3 = 72.1 -> 7.2 per 100
    assert (found[("rate", "Z")]["position"], found[("rate", "Z")]["assessment"]) == ("above 99.8 %", "worse")
    assert found[("rate", "Z")]["lower_95"] is None  # judged by the unit's own interval, drawn by funnel_limits
    assert found[("rate", "X")]["model"] == "Poisson (exact below 10 events, Byar from 10)"


def test_listed_per_gp_by_the_doctors_as_a_poisson_count(con):
    found = units(con)
    theta = 100 / 110_000  # doctor FTE per listed inhabitant in the region
    small, large = found[("per_gp", "U")], found[("per_gp", "V")]
    # both at 2,200 listed per FTE, twice the region's 1,100; the count is the doctors, the exposure the listed
    assert (small["value"], small["count"], small["exposure"], small["counted"]) == (2200, 5, 11_000, "denominator")
    # small: 10 FTE expected, 5 found: z = (5/11,000 - theta) / sqrt(theta / 11,000) = -1.581: within 95 %
    se = math.sqrt(theta / 11_000)
    assert small["z_score"] == pytest.approx((5 / 11_000 - theta) / se) and small["z_score"] == pytest.approx(
        -1.5811, abs=1e-4
    )
    assert small["position"] == "within"
    # limits on listed per FTE: 1 / (theta +- z se) = 1 / (0.00090909 +- 0.00056346): 679.1 and 2,893.2 at 95 %
    assert small["lower_95"] == pytest.approx(1 / (theta + Z95 * se)) and small["lower_95"] == pytest.approx(
        679.1, abs=0.05
    )
    assert small["upper_95"] == pytest.approx(1 / (theta - Z95 * se)) and small["upper_95"] == pytest.approx(
        2893.2, abs=0.05
    )
    # at 99.8 % the rate's lower limit is barely above 0 (0.0000207): up to 48,000 listed per FTE by chance
    assert small["upper_998"] == pytest.approx(1 / (theta - Z998 * se)) and small["upper_998"] > 45_000
    # large: 40 FTE expected, 20 found: z = -3.162, beyond 3.090: more listed per doctor than chance explains
    assert large["z_score"] == pytest.approx(-math.sqrt(10), abs=1e-9)
    assert (large["position"], large["assessment"]) == ("above 99.8 %", "worse")
    # over-dispersion: the mean of 1.5811^2 and 3.1623^2 = (2.5 + 10) / 2
    assert large["overdispersion"] == pytest.approx(6.25) and large["units_in_funnel"] == 2
    assert large["model"] == "Poisson count of the denominator, normal approximation" and large["synthetic"]


def test_the_funnel_lines(con):
    lines = con.execute(
        "SELECT indicator_id, level, side, exposure, limit_value, target_value FROM indicators.funnel_limits"
    ).fetchall()
    by = {}
    for indicator, level, side, exposure, limit, target in lines:
        by.setdefault((indicator, level, side), []).append((exposure, limit))
    # proportions: 60 sizes from 10 (half the smallest unit) to 22, each on the Wilson limit
    share = by[("share", "95 %", "lower")]
    assert len(share) == 60 and share[0][0] == pytest.approx(10) and share[-1][0] == pytest.approx(22)
    # rates: a point per count; on the upper line a unit with o events at size e has Byar's lower limit = 4 % of e
    rate = by[("rate", "95 %", "upper")]
    assert rate and all(250 <= e <= 1100 for e, _ in rate)
    o = 20  # 20 events: Byar's 95 % lower limit 20 (1 - 1/180 - 1.959964 / (3 sqrt 20))^3 = 12.2165
    lower = o * (1 - 1 / (9 * o) - Z95 / (3 * math.sqrt(o))) ** 3
    assert any(e == pytest.approx(lower / 0.04) and v == pytest.approx(100 * o / (lower / 0.04)) for e, v in rate)
    assert all(v > 4 for _, v in rate) and all(v < 4 for _, v in by[("rate", "95 %", "lower")])
    # listed per GP: the value's limits from the rate's, unbounded (NULL) where the rate's lower limit is below 0
    theta = 100 / 110_000
    for exposure, limit in by[("per_gp", "99.8 %", "upper")]:
        rate_lower = theta - Z998 * math.sqrt(theta / exposure)
        assert limit == (pytest.approx(1 / rate_lower) if rate_lower > 0 else None)
    assert {t for *_, t in lines if _[0] == "per_gp"} == {1100}


def test_what_the_published_funnels_withhold(con):
    select = published_tables()["unit_funnels"][1]
    con.execute(
        "INSERT INTO publish.disclosure_cells VALUES ('indicator_values', 'per_gp', '19', 'U', '2024', 'T', "
        "'all', 'all', true)"
    ).fetchall()
    found = units(con, f"({select})")
    withheld = found[("per_gp", "U")]
    assert withheld["suppressed"] and withheld["value"] is None and withheld["exposure"] is None
    assert withheld["position"] is None and withheld["z_score"] is None
    # the mean squared z-score of the funnel would give the withheld unit's away
    assert found[("per_gp", "V")]["overdispersion"] is None and found[("per_gp", "V")]["position"] == "above 99.8 %"
    assert found[("share", "A")]["overdispersion"] is not None
    # the region's value withheld: no limits, no position, no lines
    con.execute(
        "INSERT INTO publish.disclosure_cells VALUES ('indicator_values', 'rate', '19', NULL, '2024', 'T', "
        "'all', 'all', true)"
    ).fetchall()
    found = units(con, f"({select})")
    assert found[("rate", "Z")]["target_value"] is None and found[("rate", "Z")]["position"] is None
    lines = con.execute(f"SELECT DISTINCT indicator_id FROM ({published_tables()['funnel_limits'][1]})").fetchall()
    assert sorted(lines) == [("per_gp",), ("share",)]
