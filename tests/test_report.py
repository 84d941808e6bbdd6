"""The follow-up report (<warehouse>/report/): Swedish numbers and sentences, the SVG charts, the pages built
from a small hand-made snapshot (synthetic banner, suppressed values, offline), and the real report of the
bundled sample opened in a real headless Chromium: every page loads without a console error, every chart is
in the rendered page, and screenshots are left behind (also copied to SCREENSHOTS, printed in the output).

Chromium is Debian's package: the session fixture installs it with apt-get when `chromium` is not on PATH
(as root, or through passwordless sudo), and fails, never skips, when it cannot.
"""

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from pipelines.report.build import build_report, region_codes, render
from pipelines.report.charts import goal_chart, nice_ticks, strip_chart
from pipelines.report.swedish import (
    NBSP,
    REGION_NAMES,
    goal_sentence,
    indicator_sentence,
    kolada_sentence,
    number,
    ordinal,
    rank_text,
    value_text,
)
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
SCREENSHOTS = Path("/tmp/vardpuls-report-screenshots")
COMMENTS = Path(__file__).parent / "fixtures" / "comments"  # an example comment, marked as one
MINUS = "\u2212"


# --------------------------------------------------------------------------------------- Swedish numbers


def test_numbers_are_written_the_swedish_way():
    assert number(1180) == f"1{NBSP}180"
    assert number(1180) == "1\u00a0180"
    assert number(999) == "999"
    assert number(1234567.891, 1) == f"1{NBSP}234{NBSP}567,9"
    assert number(0.5, 2) == "0,50"
    assert number(-3.5, 1) == f"{MINUS}3,5"
    assert number(3.4, 1, signed=True) == "+3,4"
    assert number(-1234.5, 0) == f"{MINUS}1{NBSP}235"
    # a value that rounds to zero has no sign
    assert number(-0.04, 1) == "0,0" and number(0.04, 1, signed=True) == "0,0"


def test_rounding_is_half_away_from_zero_on_the_decimal_value():
    assert number(1.905, 2) == "1,91"
    # 2.675 is stored as 2.67499999…: binary rounding gives 2.67; a person (and the report) writes 2,68
    assert f"{2.675:.2f}" == "2.67" and number(2.675, 2) == "2,68"
    assert f"{1.005:.2f}" == "1.00" and number(1.005, 2) == "1,01"
    assert number(2.5) == "3" and number(3.5) == "4"  # not banker's rounding
    assert number(-2.5) == f"{MINUS}3"
    assert number(1146.7296591533811) == f"1{NBSP}147"
    assert number(89.15819984431973, 1) == "89,2"


def test_missing_and_suppressed_are_words_never_zero():
    assert number(None) == "saknas"
    assert value_text(None, 1) == "saknas"
    assert value_text(None, 1, suppressed=True) == "undertryckt"
    assert value_text(0.0, 1) == "0,0"  # a real zero stays a zero


def test_ordinals_and_ranks():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1:a",
        "2:a",
        "3:e",
        "4:e",
        "11:e",
        "12:e",
        "13:e",
        "21:a",
        "22:a",
        "23:e",
        "101:a",
        "111:e",
    ]
    assert rank_text(3, 21, "lower_is_better") == "plats 3 av 21 regioner (1 = bäst)"
    assert rank_text(5, 21, "no_judgement") == "det 5:e högsta värdet av 21 regioner"
    assert rank_text(1, 21, "no_judgement") == "det högsta värdet av 21 regioner"
    assert rank_text(21, 21, "no_judgement") == "det lägsta värdet av 21 regioner"


# ------------------------------------------------------------------------------------------- sentences

LISTED_PER_GP = {
    "indicator_id": "listed_per_gp_incl_trainees_hired",
    "decimals": 0,
    "polarity": "lower_is_better",
    "title_sv": "Listade invånare per årsarbetare läkare i allmänmedicin, även ST-läkare och inhyrda",
    "unit_sv": "listade invånare per årsarbetare läkare",
}
GOAL = {
    "deadline_year": 2029,
    "baseline_year": 2021,
    "latest_value": 1180.0,
    "latest_year": 2025,
    "target_value": 1100.0,
    "target_change": None,
    "baseline_value": 1236.0,
    "direction": "down",
    "status": "at risk",
    "observed_yearly_change": -14.0,
    "projected_value": 1124.0,
    "attainment_year": 2031,
    "attainment_year_earliest": None,
    "attainment_year_latest": None,
}


def test_the_goal_sentence_reads_as_an_analyst_writes_it():
    assert goal_sentence("Region Västmanland", GOAL, LISTED_PER_GP) == (
        "Region Västmanland har 1\u00a0180 listade invånare per läkare (2025) och behöver nå 1\u00a0100 till 2029; "
        "med nuvarande takt nås målet 2031."
    )
    with_interval = {**GOAL, "attainment_year_earliest": 2030, "attainment_year_latest": None}
    assert goal_sentence("Region Västmanland", with_interval, LISTED_PER_GP).endswith(
        "med nuvarande takt nås målet 2031 (95 % osäkerhetsintervall 2030–aldrig)."
    )
    achieved = {**GOAL, "latest_value": 1090.0, "status": "achieved"}
    assert goal_sentence("Region Västmanland", achieved, LISTED_PER_GP) == (
        "Region Västmanland har 1\u00a0090 listade invånare per läkare (2025) och har därmed nått målet 1\u00a0100 "
        "(tidsgräns 2029)."
    )
    away = {**GOAL, "observed_yearly_change": 12.0, "attainment_year": None, "status": "off track"}
    assert goal_sentence("Region Västmanland", away, LISTED_PER_GP).endswith(
        "med nuvarande takt nås inte målet: går utvecklingen åt fel håll."
    )
    beds = {
        "indicator_id": "beds_per_1000",
        "decimals": 2,
        "title_sv": "Disponibla vårdplatser per 1 000 invånare",
        "unit_sv": "vårdplatser per 1 000 invånare",
        "polarity": "no_judgement",
    }
    direction_only = {
        **GOAL,
        "latest_value": 1.8976,
        "latest_year": 2024,
        "target_value": None,
        "observed_yearly_change": -0.0098,
        "projected_value": 1.8485,
        "status": "on track",
    }
    assert goal_sentence("Region Västmanland", direction_only, beds) == (
        "Region Västmanland har 1,90 disponibla vårdplatser per 1\u00a0000 invånare (2024); målet är att värdet ska "
        f"minska till 2029, och med nuvarande takt ({MINUS}0,010 per år) blir det 1,85; utvecklingen går åt rätt håll."
    )
    no_values = {**GOAL, "latest_value": None, "latest_year": None, "status": "no data"}
    assert goal_sentence("Region Västmanland", no_values, LISTED_PER_GP).startswith(
        "Det finns ännu inga årsvärden för listade invånare per årsarbetare läkare"
    )
    withheld = {**GOAL, "latest_value": None, "suppressed": True, "status": "on track"}
    text = goal_sentence("Region Västmanland", withheld, LISTED_PER_GP)
    assert "undertryckta" in text and "i fas" in text and "0" not in text.replace("2029", "")


