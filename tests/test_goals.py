"""The goal registry and goal progress: the seed documents' goals as registered, a broken entry refused with
its file and field, every status rule on small series worked out by hand, and the bundled sample end to end."""

import duckdb
import pyarrow as pa
import pytest

from pipelines.cli import main
from pipelines.goals.comments import CommentError, load_comments
from pipelines.goals.registry import GOAL_SCHEMA, GoalRegistryError, load_goals
from pipelines.indicators.catalogue import load_catalogue
from pipelines.settings import PROJECT_ROOT
from tests.conftest import build_relation

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"

# DOMAIN.md's table of goals in the seed documents, one registry goal per measurable.
SEED_GOALS = {
    "19": {
        "vastmanland_listed_per_gp",
        "vastmanland_beds",
        "vastmanland_length_of_stay",
        "vastmanland_occupancy",
        "vastmanland_primary_care_investment",
        "vastmanland_ambulance",
        "vastmanland_cost_development",
    },
    "14": {
        "vgr_primary_care_cost_share",
        "vgr_concentrate_specialised_care",
        "vgr_transformation_fund",
        "vgr_gp_supply",
        "vgr_children",
    },
    "17": {"varmland_80plus_growth", "varmland_working_age_per_80plus", "varmland_staff_per_inhabitant"},
}


def test_the_registry_holds_every_seed_goal_with_its_decision():
    goals = {g.id: g for g in load_goals(indicator_ids={i.id for i in load_catalogue()})}
    for region, ids in SEED_GOALS.items():
        assert {g for g, goal in goals.items() if goal.region_code == region} == ids, region
    listed = goals["vastmanland_listed_per_gp"]
    assert (listed.indicator_id, listed.direction, listed.target_value, listed.baseline_year, listed.deadline_year) == (
        "listed_per_gp_incl_trainees_hired",
        "down",
        1100.0,
        2023,
        2029,
    )
    assert "1 läkare per 1100 listade invånare" in listed.quote_sv
    assert (listed.decision_body, listed.decision_date) == ("Regionfullmäktige, Region Västmanland", "2024-02-13")
    money = goals["vastmanland_primary_care_investment"]
    assert (money.indicator_id, money.target_change, money.direction) == ("primary_care_net_cost", 47.0, "up")
    fund = goals["vgr_transformation_fund"]
    assert fund.indicator_id is None and fund.not_measurable and fund.target_value == 1000.0
    assert goals["vgr_children"].age_group == "0-17"
    assert {goals[g].direction for g in SEED_GOALS["17"]} == {"none"}


GOOD_FILE = """\
region: "19"
region_name: Region Västmanland
decisions:
  d1:
    document: Målbild
    body: Regionfullmäktige
    date: 2024-02-13
    source: the region's page
goals:
  - id: g1
    title: {sv: Mål, en: Goal}
    quote: {text: Ett mål, source: the page}
    decision: d1
    indicator: beds_per_1000
    direction: down
    target: 1.5
    baseline: 2023
    deadline: 2029
"""


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('region: "19"', "region: 01"), "field 'region': '1' is not a county"),
        (lambda t: t.replace('region: "19"', 'region: "99"'), "field 'region': '99' is not a county"),
        (
            lambda t: t.replace("indicator: beds_per_1000", "indicator: beds_per_100"),
            "goal 'g1': field 'indicator': 'beds_per_100' is not in the indicator catalogue",
        ),
        (
            lambda t: t.replace("direction: down", "direction: lower"),
            "goal 'g1': field 'direction': 'lower' is not one of",
        ),
        (lambda t: t.replace("direction: down", "direction: none"), "goal 'g1': field 'direction': must be up or down"),
        (lambda t: t.replace("decision: d1", "decision: d2"), "goal 'g1': field 'decision': 'd2' is not one of"),
        (lambda t: t.replace("deadline: 2029", "deadline: 2020"), "field 'deadline': 2020 must come after"),
        (lambda t: t.replace("target: 1.5", "target: many"), "field 'target': must be a number"),
        (
            lambda t: t.replace("target: 1.5", "target: 1.5\n    target_change: 2"),
            "field 'target': cannot be given together with 'target_change'",
        ),
        (
            lambda t: t.replace("    indicator: beds_per_1000\n", ""),
            "field 'indicator': give either an indicator or 'not_measurable'",
        ),
        (lambda t: t.replace("date: 2024-02-13", "date: 13 feb 2024"), "decision 'd1': field 'date'"),
        (lambda t: t.replace("    body: Regionfullmäktige\n", ""), "decision 'd1': field 'body' is missing"),
        (lambda t: t.replace("baseline: 2023", "baseline: '2023'"), "field 'baseline': must be a year"),
        (
            lambda t: t.replace("    deadline: 2029\n", "    deadline: 2029\n    owner: someone\n"),
            "field 'owner': not a goal field",
        ),
        (lambda t: t + t[t.index("  - id: g1") :], "goal 'g1' is also in"),
    ],
)
def test_a_broken_goal_file_is_refused_with_file_goal_and_field(tmp_path, edit, message):
    (tmp_path / "region.yaml").write_text(edit(GOOD_FILE), encoding="utf-8")
    with pytest.raises(GoalRegistryError, match="region.yaml") as error:
        load_goals(tmp_path, indicator_ids={"beds_per_1000"})
    assert message in str(error.value)


