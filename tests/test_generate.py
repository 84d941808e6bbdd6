"""The synthetic data generator: determinism, the formats of formats.yaml, and calibration.

The calibration checks read the generated files with DuckDB directly (not through the warehouse)
and compare with data/reference/published_figures.csv and the targets in pipelines/synthetic/regional.py.
"""

import csv
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pipelines.synthetic import population
from pipelines.synthetic.generate import generate
from pipelines.synthetic.identities import Identities, luhn_digit, luhn_valid
from pipelines.synthetic.landing import ENCODING, formats
from pipelines.synthetic.units import build_organisation

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
REGIONAL = ["organisation", "listings", "staffing", "cost", "beds"]
with (ROOT / "data" / "reference" / "professions.csv").open(encoding="utf-8") as _f:
    _PROFESSIONS = list(csv.DictReader(_f))
DOCTORS = "(" + ", ".join(f"'{r['profession']}'" for r in _PROFESSIONS if r["profession_group"] == "doctor") + ")"
GPS = (
    "("
    + ", ".join(f"'{r['profession']}'" for r in _PROFESSIONS if "true" in (r["gp_specialist"], r["gp_trainee"]))
    + ")"
)
PATTERN = {
    "integer": r"^-?\d+$",
    "decimal": r"^-?\d+(,\d+)?$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "month": r"^\d{4}-\d{2}$",
    "flag": r"^[JN]$",
}
PARQUET_TYPE = {
    "text": "VARCHAR",
    "month": "VARCHAR",
    "flag": "VARCHAR",
    "integer": "INTEGER",
    "decimal": "DOUBLE",
    "date": "DATE",
}
PERSONNUMMER = re.compile(rb"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate("sample", out, progress=quiet)
    return out


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("region")
    generate("region", out, progress=quiet)
    return out


@pytest.fixture(scope="module")
def db(region: Path):
    """Views over the region scale's files, read as the region's CSV exports."""
    con = duckdb.connect()
    csv_options = "delim=';', decimal_separator=',', header=true"
    con.execute(f"CREATE VIEW beds AS SELECT * FROM read_csv('{region}/beds/*.csv', {csv_options})").fetchall()
    con.execute(f"""CREATE VIEW staff AS SELECT * FROM read_csv('{region}/staffing/*.csv', {csv_options},
                    types={{'anställningsnummer': 'VARCHAR', 'personnummer': 'VARCHAR'}})""").fetchall()
    con.execute(f"""CREATE VIEW cost AS SELECT * FROM read_csv('{region}/cost/*.csv', {csv_options},
                    encoding='latin-1', types={{'konto': 'VARCHAR', 'verksamhet': 'VARCHAR'}})""").fetchall()
    con.execute(f"""CREATE VIEW listings AS SELECT * FROM read_csv('{region}/listings/*.csv', {csv_options},
                    encoding='latin-1')""").fetchall()
    population = region / "population" / "folkmangd_vastmanland_kommuner_2015-2024.csv"
    con.execute(f"""CREATE TABLE pop AS UNPIVOT (
                      SELECT * FROM read_csv('{population}', skip=2, delim=';', header=true, encoding='latin-1')
                      WHERE ålder <> 'totalt ålder')
                    ON COLUMNS('^20') INTO NAME year VALUE persons""").fetchall()
    con.execute("""CREATE TABLE county AS
                   SELECT year::INT AS year, sum(persons) AS persons FROM pop GROUP BY 1""").fetchall()
    yield con
    con.close()


def one(con, sql: str):
    return con.execute(sql).fetchall()[0][0]


def files(root: Path) -> list[Path]:
    """The generator's files; kolada/ holds real Kolada pages the generator neither writes nor touches."""
    return sorted(
        p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "kolada"
    )


# -- determinism and the committed sample ------------------------------------------------------


def test_sample_is_byte_identical_to_the_committed_sample(sample: Path):
    assert files(sample) == files(SAMPLE)
    different = [str(p) for p in files(SAMPLE) if (sample / p).read_bytes() != (SAMPLE / p).read_bytes()]
    assert not different, f"regenerate with --scale sample --out data/sample: {different}"


def test_committed_sample_is_small_and_holds_no_personnummer():
    assert sum((SAMPLE / p).stat().st_size for p in files(SAMPLE)) < 5_000_000
    for path in files(SAMPLE):
        assert not PERSONNUMMER.search((SAMPLE / path).read_bytes()), path
    assert (
        "personnummer" not in duckdb.sql(f"SELECT * FROM read_parquet('{SAMPLE}/staffing/*.parquet') LIMIT 1").columns
    )


def test_the_sample_is_the_last_two_years_of_the_region(sample: Path, region: Path):
    assert (sample / "beds" / "vardplatslage_2024-07.csv").read_bytes() == (
        region / "beds" / "vardplatslage_2024-07.csv"
    ).read_bytes()
    assert not (sample / "beds" / "vardplatslage_2022-12.csv").exists()


# -- formats.yaml -------------------------------------------------------------------------------


def expected_header(source: str, present: list[str]) -> list[str]:
    spec = formats()[source]["columns"]
    assert [c for c in present if c not in spec] == [], "unknown columns"
    assert [c for c, v in spec.items() if not v.get("optional") and c not in present] == [], "missing columns"
    return [c for c in spec if c in present]


@pytest.mark.parametrize("scale", ["sample", "region"])
@pytest.mark.parametrize("source", REGIONAL)
def test_files_follow_formats_yaml(scale: str, source: str, request):
    root = request.getfixturevalue(scale)
    spec = formats()[source]["columns"]
    paths = sorted((root / source).iterdir())
    assert paths
    for path in paths:
        if path.suffix == ".parquet":
            described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
            columns = [r[0] for r in described]
            assert columns == expected_header(source, columns)
            assert {r[0]: r[1] for r in described} == {c: PARQUET_TYPE[spec[c]["type"]] for c in columns}
            assert duckdb.sql(f"""SELECT count(*) FROM read_parquet('{path}')
                                  WHERE "datakälla" IS DISTINCT FROM 'SYNTETISK vardpuls'""").fetchall() == [(0,)]
            continue
        raw = path.read_bytes()
        if ENCODING[source] == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
            text = raw[3:].decode("utf-8")
        else:
            assert not raw.startswith(b"\xef\xbb\xbf")
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # the Swedish letters of the header are single cp1252 bytes
            text = raw.decode("cp1252")
        header = text.split("\r\n", 1)[0].split(";")
        assert header == expected_header(source, header)
        assert (source == "staffing") == ("personnummer" in header) or scale == "sample"
    if paths[0].suffix == ".csv":
        check_values(paths, source, spec)


def check_values(paths: list[Path], source: str, spec: dict) -> None:
    """Every value as the type and allowed values of formats.yaml say (read as text)."""
    encoding = "latin-1" if ENCODING[source] == "cp1252" else "utf-8"
    con = duckdb.connect()
    con.execute(f"""CREATE VIEW f AS SELECT * FROM read_csv({[str(p) for p in paths]}, delim=';', header=true,
                    all_varchar=true, strict_mode=true, encoding='{encoding}')""").fetchall()
    columns = [r[0] for r in con.execute("DESCRIBE f").fetchall()]
    counts = []
    for column in columns:
        kind, allowed = spec[column]["type"], spec[column].get("values")
        bad = [f"NOT regexp_matches(\"{column}\", '{PATTERN[kind]}')"] if kind in PATTERN else []
        if allowed:
            bad.append(f'"{column}" NOT IN ({", ".join(repr(v) for v in allowed)})')
        if column == "datakälla":
            bad = ["\"datakälla\" <> 'SYNTETISK vardpuls'"]
        missing = "false" if spec[column].get("optional") and column != "datakälla" else f'"{column}" IS NULL'
        counts.append(f'count_if(({" OR ".join(bad) or "false"}) OR {missing}) AS "{column}"')
    wrong = con.execute(f"SELECT {', '.join(counts)} FROM f").fetchall()[0]
    assert {c: n for c, n in zip(columns, wrong) if n} == {}, source


# -- calibration on the region scale ------------------------------------------------------------


def test_population_of_vastmanland_equals_the_published_figures(db):
    with (ROOT / "data" / "reference" / "published_figures.csv").open(encoding="utf-8") as f:
        published = {
            int(r["period"]): int(r["value"])
            for r in csv.DictReader(f)
            if r["metric"] == "folkmangd_31dec" and r["geo_code"] == "19"
        }
    assert published and {y: one(db, f"SELECT persons FROM county WHERE year = {y}") for y in published} == published


def test_available_beds_per_1000(db):
    per_1000 = dict(
        db.execute("""
        WITH daily AS (SELECT datum, sum(disponibla_vårdplatser) AS beds FROM beds GROUP BY 1)
        SELECT year(datum), avg(beds) / any_value(c.persons) * 1000
        FROM daily JOIN county c ON c.year = year(datum) GROUP BY 1""").fetchall()
    )
    assert abs(per_1000[2023] - 1.9) <= 0.15
    assert per_1000[2015] > per_1000[2019] > per_1000[2023]


def test_census_is_consistent(db):
    assert (
        one(
            db,
            """SELECT count(*) FROM beds WHERE belagda > disponibla_vårdplatser + överbelagda
                      OR least(disponibla_vårdplatser, belagda, överbelagda, utlokaliserade, utskrivningsklara,
                               utskrivningar) < 0""",
        )
        == 0
    )
    occupancy, over, stay = db.execute("""
        SELECT sum(belagda) / sum(disponibla_vårdplatser), 100 * sum(överbelagda) / sum(disponibla_vårdplatser),
               sum(belagda) / sum(utskrivningar)
        FROM beds""").fetchall()[0]
    assert 0.85 <= occupancy <= 0.95 and 3 <= over <= 5 and 5 <= stay <= 6
    july = one(
        db,
        """SELECT avg(beds) FILTER (WHERE month(datum) = 7)
                             / avg(beds) FILTER (WHERE month(datum) IN (4, 10))
                      FROM (SELECT datum, sum(disponibla_vårdplatser) AS beds FROM beds GROUP BY 1)""",
    )
    assert 0.75 <= july <= 0.80


def test_primary_care_share_of_health_care_net_cost(db):
    health_care = "('1', '2', '3', '5', '6', '7')"  # activity_areas.csv: health_care = true
    share = one(
        db,
        f"""SELECT sum(belopp) FILTER (WHERE verksamhet = '1')
                         / sum(belopp) FILTER (WHERE verksamhet IN {health_care})
                        FROM cost WHERE period LIKE '2023-%'""",
    )
    assert abs(share - 0.17) <= 0.025
    growth = dict(
        db.execute("""SELECT left(period, 4)::INT, sum(belopp) FROM cost
                                WHERE verksamhet = '1' GROUP BY 1""").fetchall()
    )
    assert growth[2024] - growth[2023] >= 47e6 > growth[2023] - growth[2022]
    per_inhabitant = one(
        db,
        f"""SELECT sum(belopp) / (SELECT persons FROM county WHERE year = 2024) FROM cost
                                 WHERE period LIKE '2024-%' AND verksamhet IN {health_care}""",
    )
    assert 30000 <= per_inhabitant <= 36500


def test_doctors_per_1000_in_2019(db):
    for hired in ("'N'", "'J', 'N'"):
        fte = one(
            db,
            f"""SELECT sum(sysselsättningsgrad) FROM staff
                          WHERE period = '2019-11' AND yrke IN {DOCTORS} AND inhyrd IN ({hired})""",
        )
        assert abs(fte / one(db, "SELECT persons FROM county WHERE year = 2019") * 1000 - 2.5) <= 0.3


def test_listed_inhabitants_per_gp(db):
    ratio = dict(
        db.execute(f"""
        WITH l AS (SELECT period, sum(antal_listade) AS listed FROM listings GROUP BY 1),
             g AS (SELECT period, sum(sysselsättningsgrad) AS gp FROM staff
                   WHERE enhets_id LIKE '19-VC-%' AND yrke IN {GPS} GROUP BY 1)
        SELECT left(period, 4)::INT, sum(listed) / sum(gp) FROM l JOIN g USING (period) GROUP BY 1""").fetchall()
    )
    assert ratio[2024] < ratio[2015] and 1050 <= ratio[2024] <= 1250
    listed = dict(
        db.execute("""
        SELECT year, avg(listed) / any_value(persons)
        FROM (SELECT period, sum(antal_listade) AS listed FROM listings GROUP BY 1)
        JOIN county ON year = left(period, 4)::INT GROUP BY 1""").fetchall()
    )
    assert all(0.97 <= v <= 1.0 for v in listed.values())


def test_staff_levels_sick_leave_and_turnover(db):
    employees = (
        one(db, "SELECT count(*) FROM staff WHERE period = '2023-11'")
        / one(db, "SELECT persons FROM county WHERE year = 2023")
        * 1000
    )
    assert 24 <= employees <= 30
    sick = one(db, "SELECT sum(sjuktimmar) / sum(arbetade_timmar + sjuktimmar) FROM staff WHERE inhyrd = 'N'")
    assert 0.05 <= sick <= 0.07
    hired = one(db, "SELECT avg((inhyrd = 'J')::INT) FROM staff")
    assert 0.01 <= hired <= 0.05
    leavers = one(
        db,
        """SELECT count(*) FROM (SELECT anställningsnummer FROM staff GROUP BY 1
                         HAVING max(period) BETWEEN '2019-01' AND '2019-12')""",
    )
    assert 0.07 <= leavers / one(db, "SELECT count(*) / 12 FROM staff WHERE period LIKE '2019-%'") <= 0.14
    ambulance = dict(
        db.execute("""SELECT left(period, 4)::INT, sum(sysselsättningsgrad) FROM staff
                                   WHERE yrke LIKE 'Ambulans%' AND period LIKE '%-11' GROUP BY 1""").fetchall()
    )
    assert ambulance[2024] > ambulance[2019] > ambulance[2015]


def test_personnummer_are_shaped_right_and_never_valid(db):
    values = [r[0] for r in db.execute("SELECT DISTINCT personnummer FROM staff").fetchall()]
    assert len(values) == one(db, "SELECT count(DISTINCT anställningsnummer) FROM staff")
    forms = {re.sub(r"\d", "N", v) for v in values}
    assert forms == {"NNNNNNNN-NNNN", "NNNNNN-NNNN", "NNNNNNNNNNNN", "NNNNNNNNNN"}
    assert not any(luhn_valid(v) for v in values)
    assert (
        one(
            db,
            """SELECT count(*) FROM (SELECT anställningsnummer FROM staff GROUP BY 1
                      HAVING count(DISTINCT personnummer) > 1)""",
        )
        == 0
    )
    assert one(db, "SELECT count(*) FROM staff WHERE NOT regexp_matches(anställningsnummer, '^\\d{7}$')") == 0


def test_projections_grow_80_plus(sample: Path):
    doc = json.loads(next((sample / "population_projections").glob("*.json")).read_text(encoding="utf-8"))
    assert "BE0401" in doc["label"] and "SYNTETISKA DATA" in doc["label"] and doc["extension"]["synthetic"]
    regions, ages, sexes, _, years = doc["size"]
    values = doc["value"]
    region_codes = list(doc["dimension"]["Region"]["category"]["index"])
    year_codes = list(doc["dimension"]["Tid"]["category"]["index"])

    def over_80(region: str, year: str) -> int:
        r, t = region_codes.index(region), year_codes.index(year)
        return sum(values[((r * ages + a) * sexes + s) * years + t] for a in range(80, 101) for s in range(sexes))

    assert 0.45 <= over_80("17", "2035") / over_80("17", "2025") - 1 <= 0.5
    assert 0.35 <= over_80("19", "2035") / over_80("19", "2025") - 1 <= 0.45


# -- the organisation register and the national scale's parts that are cheap to build -------------


def test_organisation_register(sample: Path):
    con = duckdb.connect()
    con.execute(f"""CREATE VIEW org AS SELECT * FROM read_csv('{sample}/organisation/enheter.csv', delim=';',
                    header=true, types={{'kommunkod': 'VARCHAR', 'verksamhet': 'VARCHAR'}})""").fetchall()
    con.execute(f"""CREATE VIEW municipalities AS SELECT * FROM read_csv('{ROOT}/data/reference/municipalities.csv',
                    types={{'municipality_code': 'VARCHAR', 'county_code': 'VARCHAR'}})""").fetchall()
    assert (
        one(
            con,
            """SELECT count(*) FROM org LEFT JOIN municipalities m ON m.municipality_code = kommunkod
                       WHERE m.county_code IS DISTINCT FROM left(enhets_id, 2)""",
        )
        == 0
    )
    assert one(con, "SELECT count(*) FROM org WHERE giltig_till < giltig_från") == 0
    assert (
        one(
            con,
            """SELECT count(*) FROM (SELECT kostnadsställe FROM org GROUP BY 1
                       HAVING count(DISTINCT enhets_id) > 1)""",
        )
        == 0
    )
    closed = dict(
        con.execute("""SELECT enhetstyp, count(DISTINCT enhets_id) FILTER (WHERE giltig_till IS NOT NULL)
                                 FROM org GROUP BY 1""").fetchall()
    )
    assert closed["vårdcentral"] >= 3 and closed["vårdavdelning"] >= 3
    renamed = one(con, "SELECT count(*) FROM (SELECT enhets_id FROM org GROUP BY 1 HAVING count(*) > 1)")
    assert renamed >= 1
    activities = {r[0] for r in con.execute("SELECT DISTINCT verksamhet FROM org").fetchall()}
    assert {"1", "2", "3", "4", "5", "7", "8", "9"} <= activities


def test_national_organisation_has_realistic_volume():
    org = build_organisation(list(population.COUNTIES), 2024)
    assert len(set(org.uid)) == len(org.uid) and len(set(org.cost_centre)) == len(org.uid)
    last = org.active(len(population.YEARS) * 12 - 1)
    centres = (last & org.of_kind("VC")).sum()
    wards = org.of_kind("SOM", "PSY").sum()
    assert 1050 <= centres <= 1250 and 1350 <= wards <= 1650


def test_national_population_adds_up_to_riket():
    cells = population.county_cells(list(population.COUNTIES), 2024)
    assert len(cells) == 21
    for t, year in enumerate(population.YEARS):
        assert sum(int(c[t].sum()) for c in cells.values()) == population.RIKET_TOTALS[year]
        for county in ("19", "17", "14"):
            assert int(cells[county][t].sum()) == population.COUNTY_TOTALS[county][year]
    assert population.RIKET_TOTALS[2023] == 10551707 and population.RIKET_TOTALS[2024] == 10587710


def test_identities_stay_unique_at_national_volume():
    issuer, rng = Identities(), np.random.default_rng(1)
    values = np.concatenate([issuer.issue(1980 + rng.normal(0, 11, 150_000), rng) for _ in range(4)])
    ten = np.array([v.replace("-", "")[-10:] for v in values])
    assert len(np.unique(ten)) == len(values)  # unique even without the century
    nine = np.array([[int(c) for c in v[:9]] for v in ten[:20_000]])
    assert (luhn_digit(nine) != ten[:20_000].astype(np.int64) % 10).all()
