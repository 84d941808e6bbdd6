"""Each of SCB's population formats, read from small files with totals worked out by hand."""

import pytest

from pipelines.population.formats import read_population_file
from tests.conftest import POPULATION_FIXTURES

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "name, fmt, encoding, separator",
    [
        ("pxweb_v1_labels.csv", "pxweb_v1_csv", "utf-8", ","),
        ("web_export_semicolon_cp1252.csv", "pxweb_web_export", "cp1252", ";"),
        ("web_export_comma_bom.csv", "pxweb_web_export", "utf-8-sig", ","),
        ("jsonstat2.json", "jsonstat2", "utf-8", None),
        ("scb_pxwebapi_v2_excerpt.csv", "pxwebapi_v2_csv", "utf-8", ","),
    ],
)
def test_format_is_recognised_by_content(tmp_path, name, fmt, encoding, separator):
    # the name says nothing: every fixture is copied to the same neutral name first
    neutral = tmp_path / "delivery.dat"
    neutral.write_bytes((POPULATION_FIXTURES / name).read_bytes())
    parsed = read_population_file(neutral)
    assert (parsed.format, parsed.encoding, parsed.separator) == (fmt, encoding, separator)


def test_pxweb_v1_labels(site):
    site.land("pxweb_v1_labels.csv")
    assert site.load_population().success
    # men 2022: 1500 + 1510 + 10 (the "totalt ålder" row, 3020, is not added again)
    assert site.persons("19", 2022, "M") == 3020
    assert site.persons("19", 2022, "K") == 1400 + 1390 + 40
    # ".." is missing, never zero: women 2023 cannot be summed
    assert site.query(
        "SELECT persons FROM core.population WHERE area_code='19' AND year=2023 AND age=1 AND sex='K'"
    ) == [(None,)]
    assert site.persons("19", 2023, "K") is None
    assert site.persons("19", 2023, "M") == 1480 + 1490 + 12
    # "100+ år" is age 100
    assert site.query(
        "SELECT persons FROM core.population WHERE area_code='19' AND year=2022 AND age=100 AND sex='K'"
    ) == [(40,)]


def test_web_export_cp1252_semicolon_with_civil_status_and_county_and_municipality(site):
    site.land("web_export_semicolon_cp1252.csv")
    assert site.load_population().success
    # civil status parts are summed: 100 + 200 + 300
    assert site.persons("19", 2023) == 600
    # the municipality in the same file is its own area and is not added to its county
    assert site.persons("1980", 2023) == 50 + 60 + 70
    labels = site.query("SELECT DISTINCT area_label FROM raw.population ORDER BY 1")
    assert labels == [("19 Västmanlands län",), ("1980 Västerås",)]  # cp1252 decoded
    # the title, blank line and header are lines 1-3: the first value is on line 4
    assert site.query("SELECT min(source_row) FROM raw.population") == [(4,)]


def test_web_export_bom_sex_total_not_added(site):
    site.land("web_export_comma_bom.csv")
    assert site.load_population().success
    assert site.query("SELECT sex, persons FROM core.population WHERE area_code='17' AND year=2023 ORDER BY sex") == [
        ("K", 2110),
        ("M", 2010),
    ]
    assert site.persons("17", 2022) == 2000 + 2100


def test_jsonstat2(site):
    site.land("jsonstat2.json")
    assert site.load_population().success
    assert site.persons("1980", 2023, "M") == 900 + 910 + 5
    assert site.persons("1980", 2023, "K") == 860 + 870 + 20
    # the value at position 12 is null with status "..": missing, not zero
    assert site.query(
        "SELECT value_text, source_row FROM raw.population WHERE area_label LIKE '1981%' "
        "AND age_label = '1' AND sex_label = '2'"
    ) == [("..", 12)]
    assert site.persons("1981", 2023, "K") is None
    assert site.persons("1981", 2023, "M") == 120 + 125 + 1


def test_pxwebapi_v2_real_excerpt(site):
    """12 verbatim lines of SCB's 2025 PxWebApi v2 CSV (data/samples in shared, CC0)."""
    site.land("scb_pxwebapi_v2_excerpt.csv")
    assert site.load_population().success
    assert site.persons("2580", 2025) == 358 + 329 + 332 + 294 + 3 + 6 + 0 + 13
    assert site.persons("2560", 2025) == 0 + 3 + 0 + 0
    # "100+1" is age 100; sex 1 = män (M), 2 = kvinnor (K)
    assert site.query("SELECT sex, persons FROM core.population WHERE area_code='2580' AND age=100 ORDER BY sex") == [
        ("K", 13),
        ("M", 0),
    ]


def test_every_raw_row_carries_lineage(site):
    site.land("pxweb_v1_labels.csv", "jsonstat2.json")
    result = site.load_population()
    assert result.success
    files = site.query("SELECT source_file, sha256, row_count, load_run FROM raw.population_files ORDER BY 1")
    assert [f[0] for f in files] == ["jsonstat2.json", "pxweb_v1_labels.csv"]
    assert all(len(f[1]) == 64 and f[3] == result.run_id for f in files)
    unstamped = site.query(
        "SELECT count(*) FROM raw.population WHERE source_file IS NULL OR source_sha256 IS NULL "
        "OR source_row IS NULL OR load_run IS NULL"
    )
    assert unstamped == [(0,)]
    # per file the raw rows are exactly what the file delivered: 8 lines x 2 years, 16 JSON-stat values
    assert site.query("SELECT source_file, count(*) FROM raw.population GROUP BY 1 ORDER BY 1") == [
        ("jsonstat2.json", 16),
        ("pxweb_v1_labels.csv", 16),
    ]
