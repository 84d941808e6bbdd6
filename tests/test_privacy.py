"""No personnummer survives: a run fed with identities, then every table, export and log searched.

The identities come in every form a Swedish system or a person writes them (pipelines/privacy.py):
10 or 12 digits with '-', '+', an en dash, a space or nothing between; a coordination number (day + 60);
a Parquet column of numbers (one of them without its leading zero); a file's name; a header; a Kolada
field. Every place is searched byte for byte for each of them, and for their digits alone.
"""

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from pipelines.privacy import scrub
from pipelines.sql_scripts import run_sql
from tests.conftest import failure_message, live_database
from tests.test_regional_sources import ORGANISATION, STAFFING_HEADER

pytestmark = pytest.mark.e2e

KEY = "test-key-not-secret-0123456789"
# Shaped like personnummer but with wrong check digits: no real person has them.
IDENTITIES = {
    "198503121235": "850312-1235",  # the same person in the 12- and 10-digit forms
    "19620707-4444": "620707-4444",
    "7501019993": "750101-9993",
    "19120314+1187": "120314+1187",  # "+" : aged 100 or more (digits not repeated: binary files are searched too)
}
# the other forms people and systems write (and a coordination number), each the same person in two forms
OTHER_FORMS = {
    "19540303 1238": "540303 1238",  # a space between
    "19470202–2389": "470202–2389",  # an en dash (autocorrect)
    "19701063-2391": "7010632391",  # samordningsnummer (born the 3rd: day 63)
}
NUMBER_COLUMN = {"198807072383": 198807072383, "050101-1234": 501011234}  # as a Parquet integer column
IN_NAME, IN_HEADER, IN_KOLADA = "19791212-3344", "830415-2280", "19660606-6612"


def digit_forms(value: str) -> set[str]:
    digits = "".join(ch for ch in value if ch.isdigit())
    return {value, digits, digits[-10:]}


SEARCH = {
    form for pair in [*IDENTITIES.items(), *OTHER_FORMS.items()] for value in pair for form in digit_forms(value)
} | {
    form
    for value in [*NUMBER_COLUMN, IN_NAME, IN_HEADER, IN_KOLADA, "0501011234", "501011234"]
    for form in digit_forms(value)
}


def staffing_with_identities() -> str:
    header = STAFFING_HEADER.replace("anställningsnummer;", "anställningsnummer;personnummer;")
    rows = []
    for number, (twelve, ten) in enumerate(IDENTITIES.items()):
        rows.append(f"2024-01;200000{number};{twelve};19-VC-003;Distriktssköterska;tillsvidare;1,0;160;0;N;\n")
        rows.append(f"2024-02;200000{number};{ten};19-VC-003;Distriktssköterska;tillsvidare;1,0;160;0;N;\n")
    # an export where the employee id is the personnummer, and one where it leaked into a number column
    rows.append("2024-01;19900101-2385;;19-VC-003;Undersköterska;tillsvidare;1,0;160;0;N;\n")
    rows.append("2024-02;3000001;;19-VC-003;Undersköterska;tillsvidare;19900101-2385;160;0;N;\n")
    for number, (twelve, ten) in enumerate(OTHER_FORMS.items()):
        rows.append(f"2024-01;400000{number};{twelve};19-VC-003;Distriktssköterska;tillsvidare;1,0;160;0;N;\n")
        rows.append(f"2024-02;400000{number};{ten};19-VC-003;Distriktssköterska;tillsvidare;1,0;160;0;N;\n")
    return header + "".join(rows)


def staffing_with_identities_as_numbers() -> pa.Table:
    """March as a Parquet file whose personnummer column is integers: 050101-1234 is 501011234 there."""
    numbers = list(NUMBER_COLUMN.values())
    return pa.table(
        {
            "period": ["2024-03"] * 2,
            "anställningsnummer": ["5000001", "5000002"],
            "personnummer": numbers,
            "enhets_id": ["19-VC-003"] * 2,
            "yrke": ["Distriktssköterska"] * 2,
            "anställningsform": ["tillsvidare"] * 2,
            "sysselsättningsgrad": [1.0, 1.0],
            "arbetade_timmar": [160.0, 150.0],
            "sjuktimmar": [0.0, 0.0],
            "inhyrd": ["N", "N"],
        }
    )