def test_the_indicator_sentence_places_the_region_among_the_regions():
    row = {"value": 1146.73, "period": "2024", "rank": 4, "ranked": 21, "median": 1230.0, "riket": 1201.5}
    assert indicator_sentence("Region Västmanland", LISTED_PER_GP, row) == (
        "Region Västmanland har 1\u00a0147 listade invånare per läkare (2024), plats 4 av 21 regioner (1 = bäst), "
        "bättre än medianen för regionerna (1\u00a0230); riket har 1\u00a0202."
    )
    population = {
        "indicator_id": "population_total",
        "decimals": 0,
        "polarity": "no_judgement",
        "title_sv": "Folkmängd",
        "unit_sv": "personer",
    }
    row = {"value": 281158.0, "period": "2024", "rank": 3, "ranked": 3, "median": 283000.0, "riket": None}
    assert indicator_sentence("Region Västmanland", population, row) == (
        "Region Västmanland har 281\u00a0158 invånare (2024), det lägsta värdet av 3 regioner, lägre än medianen för "
        "regionerna (283\u00a0000); värde för riket saknas."
    )
    alone = {
        "value": 5.13,
        "period": "2024",
        "rank": 1,
        "ranked": 1,
        "median": 5.13,
        "riket": None,
        "kolada": {
            "kpi_id": "N79176",
            "value": 3.6,
            "rank": 6,
            "ranked": 21,
            "median": 5.3,
            "riket": 4.7,
            "polarity": "lower_is_better",
            "comparable": "approximate",
            "decimals": 1,
        },
    }
    share = {
        "indicator_id": "discharge_ready_share",
        "decimals": 1,
        "polarity": "lower_is_better",
        "title_sv": "Andel vårdplatser belagda av utskrivningsklara patienter",
        "unit_sv": "procent",
    }
    assert indicator_sentence("Region Västmanland", share, alone).endswith(
        "inga andra regioner har värden att jämföra med; värde för riket saknas. Kolada (N79176, ungefär "
        "jämförbart) redovisar 3,6 samma år, plats 6 av 21 regioner (1 = bäst), bättre än medianen för regionerna "
        "(5,3); riket har 4,7."
    )
    suppressed = {"value": None, "suppressed": True, "period": "2024", "rank": None, "ranked": 5}
    text = indicator_sentence("Region Västmanland", share, suppressed)
    assert "undertryckt" in text and "0,0" not in text
    kpi = {
        "value": 1.9,
        "period": "2025",
        "rank": 9,
        "ranked": 19,
        "median": 1.9,
        "riket": None,
        "polarity": "no_judgement",
        "decimals": 1,
    }
    assert kolada_sentence("Region Västmanland", kpi) == (
        "Region Västmanland låg på 1,9 år 2025, det 9:e högsta värdet av 19 regioner, samma som medianen för "
        "regionerna (1,9); värde för riket saknas."
    )


# ---------------------------------------------------------------------------------------------- charts


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text)  # well-formed XML, so also well-formed inline SVG


def test_the_goal_chart_has_series_target_deadline_and_projection():
    points = [
        (2021, 1236.0, False),
        (2022, 1222.0, False),
        (2023, None, True),
        (2024, 1194.0, False),
        (2025, 1180.0, False),
    ]
    svg = goal_chart(
        "goal-x",
        points,
        title="Läkare",
        decimals=0,
        deadline=2029,
        target=1100.0,
        baseline_year=2021,
        slope=-14.0,
        projected=1124.0,
        projected_lower=1110.0,
        projected_upper=1138.0,
        attainment_year=2031,
    )
    root = _svg(svg)
    classes = [el.get("class") for el in root.iter() if el.get("class")]
    assert root.get("data-chart") == "goal-x" and "chart" in root.get("class")
    assert classes.count("target") == 1 and classes.count("deadline") == 1 and classes.count("projection") == 1
    assert "projection-interval" in classes and "attained" in classes
    target = next(el for el in root.iter() if el.get("class") == "target")
    assert target.get("stroke-dasharray")  # the target is a dashed line
    # the suppressed year is a gap with a word, not a point at 0: two line pieces, four points
    assert classes.count("series") == 2 and classes.count("point") == 4
    assert [el.text for el in root.iter() if el.get("class") == "gap"] == ["undertryckt"]
    assert root.find("title").text == "Läkare"
    # the x axis runs to the year of attainment (the projection reaches the target after the deadline)
    assert "2031" in [el.text for el in root.iter("text")]
    no_projection = _svg(goal_chart("goal-y", points[:1], title="t", decimals=0, deadline=2029))
    assert not [el for el in no_projection.iter() if el.get("class") in ("projection", "target")]