def test_the_good_file_loads(tmp_path):
    (tmp_path / "region.yaml").write_text(GOOD_FILE, encoding="utf-8")
    (goal,) = load_goals(tmp_path, indicator_ids={"beds_per_1000"})
    assert (goal.region_code, goal.areas, goal.sex, goal.age_group, goal.category) == ("19", ("19",), "T", "all", "all")


# Goal progress on small series. Every goal below reads one made-up indicator; the expected figures are
# worked out by hand in the comments.
PROGRESS_GOALS = """\
region: "19"
region_name: Test region
decisions:
  d: {document: Plan, body: Regionfullmäktige, date: 2024-02-13, source: test}
goals:
  - {id: a_on_track, title: {sv: a, en: a}, quote: {text: a, source: t}, decision: d, indicator: ind_a,
     direction: down, target: 1100, baseline: 2020, deadline: 2029}
  - {id: b_too_slow, title: {sv: b, en: b}, quote: {text: b, source: t}, decision: d, indicator: ind_b,
     direction: down, target: 1100, baseline: 2022, deadline: 2025}
  - {id: c_change_met, title: {sv: c, en: c}, quote: {text: c, source: t}, decision: d, indicator: ind_c,
     direction: up, target_change: 47, baseline: 2023, deadline: 2029}
  - {id: d_wrong_way, title: {sv: d, en: d}, quote: {text: d, source: t}, decision: d, indicator: ind_d,
     direction: down, baseline: 2021, deadline: 2029}
  - {id: e_unclear, title: {sv: e, en: e}, quote: {text: e, source: t}, decision: d, indicator: ind_e,
     direction: up, baseline: 2020, deadline: 2029}
  - {id: f_rising, title: {sv: f, en: f}, quote: {text: f, source: t}, decision: d, indicator: ind_f,
     direction: up, baseline: 2022, deadline: 2029}
  - {id: g_other_area, title: {sv: g, en: g}, quote: {text: g, source: t}, decision: d, indicator: ind_a,
     direction: down, target: 1100, baseline: 2020, deadline: 2029, areas: ["17"]}
  - {id: h_one_value, title: {sv: h, en: h}, quote: {text: h, source: t}, decision: d, indicator: ind_g,
     direction: down, target: 10, baseline: 2023, deadline: 2029}
  - {id: i_too_late, title: {sv: i, en: i}, quote: {text: i, source: t}, decision: d, indicator: ind_h,
     direction: down, target: 50, baseline: 2018, deadline: 2020}
  - {id: j_premise, title: {sv: j, en: j}, quote: {text: j, source: t}, decision: d, indicator: ind_f,
     direction: none, baseline: 2022, deadline: 2040}
  - {id: k_unmeasurable, title: {sv: k, en: k}, quote: {text: k, source: t}, decision: d,
     not_measurable: no source, direction: up, target: 1000, target_unit: MSEK, baseline: 2016, deadline: 2019}
  - {id: l_no_baseline, title: {sv: l, en: l}, quote: {text: l, source: t}, decision: d, indicator: ind_g,
     direction: up, target_change: 5, baseline: 2023, deadline: 2029}
  - {id: m_doctors, title: {sv: m, en: m}, quote: {text: m, source: t}, decision: d, indicator: ind_m,
     direction: down, target: 1100, baseline: 2022, deadline: 2029}
  - {id: n_beds, title: {sv: n, en: n}, quote: {text: n, source: t}, decision: d, indicator: ind_n,
     direction: down, target: 1.75, baseline: 2022, deadline: 2029}
  - {id: o_money, title: {sv: o, en: o}, quote: {text: o, source: t}, decision: d, indicator: ind_o,
     direction: up, target_change: 47, baseline: 2023, deadline: 2029}
  - {id: p_no_projection, title: {sv: p, en: p}, quote: {text: p, source: t}, decision: d, indicator: ind_m,
     direction: down, target: 1100, baseline: 2022, deadline: 2029, areas: ["17"]}
  - {id: q_beyond_projection, title: {sv: q, en: q}, quote: {text: q, source: t}, decision: d, indicator: ind_n,
     direction: down, target: 1.75, baseline: 2022, deadline: 2045}
  - {id: r_beds_direction, title: {sv: r, en: r}, quote: {text: r, source: t}, decision: d, indicator: ind_n,
     direction: down, baseline: 2022, deadline: 2029}
"""

