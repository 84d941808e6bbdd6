"""The recent trend over five consecutive years only: indicators.indicator_trends (sql/indicators/indicator_trends.sql)
on small series in an in-memory DuckDB. A year without a value inside the window (a gap in SCB's series, an
incomplete delivery) gives 'could not be calculated' with the reason, never a test across the gap."""

import duckdb
import pytest

from pipelines.relations import relation_files
from pipelines.warehouse import forget_connection, register_macros

pytestmark = pytest.mark.unit

# docs/statistics.md's worked example: k = 100, 120, 140, 160, 180 of 1,000 over five years: X^2 = 33.22, rising
RISING = [100, 120, 140, 160, 180]


def series(first_year: int, counts: list[int | None]) -> dict[int, int | None]:
    return {first_year + i: k for i, k in enumerate(counts)}


SERIES = {
    "complete": series(2020, RISING),
    # 2015-2024 without 2021: the five latest years that exist (2019, 2020, 2022-2024) would say increasing
    "gap": {**series(2015, [60, 70, 80, 90, 100, 120]), **series(2022, [140, 160, 180])},
    # 2023's deliveries incomplete: the row is there, without a value
    "incomplete": {**series(2020, RISING), 2023: None},
    "short": series(2022, [140, 160, 180]),
}


@pytest.fixture(scope="module")
def trends():
    con = duckdb.connect()
    for schema in ("core", "indicators"):
        con.execute(f"CREATE SCHEMA {schema}").fetchall()
    forget_connection(con)  # a new connection may reuse a closed one's id: create every macro on it
    register_macros(con)
    con.execute(
        "CREATE TABLE core.indicators AS SELECT 'share' AS indicator_id, 'wilson' AS statistic, "
        "'higher_is_better' AS polarity"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, "
        "period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, numerator DOUBLE, "
        "denominator DOUBLE, complete BOOLEAN, synthetic BOOLEAN)"
    ).fetchall()
    rows = [
        ("share", area, None, str(year), "T", "all", "all", k, None if k is None else 1000, k is not None, False)
        for area, values in SERIES.items()
        for year, k in values.items()
    ]
    con.executemany("INSERT INTO indicators.indicator_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    cursor = con.execute(relation_files("indicators")["indicator_trends"].select)
    names = [d[0] for d in cursor.description]
    out = {row[1]: dict(zip(names, row)) for row in cursor.fetchall()}
    forget_connection(con)
    con.close()
    return out


def test_five_consecutive_years_are_tested(trends):
    row = trends["complete"]
    # U = 200, S = 10,000, p = 0.14: X^2 = 200^2 / (0.14 * 0.86 * 10,000) = 33.22
    assert row["chi2"] == pytest.approx(33.222, abs=1e-3)
    assert (row["verdict"], row["verdict_reason"], row["points"]) == ("increasing", None, 5)
    assert (row["first_period"], row["last_period"]) == ("2020", "2024")


def test_a_missing_year_inside_the_window_gives_no_verdict_and_says_why(trends):
    row = trends["gap"]
    assert row["verdict"] == "could not be calculated" and row["chi2"] is None
    assert row["verdict_reason"] == "a gap in the series: no value for 2021; the test needs five consecutive years"
    assert (row["first_period"], row["last_period"], row["points"]) == ("2020", "2024", 4)
    assert row["assessment"] == "could not be calculated"


def test_an_incomplete_year_is_a_gap_and_is_named_as_incomplete(trends):
    row = trends["incomplete"]
    assert row["verdict"] == "could not be calculated"
    assert row["verdict_reason"] == (
        "a gap in the series: no value for 2023 (deliveries incomplete: 2023); the test needs five consecutive years"
    )


def test_a_series_shorter_than_five_years(trends):
    row = trends["short"]
    assert row["verdict"] == "could not be calculated"
    assert row["verdict_reason"] == "fewer than five yearly values (3, 2022-2024)"
