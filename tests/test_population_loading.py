"""Reloads, new versions of a period, the double-count guard and files that must be refused."""

import os

import pytest

from tests.conftest import failure_message

pytestmark = pytest.mark.integration

WESTMANLAND_MUNICIPALITIES = ["1904", "1907", "1960", "1961", "1962", "1980", "1981", "1982", "1983", "1984"]


def v1_csv(rows_per_area: dict[str, int], years=(2023,), ages=range(0, 101)) -> str:
    """A PxWeb API v1 CSV with every age and both sexes, each cell holding the area's number."""
    lines = ['"region","ålder","kön",' + ",".join(f'"{y}"' for y in years)]
    for area, persons in rows_per_area.items():
        for age in ages:
            label = "100+ år" if age == 100 else f"{age} år"
            for sex in ("män", "kvinnor"):
                lines.append(f'"{area}","{label}","{sex}",' + ",".join(str(persons) for _ in years))
    return "\n".join(lines) + "\n"


def test_loading_the_same_files_again_changes_nothing(site):
    site.land("pxweb_v1_labels.csv", "jsonstat2.json")
    assert site.load_population().success
    before = (
        site.query("SELECT * FROM raw.population ORDER BY ALL"),
        site.query("SELECT * FROM core.population ORDER BY ALL"),
    )
    second = site.load_population()
    assert second.success
    after = (
        site.query("SELECT * FROM raw.population ORDER BY ALL"),
        site.query("SELECT * FROM core.population ORDER BY ALL"),
    )
    assert after == before
    assert site.query("SELECT count(*) FROM raw.population_files") == [(2,)]
    metadata = second.asset_materializations_for_node("raw__population")[0].metadata
    assert metadata["files_loaded"].value == 0 and metadata["files_unchanged"].value == 2


def test_a_new_version_of_a_file_replaces_its_period(site):
    path = site.write("folkmangd.csv", v1_csv({"19 Västmanlands län": 5}, years=(2022, 2023)))
    assert site.load_population().success
    assert site.persons("19", 2023) == 5 * 202
    path.write_text(v1_csv({"19 Västmanlands län": 7}, years=(2022, 2023)), encoding="utf-8")
    assert site.load_population().success
    assert site.persons("19", 2023) == 7 * 202 and site.persons("19", 2022) == 7 * 202
    # both versions stay in raw for lineage; only the newer one reaches core
    assert site.query("SELECT count(*), count(DISTINCT sha256) FROM raw.population_files") == [(2, 2)]


def test_a_later_file_for_the_same_period_replaces_only_that_period(site):
    site.write("a_2022_2023.csv", v1_csv({"19 Västmanlands län": 5}, years=(2022, 2023)))
    assert site.load_population().success
    newer = site.write("b_2023_revised.csv", v1_csv({"19 Västmanlands län": 6}, years=(2023,)))
    os.utime(newer, (newer.stat().st_mtime + 10, newer.stat().st_mtime + 10))
    assert site.load_population().success
    assert site.persons("19", 2023) == 6 * 202  # replaced by the later delivery
    assert site.persons("19", 2022) == 5 * 202  # untouched


def test_county_and_its_municipalities_in_one_file_count_nobody_twice(site):
    # the county equals the sum of its ten municipalities (a county that does not is held out and summed
    # from them instead: tests/test_validation_gate.py)
    areas = {"19 Västmanlands län": 100} | {f"{code} Kommun": 10 for code in WESTMANLAND_MUNICIPALITIES}
    site.write("lan_och_kommuner.csv", v1_csv(areas))
    assert site.load_population().success
    assert site.persons("19", 2023) == 100 * 202  # as delivered, not 100*202 + 10*202*10
    assert site.query("SELECT DISTINCT derivation FROM core.population WHERE area_code = '19'") == [("delivered",)]
    assert site.persons("1980", 2023) == 10 * 202


def test_a_county_not_delivered_is_summed_from_all_its_municipalities(site):
    site.write("kommuner.csv", v1_csv({f"{code} Kommun": 10 for code in WESTMANLAND_MUNICIPALITIES}))
    assert site.load_population().success
    assert site.persons("19", 2023) == 10 * 202 * 10
    assert site.query("SELECT DISTINCT derivation FROM core.population WHERE area_code = '19'") == [
        ("sum of municipalities",)
    ]


def test_a_county_with_a_municipality_missing_is_not_summed(site):
    site.write("nio_kommuner.csv", v1_csv({f"{code} Kommun": 10 for code in WESTMANLAND_MUNICIPALITIES[:-1]}))
    assert site.load_population().success
    assert site.query("SELECT count(*) FROM core.population WHERE area_code = '19'") == [(0,)]


def test_heby_old_code_is_mapped(site):
    site.write("heby.csv", v1_csv({"1917 Heby": 3}, years=(2005,)))
    assert site.load_population().success
    assert site.persons("0331", 2005) == 3 * 202


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '"region","ålder","kön","2023"\n"99 Okänt län","0 år","män",1\n',
            "row 2, column 'region': '99 Okänt län' is not understood: expected a code in the area register",
        ),
        (
            '"region","ålder","kön","2023"\n"19 Västmanlands län","65-69 år","män",1\n',
            "row 2, column 'ålder': '65-69 år' is not understood: expected a single year of age",
        ),
        (
            '"region","ålder","kön","2023"\n"19 Västmanlands län","0 år","män",1\n"19 Västmanlands län","1 år","män",12.5\n',
            "row 3, column '2023': '12.5' is not understood: expected a whole, non-negative number of persons",
        ),
        (
            '"region","ålder","kön","2023"\n"19 Västmanlands län","0 år","män",-4\n',
            "row 2, column '2023': '-4' is not understood: expected a whole, non-negative number",
        ),
        (
            '"region","ålder","kön","2023"\n"19 Västmanlands län","0 år","okänt",4\n',
            "row 2, column 'kön': 'okänt' is not understood",
        ),
        (
            '"region","födelseregion","ålder","kön","2023"\n"19 Västmanlands län","Sverige","0 år","män",4\n',
            "row 1, column 'födelseregion': unexpected column",
        ),
        (
            '"region","ålder","kön","2023"\n"19 Västmanlands län","0 år","män",4\n"19 Västmanlands län","0 år","män",4\n',
            "row 3, column 'region/civilstånd/ålder/kön/år'",
        ),
        ('"region","kön","2023"\n"19 Västmanlands län","män",4\n', "row 1: no age (ålder) column"),
        ("", "the file is empty"),
        ('{"class": "collection", "link": {}}', "JSON but not a JSON-stat 2.0 dataset"),
    ],
)
def test_a_bad_file_fails_with_one_clear_line(site, text, expected):
    site.write("bad.csv", text)
    result = site.load_population()
    assert not result.success
    message = failure_message(result)
    assert "bad.csv" in message and expected in message, message
    assert "\n" not in message


def test_a_bad_file_keeps_nothing_of_its_load(site):
    site.land("jsonstat2.json")
    assert site.load_population().success
    before = site.query("SELECT * FROM raw.population_files ORDER BY ALL")
    site.land("pxweb_v1_labels.csv")  # good, loaded in the same run as the bad file below
    bad = site.write("zz_bad.csv", '"region","ålder","kön","2023"\n"19 Västmanlands län","0 år","män",abc\n')
    os.utime(bad, (bad.stat().st_mtime + 10, bad.stat().st_mtime + 10))
    assert not site.load_population().success
    assert site.query("SELECT * FROM raw.population_files ORDER BY ALL") == before
