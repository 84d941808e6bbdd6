"""Goal status in the README's order ("Goal status", rules 1-6), one case per rule and branch, and goal lines on
consecutive years only: goals.goal_progress (sql/goals/goal_progress.sql) on small series in an in-memory DuckDB,
the figures worked out by hand in the comments."""

import duckdb
import pyarrow as pa
import pytest

from pipelines.goals.registry import GOAL_SCHEMA, load_goals
from pipelines.relations import relation_files
from pipelines.warehouse import forget_connection, register_macros

pytestmark = pytest.mark.unit

HEADER = """\
region: "19"
region_name: Test region
decisions:
  d: {document: Plan, body: Regionfullmäktige, date: 2024-02-13, source: test}
goals:
"""


def goal(goal_id: str, indicator: str | None, direction: str, baseline: int, deadline: int, **extra) -> str:
    fields = {
        "id": goal_id,
        "title": "{sv: t, en: t}",
        "quote": "{text: q, source: s}",
        "decision": "d",
        "direction": direction,
        "baseline": baseline,
        "deadline": deadline,
        **extra,
    }
    if indicator:
        fields["indicator"] = indicator
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n"


GOALS = HEADER + "".join(
    [
        # rule 1, no data
        goal("r1_unmeasurable", None, "up", 2016, 2019, target=1000, target_unit="MSEK", not_measurable="no source"),
        goal("r1_no_value", "empty", "down", 2020, 2029, target=5),
        goal("r1_no_baseline_value", "late", "up", 2020, 2029, target_change=5),
        goal("r1_single_value_met", "single", "down", 2023, 2029, target=20),  # 12 meets 20, but it is one value
        goal("r1_single_premise", "single", "none", 2023, 2040),  # a premise with one value
        goal("r1_single_after_gap", "gap_last", "down", 2019, 2029, target=1),
        # rule 2, monitored
        goal("r2_premise", "rising", "none", 2020, 2040),
        # rule 3, achieved (with a target)
        goal("r3_met", "falling", "down", 2020, 2029, target=70),
        # rule 4, off track: the deadline passed without meeting it
        goal("r4_deadline_passed", "falling", "down", 2020, 2022, target=10),
        # rule 5, with a target
        goal("r5_on_track", "falling", "down", 2020, 2029, target=40),
        goal("r5_at_risk", "falling", "down", 2020, 2025, target=10),
        goal("r5_off_track", "rising", "down", 2020, 2029, target=1),
        # rule 6, with a direction only
        goal("r6_after_deadline_achieved", "falling", "down", 2020, 2022),
        goal("r6_after_deadline_off_track", "rising", "down", 2020, 2022),
        goal("r6_unclear_at_risk", "zigzag", "up", 2020, 2029),
        goal("r6_on_track", "rising", "up", 2020, 2029),
        goal("r6_off_track", "rising", "down", 2020, 2029),
        # a gap inside the series: the line is fitted after it
        goal("gap_inside", "gapped", "down", 2018, 2029, target=1),
    ]
)

SERIES = {
    "empty": {},
    "late": {"2022": 3, "2023": 4},  # nothing in the baseline year 2020
    "single": {"2024": 12},
    "gap_last": {"2019": 9, "2020": 8, "2021": 7, "2024": 5},  # 2022 and 2023 missing: one value after the gap
    "rising": {"2020": 10, "2021": 12, "2022": 14, "2023": 16},
    "falling": {"2020": 100, "2021": 90, "2022": 80, "2023": 70},
    "zigzag": {"2020": 10, "2021": 13, "2022": 9, "2023": 12},
    # 2018-2020 fall fast, 2021 missing, then 2022-2024 rise: only 2022-2024 make the line
    "gapped": {"2018": 100, "2019": 80, "2020": 60, "2022": 30, "2023": 32, "2024": 34},
}


@pytest.fixture(scope="module")
def progress(tmp_path_factory):
    root = tmp_path_factory.mktemp("goal_rules")
    (root / "goals").mkdir()
    (root / "goals" / "test.yaml").write_text(GOALS, encoding="utf-8")
    registry = load_goals(root / "goals", indicator_ids=set(SERIES))
    con = duckdb.connect()
    for schema in ("core", "indicators", "goals"):
        con.execute(f"CREATE SCHEMA {schema}").fetchall()
    register_macros(con)
    con.execute(
        "CREATE TABLE core.indicators (indicator_id VARCHAR, decimals INTEGER, unit_en VARCHAR, scale DOUBLE, "
        "lever_part VARCHAR, lever_unit_en VARCHAR, lever_multiplier DOUBLE, lever_other_part VARCHAR, "
        "lever_age_from INTEGER, lever_age_to INTEGER)"
    ).fetchall()
    con.executemany(
        "INSERT INTO core.indicators VALUES (?, 0, 'unit', 1, NULL, NULL, NULL, NULL, 0, 100)", [(i,) for i in SERIES]
    )
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, "
        "sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, synthetic BOOLEAN, unit_id VARCHAR, "
        "age_group VARCHAR, category VARCHAR, complete BOOLEAN)"
    ).fetchall()
    con.executemany(
        "INSERT INTO indicators.indicator_values VALUES (?, '19', ?, 'T', ?, ?, NULL, false, NULL, 'all', 'all', true)",
        [(i, period, value, value) for i, values in SERIES.items() for period, value in values.items()],
    )
    # an incomplete year is a row without a value: it counts as a gap
    con.execute(
        "INSERT INTO indicators.indicator_values VALUES ('gapped', '19', '2021', 'T', NULL, NULL, NULL, "
        "false, NULL, 'all', 'all', false)"
    ).fetchall()
    for table in ("population", "population_projections"):
        con.execute(
            f"CREATE TABLE core.{table} (area_code VARCHAR, year INTEGER, age INTEGER, sex VARCHAR, persons DOUBLE)"
        ).fetchall()
    con.register("goal_rows", pa.Table.from_pylist([g.as_row() for g in registry], schema=GOAL_SCHEMA))
    con.execute("CREATE TABLE core.goals AS SELECT * FROM goal_rows").fetchall()
    cursor = con.execute(relation_files("goals")["goal_progress"].select)
    names = [d[0] for d in cursor.description]
    rows = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    forget_connection(con)
    con.close()
    return rows