def all_text_in_database(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal AND data_type LIKE 'VARCHAR%'"
        ).fetchall()
        parts = []
        for schema, table, column in columns:
            values = con.execute(f'SELECT string_agg(DISTINCT "{column}", \'|\') FROM "{schema}"."{table}"').fetchall()
            parts.append(values[0][0] or "")
        return "\n".join(parts)
    finally:
        con.close()


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    shutil.copytree(Path(__file__).parents[1] / "data" / "sample" / "population", root / "population")
    (root / "organisation").mkdir()
    (root / "organisation" / "enheter.csv").write_text(ORGANISATION, encoding="utf-8-sig")
    (root / "staffing").mkdir()
    (root / "staffing" / "personal.csv").write_text(staffing_with_identities(), encoding="utf-8-sig")
    pq.write_table(staffing_with_identities_as_numbers(), root / "staffing" / "personal_2024-03.parquet")
    # a file named after a person (not read, its name masked wherever it is shown), a header holding one
    # (the projections refused), a Kolada page holding one (Kolada refused)
    (root / "staffing" / f"personal_{IN_NAME}.csv").write_text(staffing_with_identities(), encoding="utf-8-sig")
    (root / "population_projections").mkdir()
    (root / "population_projections" / "framskrivning.csv").write_text(
        f'"region","ålder","kön","{IN_HEADER}"\n"19 Västmanlands län","0 år","män",1480\n', encoding="utf-8"
    )
    (root / "kolada").mkdir()
    (root / "kolada" / "page.json").write_text(
        '{"count": 1, "values": [{"kpi": "N79171", "municipality": "%s", "period": 2023, "values": '
        '[{"gender": "T", "count": 1, "status": "", "value": 1.5}]}], "next_url": null}' % IN_KOLADA,
        encoding="utf-8",
    )
    # every other source carries identities too, where a careless export would put them
    (root / "organisation" / "enheter_tillagg.csv").write_text(
        ORGANISATION.splitlines()[0] + "\n19-VC-777;Mottagning 120314+1187;vårdcentral;primärvård;;;1980;"
        "19-KS-1777;1;2024-01-01;;SYNTETISK test\n",
        encoding="utf-8-sig",
    )
    (root / "listings").mkdir()
    (root / "listings" / "listning_2024-01.csv").write_text(
        "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n2024-01;19-VC-003;80-84;K;12\n"
        "2024-01;850312-1235;0-5;K;3\n",
        encoding="utf-8-sig",
    )
    (root / "cost").mkdir()
    (root / "cost" / "huvudbok_2024-01.csv").write_text(
        "period;kostnadsställe;konto;verksamhet;belopp;verifikation\n"
        "2024-01;19-KS-1003;5010;1;100;Arvode 19620707-4444 januari\n2024-01;7501019993;5010;1;50;V2\n",
        encoding="utf-8-sig",
    )
    (root / "beds").mkdir()
    (root / "beds" / "vardplatslage_2024-01.csv").write_text(
        "datum;avdelnings_id;disponibla_vårdplatser;belagda;överbelagda;utlokaliserade;utskrivningsklara;"
        "utskrivningar\n2024-01-15;19-AVD-01;24;20;0;0;1;4\n2024-01-15;19120314+1187;24;20;0;0;1;4\n",
        encoding="utf-8-sig",
    )
    return root