def test_the_strip_chart_marks_region_median_and_riket():
    root = _svg(strip_chart("strip-x", [1.0, 2.0, 3.0], 2.5, title="t", median=2.0, riket=2.2))
    classes = [el.get("class") for el in root.iter() if el.get("class")]
    assert {"region", "median", "riket"} <= set(classes)
    assert nice_ticks(1019, 1180) == [1000, 1050, 1100, 1150, 1200]


# ------------------------------------------------------------------------ pages from a hand-made snapshot

DDL = """
CREATE TABLE areas (area_code VARCHAR, name VARCHAR, name_short VARCHAR, level VARCHAR, parent_code VARCHAR);
CREATE TABLE indicators (indicator_id VARCHAR, title_sv VARCHAR, unit_sv VARCHAR, polarity VARCHAR, kind VARCHAR,
    scale DOUBLE, decimals INTEGER);
CREATE TABLE indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, sex VARCHAR, value DOUBLE,
    unit_id VARCHAR, age_group VARCHAR, category VARCHAR, synthetic BOOLEAN, suppressed BOOLEAN,
    suppression_reason VARCHAR);
CREATE TABLE goals (goal_id VARCHAR, region_code VARCHAR, region_name VARCHAR, title_sv VARCHAR, quote_sv VARCHAR,
    quote_source VARCHAR, indicator_id VARCHAR, not_measurable VARCHAR, target_value DOUBLE, target_change DOUBLE,
    target_unit VARCHAR, decision_document VARCHAR, decision_body VARCHAR, decision_date VARCHAR,
    decision_source VARCHAR);
CREATE TABLE goal_progress (goal_id VARCHAR, region_code VARCHAR, area_code VARCHAR, indicator_id VARCHAR,
    sex VARCHAR, age_group VARCHAR, category VARCHAR, direction VARCHAR, baseline_year INTEGER, baseline_value DOUBLE,
    latest_year INTEGER, latest_value DOUBLE, target_value DOUBLE, deadline_year INTEGER, years_observed INTEGER,
    required_yearly_change DOUBLE, observed_yearly_change DOUBLE, observed_change_lower DOUBLE,
    observed_change_upper DOUBLE, projected_value DOUBLE, projected_lower DOUBLE, projected_upper DOUBLE,
    attainment_year INTEGER, attainment_year_earliest INTEGER, attainment_year_latest INTEGER, status VARCHAR,
    status_reason VARCHAR, unit VARCHAR, synthetic BOOLEAN, suppressed BOOLEAN);
CREATE TABLE benchmark_kpis (kpi_id VARCHAR, title VARCHAR, operating_area VARCHAR, polarity VARCHAR);
CREATE TABLE benchmark_ranks (kpi_id VARCHAR, area_code VARCHAR, period VARCHAR, sex VARCHAR, value DOUBLE,
    polarity VARCHAR, rank INTEGER, regions_ranked INTEGER, rank_basis VARCHAR, riket_value DOUBLE,
    difference_to_riket DOUBLE, regions_median DOUBLE, difference_to_median DOUBLE);
CREATE TABLE benchmark_comparison (indicator_id VARCHAR, kpi_id VARCHAR, area_code VARCHAR, period VARCHAR,
    sex VARCHAR, own_value DOUBLE, kolada_value DOUBLE, difference DOUBLE, comparable VARCHAR, note VARCHAR,
    synthetic BOOLEAN);
"""