SERIES = {
    # before the baseline, a month and a health centre: none of them belongs to the goal's series
    "ind_a": {"2019": 5000, "2020": 1300, "2021": 1250, "2022": 1230, "2023": 1180, "2023-06": 1},
    "ind_b": {"2022": 1200, "2023": 1190},
    "ind_c": {"2023": 100, "2024": 150},
    "ind_d": {"2021": 5.0, "2022": 5.2, "2023": 5.4},
    "ind_e": {"2020": 10, "2021": 13, "2022": 9, "2023": 12},
    "ind_f": {"2022": 3.0, "2023": 3.5},
    "ind_g": {"2024": 12},
    "ind_h": {"2018": 80, "2019": 70, "2020": 60, "2021": 55},
    # with numerators and denominators, for what the goals take: listed inhabitants per doctor FTE (the doctors
    # are the lever), beds per 1,000 inhabitants (the beds are), and MSEK (a count: the value is)
    "ind_m": {"2022": (1200, 240_000, 200), "2023": (1180, 236_000, 200)},
    "ind_n": {"2022": (2.1, 588, 280_000), "2023": (2.0, 560, 280_000)},
    "ind_o": {"2023": 100, "2024": 120},
}
# The catalogue's levers of the indicators above (indicators/<id>.yaml, lever): part, unit, multiplier,
# other part, ages; and the scale.
LEVERS = {
    "ind_m": ("denominator", "doctor FTE", 1.0, "population", 1),
    "ind_n": ("numerator", "beds", 1.0, "population", 1000),
    "ind_o": ("value", "million SEK", 1.0, "held", 1),
}
# Area 19 has 280,000 inhabitants aged 0-100 in 2023 (half K, half M) and SCB projects 291,200 for 2029
# (factor 1.04), nothing for 2045; area 17 has no projection.
POPULATION = {2023: 280_000}
PROJECTION = {2029: 291_200}


