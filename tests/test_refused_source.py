"""A refused source stops only what reads it: the sample refreshed, then refreshed again with a changed population file
and a staffing file that cannot be read.

The second `vardpuls refresh` refuses the staffing source (one line naming the file and what is wrong) and carries
on with everything else: the population indicators are published with the changed population, worked out here from
the delivered file; every indicator that reads the staffing source keeps exactly what it had, even where it also
reads the population (FTE per 1,000 inhabitants keeps the denominator it was computed with); the other sources'
indicators are published as before; the published staffing table keeps its files byte for byte.
"""

import contextlib
import hashlib
import io
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.indicators.catalogue import load_catalogue
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
POPULATION_FILE = "folkmangd_vastmanland_kommuner_2015-2024.csv"
# SCB's web export: Skinnskatteberg's boys aged 0 in 2024 (the last column) revised from 23 to 123, and the men's
# total row ("totalt ålder", which is never added to the ages) with them
REVISIONS = {
    '"1904 Skinnskatteberg";"0 år";"män";22;22;22;23;23;22;23;23;22;23\r': '"1904 Skinnskatteberg";"0 år";"män";22;22;22;23;23;22;23;23;22;123\r',
    '"1904 Skinnskatteberg";"totalt ålder";"män";2067;2087;2109;2124;2133;2138;2143;2150;2142;2141\r': '"1904 Skinnskatteberg";"totalt ålder";"män";2067;2087;2109;2124;2133;2138;2143;2150;2142;2241\r',
}
BROKEN = "personal_2025-01.csv"
STAFFING_HEADER = (
    "period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;"
    "sjuktimmar;inhyrd;lönekod\n"
)


def indicators_reading(source: str) -> set[str]:
    """The catalogue indicators whose asset reads the source's raw asset, directly or through others."""
    graph = defs.resolve_asset_graph()
    return {
        i.id
        for i in load_catalogue()
        if dg.AssetKey(["raw", source])
        in dg.AssetSelection.assets(dg.AssetKey(["indicators", i.id])).upstream().resolve(graph)
    }


def published_values(release: Path, indicators: set[str]) -> set[tuple]:
    with duckdb.connect(str(release / "analyst.duckdb"), read_only=True) as con:
        return set(
            con.execute(
                "SELECT indicator_id, area_code, unit_id, period, sex, age_group, category, value, numerator, denominator, "
                "ci_lower, ci_upper, suppressed FROM indicator_values WHERE list_contains(?, indicator_id)",
                [sorted(indicators)],
            ).fetchall()
        )


