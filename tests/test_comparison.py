"""Better, similar or worse than Riket and the regions (indicators.benchmark_assessment) and ranks with their intervals
(indicators.rank_intervals), on a small hand-made warehouse whose figures are worked out in the comments; and what
their published tables withhold where disclosure control withholds a value.

The regions' shares (Wilson, 95 % and 99.8 %, worked out independently in the comments):
  Riket 00: 300 of 1,000 = 30.0 %
  01: 81 of 263 = 30.80 %, 95 % 25.53 to 36.62, 99.8 % 22.80 to 40.14   -> Riket inside both: similar
  03: 400 of 1,000 = 40.0 %, 95 % 37.01 to 43.07, 99.8 % 35.33 to 44.86 -> higher at both levels
  04: 265 of 1,000 = 26.5 %, 95 % 23.86 to 29.32, 99.8 % 22.42 to 31.02 -> lower at 95 %, similar at 99.8 %
  0114 (a municipality of 01): 30 of 100 = 30 %                           -> Riket on its value: similar
"""

import duckdb
import pytest

from pipelines.publish import published_tables
from pipelines.statistics import register_statistics
from tests.conftest import build_relation

pytestmark = pytest.mark.unit

SHARES = {"00": (300, 1000), "01": (81, 263), "03": (400, 1000), "04": (265, 1000), "0114": (30, 100)}


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core").fetchall()
    con.execute("CREATE SCHEMA indicators").fetchall()
    con.execute("CREATE SCHEMA publish").fetchall()
    register_statistics(con)
    con.execute("CREATE TABLE core.areas (area_code VARCHAR, level VARCHAR)").fetchall()
    con.execute(
        "INSERT INTO core.areas VALUES ('00', 'country'), ('01', 'county'), ('03', 'county'), "
        "('04', 'county'), ('05', 'county'), ('06', 'county'), ('0114', 'municipality')"
    ).fetchall()
    con.execute(
        "CREATE TABLE core.indicators (indicator_id VARCHAR, scale DOUBLE, polarity VARCHAR, statistic VARCHAR, "
        "statistic_reason VARCHAR)"
    ).fetchall()
    con.execute(
        "INSERT INTO core.indicators VALUES ('good', 100, 'higher_is_better', 'wilson', NULL), "
        "('bad', 100, 'lower_is_better', 'wilson', NULL), ('size', 100, 'no_judgement', 'wilson', NULL), "
        "('fte', 1, 'higher_is_better', 'none', 'FTE are not a count')"
    ).fetchall()
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, "
        "sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit_id VARCHAR, age_group VARCHAR, "
        "category VARCHAR, ci_lower DOUBLE, ci_upper DOUBLE, ci_method VARCHAR, synthetic BOOLEAN)"
    ).fetchall()
    for indicator in ("good", "bad", "size"):
        for area, (k, n) in SHARES.items():
            con.execute(
                "INSERT INTO indicators.indicator_values SELECT ?, ?, '2024', 'T', 100.0 * $k / $n, $k, $n, NULL, "
                "'all', 'all', 100 * wilson_lower($k, $n), 100 * wilson_upper($k, $n), 'wilson', false ".replace(
                    "$k", str(k)
                ).replace("$n", str(n)),
                [indicator, area],
            ).fetchall()
    # a health centre's value and a month: neither is compared
    con.execute(
        "INSERT INTO indicators.indicator_values VALUES ('good', '01', '2024', 'T', 50, 5, 10, 'VC-1', 'all', 'all', "
        "20, 80, 'wilson', false), ('good', '01', '2024-01', 'T', 50, 5, 10, NULL, 'all', 'all', 20, 80, "
        "'wilson', false)"
    ).fetchall()
    # FTE per region, no interval: five regions 1..5 (quintiles need five)
    con.executemany(
        "INSERT INTO indicators.indicator_values VALUES ('fte', ?, '2024', 'T', ?, ?, 1, NULL, 'all', 'all', "
        "NULL, NULL, NULL, true)",
        [[a, v, v] for a, v in zip(("01", "03", "04", "05", "06"), range(1, 6))],
    )
    con.execute(
        "CREATE TABLE core.benchmark_ranks (kpi_id VARCHAR, area_code VARCHAR, period VARCHAR, sex VARCHAR, "
        "value DOUBLE, polarity VARCHAR, rank INTEGER, regions_ranked INTEGER, riket_value DOUBLE, "
        "regions_median DOUBLE)"
    ).fetchall()
    con.executemany(
        "INSERT INTO core.benchmark_ranks VALUES ('N1', ?, '2025', 'T', ?, 'lower_is_better', ?, 5, 3.5, 3)",
        [[a, v, v] for a, v in zip(("01", "03", "04", "05", "06"), range(1, 6))],
    )
    con.execute(
        "CREATE TABLE publish.disclosure_cells (source VARCHAR, indicator_id VARCHAR, area_code VARCHAR, "
        "unit_id VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, category VARCHAR, "
        "suppressed BOOLEAN)"
    ).fetchall()
    yield con
    con.close()