@pytest.fixture(scope="module")
def progress(tmp_path_factory):
    root = tmp_path_factory.mktemp("goal_progress")
    (root / "goals").mkdir()
    (root / "goals" / "test.yaml").write_text(PROGRESS_GOALS, encoding="utf-8")
    registry = load_goals(root / "goals", indicator_ids=set(SERIES))
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA core").fetchall()
    con.execute("CREATE SCHEMA indicators").fetchall()
    # the long table's columns that goal progress reads
    con.execute(
        "CREATE TABLE indicators.indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, "
        "sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, definition_version INTEGER, "
        "synthetic BOOLEAN, unit_id VARCHAR, age_group VARCHAR, category VARCHAR, ci_lower DOUBLE, "
        "ci_upper DOUBLE, ci_method VARCHAR)"
    ).fetchall()
    con.execute(
        "CREATE TABLE core.indicators (indicator_id VARCHAR, decimals INTEGER, unit_en VARCHAR, scale DOUBLE, "
        "lever_part VARCHAR, lever_unit_en VARCHAR, lever_multiplier DOUBLE, lever_other_part VARCHAR, "
        "lever_age_from INTEGER, lever_age_to INTEGER)"
    ).fetchall()
    for indicator in SERIES:
        part, unit, multiplier, other, scale = LEVERS.get(indicator, (None, None, None, None, 1))
        con.execute(
            "INSERT INTO core.indicators VALUES (?, 0, 'unit', ?, ?, ?, ?, ?, 0, 100)",
            [indicator, scale, part, unit, multiplier, other],
        ).fetchall()
    for indicator, values in SERIES.items():
        for period, value in values.items():
            value, numerator, denominator = value if isinstance(value, tuple) else (value, None, None)
            con.execute(
                "INSERT INTO indicators.indicator_values (indicator_id, area_code, period, sex, value, numerator, "
                "denominator, definition_version, synthetic, unit_id, age_group, category) "
                "VALUES (?, '19', ?, 'T', ?, ?, ?, 1, false, NULL, 'all', 'all')",
                [indicator, period, value, numerator, denominator],
            ).fetchall()
    # area 17 has the doctors' series too, but no population
    con.execute(
        "INSERT INTO indicators.indicator_values (indicator_id, area_code, period, sex, value, numerator, denominator, "
        "definition_version, synthetic, unit_id, age_group, category) SELECT indicator_id, '17', period, sex, "
        "value, numerator, denominator, 1, false, NULL, 'all', 'all' FROM indicators.indicator_values "
        "WHERE indicator_id = 'ind_m'"
    ).fetchall()
    # the population by single age and sex: the totals above spread evenly over 101 ages and two sexes
    for table, totals in (("population", POPULATION), ("population_projections", PROJECTION)):
        con.execute(
            f"CREATE TABLE core.{table} (area_code VARCHAR, year INTEGER, age INTEGER, sex VARCHAR, persons DOUBLE)"
        ).fetchall()
        for year, total in totals.items():
            con.execute(
                f"INSERT INTO core.{table} SELECT '19', ?, age, sex, ? / 202.0 FROM range(101) a(age), "
                "(VALUES ('K'), ('M')) s(sex)",
                [year, total],
            ).fetchall()
    # a health centre's value in the baseline year: not the area's series
    con.execute(
        "INSERT INTO indicators.indicator_values (indicator_id, area_code, period, sex, value, definition_version, "
        "synthetic, unit_id, age_group, category) VALUES ('ind_a', '19', '2020', 'T', 1, 1, false, "
        "'19-VC-001', 'all', 'all')"
    ).fetchall()
    con.register("goal_rows", pa.Table.from_pylist([g.as_row() for g in registry], schema=GOAL_SCHEMA))
    con.execute("CREATE TABLE core.goals AS SELECT * FROM goal_rows").fetchall()
    build_relation(con, "goals.goal_progress")
    cursor = con.execute("SELECT * FROM goals.goal_progress")
    names = [d[0] for d in cursor.description]
    rows = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    con.close()
    return rows