def test_no_personnummer_reaches_a_table_an_export_or_a_log(landing, tmp_path, monkeypatch, capsys, caplog):
    monkeypatch.setenv("VARDPULS_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("VARDPULS_LANDING", str(landing))
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("VARDPULS_WAREHOUSE", str(warehouse))
    # one row (an identity in the FTE column) is quarantined by a blocking rule: exit status 1
    assert main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)]) == 1
    out, err = capsys.readouterr()
    assert "Quarantined:" in out and "fte_is_a_number" in out
    assert "personal_[personnummer].csv" in out + err + caplog.text  # named, masked, not read
    assert all(
        re.search(rf"^  {source} +REFUSED: ", out, re.MULTILINE) for source in ("population_projections", "kolada")
    )
    # what reads a refused source that never loaded is not built, said in one line each: no stack trace
    assert "Stack Trace" not in err and "Traceback" not in err, err
    assert "goals.goal_progress not built: it reads core.population_projections" in err

    places = {
        "live database": all_text_in_database(live_database(warehouse)),
        "analyst database": all_text_in_database(warehouse / "analyst.duckdb"),
        "terminal": out + err,
        "python log": caplog.text,
    }
    # every file the warehouse holds: Parquet decoded, DuckDB files through SQL above, the rest as text
    # (CSV exports, manifests, the report's pages, Data Docs)
    for path in warehouse.rglob("*"):
        if not path.is_file() or path.suffix in {".duckdb", ".wal"} or "dagster" in path.parts:
            continue
        if path.suffix == ".parquet":
            places[str(path)] = "\n".join(str(v) for column in pq.read_table(path).columns for v in column.to_pylist())
        else:
            places[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    assert any(p.endswith(".csv") for p in places) and any(p.endswith(".html") and "report" in p for p in places)
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 3  # the refresh, the derive and the publish after it
        for run in runs:
            places[f"dagster event log of {run.job_name}"] = "\n".join(
                str(entry) for entry in instance.all_logs(run.run_id)
            )
    # Dagster's storage byte for byte (the SQLite run and event databases too), and the DuckDB files' bytes
    for path in [*(tmp_path / "dagster_home").rglob("*"), *warehouse.rglob("*.duckdb"), *warehouse.rglob("*.wal")]:
        if path.is_file():
            places[f"bytes of {path}"] = path.read_bytes().decode("utf-8", errors="replace")
    for place, text in places.items():
        for identity in SEARCH:
            assert identity not in text, f"{identity} found in {place}"

    con = duckdb.connect(str(live_database(warehouse)), read_only=True)
    try:
        # the same person in the 12- and the 10-digit form gets the same pseudonym, month after month
        pairs = con.execute(
            "SELECT employee_id, list(DISTINCT person_id) FROM staging.staffing "
            "WHERE person_id IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert len(pairs) == 4 + 3 + 2 and all(len(ids) == 1 and ids[0].startswith("P") for _, ids in pairs)
        # the number that lost its leading zero is the same person as its written form
        lost = con.execute("SELECT person_id FROM staging.staffing WHERE employee_id = '5000002'").fetchall()[0][0]
        assert lost == pseudonym_of("050101-1234")
        assert con.execute("SELECT count(*) FROM staging.staffing WHERE employee_id LIKE 'P%'").fetchall() == [(1,)]
        # the number in the FTE column: held out as not a number, shown only as its pseudonym
        finding = con.execute(
            "SELECT column_name, rule, value FROM core.quarantine WHERE source = 'staffing'"
        ).fetchall()
        assert finding == [
            (
                "sysselsättningsgrad",
                "fte_is_a_number",
                con.execute("SELECT employee_id FROM staging.staffing WHERE employee_id LIKE 'P%'").fetchall()[0][0],
            )
        ]
    finally:
        con.close()


def pseudonym_of(value: str) -> str:
    con = duckdb.connect()
    run_sql(con, "staging/macros.sql")
    return con.execute("SELECT deidentify(?, ?)", [value, KEY]).fetchall()[0][0]


def test_without_a_key_a_file_with_identities_is_refused_unread(landing, tmp_path, monkeypatch):
    monkeypatch.delenv("VARDPULS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("VARDPULS_PSEUDONYM_KEY_FILE", raising=False)
    from tests.conftest import Site

    site = Site(tmp_path / "site")
    shutil.copytree(landing / "organisation", site.landing / "organisation")
    shutil.copytree(landing / "staffing", site.landing / "staffing")
    result = site.load_regional()
    assert not result.success
    message = failure_message(result)
    assert "personal.csv" in message and "VARDPULS_PSEUDONYM_KEY" in message and "Nothing of this file" in message
    assert not any(identity in message for identity in SEARCH)
    assert site.query("SELECT count(*) FROM raw.staffing") == [(0,)]


def test_a_key_file_works_like_the_variable(landing, tmp_path, monkeypatch):
    monkeypatch.delenv("VARDPULS_PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("VARDPULS_PSEUDONYM_KEY_FILE", str(key_file))
    from tests.conftest import Site

    site = Site(tmp_path / "site")
    shutil.copytree(landing / "organisation", site.landing / "organisation")
    shutil.copytree(landing / "staffing", site.landing / "staffing")
    assert site.load_regional().success
    monkeypatch.setenv("VARDPULS_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("VARDPULS_PSEUDONYM_KEY_FILE")
    other = Site(tmp_path / "other")
    shutil.copytree(landing / "organisation", other.landing / "organisation")
    shutil.copytree(landing / "staffing", other.landing / "staffing")
    assert other.load_regional().success
    sql = "SELECT list(DISTINCT person_id ORDER BY person_id) FROM raw.staffing"
    assert site.query(sql) == other.query(sql)


def test_messages_are_scrubbed():
    assert (
        scrub("row 3: '19850312-1235' and 8503121235 and 1234567")
        == "row 3: '[personnummer]' and [personnummer] and 1234567"
    )
    written = [
        "811111-2361",
        "811111+2361",
        "811111–2361",
        "811111 2361",
        "811111\u00a02361",
        "8111112361",
        "19811111-2361",
        "198111112361",
        "19811111 2361",
        "811171-2361",
        "811111 - 2361",
    ]
    for form in written:
        assert scrub(f"column '{form}': x") == "column '[personnummer]': x", form
    # not identity numbers: too short, too long, no date (month 13, day 32), a century other than 18-20
    for text in ["1234567", "12345678901234", "811311-2361", "811132-2361", "211111112361", "2024-01", "19-VC-002"]:
        assert scrub(text) == text, text