def _small_snapshot(warehouse: Path, synthetic: bool = True) -> Path:
    """A warehouse folder with current -> releases/r1 holding a small analyst.duckdb (and a manifest)."""
    release = warehouse / "releases" / "20250101T000000-abcdef12"
    release.mkdir(parents=True)
    (warehouse / "current").symlink_to(Path("releases") / release.name, target_is_directory=True)
    (release / "manifest.json").write_text(
        '{"run_id": "abcdef12-0000", "release": "20250101T000000-abcdef12", '
        '"published_at": "2025-01-01T00:00:00+00:00"}',
        encoding="utf-8",
    )
    con = duckdb.connect(str(release / "analyst.duckdb"))
    for statement in DDL.split(";"):
        if statement.strip():
            con.execute(statement).fetchall()
    areas = [("00", "Riket", "Riket", "country", None)] + [
        (code, name.removeprefix("Region ") + " län", name.removeprefix("Region "), "county", "00")
        for code, name in REGION_NAMES.items()
    ]
    con.executemany("INSERT INTO areas VALUES (?, ?, ?, ?, ?)", areas)
    con.executemany(
        "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                "listed_per_gp_incl_trainees_hired",
                LISTED_PER_GP["title_sv"],
                LISTED_PER_GP["unit_sv"],
                "lower_is_better",
                "ratio",
                1,
                0,
            ),
            ("sick_leave_share", "Sjukfrånvaro", "procent", "lower_is_better", "ratio", 100, 1),
        ],
    )
    rows = []
    for year, value in zip(range(2021, 2026), (1236.0, 1222.0, 1208.0, 1194.0, 1180.0)):
        rows.append(
            (
                "listed_per_gp_incl_trainees_hired",
                "19",
                str(year),
                "T",
                value,
                None,
                "all",
                "all",
                synthetic,
                False,
                None,
            )
        )
    rows.append(
        ("listed_per_gp_incl_trainees_hired", "17", "2025", "T", 1300.0, None, "all", "all", synthetic, False, None)
    )
    rows.append(
        ("listed_per_gp_incl_trainees_hired", "00", "2025", "T", 1250.0, None, "all", "all", synthetic, False, None)
    )
    # sick leave: Västmanland's 2025 value withheld by disclosure control (value NULL, suppressed)
    rows += [
        ("sick_leave_share", "19", "2024", "T", 6.3, None, "all", "all", synthetic, False, None),
        (
            "sick_leave_share",
            "19",
            "2025",
            "T",
            None,
            None,
            "all",
            "all",
            synthetic,
            True,
            "primary: fewer than 5 persons",
        ),
        ("sick_leave_share", "17", "2025", "T", 5.0, None, "all", "all", synthetic, False, None),
        ("sick_leave_share", "14", "2025", "T", 7.0, None, "all", "all", synthetic, False, None),
    ]
    con.executemany("INSERT INTO indicator_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.executemany(
        "INSERT INTO goals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                "vastmanland_listed_per_gp",
                "19",
                "Region Västmanland",
                "I genomsnitt en läkare per 1 100 listade invånare",
                "Handlingsplan för i genomsnitt 1 läkare per 1100 listade invånare",
                "https://example.org/plan",
                "listed_per_gp_incl_trainees_hired",
                None,
                1100.0,
                None,
                None,
                "HoS 2029",
                "Regionfullmäktige",
                "2024-02-13",
                "Region Västmanland (https://regionvastmanland.se/hos-2029/)",
            ),
            (
                "vastmanland_sick_leave",
                "19",
                "Region Västmanland",
                "Lägre sjukfrånvaro",
                None,
                None,
                "sick_leave_share",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
        ],
    )
    con.executemany(
        f"INSERT INTO goal_progress VALUES ({', '.join(['?'] * 30)})",
        [
            (
                "vastmanland_listed_per_gp",
                "19",
                "19",
                "listed_per_gp_incl_trainees_hired",
                "T",
                "all",
                "all",
                "down",
                2021,
                1236.0,
                2025,
                1180.0,
                1100.0,
                2029,
                5,
                -20.0,
                -14.0,
                -15.0,
                -13.0,
                1124.0,
                1110.0,
                1138.0,
                2031,
                2030,
                2033,
                "at risk",
                "moving towards the target too slowly",
                "listed inhabitants per doctor FTE",
                synthetic,
                False,
            ),
            (
                "vastmanland_sick_leave",
                "19",
                "19",
                "sick_leave_share",
                "T",
                "all",
                "all",
                "down",
                2024,
                None,
                None,
                None,
                None,
                2027,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "on track",
                "numbers withheld",
                "percent",
                synthetic,
                True,
            ),
        ],
    )
    con.executemany(
        "INSERT INTO benchmark_kpis VALUES (?, ?, ?, ?)",
        [
            (
                "N70845",
                "Disponibla vårdplatser slutenvård totalt i regionen, antal/1000 inv",
                "Kostnader och produktivitet",
                "no_judgement",
            )
        ],
    )
    con.executemany(
        "INSERT INTO benchmark_ranks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                "N70845",
                code,
                "2024",
                "T",
                value,
                "no_judgement",
                rank,
                4,
                "ranked by value, highest first",
                2.0,
                None,
                1.95,
                None,
            )
            for code, value, rank in (("01", 1.7, 4), ("14", 2.1, 1), ("17", 2.0, 2), ("19", 1.9, 3))
        ],
    )
    con.close()
    return warehouse


def test_the_report_shows_goals_values_ranks_and_never_a_suppressed_value_as_zero(tmp_path):
    warehouse = _small_snapshot(tmp_path / "warehouse")
    built = build_report(warehouse)
    report = warehouse / "report"
    assert built["index"] == report / "index.html" and report.is_symlink()
    pages = {p.name: p.read_text(encoding="utf-8") for p in report.iterdir()}
    # an index and a page per region with goals, values or Kolada values
    assert set(pages) == {"index.html", "region-01.html", "region-14.html", "region-17.html", "region-19.html"}
    vastmanland = pages["region-19.html"]
    assert (
        "Region Västmanland har 1\u00a0180 listade invånare per läkare (2025) och behöver nå 1\u00a0100 till 2029; "
        "med nuvarande takt nås målet 2031 (95 % osäkerhetsintervall 2030–2033)."
    ) in vastmanland
    assert vastmanland.count('data-chart="goal-vastmanland_listed_per_gp-19"') == 1
    # the own indicator among the regions: 1 180 against Värmland's 1 300, lower is better: 1 of 2; Riket 1 250
    row = re.search(
        r'<article class="card indicator" id="ind-listed_per_gp_incl_trainees_hired">.*?</article>', vastmanland, re.S
    ).group(0)
    assert ">plats 1 av 2<" in row and "1\u00a0250" in row and "plats 1 av 2 regioner (1 = bäst)" in row
    # the suppressed value: the word, with the reason, and never 0 (the median of the others is 6,0)
    row = re.search(
        r'<article class="card indicator" id="ind-sick_leave_share">.*?</article>', vastmanland, re.S
    ).group(0)
    assert 'class="suppressed" title="primary: fewer than 5 persons">undertryckt<' in row
    assert "undertryckt" in re.sub(r"<[^>]+>", " ", row)
    assert not re.search(r">\s*0(,0)?\s*<", row), row
    # the suppressed goal: its numbers withheld, its status kept; no chart drawn from a withheld series at 0
    card = re.search(
        r'<article class="card goal" id="goal-vastmanland_sick_leave-19">.*?</article>', vastmanland, re.S
    ).group(0)
    assert "undertryckta" in card and "i fas" in card and ">undertryckt<" in card
    assert not re.search(r">\s*0(,0)?\s*<", card)
    # the synthetic banner on every page that shows a value built on synthetic data, and only there
    banner = 'class="synthetic-banner"'
    assert banner in pages["index.html"] and banner in vastmanland and banner in pages["region-17.html"]
    assert banner not in pages["region-01.html"]  # Kolada only: real data
    assert "Källa: Kolada" in pages["region-01.html"] and "det lägsta värdet av 4 regioner" in pages["region-01.html"]
    # the index lists all 21 regions, with the goals' statuses
    assert all(name in pages["index.html"] for name in REGION_NAMES.values())
    assert pages["index.html"].count('class="status at-risk"') >= 1
    for name, html in pages.items():
        # offline: nothing to fetch, no scripts, no links out (decision sources are named without a scheme)
        assert not re.search(r"https?://", html), name
        assert "<script" not in html and "src=" not in html and "<link" not in html, name
        assert html.startswith("<!DOCTYPE html>") and '<html lang="sv">' in html and '<meta charset="utf-8">' in html
        for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
            _svg(svg)
    assert "regionvastmanland.se/hos-2029/" in vastmanland