@pytest.mark.parametrize(
    "goal_id, reason",
    [
        ("r1_unmeasurable", "not measurable from the sources: no source"),
        ("r1_no_value", "no yearly value of empty for area 19 from 2020 on"),
        ("r1_no_baseline_value", "no value for the baseline year 2020, so no target to measure against"),
        ("r1_single_value_met", "one yearly value since the baseline (2024): a trend needs two"),
        ("r1_single_premise", "one yearly value since the baseline (2024): a trend needs two"),
        (
            "r1_single_after_gap",
            "one yearly value (2024) after the gap in the series (no value for 2022, 2023): "
            "a line needs two consecutive years",
        ),
    ],
)
def test_rule_1_no_data_comes_first(progress, goal_id, reason):
    row = progress[goal_id]
    assert (row["status"], row["status_reason"]) == ("no data", reason)
    if row["years_observed"] < 2:  # no line without two values
        assert row["projected_value"] is None and row["observed_yearly_change"] is None


def test_a_single_value_is_no_data_even_where_it_meets_the_target_or_is_a_premise(progress):
    # before this rule came first, 12 <= 20 read 'achieved' and the premise 'monitored'
    assert progress["r1_single_value_met"]["latest_value"] == 12
    assert progress["r1_single_value_met"]["certainty"] == "uncertain basis"
    assert progress["r1_single_premise"]["status"] == "no data"


def test_rule_2_a_premise_is_monitored(progress):
    row = progress["r2_premise"]
    # 10, 12, 14, 16: +2 a year
    assert row["status"] == "monitored" and row["observed_yearly_change"] == pytest.approx(2)
    assert row["status_reason"] == "a premise followed without a desired direction: 16 in 2023, +2.0 a year since 2020"


def test_rule_3_a_target_met_is_achieved(progress):
    row = progress["r3_met"]
    assert (row["status"], row["status_reason"]) == ("achieved", "70 in 2023 meets the target 70")


def test_rule_4_a_deadline_passed_without_the_target_is_off_track(progress):
    row = progress["r4_deadline_passed"]
    assert (row["status"], row["status_reason"]) == (
        "off track",
        "the deadline 2022 has passed without meeting the target",
    )


def test_rule_5_with_a_target(progress):
    # falling by 10 a year from 100 (2020) to 70 (2023): the line 85 - 10 (t - 2021.5)
    on = progress["r5_on_track"]
    assert on["status"] == "on track" and on["projected_value"] == pytest.approx(85 - 10 * 7.5)  # 10 by 2029 <= 40
    risk = progress["r5_at_risk"]
    assert risk["status"] == "at risk" and risk["projected_value"] == pytest.approx(50)  # 2025: 50 > 10
    off = progress["r5_off_track"]
    assert off["status"] == "off track" and off["status_reason"].startswith("moving away from the target")


def test_rule_6_with_a_direction_only(progress):
    assert progress["r6_after_deadline_achieved"]["status"] == "achieved"  # 70 below 100 at the start
    assert progress["r6_after_deadline_off_track"]["status"] == "off track"  # 16 above 10
    # 10, 13, 9, 12: slope +0.4, its 95 % interval includes 0
    unclear = progress["r6_unclear_at_risk"]
    assert unclear["status"] == "at risk" and unclear["status_reason"].startswith("no clear change")
    assert progress["r6_on_track"]["status"] == "on track"
    assert progress["r6_off_track"]["status"] == "off track"


def test_a_goal_line_uses_the_consecutive_years_after_the_last_gap(progress):
    row = progress["gap_inside"]
    # 2021 has no value (its deliveries were incomplete): the line is 2022-2024 only, 30, 32, 34: +2 a year
    # (across the gap 100, 80, 60, 30, 32, 34 would have given a steep fall)
    assert (row["fit_first_year"], row["latest_year"], row["years_observed"]) == (2022, 2024, 3)
    assert row["observed_yearly_change"] == pytest.approx(2)
    assert row["gap_years"] == "2021"
    assert row["status"] == "off track"
    assert row["status_reason"].endswith("(the line uses 2022-2024, the years after the gap: no value for 2021)")
    # the baseline value stays the baseline year's, before the gap
    assert row["baseline_value"] == 100