def test_a_target_within_reach_is_on_track_with_hand_worked_line_and_intervals(progress):
    row = progress["a_on_track"]
    # 2020..2023: 1300, 1250, 1230, 1180. Mean year 2021.5, mean value 1240; Sxx = 5, Sxy = -190:
    # slope -38 a year. Fitted 1297, 1259, 1221, 1183, residuals 3, -9, 9, -3: SSE 180, s^2 = 180/2 = 90.
    assert (row["baseline_value"], row["latest_year"], row["latest_value"], row["years_observed"]) == (
        1300,
        2023,
        1180,
        4,
    )
    assert row["observed_yearly_change"] == pytest.approx(-38)
    # slope's SE sqrt(90/5) = 4.2426; t(0.975, 2 df) = 4.303: -38 -/+ 18.2561
    assert row["observed_change_lower"] == pytest.approx(-56.25608, abs=1e-4)
    assert row["observed_change_upper"] == pytest.approx(-19.74392, abs=1e-4)
    # at 2029: 1240 - 38 * 7.5 = 955, +/- 4.303 * sqrt(90) * sqrt(1/4 + 7.5^2/5) = 138.4336
    assert row["projected_value"] == pytest.approx(955)
    assert (row["projected_lower"], row["projected_upper"]) == pytest.approx((816.5664, 1093.4336), abs=1e-3)
    # needed: (1100 - 1180) / (2029 - 2023)
    assert row["required_yearly_change"] == pytest.approx(-80 / 6)
    # the line meets 1100 at 2021.5 + 140/38 = 2025.18 -> 2026; at the slope's ends 2023.99 -> 2024, 2028.59 -> 2029
    assert (row["attainment_year"], row["attainment_year_earliest"], row["attainment_year_latest"]) == (
        2026,
        2024,
        2029,
    )
    assert row["status"] == "on track"
    assert row["target_value"] == 1100 and row["deadline_year"] == 2029


def test_moving_towards_the_target_too_slowly_is_at_risk(progress):
    row = progress["b_too_slow"]
    # 1200, 1190: -10 a year; the line gives 1195 - 10 * 2.5 = 1170 in 2025, above 1100; needed (1100-1190)/2
    assert (row["observed_yearly_change"], row["projected_value"]) == pytest.approx((-10, 1170))
    assert row["required_yearly_change"] == pytest.approx(-45)
    assert row["observed_change_lower"] is None and row["projected_lower"] is None  # two values: no interval
    assert row["attainment_year"] == 2032  # 2022.5 + 95/10 = 2032.0
    assert row["status"] == "at risk"
    assert "-45" in row["status_reason"]


def test_a_change_from_the_baseline_is_met(progress):
    row = progress["c_change_met"]
    assert (row["baseline_value"], row["target_value"], row["latest_value"]) == (100, 147, 150)
    assert row["status"] == "achieved" and row["required_yearly_change"] is None and row["attainment_year"] is None


def test_directional_goals_follow_the_observed_change(progress):
    # 5.0, 5.2, 5.4 on a straight line: +0.2 a year with no residual, so the interval is 0.2 itself: the wrong way
    wrong = progress["d_wrong_way"]
    assert wrong["observed_yearly_change"] == pytest.approx(0.2)
    assert (wrong["observed_change_lower"], wrong["observed_change_upper"]) == pytest.approx((0.2, 0.2))
    assert wrong["status"] == "off track"
    # 10, 13, 9, 12: Sxy = 1, slope 0.2; Syy = 10, SSE = 10 - 1/5 = 9.8, SE = sqrt(4.9/5) = 0.98995;
    # 0.2 -/+ 4.303 * 0.98995 = -4.0598 .. 4.4598 includes 0
    unclear = progress["e_unclear"]
    assert (unclear["observed_change_lower"], unclear["observed_change_upper"]) == pytest.approx(
        (-4.05976, 4.45976), abs=1e-4
    )
    assert unclear["status"] == "at risk" and "includes 0" in unclear["status_reason"]
    assert progress["f_rising"]["status"] == "on track"


