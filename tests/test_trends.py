"""Recent trends per yearly series (indicators.indicator_trends): the Fingertips test on hand-computed series.
A gap inside the window: tests/test_trend_gaps.py."""

import duckdb
import pytest

from pipelines.statistics import register_statistics
from tests.conftest import build_relation

pytestmark = pytest.mark.unit

# By hand (docs/statistics.md, tests/test_statistics.py): n = 1000 each year, k = 100, 120, ..., 180:
# S = 10,000, U = 200, slope 0.02; proportions X^2 = 200^2 / (0.14 * 0.86 * 10,000) = 33.2226,
# rates X^2 = 200^2 / (0.14 * 10,000) = 28.5714; both above 9.5495 (99.8 %): increasing.
RISING = [100, 120, 140, 160, 180]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core").fetchall()
    con.execute("CREATE SCHEMA indicators").fetchall()
    register_statistics(con)
    con.execute("CREATE TABLE core.indicators (indicator_id VARCHAR, statistic VARCHAR, polarity VARCHAR)").fetchall()
    con.execute(
        "INSERT INTO core.indicators VALUES ('share', 'wilson', 'no_judgement'), "
        "('rate', 'poisson', 'lower_is_better'), ('fte', 'none', 'higher_is_better'), "
        "('good', 'wilson', 'higher_is_better'), ('bad', 'wilson', 'lower_is_better')"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, "
        "sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit_id VARCHAR, "
        "age_group VARCHAR, category VARCHAR, synthetic BOOLEAN, complete BOOLEAN DEFAULT true)"
    ).fetchall()
    return con


def add(con, indicator, area, first_year, counts, n=1000, sex="T", synthetic=False):
    con.executemany(
        "INSERT INTO indicators.indicator_values VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, 'all', 'all', ?, true)",
        [[indicator, area, str(first_year + i), sex, k, n, synthetic] for i, k in enumerate(counts)],
    )


def trends(con):
    build_relation(con, "indicators.indicator_trends")
    return {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "SELECT indicator_id, area_code, sex, first_period, last_period, points, chi2, slope, verdict "
            "FROM indicators.indicator_trends"
        ).fetchall()
    }


def test_a_rising_proportion_and_a_falling_rate(con):
    add(con, "share", "19", 2019, RISING)
    add(con, "rate", "19", 2019, list(reversed(RISING)))
    found = trends(con)
    first, last, points, chi2, slope, verdict = found[("share", "19", "T")]
    assert (first, last, points, verdict) == ("2019", "2023", 5, "increasing")
    assert chi2 == pytest.approx(40000 / 1204) and slope == pytest.approx(0.02)
    *_, chi2, slope, verdict = found[("rate", "19", "T")]
    assert chi2 == pytest.approx(40000 / 1400) and slope == pytest.approx(-0.02) and verdict == "decreasing"


def test_only_the_last_five_years_of_yearly_series_of_counts(con):
    # falling over seven years, flat over the last five: no significant change
    add(con, "share", "17", 2015, [500, 400, 100, 100, 100, 100, 100])
    add(con, "share", "14", 2020, RISING[:4])  # four points: no verdict
    add(con, "fte", "19", 2019, RISING)  # not a count: no trend
    con.execute(
        "INSERT INTO indicators.indicator_values VALUES ('share', '19', '2024-01', 'T', NULL, 5, 10, NULL, "
        "'all', 'all', false, true)"
    ).fetchall()  # a month: not in a yearly series
    found = trends(con)
    assert found[("share", "17", "T")][:3] == ("2017", "2021", 5)
    assert found[("share", "17", "T")][5] == "no significant change"
    # four points by hand (t = 1..4): U = 1,400 - 520 * 10,000 / 4,000 = 100, S = 30,000 - 25,000 = 5,000,
    # p = 0.13: X^2 = 100^2 / (0.13 * 0.87 * 5,000) = 17.68, slope 0.02, but four points give no verdict
    assert found[("share", "14", "T")][2:] == (
        4,
        pytest.approx(10000 / 565.5),
        pytest.approx(0.02),
        "could not be calculated",
    )
    assert ("fte", "19", "T") not in found and ("share", "19", "T") not in found


def test_the_verdict_is_turned_by_polarity_as_fingertips_labels_it(con):
    add(con, "good", "19", 2019, RISING)  # higher is better, rising
    add(con, "good", "17", 2019, list(reversed(RISING)))  # higher is better, falling
    add(con, "bad", "19", 2019, RISING)  # lower is better, rising
    add(con, "rate", "19", 2019, list(reversed(RISING)))  # lower is better, falling
    add(con, "share", "19", 2019, RISING)  # no judgement, rising
    add(con, "share", "17", 2019, [100] * 5)  # no change
    add(con, "bad", "17", 2020, RISING[:4])  # four points
    build_relation(con, "indicators.indicator_trends")
    found = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            "SELECT indicator_id, area_code, verdict, polarity, assessment FROM indicators.indicator_trends"
        ).fetchall()
    }
    assert found[("good", "19")] == ("increasing", "higher_is_better", "increasing and getting better")
    assert found[("good", "17")] == ("decreasing", "higher_is_better", "decreasing and getting worse")
    assert found[("bad", "19")] == ("increasing", "lower_is_better", "increasing and getting worse")
    assert found[("rate", "19")] == ("decreasing", "lower_is_better", "decreasing and getting better")
    assert found[("share", "19")] == ("increasing", "no_judgement", "increasing")
    assert found[("share", "17")][2] == "no significant change"
    assert found[("bad", "17")][2] == "could not be calculated"