def rows(con, table, where=""):
    cursor = con.execute(f"SELECT * FROM {table} {where}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def assessed(con, indicator):
    build_relation(con, "indicators.benchmark_assessment")
    return {
        r["area_code"]: r for r in rows(con, "indicators.benchmark_assessment", f"WHERE indicator_id = '{indicator}'")
    }


def test_better_similar_worse_than_riket_by_both_intervals(con):
    good = assessed(con, "good")
    assert set(good) == {"01", "03", "04", "0114"}  # Riket itself, the unit and the month are not rows
    assert good["01"]["method"] == "confidence intervals"
    assert (good["01"]["compared_to_riket_95"], good["01"]["compared_to_riket_998"]) == ("similar", "similar")
    assert (good["03"]["compared_to_riket_95"], good["03"]["compared_to_riket_998"]) == ("better", "better")
    assert (good["04"]["compared_to_riket_95"], good["04"]["compared_to_riket_998"]) == ("worse", "similar")
    assert good["04"]["ci_lower_998"] == pytest.approx(22.42, abs=0.005)
    assert good["04"]["ci_upper_998"] == pytest.approx(31.02, abs=0.005)
    # lower is better turns the same intervals round; no judgement says higher or lower
    bad, size = assessed(con, "bad"), assessed(con, "size")
    assert (bad["03"]["compared_to_riket_95"], bad["04"]["compared_to_riket_95"]) == ("worse", "better")
    assert (size["03"]["compared_to_riket_95"], size["04"]["compared_to_riket_95"]) == ("higher", "lower")
    assert good["0114"]["compared_to_riket_95"] == "similar"


def test_against_the_median_of_the_regions(con):
    good = assessed(con, "good")
    # the median of 30.80, 40.0, 26.5 is 30.80 (01's own value): 03 better at both levels, 04 worse at both
    # (26.5's 99.8 % interval ends at 31.02 > 30.80: similar), 01 similar
    assert good["03"]["regions_median"] == pytest.approx(100 * 81 / 263)
    assert good["03"]["compared_to_median_95"] == "better"
    assert (good["04"]["compared_to_median_95"], good["04"]["compared_to_median_998"]) == ("worse", "similar")
    assert good["01"]["compared_to_median_95"] == "similar"
    # a municipality is compared with Riket only
    assert good["0114"]["regions_median"] is None and good["0114"]["compared_to_median_95"] is None
    assert "a municipality" in good["0114"]["comparison_note"]
    # three regions: too few for quintiles
    assert good["03"]["quintile"] is None and "quintiles need five regions" in good["03"]["comparison_note"]


def test_without_intervals_quintiles_among_the_regions(con):
    fte = assessed(con, "fte")
    # 1..5: bounds 1.8, 2.6, 3.4, 4.2 -> one region in each quintile; higher is better, so 5 is the best
    assert {a: (r["method"], r["quintile"], r["quintile_assessment"]) for a, r in fte.items()} == {
        "01": ("quintiles", 1, "worst"),
        "03": ("quintiles", 2, "worse"),
        "04": ("quintiles", 3, "middle"),
        "05": ("quintiles", 4, "better"),
        "06": ("quintiles", 5, "best"),
    }
    assert all(r["compared_to_riket_95"] is None for r in fte.values())
    assert "no confidence interval: FTE are not a count" in fte["01"]["comparison_note"]
    assert all(r["synthetic"] for r in fte.values())
    kolada = {r["area_code"]: r for r in rows(con, "indicators.benchmark_assessment", "WHERE source = 'kolada'")}
    # Kolada: lower is better, so the lowest value (01) is the best quintile
    assert (kolada["01"]["quintile"], kolada["01"]["quintile_assessment"]) == (1, "best")
    assert kolada["06"]["quintile_assessment"] == "worst" and kolada["06"]["method"] == "quintiles"
    assert kolada["06"]["comparison_note"] == "no confidence interval: Kolada publishes no confidence interval"


def test_a_withheld_value_is_compared_with_nothing_and_hides_the_median(con):
    build_relation(con, "indicators.benchmark_assessment")
    con.execute(
        "INSERT INTO publish.disclosure_cells VALUES ('indicator_values', 'good', '04', NULL, '2024', 'T', "
        "'all', 'all', true)"
    ).fetchall()
    published = {
        r["area_code"]: r
        for r in rows(con, f"({published_tables()['benchmark_assessment'][1]})", "WHERE indicator_id = 'good'")
    }
    withheld = published["04"]
    assert withheld["suppressed"] and withheld["value"] is None and withheld["ci_lower_998"] is None
    assert withheld["compared_to_riket_95"] is None and withheld["method"] == "not compared"
    assert withheld["comparison_note"].startswith("withheld")
    # the median of the regions could give the withheld value away: withheld for every region of the group
    assert published["03"]["regions_median"] is None and published["03"]["compared_to_median_95"] is None
    assert published["03"]["compared_to_riket_95"] == "better" and not published["03"]["suppressed"]
    # another indicator keeps its median
    other = rows(
        con, f"({published_tables()['benchmark_assessment'][1]})", "WHERE indicator_id = 'bad' AND area_code = '03'"
    )[0]
    assert other["regions_median"] == pytest.approx(100 * 81 / 263)


# --- Ranks with their intervals --------------------------------------------------------------------------


def ranks(con, indicator):
    build_relation(con, "indicators.rank_intervals")
    return {r["area_code"]: r for r in rows(con, "indicators.rank_intervals", f"WHERE indicator_id = '{indicator}'")}


def test_rank_intervals_from_simulation_within_the_intervals(con):
    good = ranks(con, "good")
    assert set(good) == {"01", "03", "04"}  # regions only
    # 03 (40 %) is far above the others: first in all but the draws where 01's upper half (spread
    # (36.62 - 30.80) / 1.96 = 2.97) meets 03's lower half (spread (40 - 37.01) / 1.96 = 1.53): the difference 9.2
    # over sqrt(2.97^2 + 1.53^2) = 3.34 is 2.76 standard deviations, a chance of 0.3 %
    assert (good["03"]["rank"], good["03"]["rank_lower"], good["03"]["rank_upper"]) == (1, 1, 1)
    assert good["03"]["share_of_draws_first"] == pytest.approx(0.997, abs=0.003)
    # 01 (30.8 %, +-5.5) and 04 (26.5 %, +-2.7) overlap: the difference 4.3 has a standard deviation of about
    # sqrt(2.9^2 + 1.4^2) = 3.2 from the intervals, so 01 falls below 04 in roughly 9 % of the draws (more than
    # 2.5 %): both ranks run from 2 to 3
    assert (good["01"]["rank"], good["01"]["rank_lower"], good["01"]["rank_upper"]) == (2, 2, 3)
    assert (good["04"]["rank"], good["04"]["rank_lower"], good["04"]["rank_upper"]) == (3, 2, 3)
    assert good["01"]["regions_ranked"] == 3 and good["01"]["draws"] == 1000
    assert good["01"]["method"] == "simulation within the 95 % confidence intervals"
    # lower is better: the same values ranked the other way
    bad = ranks(con, "bad")
    assert (bad["04"]["rank"], bad["04"]["rank_lower"], bad["04"]["rank_upper"]) == (1, 1, 2)
    assert (bad["03"]["rank"], bad["03"]["rank_lower"], bad["03"]["rank_upper"]) == (3, 3, 3)


def test_the_simulation_is_reproducible_with_any_number_of_threads(con):
    build_relation(con, "indicators.rank_intervals")
    first = con.execute(
        "SELECT area_code, indicator_id, rank_lower, rank_upper, share_of_draws_first "
        "FROM indicators.rank_intervals ORDER BY ALL"
    ).fetchall()
    con.execute("SET threads = 1").fetchall()
    build_relation(con, "indicators.rank_intervals")
    again = con.execute(
        "SELECT area_code, indicator_id, rank_lower, rank_upper, share_of_draws_first "
        "FROM indicators.rank_intervals ORDER BY ALL"
    ).fetchall()
    assert first == again


def test_a_rank_without_an_interval_says_why(con):
    fte = ranks(con, "fte")
    assert (fte["06"]["rank"], fte["06"]["rank_lower"], fte["06"]["method"]) == (1, None, "rank only")
    assert fte["06"]["interval_note"] == (
        "no interval for the rank: the value has no confidence interval (FTE are not a count)"
    )
    kolada = {r["area_code"]: r for r in rows(con, "indicators.rank_intervals", "WHERE source = 'kolada'")}
    assert kolada["01"]["rank"] == 1 and kolada["01"]["rank_upper"] is None
    assert kolada["01"]["interval_note"] == "no interval for the rank: Kolada publishes no confidence interval"


def test_a_withheld_value_withholds_every_rank_of_its_group(con):
    build_relation(con, "indicators.rank_intervals")
    con.execute(
        "INSERT INTO publish.disclosure_cells VALUES ('indicator_values', 'good', '04', NULL, '2024', 'T', "
        "'all', 'all', true)"
    ).fetchall()
    published = {
        (r["indicator_id"], r["area_code"]): r
        for r in rows(con, f"({published_tables()['rank_intervals'][1]})", "WHERE source = 'indicator'")
    }
    for area in ("01", "03", "04"):
        row = published[("good", area)]
        assert row["rank"] is None and row["rank_lower"] is None and row["suppressed"], area
    assert published[("good", "04")]["value"] is None and published[("good", "03")]["value"] == pytest.approx(40)
    assert published[("bad", "04")]["rank"] == 1 and not published[("bad", "04")]["suppressed"]