def test_no_data_a_premise_and_a_passed_deadline(progress):
    assert progress["g_other_area"]["area_code"] == "17" and progress["g_other_area"]["status"] == "no data"
    one = progress["h_one_value"]
    assert (one["status"], one["latest_value"]) == ("no data", 12)
    assert "a trend needs two" in one["status_reason"]
    late = progress["i_too_late"]
    assert (late["status"], late["latest_year"]) == ("off track", 2021)
    assert "the deadline 2020 has passed" in late["status_reason"]
    assert progress["j_premise"]["status"] == "monitored"
    unmeasurable = progress["k_unmeasurable"]
    assert unmeasurable["status"] == "no data" and "no source" in unmeasurable["status_reason"]
    assert progress["l_no_baseline"]["status"] == "no data"
    assert "no value for the baseline year 2023" in progress["l_no_baseline"]["status_reason"]


def test_each_status_says_what_it_rests_on(progress):
    # four values whose projection's interval (816.6 to 1093.4) lies wholly below the target 1100
    assert progress["a_on_track"]["certainty"] == "interval agrees"
    assert progress["a_on_track"]["fit_first_year"] == 2020 and progress["a_on_track"]["latest_year"] == 2023
    # two values: no interval, whatever the line says
    assert progress["b_too_slow"]["certainty"] == "uncertain basis"
    assert progress["h_one_value"]["certainty"] == "uncertain basis"
    # three values on a straight line: the slope's interval is the slope, away from 0
    assert progress["d_wrong_way"]["certainty"] == "interval agrees"
    # the slope's interval includes 0
    assert progress["e_unclear"]["certainty"] == "interval straddles"
    # facts need no interval: met, deadline passed, a premise
    assert {progress[g]["certainty"] for g in ("c_change_met", "i_too_late", "j_premise")} == {"observed"}
    assert progress["k_unmeasurable"]["certainty"] == "no values"


def test_what_the_goals_take_in_units_of_work(progress):
    # doctors: 236,000 listed in 2023 grow with the population (291,200 / 280,000 = 1.04) to 245,440 in 2029;
    # at 1,100 per doctor FTE that needs 245,440 / 1,100 = 223.127 FTE against 200: +23.127
    doctors = progress["m_doctors"]
    assert doctors["lever_part"] == "denominator" and doctors["lever_unit"] == "doctor FTE"
    assert doctors["lever_growth"] == pytest.approx(1.04)
    assert (doctors["lever_population_latest"], doctors["lever_population_deadline"]) == pytest.approx(
        (280_000, 291_200)
    )
    assert doctors["lever_other_latest"] == 236_000 and doctors["lever_other_at_deadline"] == pytest.approx(245_440)
    assert doctors["lever_needed"] == pytest.approx(245_440 / 1100)
    assert doctors["lever_change"] == pytest.approx(245_440 / 1100 - 200)
    assert "factor 1.0400" in doctors["lever_assumption"] and "245440.0" in doctors["lever_assumption"]
    # beds: 1.75 per 1,000 of 291,200 inhabitants = 509.6 beds against 560 in 2023: -50.4
    beds = progress["n_beds"]
    assert beds["lever_part"] == "numerator" and beds["lever_needed"] == pytest.approx(509.6)
    assert beds["lever_change"] == pytest.approx(-50.4)
    # money, a count: the target 100 + 47 = 147 less the latest 120
    money = progress["o_money"]
    assert (money["lever_part"], money["lever_growth"], money["lever_change"]) == ("value", 1.0, pytest.approx(27))
    assert money["lever_assumption"].startswith("the target 147 less the latest value 120 (2024)")
    # nothing to compute, each with its reason
    for goal, reason in (
        ("a_on_track", "the catalogue names no lever for ind_a"),
        ("p_no_projection", "no population projection for area 17 in 2029"),
        ("q_beyond_projection", "no population projection for area 19 in 2045"),
        ("r_beds_direction", "no number to reach"),
        ("i_too_late", "the catalogue names no lever"),
    ):
        row = progress[goal]
        assert row["lever_change"] is None and row["lever_part"] is None, goal
        assert row["lever_assumption"].startswith("not computed: " + reason), (goal, row["lever_assumption"])