def test_without_synthetic_values_there_is_no_banner(tmp_path):
    warehouse = _small_snapshot(tmp_path / "warehouse", synthetic=False)
    build_report(warehouse)
    for page in (warehouse / "report").iterdir():
        assert 'class="synthetic-banner"' not in page.read_text(encoding="utf-8"), page.name


def test_the_report_is_switched_as_a_whole_and_the_previous_one_kept(tmp_path):
    warehouse = _small_snapshot(tmp_path / "warehouse")
    first = build_report(warehouse)["index"].resolve().parent
    second = build_report(warehouse)["index"].resolve().parent
    third = build_report(warehouse)["index"].resolve().parent
    assert len({first, second, third}) == 3
    kept = sorted(p.name for p in (warehouse / ".reports").iterdir())
    assert kept == sorted([second.name, third.name]), "the current report and the one before it are kept"
    assert (warehouse / "report").resolve() == third
    assert not list((warehouse / ".reports").glob(".*")), "a partial report left behind"


def test_regions_with_a_page(tmp_path):
    from pipelines.report.build import read_snapshot

    data = read_snapshot((_small_snapshot(tmp_path / "warehouse") / "current").resolve())
    assert region_codes(data) == ["01", "14", "17", "19"]
    assert set(render(data)) == {"index.html", "region-01.html", "region-14.html", "region-17.html", "region-19.html"}


def test_times_are_stockholms_throughout(tmp_path):
    """The publication (2025-01-01 00:00 UTC) and the build (18:07 UTC in winter, 18:07 UTC in summer) both in
    Stockholm's time: 01:00, 19:07 (CET) and 20:07 (CEST); never a time in UTC beside one in local time."""
    from pipelines.report.build import read_snapshot

    data = read_snapshot((_small_snapshot(tmp_path / "warehouse") / "current").resolve())
    winter = render(data, built=dt.datetime(2025, 1, 1, 18, 7, tzinfo=dt.timezone.utc))
    for html in winter.values():
        assert "publicerad 2025-01-01 01:00 svensk tid" in html and "byggdes 2025-01-01 19:07 svensk tid" in html
    assert "Uppdaterad 2025-01-01 01:00 (svensk tid)" in winter["region-19.html"]
    summer = render(data, built=dt.datetime(2025, 7, 1, 18, 7, tzinfo=dt.timezone.utc))
    assert "byggdes 2025-07-01 20:07 svensk tid" in summer["index.html"]


def test_what_it_takes_and_how_sure_in_swedish():
    from pipelines.report.swedish import certainty_text, lever_sentence, rank_with_interval

    doctors = {"lever_change": 14.12, "lever_part": "denominator", "direction": "down", "deadline_year": 2029}
    assert lever_sentence(doctors, "läkarårsarbetare", 0) == "+14 läkarårsarbetare till 2029"
    # fewer beds reach a lower target: the change is what is needed, with its sign
    beds = {"lever_change": -37.6, "lever_part": "numerator", "direction": "down", "deadline_year": 2029}
    assert lever_sentence(beds, "vårdplatser", 0) == f"{MINUS}38 vårdplatser till 2029"
    # money above its target: a margin, not "-16 MSEK needed"
    money = {"lever_change": -16.0, "lever_part": "value", "direction": "up", "deadline_year": 2029}
    assert lever_sentence(money, "MSEK", 0) == "marginal 16 MSEK vid tidsgränsen 2029"
    assert lever_sentence({**money, "lever_change": None}, "MSEK", 0) is None
    assert (
        certainty_text(
            {"certainty": "uncertain basis", "years_observed": 2, "fit_first_year": 2023, "latest_year": 2024}
        )
        == "osäkert underlag (2 årsvärden, 2023–2024)"
    )
    assert (
        certainty_text(
            {"certainty": "interval agrees", "years_observed": 1, "fit_first_year": 2024, "latest_year": 2024}
        )
        == "säkert enligt 95 % intervall (1 årsvärde, 2024)"
    )
    assert rank_with_interval(4, 2, 9, 21) == "plats 4 (2–9) av 21"
    assert rank_with_interval(4, None, None, 21) == "plats 4 av 21 (utan osäkerhetsintervall)"


def test_the_base_period_is_said_when_the_chart_shows_more_history(tmp_path):
    warehouse = _small_snapshot(tmp_path / "warehouse")
    con = duckdb.connect(str(warehouse / "current" / "analyst.duckdb"))
    con.execute("ALTER TABLE goal_progress ADD COLUMN fit_first_year INTEGER").fetchall()
    con.execute(
        "UPDATE goal_progress SET fit_first_year = 2023, baseline_year = 2023 "
        "WHERE goal_id = 'vastmanland_listed_per_gp'"
    ).fetchall()
    con.close()
    build_report(warehouse)
    page = (warehouse / "report" / "region-19.html").read_text(encoding="utf-8")
    card = re.search(
        r'<article class="card goal" id="goal-vastmanland_listed_per_gp-19">.*?</article>', page, re.S
    ).group(0)
    assert "Diagrammet visar 2021–2025; takten och prognosen bygger på 2023–2025 (från basåret)." in card
    assert 'class="fit-period"' in card and "trendens underlag 2023–2025" in card


