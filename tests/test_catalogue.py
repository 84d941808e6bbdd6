"""The indicator catalogue: every entry complete, and a broken entry refused with its file and field."""

import pytest

from pipelines.indicators.catalogue import CatalogueError, load_catalogue
from pipelines.settings import CATALOGUE_DIR

pytestmark = pytest.mark.unit

FIRST_INDICATORS = {"population_total", "population_share_65plus", "population_share_80plus", "dependency_ratio"}


def test_the_first_indicators_are_catalogued_completely():
    catalogue = {i.id: i for i in load_catalogue()}
    assert FIRST_INDICATORS <= catalogue.keys()
    for indicator in catalogue.values():
        for field in ("title", "definition", "numerator", "denominator", "unit"):
            assert getattr(indicator, field)["sv"] and getattr(indicator, field)["en"], (indicator.id, field)
        assert indicator.sql_path.is_file()
    assert catalogue["dependency_ratio"].kind == "ratio" and catalogue["dependency_ratio"].scale == 1
    assert catalogue["population_share_80plus"].scale == 100


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda text: text.replace("  en: Share of the population aged 65 and over\n", ""),
            "field 'title' needs a 'en' text",
        ),
        (lambda text: text.replace("polarity: no_judgement", "polarity: up"), "polarity 'up' is not one of"),
        (
            lambda text: text.replace("sql: sql/catalogue/population_share_65plus.sql", "sql: sql/catalogue/nope.sql"),
            "sql file 'sql/catalogue/nope.sql' does not exist",
        ),
        (lambda text: text.replace("version: 1\n", ""), "field 'version' is missing"),
        (lambda text: text + "lookback: one\n", "lookback should be a whole number of years from 0"),
        (
            lambda text: text.replace("  reason:", "  persons: employees\n  reason:"),
            "disclosure persons 'employees' is not one of",
        ),
        (lambda text: text.replace("id: population_share_65plus", "id: share65"), "must equal the file name"),
    ],
)
def test_a_broken_entry_is_refused_with_file_and_field(tmp_path, edit, message):
    source = CATALOGUE_DIR / "population_share_65plus.yaml"
    broken = tmp_path / source.name
    broken.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError, match="population_share_65plus.yaml") as error:
        load_catalogue(tmp_path)
    assert message in str(error.value)


def test_theme_funnel_and_lever_are_read_from_the_catalogue():
    catalogue = {i.id: i for i in load_catalogue()}
    assert {i.theme for i in catalogue.values()} == {"demography", "staffing", "cost", "beds"}
    # wilson and poisson indicators count their numerator by their own model; listed per GP counts the doctors;
    # the census counts patient-days (the same patients day after day): no interval, no funnel
    assert catalogue["staff_turnover"].funnel_count == "numerator"
    assert catalogue["discharge_ready_share"].funnel_count is None
    assert {i.id for i in catalogue.values() if i.theme == "beds" and i.statistic != "none"} == set()
    assert catalogue["listed_per_gp_incl_trainees_hired"].funnel_count == "denominator"
    assert catalogue["occupancy"].funnel_count is None
    lever = catalogue["listed_per_gp_incl_trainees_hired"].lever
    assert (lever["part"], lever["unit"]["sv"], lever["other_part"], lever["ages"]) == (
        "denominator",
        "läkarårsarbetare",
        "population",
        [0, 100],
    )
    assert catalogue["net_cost_per_inhabitant"].lever["multiplier"] == 0.000001
    assert catalogue["primary_care_net_cost"].lever["other_part"] == "held"
    row = catalogue["beds_per_1000"].as_row()
    assert (row["theme"], row["lever_part"], row["lever_unit_sv"], row["funnel_count"]) == (
        "beds",
        "numerator",
        "vårdplatser",
        None,
    )


@pytest.mark.parametrize(
    "name, edit, message",
    [
        ("occupancy.yaml", lambda t: t.replace("theme: beds\n", ""), "field 'theme' is missing"),
        ("occupancy.yaml", lambda t: t.replace("theme: beds", "theme: hospital"), "theme 'hospital' is not one of"),
        (
            "occupancy.yaml",
            lambda t: t + "funnel: {count: beds, reason: x}\n",
            "funnel needs count: numerator or denominator",
        ),
        ("occupancy.yaml", lambda t: t + "funnel: {count: numerator}\n", "funnel needs a 'reason'"),
        (
            "staff_turnover.yaml",
            lambda t: t + "funnel: {count: numerator, reason: x}\n",
            "funnel is for indicators with statistic none",
        ),
        (
            "occupancy.yaml",
            lambda t: t + "lever: {part: beds, unit: {sv: a, en: b}}\n",
            "lever part 'beds' is not one of",
        ),
        (
            "occupancy.yaml",
            lambda t: t + "lever: {part: value, unit: {sv: a, en: b}}\n",
            "lever part 'value' is for counts",
        ),
        (
            "occupancy.yaml",
            lambda t: t + "lever: {part: numerator, unit: {sv: a}, other_part: held}\n",
            "lever needs a unit with an 'sv' and an 'en' text",
        ),
        ("occupancy.yaml", lambda t: t + "lever: {part: numerator, unit: {sv: a, en: b}}\n", "lever other_part 'None'"),
        (
            "occupancy.yaml",
            lambda t: t + "lever: {part: numerator, unit: {sv: a, en: b}, other_part: held, ages: [80, 65]}\n",
            "lever ages should be [from, to]",
        ),
    ],
)
def test_a_broken_theme_funnel_or_lever_is_refused(tmp_path, name, edit, message):
    source = CATALOGUE_DIR / name
    (tmp_path / name).write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError, match=name.replace(".", r"\.")) as error:
        load_catalogue(tmp_path)
    assert message in str(error.value)