def value(release: Path, indicator: str, area: str, period: str) -> tuple:
    with duckdb.connect(str(release / "analyst.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT value, numerator, denominator FROM indicator_values WHERE indicator_id = ? "
            "AND area_code = ? AND period = ? AND sex = 'T' AND unit_id IS NULL AND age_group = 'all' "
            "AND category = 'all'",
            [indicator, area, period],
        ).fetchall()
    assert len(rows) == 1, (indicator, area, period, rows)
    return rows[0]


def persons_in_file(path: Path, area_label: str, year_column: int = -1, ages=None) -> int:
    """Persons of an area in the file's last year, summed from the delivered lines (cp1252, ';', quoted labels) by
    single year of age ('0 år' .. '100+ år'; the total rows left out)."""
    total = 0
    for line in path.read_bytes().decode("cp1252").splitlines():
        cells = line.split(";")
        if len(cells) > 3 and cells[0].strip('"') == area_label:
            age = cells[1].strip('"')
            if age.startswith("totalt"):
                continue
            if ages is None or int(age.split()[0].rstrip("+")) in ages:
                total += int(cells[year_column])
    return total


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def refreshes(tmp_path_factory):
    root = tmp_path_factory.mktemp("refused_source")
    landing, warehouse = root / "landing", root / "warehouse"
    shutil.copytree(SAMPLE, landing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        assert main(["refresh", "--quiet", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
        first = (warehouse / "current").resolve()
        staff_fte_files = {p.name: file_digest(p) for p in (first / "exports").rglob("staff_fte*") if p.is_file()}
        population = landing / "population" / POPULATION_FILE
        text = population.read_bytes().decode("cp1252")
        for old, new in REVISIONS.items():
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        population.write_bytes(text.encode("cp1252"))
        line = "2025-01;1000001;19-VC-001;Sjuksköterska;tillsvidare;1,0;160;0;N;L42\n"
        (landing / "staffing" / BROKEN).write_bytes((STAFFING_HEADER + line).encode("utf-8"))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    second = (warehouse / "current").resolve()
    return {
        "landing": landing,
        "first": first,
        "second": second,
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "staff_fte_files": staff_fte_files,
        "population": population,
    }


def test_the_summary_names_the_refused_source_with_its_reason_and_exits_1(refreshes):
    assert refreshes["code"] == 1
    assert refreshes["second"] != refreshes["first"]  # a new release: everything else is published
    out, err = refreshes["out"], refreshes["err"]
    refused = [line for line in out.splitlines() if line.split()[:2] == ["staffing", "REFUSED:"]]
    assert len(refused) == 1 and BROKEN in refused[0] and "lönekod" in refused[0], out[-3000:]
    blocked = out[out.index("Blocked") :].splitlines()
    assert any(line.split()[:1] == ["staffing"] and BROKEN in line and "lönekod" in line for line in blocked[1:4])
    assert [line for line in err.splitlines() if line.strip().startswith("raw__staffing:")], err[-3000:]
    assert "Traceback" not in err
    # the other sources loaded as usual
    assert any(line.split()[:1] == ["population"] and "1 loaded" in line for line in out.splitlines())


def test_the_population_indicators_are_published_with_the_changed_population(refreshes):
    first, second, population = refreshes["first"], refreshes["second"], refreshes["population"]
    skinnskatteberg = persons_in_file(population, "1904 Skinnskatteberg")
    assert value(second, "population_total", "1904", "2024")[1] == skinnskatteberg
    assert value(first, "population_total", "1904", "2024")[1] == skinnskatteberg - 100
    # the county is summed from its municipalities: 100 more there too
    assert value(second, "population_total", "19", "2024")[1] == value(first, "population_total", "19", "2024")[1] + 100
    young = persons_in_file(population, "1904 Skinnskatteberg", ages=range(0, 18))
    assert value(second, "population_share_0_17", "1904", "2024") == pytest.approx(
        (100 * young / skinnskatteberg, young, skinnskatteberg)
    )
    # and nothing else of the population moved: 2023 is as it was
    assert value(second, "population_total", "19", "2023") == value(first, "population_total", "19", "2023")


def test_what_reads_the_staffing_source_keeps_what_it_had(refreshes):
    first, second = refreshes["first"], refreshes["second"]
    staffing = indicators_reading("staffing")
    assert {"sick_leave_share", "staff_fte_per_1000", "staff_turnover", "listed_per_gp_specialist"} <= staffing
    assert published_values(second, staffing) == published_values(first, staffing)
    assert published_values(first, staffing)  # there is something to keep
    # FTE per 1,000 inhabitants reads the population too, and keeps the denominator it was computed with
    fte = value(second, "staff_fte_per_1000", "19", "2024")
    assert (
        fte[2]
        == value(first, "population_total", "19", "2024")[1]
        != value(second, "population_total", "19", "2024")[1]
    )
    kept = {p.name: file_digest(p) for p in (second / "exports").rglob("staff_fte*") if p.is_file()}
    assert kept == refreshes["staff_fte_files"] and kept


def test_the_other_sources_indicators_are_published_as_before(refreshes):
    first, second = refreshes["first"], refreshes["second"]
    beds = indicators_reading("beds") - indicators_reading("population")
    assert "occupancy" in beds
    assert published_values(second, beds) == published_values(first, beds) != set()