HOSTILE = '<script>alert("x")</script>'


def test_hostile_ids_and_texts_come_out_inert(tmp_path):
    """Every value from the data is escaped by the templates (autoescaping): an id, a title, a unit and a comment
    holding markup are text on the page, in elements and attributes alike, and no script or image gets in."""
    warehouse = _small_snapshot(tmp_path / "warehouse")
    con = duckdb.connect(str(warehouse / "current" / "analyst.duckdb"))
    con.execute(
        "INSERT INTO indicators VALUES (?, ?, ?, 'lower_is_better', 'ratio', 1, 0)",
        [HOSTILE, '<img src=x onerror="alert(1)">', "<b>enhet</b>"],
    ).fetchall()
    con.executemany(
        "INSERT INTO indicator_values VALUES (?, ?, ?, 'T', ?, NULL, 'all', 'all', true, false, NULL)",
        [[HOSTILE, "19", "2024", 3.0], [HOSTILE, "19", "2025", 2.0], [HOSTILE, "17", "2025", 4.0]],
    )
    con.execute(
        "INSERT INTO goals SELECT ? AS goal_id, '19', 'Region Västmanland', ?, ?, NULL, ?, NULL, 2, NULL, "
        "NULL, ?, NULL, NULL, NULL",
        ['"><script>x()</script>', HOSTILE, HOSTILE, HOSTILE, HOSTILE],
    ).fetchall()
    con.execute(
        "INSERT INTO goal_progress SELECT ? AS goal_id, '19', '19', ?, 'T', 'all', 'all', 'down', 2024, 3, "
        "2025, 2, 2, 2029, 2, NULL, -1, NULL, NULL, -2, NULL, NULL, NULL, NULL, NULL, 'achieved', ?, 'u', "
        "true, false",
        ['"><script>x()</script>', HOSTILE, HOSTILE],
    ).fetchall()
    con.execute(
        "CREATE TABLE goal_comments AS SELECT '\"><script>x()</script>' AS goal_id, '19' AS region_code, "
        "'19' AS area_code, DATE '2025-03-01' AS comment_date, ? AS author, ? AS text, 'f' AS comments_file",
        [HOSTILE, HOSTILE],
    ).fetchall()
    con.close()
    build_report(warehouse)
    pages = {p.name: p.read_text(encoding="utf-8") for p in (warehouse / "report").iterdir()}
    vastmanland = pages["region-19.html"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in vastmanland  # the title and the comment, as text
    assert 'id="goal-&#34;&gt;&lt;script&gt;x()&lt;/script&gt;-19"' in vastmanland  # an id in an attribute
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in vastmanland and "&lt;b&gt;enhet&lt;/b&gt;" in vastmanland
    for name, html in pages.items():
        assert "<script" not in html and "<img" not in html and "<b>" not in html, name
        for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
            _svg(svg)  # still well-formed: the escaped id is inside the chart's attributes and title


# ------------------------------------------------------------------------------ headless Chromium, for real


def _install_chromium() -> str:
    """Debian's chromium through apt-get (root, or passwordless sudo); the path of the binary."""
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(
            "the report test needs Chromium: `chromium` is not on PATH and there is no apt-get to install "
            "Debian's package (install chromium and run again)"
        )
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        prefix = ["sudo", "-n"]
    else:
        pytest.fail(
            "the report test needs Chromium: `chromium` is not on PATH, and installing it needs root "
            "(run `apt-get install -y chromium` as root, or give this user passwordless sudo)"
        )
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    install = prefix + [apt, *lock, "install", "-y", "--no-install-recommends", "chromium", "fonts-dejavu-core"]
    print(f"\ninstalling Debian's chromium for the report test: {' '.join(install)}", file=sys.stderr)
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:  # the package lists may be missing or stale
        subprocess.run(prefix + [apt, *lock, "update"], env=env, capture_output=True, text=True, timeout=900)
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1800)
    binary = shutil.which("chromium")
    if result.returncode != 0 or binary is None:
        pytest.fail(
            f"could not install Debian's chromium (`{' '.join(install)}` exited {result.returncode}):\n"
            + (result.stdout + result.stderr)[-3000:]
        )
    return binary