def test_the_bundled_sample_follows_every_seed_goal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    warehouse = tmp_path / "warehouse"
    assert main(["goals", "--warehouse", str(warehouse)]) == 1
    assert "run `vardpuls refresh` first" in capsys.readouterr().err
    assert main(["refresh", "--landing", str(SAMPLE), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    con = duckdb.connect(str(warehouse / "analyst.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT region_code, goal_id, area_code, status, synthetic FROM goal_progress").fetchall()
        comments = con.execute(
            "SELECT count(*), count(comment) FROM duckdb_columns() WHERE table_name IN ('goals', 'goal_progress')"
        ).fetchall()[0]
    finally:
        con.close()
    for region, ids in SEED_GOALS.items():
        assert {goal for r, goal, area, _, _ in rows if r == region and area == region} == ids
    status = {goal: s for _, goal, _, s, _ in rows}
    # Västra Götaland has no regional sources in the sample, and the fund has no source anywhere
    assert {status[g] for g in SEED_GOALS["14"]} == {"no data"}
    assert status["varmland_staff_per_inhabitant"] == "no data"
    # a premise resting on one yearly value (the projection's change from 2024) is no data, by the README's rule 1
    assert status["varmland_80plus_growth"] == "no data"
    # the synthetic sample is calibrated to 63 MSEK more for primary care in 2024 than 2023 (47 are needed)
    assert status["vastmanland_primary_care_investment"] == "achieved"
    assert comments[0] == comments[1] > 0  # every published column is described
    assert main(["goals", "--region", "19", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("19 Region Västmanland") and "Västra Götaland" not in out
    header = next(line for line in out.splitlines() if "needed/yr" in line)
    assert header.split()[:3] == ["goal", "indicator", "baseline"]
    listed = next(line for line in out.splitlines() if line.strip().startswith("vastmanland_listed_per_gp*"))
    assert "1,100" in listed and "2029" in listed
    assert "SYNTHETIC" in out


# --- Comments on the goals (goals/comments/*.yaml) ----------------------------------------------------------

COMMENT = """\
region: "19"
comments:
  - goal: vastmanland_listed_per_gp
    date: 2025-03-01
    author: Anna Andersson, hälso- och sjukvårdsdirektör
    text: >-
      Två vårdcentraler har rekryterat under hösten.
"""


def test_a_comment_is_read_with_its_author_and_date(tmp_path):
    (tmp_path / "vastmanland.yaml").write_text(COMMENT, encoding="utf-8")
    comments = load_comments(load_goals(), tmp_path)
    assert [(c.goal_id, c.area_code, c.comment_date.isoformat(), c.author, c.text) for c in comments] == [
        (
            "vastmanland_listed_per_gp",
            "19",
            "2025-03-01",
            "Anna Andersson, hälso- och sjukvårdsdirektör",
            "Två vårdcentraler har rekryterat under hösten.",
        )
    ]
    assert load_comments(load_goals(), tmp_path / "none") == []  # no folder: no comments


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda t: t.replace("vastmanland_listed_per_gp", "vastmanland_nothing"),
            "'vastmanland_nothing' is not a goal",
        ),
        (lambda t: t.replace('region: "19"', 'region: "17"'), "is region 19's goal, not region 17's"),
        (lambda t: t.replace("    date:", '    area: "1980"\n    date:'), "'1980' is not an area the goal follows"),
        (lambda t: t.replace("2025-03-01", "1 mars"), "field 'date': must be a date"),
        (
            lambda t: t.replace("    author: Anna Andersson, hälso- och sjukvårdsdirektör\n", ""),
            "field 'author': missing",
        ),
        (lambda t: t.replace("    text:", "    signed: yes\n    text:"), "field 'signed': not a comment field"),
        (lambda t: t + t[t.index("  - goal") :], "has a comment already"),
        (lambda t: t.replace('region: "19"', 'region: "01"'), "'01' has no goals in the registry"),
    ],
)
def test_a_broken_comment_is_refused_with_file_comment_and_field(tmp_path, edit, message):
    (tmp_path / "vastmanland.yaml").write_text(edit(COMMENT), encoding="utf-8")
    with pytest.raises(CommentError, match="vastmanland.yaml") as error:
        load_comments(load_goals(), tmp_path)
    assert message in str(error.value)