@pytest.fixture(scope="session")
def chromium() -> str:
    return shutil.which("chromium") or _install_chromium()


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[Path, str]:
    """`vardpuls refresh` on the bundled sample, as `make run` runs it: the warehouse and what it printed."""
    root = tmp_path_factory.mktemp("report")
    env = os.environ | {
        "DAGSTER_HOME": str(root / "dagster_home"),
        "VARDPULS_LANDING": str(SAMPLE),
        "VARDPULS_WAREHOUSE": str(root / "warehouse"),
        "VARDPULS_COMMENTS": str(COMMENTS),
    }
    (root / "dagster_home").mkdir()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("vardpuls")),
            "refresh",
            "--landing",
            str(SAMPLE),
            "--warehouse",
            str(root / "warehouse"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return root / "warehouse", result.stdout


def _run_chromium(binary: str, profile: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    command = [
        binary,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def _console_errors(log: str) -> list[str]:
    """What the page wrote to the console, and uncaught errors, from Chromium's log."""
    return [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def _png_pixels(path: Path) -> tuple[int, int, list[bytes], int]:
    """Width, height, the rows of pixels and the bytes per pixel (3 RGB, 4 RGBA) of an 8-bit, non-interlaced
    PNG (Chromium's screenshots)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    size = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - size] if i >= size else 0
            b = previous[i]
            c = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, size


def _one_article(page: str, anchor: str) -> str:
    """A page of its own holding one article of a report page: its head (style) and the article."""
    start = page.index(f'id="{anchor}"')
    start = page.rindex("<article", 0, start)
    end = page.index("</article>", start) + len("</article>")
    return page[: page.index("<main>") + len("<main>")] + page[start:end] + "</main>\n</body>\n</html>\n"


def _summary_only(page: str) -> str:
    """A region page cut after its summary (the detail removed): what the first printed page must hold."""
    return page[: page.index('<section id="mal">')] + "</main>\n</body>\n</html>\n"


def _print_to_pdf(binary: str, profile: Path, page: Path, pdf: Path) -> subprocess.CompletedProcess:
    return _run_chromium(binary, profile, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri(), timeout=240)


def test_the_summary_prints_on_one_a4_page(chromium, sample_report, tmp_path):
    """Every region page's summary alone prints on exactly one A4 page; and Västmanland's whole page prints with the
    summary on page 1 and the detail from page 2 (the print stylesheet breaks after the summary)."""
    from pypdf import PdfReader

    warehouse, _ = sample_report
    pages = sorted((warehouse / "report").glob("region-*.html"))
    cuts = []
    for page in pages:
        cut = tmp_path / f"summary-{page.name}"
        cut.write_text(_summary_only(page.read_text(encoding="utf-8")), encoding="utf-8")
        cuts.append(cut)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(
                lambda item: _print_to_pdf(
                    chromium, tmp_path / f"profile-pdf-{item[0]}", item[1], item[1].with_suffix(".pdf")
                ),
                enumerate(cuts),
            )
        )
    for cut, result in zip(cuts, results):
        pdf = cut.with_suffix(".pdf")
        assert pdf.is_file(), result.stderr[-3000:]
        reader = PdfReader(pdf)
        assert len(reader.pages) == 1, f"{cut.name}: the summary takes {len(reader.pages)} A4 pages"
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert (round(width), round(height)) == (595, 842), "A4 is 595 x 842 points"
    whole = tmp_path / "region-19.pdf"
    result = _print_to_pdf(chromium, tmp_path / "profile-pdf-whole", warehouse / "report" / "region-19.html", whole)
    assert whole.is_file(), result.stderr[-3000:]
    reader = PdfReader(whole)
    first, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    flat = " ".join(first.split())
    for title in (
        "Fler ambulanser och en starkare ambulanssjukvård",
        "Kortare vårdtider",
        "47 miljoner kronor per år mer till nära vård och primärvård",
    ):
        assert " ".join(title.split()) in flat, title
    assert "Sammanfattning" in first and "Vad som krävs" in first and "Målen i detalj" not in first
    assert second.lstrip().startswith("Målen i detalj")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(tmp_path / "summary-region-19.pdf", SCREENSHOTS / "summary-19-a4.pdf")


def test_the_console_check_catches_an_error(chromium, tmp_path):
    """The check below is only worth something if it sees a page's console error: a page with one."""
    page = tmp_path / "canary.html"
    page.write_text(
        '<!DOCTYPE html><html><body><script>console.error("canary-error"); missing();</script></body></html>',
        encoding="utf-8",
    )
    result = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    errors = _console_errors(result.stderr)
    assert any("canary-error" in line for line in errors), result.stderr[-3000:]
    assert any("Uncaught" in line for line in errors), result.stderr[-3000:]


def test_make_run_ends_with_the_report_and_every_page_renders_in_chromium(chromium, sample_report, tmp_path, capsys):
    warehouse, printed = sample_report
    index = warehouse / "report" / "index.html"
    # `vardpuls refresh` (what `make run` runs) ends by printing the report's path
    assert printed.rstrip().splitlines()[-1].strip() == str(index)
    assert index.is_file() and (warehouse / "report").is_symlink()
    pages = sorted((warehouse / "report").glob("*.html"))
    assert {p.name for p in pages} >= {
        "index.html",
        "region-19.html",
        "region-17.html",
        "region-14.html",
        "region-01.html",
        "digest.html",
    }
    assert len(pages) == 23  # the index, the 21 regions (Kolada has them all) and the digest of what changed
    # each page in its own Chromium (and profile), a few at a time
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(
                lambda item: _run_chromium(chromium, tmp_path / f"profile-{item[0]}", "--dump-dom", item[1].as_uri()),
                enumerate(pages),
            )
        )
    charts_seen = 0
    for page, result in zip(pages, results):
        source = page.read_text(encoding="utf-8")
        assert not re.search(r"https?://", source), f"{page.name} refers to the network"
        assert "<script" not in source and "src=" not in source and "<link" not in source, page.name
        assert result.returncode == 0, result.stderr[-3000:]
        assert not _console_errors(result.stderr), f"{page.name}: {_console_errors(result.stderr)}"
        dom = result.stdout
        assert "</html>" in dom and "<h1>" in dom, f"{page.name} did not load"
        expected = re.findall(r'<svg class="chart[^"]*" data-chart="([^"]+)"', source)
        rendered = re.findall(r'<svg class="chart[^"]*" data-chart="([^"]+)"', dom)
        assert rendered == expected, f"{page.name}: charts missing from the rendered page"
        charts_seen += len(rendered)
        if page.name == "region-19.html":  # Västmanland's goals: one goal chart each with values
            assert sum(1 for c in rendered if c.startswith("goal-")) >= 6
            assert 'class="synthetic-banner"' in dom
    assert charts_seen > 100
    # screenshots: the index, Västmanland's summary and goals, Stockholm (Kolada only), and one of each new
    # element on a page of its own (the page's head and style, one article): docs/report.md, "The follow-up report"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    vastmanland = (warehouse / "report" / "region-19.html").read_text(encoding="utf-8")
    elements = {
        "goal-what-it-takes": "goal-vastmanland_listed_per_gp-19",
        "indicator-rank-trend": "ind-population_share_80plus",
        "hospitals-census": "ind-overcrowding_per_100_beds",
        "funnel-health-centres": "ind-listed_per_gp_incl_trainees_hired",
    }
    for name, anchor in elements.items():
        (warehouse / "report" / f"{name}.html").write_text(_one_article(vastmanland, anchor), encoding="utf-8")
    # (Västmanland tall enough to hold the goal with a target, its fifth)
    for name, size in (
        ("index.html", "1280,1800"),
        ("region-19.html", "1280,4200"),
        ("region-01.html", "1280,1800"),
        ("summary-19.html", "1280,1150"),
        *((f"{n}.html", "1280,1700") for n in elements),
    ):
        png = shots / name.replace(".html", ".png")
        source = warehouse / "report" / ("region-19.html" if name == "summary-19.html" else name)
        result = _run_chromium(
            chromium,
            tmp_path / f"profile-shot-{name}",
            f"--screenshot={png}",
            f"--window-size={size}",
            "--hide-scrollbars",
            source.as_uri(),
        )
        assert png.is_file() and png.stat().st_size > 10_000, result.stderr[-3000:]
        assert not _console_errors(result.stderr), name
    # the charts are drawn: Västmanland's screenshot shows the series blue (#1f5fa8) and the synthetic banner,
    # the goal with a target its target red (#b03a2e)
    width, height, rows, size = _png_pixels(shots / "region-19.png")
    assert (width, height) == (1280, 4200)
    colours = {row[i : i + 3] for row in rows for i in range(0, len(row), size)}
    assert bytes.fromhex("1f5fa8") in colours and bytes.fromhex("ffe14d") in colours
    _, _, rows, size = _png_pixels(shots / "goal-what-it-takes.png")
    assert bytes.fromhex("b03a2e") in {row[i : i + 3] for row in rows for i in range(0, len(row), size)}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for png in shots.iterdir():
        shutil.copy2(png, SCREENSHOTS / png.name)
    with capsys.disabled():
        print(
            f"\nreport screenshots: {shots} (copied to {SCREENSHOTS}/: "
            f"{', '.join(sorted(p.name for p in SCREENSHOTS.iterdir()))})"
        )


def test_the_sample_report_answers_what_a_board_asks_first(sample_report):
    """Västmanland's page of the bundled sample: the summary first, then each new element with the sample's own
    figures (what they are is worked out in tests/test_goals.py, test_comparison.py and test_funnels.py)."""
    warehouse, _ = sample_report
    page = (warehouse / "report" / "region-19.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace(" ", " ")
    summary = page[page.index('<section class="summary"') : page.index('<section id="mal">')]
    assert summary and page.index('<section class="summary"') < page.index('<section id="mal">')
    # every goal of the registry in the summary, with its status, trend arrow, comparison and what it takes
    assert summary.count('<td class="goal-title">') == 7
    assert summary.count('class="trend ') >= 7 and summary.count('class="cmp ') >= 7 + 7  # rows + legend
    # the doctors: 278,120 listed grow with SCB's projection by 1.51 % to 2029; at 1,100 per FTE 256.7 FTE
    # against 242.5: +14; the primary-care money is already 16 MSEK above its target, in current prices
    assert "+14 läkarårsarbetare till 2029" in summary
    assert "marginal 16 MSEK (löpande priser) vid tidsgränsen 2029" in summary
    assert "vid målet 1 100 behövs då 256,7 läkarårsarbetare mot 242,5 år 2024" in text
    # two yearly values behind most statuses: said, not hidden
    assert summary.count(">osäkert underlag<") >= 5 and "osäkert underlag (2 årsvärden, 2023–2024)" in text
    # the beds: no other region has own values, so Kolada's counterpart places Västmanland among the 21
    assert "femtedelen (Kolada)" in summary
    # the comment kept as data, with its author and date
    assert (
        "Exempel på en kommentar" in page
        and "Exempel Exempelsson, hälso- och sjukvårdsdirektör (exempel), 2025-03-14" in text
    )
    # the population shares: a rank with its interval among the three regions with values, a trend with its words,
    # the comparison with the median, the definition from the catalogue, breakdowns by sex
    card = re.search(
        r'<article class="card indicator" id="ind-population_share_80plus">.*?</article>', page, re.S
    ).group(0)
    assert "plats 2 (2–2) av 3" in card and "ökar" in card and "Personer 80 år och äldre i procent" in card
    assert 'data-chart="series-population_share_80plus"' in card and ">kvinnor<" in card and ">män<" in card
    # the hospitals' överbeläggningar: patient-days, so no funnel limits of chance, the hospitals in a table
    card = re.search(
        r'<article class="card indicator" id="ind-overcrowding_per_100_beds">.*?</article>', page, re.S
    ).group(0)
    assert 'data-chart="funnel-' not in card and "Per enhet (2024)" in card
    assert "Västmanlands sjukhus Köping" in card and "Västmanlands sjukhus Fagersta" in card
    assert "95 %:" not in card  # no interval either
    # the health centres' listed per doctor FTE in a funnel, and the months of 2024 against 2023
    assert 'data-chart="funnel-listed_per_gp_incl_trainees_hired"' in page
    assert 'data-chart="monthly-listed_per_gp_incl_trainees_hired"' in page
    # own indicators grouped by theme, Kolada in quintiles and ranks said to have no interval
    assert [
        t
        for t in ("Befolkning", "Personal och bemanning", "Kostnader", "Vårdplatser och slutenvård")
        if f">{t}</h3>" in page
    ] == ["Befolkning", "Personal och bemanning", "Kostnader", "Vårdplatser och slutenvård"]
    assert "Kolada redovisar inga konfidensintervall" in page and 'class="cmp quint-' in page
    # the index for management: no internal counts, a line per region with goals
    index = (warehouse / "report" / "index.html").read_text(encoding="utf-8")
    assert "av 6 bedömda mål är uppnådda eller i fas" in index and "Kolada-nyckeltal" not in index
    assert "svensk tid" in page and "UTC" not in page
