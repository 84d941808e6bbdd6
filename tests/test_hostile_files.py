"""The hostile and careless corpus: every kind in tests/fixtures/hostile/<kind>/ through the real assets.

Each kind is a folder of landed files (one sub-folder per source) and an ``expect.yaml`` saying what
a careful tool does with them (tests/fixtures/hostile/README.md lists the fields): refuse the file
with one line naming the file, row and column; quarantine exactly the rows that break a rule; name
a file it does not read; or accept it, correctly. Every kind also says which strings must be found
nowhere afterwards: not in any table of the live warehouse, not in any file under it, not in any log
line or failure message. A new way for an export to go wrong is one more folder.

Kinds whose behaviour is built in the ingest and publish code (``tested_by: lead``) keep their files
here and are tested with that code. The published files (CSV, Parquet) are checked by a full refresh
at the end: no formula in any CSV cell, and a refused source publishes nothing new.
"""

import contextlib
import csv
import hashlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.cli import main
from pipelines.regional.reader import explain_read_error, open_delivery
from pipelines.regional.spec import sources
from pipelines.sql_scripts import run_sql
from pipelines.warehouse import sweep_work_dir
from tests.conftest import FIXTURES, failure_message, table_state
from tests.test_privacy import all_text_in_database

pytestmark = pytest.mark.e2e

HOSTILE = FIXTURES / "hostile"
KEY = "hostile-corpus-key-not-secret-0123"
ORGANISATION = HOSTILE / "register_delivered_again_under_a_new_name" / "organisation" / "enheter.csv"
EXPORTS = {
    "staffing": ["staff_fte"],
    "cost": ["cost"],
    "listings": ["listed_inhabitants"],
    "beds": ["bed_days"],
    "population": ["population"],
}


def spec(kind: Path) -> dict:
    return yaml.safe_load((kind / "expect.yaml").read_text(encoding="utf-8"))


KINDS = sorted(p for p in HOSTILE.iterdir() if (p / "expect.yaml").is_file())
OURS = [kind for kind in KINDS if spec(kind).get("tested_by") != "lead"]


def forms(value: str) -> set[str]:
    """The value as given and as its digits alone (the 10-digit form too): all searched for, byte for byte."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return {value, digits, digits[-10:]} if len(digits) >= 10 else {value}


def land(kind: Path, site, tmp_path: Path) -> Path:
    """The kind's files in the site's landing folder (with a register to check against); the file to look at."""
    expect = spec(kind)
    source = expect["source"]
    (site.landing / "organisation").mkdir(parents=True, exist_ok=True)
    shutil.copy(ORGANISATION, site.landing / "organisation" / "enheter.csv")
    for folder in kind.iterdir():
        if folder.is_dir() and folder.name != "outside":
            shutil.copytree(folder, site.landing / folder.name, dirs_exist_ok=True)
    target = site.landing / source
    target.mkdir(parents=True, exist_ok=True)
    construct = expect.get("construct")
    if construct == "symlink_outside":
        outside = tmp_path / "outside"
        shutil.copytree(kind / "outside", outside)
        (target / "personal_2024-02.csv").symlink_to(outside / "personal_2024-02.csv")
    elif construct == "fifo":
        os.mkfifo(target / "personal_2024-02.csv")
    elif construct == "long_line":
        header = (
            "period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;"
            "sjuktimmar;inhyrd\n"
        )
        (target / "personal_2024-02.csv").write_text(
            header + "2024-02;2000001;19-VC-002;" + "x" * 2_100_000 + ";tillsvidare;1,0;160;0;N\n", encoding="utf-8"
        )
    files = [p for p in target.iterdir() if not p.name.startswith(".")] if target.is_dir() else []
    return files[0] if files else target


def load(source: str, site) -> dg.ExecuteInProcessResult:
    if source == "population":
        return site.load_population()
    if source == "kolada":
        return site.materialize("raw/kolada")
    return site.load_regional()


def everything_written(site, logs: str) -> dict[str, str]:
    """Every place a value could have reached: the live database, each file under the warehouse, the logs."""
    places = {"logs and messages": logs}
    if site.warehouse.live_path.exists():
        places["live database"] = all_text_in_database(site.warehouse.live_path)
    for path in site.warehouse_root.rglob("*"):
        if path.is_file() and path.suffix not in {".duckdb", ".wal"}:
            places[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return places


def rows_of(site, source: str) -> int:
    table = {"population": "population", "kolada": "kolada_values"}.get(source, source)
    return site.query(f"SELECT count(*) FROM raw.{table}")[0][0] if exists(site, "raw", table) else 0


def exists(site, schema: str, table: str) -> bool:
    return site.query(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, table]
    ) == [(1,)]


def quarantined(site, source: str) -> list[tuple]:
    if source == "population":  # its assets alone build no quarantine table: the finding of each staging row
        return site.query(
            "SELECT source_row, finding[2], finding[3] FROM staging.population WHERE finding IS NOT NULL ORDER BY 1"
        )
    if source == "kolada" or not exists(site, "core", "quarantine"):
        return []
    return site.query("SELECT source_row, rule, value FROM core.quarantine WHERE source = ? ORDER BY 1", [source])


def pseudonym(value: str) -> str:
    con = duckdb.connect()
    run_sql(con, "staging/macros.sql")
    return con.execute("SELECT deidentify(?, ?)", [value, KEY]).fetchall()[0][0]


@pytest.mark.parametrize("kind", OURS, ids=[kind.name for kind in OURS])
def test_each_kind_is_handled_as_a_careful_tool_would(kind, site, tmp_path, monkeypatch, caplog):
    expect = spec(kind)
    source, outcome = expect["source"], expect["outcome"]
    monkeypatch.setenv("VARDPULS_PSEUDONYM_KEY", KEY)
    (tmp_path / "machine_tmp").mkdir()  # what would land in the machine's temp folder
    monkeypatch.setenv("TMPDIR", str(tmp_path / "machine_tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "machine_tmp"))
    delivered = land(kind, site, tmp_path)
    caplog.set_level("INFO")
    terminal = logging.getLogger("vardpuls")  # progress lines (the CLI's handler may have stopped propagation)
    terminal.addHandler(caplog.handler)
    try:
        result = load(source, site)
    finally:
        terminal.removeHandler(caplog.handler)
    message = failure_message(result) if not result.success else ""
    logs = caplog.text + "\n" + message

    if outcome == "refused":
        assert not result.success, logs
        assert delivered.name in message, message
        for words in expect.get("message", []):
            assert words in message, message
        if "row" in expect:
            assert f"row {expect['row']}" in message, message
        if "column" in expect:
            assert f"column '{expect['column']}'" in message, message
        assert "Traceback" not in message
        assert rows_of(site, source) == 0  # nothing of the refused load is kept
    elif outcome == "not_read":
        lines = [
            record.getMessage()
            for record in caplog.records
            if record.name == "vardpuls"
            and record.getMessage().startswith(f"{source}: ")
            and ("skipped" in record.getMessage() or "REFUSED" in record.getMessage())
        ]
        for words in expect["message"]:
            assert any(words in line for line in lines), (words, lines)
        assert any(("REFUSED" in line) == expect["refused"] for line in lines), lines
        assert site.query(f"SELECT count(*) FROM raw.{source}") == [(0,)]
    elif outcome in ("accepted", "quarantined"):
        assert result.success, logs
        assert rows_of(site, source) == expect["rows"]
        held = quarantined(site, source)
        wanted = [(q["row"], q["rule"], q["value"]) for q in expect.get("quarantined", [])]
        assert held == wanted
    else:
        raise AssertionError(f"{kind.name}: unknown outcome {outcome}")

    if checks := expect.get("pseudonymised"):
        ids = [
            row[0]
            for row in site.query(
                f"SELECT DISTINCT {checks['column']} FROM staging.{source} WHERE {checks['column']} LIKE 'P%'"
            )
        ]
        assert len(ids) == checks["persons"], ids
        for restored, written in (checks.get("same_as") or {}).items():
            assert pseudonym(restored) == pseudonym(written) and pseudonym(written) in ids
    if kept := expect.get("kept"):
        values = {row[0] for row in site.query(f"SELECT {kept['column']} FROM staging.{source}")}
        assert set(kept["values"]) <= values, values
    if masked := expect.get("masked"):
        values = sorted(row[0] for row in site.query(f"SELECT {masked['column']} FROM staging.{source}"))
        assert values == sorted(masked["texts"])
    if expect.get("transcoded"):
        # the euro sign comes out right only through the UTF-8 copy, and the copy is gone
        assert site.query("SELECT voucher FROM staging.cost WHERE voucher LIKE '%€%'") == [
            ("Inköp 25 € – ”kaffe” [personnummer]",)
        ]
        assert not any((site.warehouse_root / ".work").iterdir())
    for cell in expect.get("persons", []):
        assert site.persons(cell["area"], cell["year"], cell["sex"]) == cell["persons"]
    for note in expect.get("notes_never_loaded", []):
        values = site.query("SELECT string_agg(coalesce(value_text, '') || area_label, '|') FROM raw.population")
        assert note not in values[0][0] and note.replace(" ", "") not in values[0][0]

    places = everything_written(site, logs)
    for path in (tmp_path / "machine_tmp").rglob("*"):  # the machine's temp folder holds no delivered value
        if path.is_file():
            places[f"temp folder: {path}"] = path.read_bytes().decode("utf-8", errors="replace")
    for value in expect.get("absent", []):
        for form in forms(value):
            for place, text in places.items():
                assert form not in text, f"{form!r} ({kind.name}) found in {place}"


def test_the_corpus_kinds_each_say_what_they_are():
    fields = {
        "about",
        "outcome",
        "source",
        "rows",
        "quarantined",
        "message",
        "row",
        "column",
        "refused",
        "absent",
        "pseudonymised",
        "kept",
        "masked",
        "transcoded",
        "persons",
        "notes_never_loaded",
        "construct",
        "explain",
        "hostile_values",
        "tested_by",
        "expected",
    }
    for kind in KINDS:
        expect = spec(kind)
        assert expect.get("about") and expect.get("source"), kind.name
        assert set(expect) <= fields, (kind.name, set(expect) - fields)
        assert expect.get("tested_by") == "lead" or expect["outcome"] in (
            "accepted",
            "quarantined",
            "refused",
            "not_read",
        ), kind.name


EXPLAINED = [kind for kind in OURS if "explain" in spec(kind)]


@pytest.mark.parametrize("kind", EXPLAINED, ids=[kind.name for kind in EXPLAINED])
def test_duckdb_format_errors_are_said_as_file_row_and_what_was_expected(kind, site, tmp_path):
    """The query the ingest runs fails inside DuckDB; the reader says why in the user's words, not DuckDB's."""
    expect = spec(kind)
    path = land(kind, site, tmp_path)
    source = sources()[expect["source"]]
    con = duckdb.connect()
    run_sql(con, "staging/macros.sql")
    delivery = open_delivery(path, source, str(path), con, work_dir=tmp_path / "work")
    with pytest.raises(duckdb.Error) as failed:
        con.execute(f"SELECT * FROM {delivery.table_sql()} WITH ORDINALITY").fetchall()
    explained = str(explain_read_error(delivery, source, str(path), failed.value))
    assert explained.startswith(str(path))
    for words in expect["explain"]:
        assert words in explained, explained
    assert "Original Line" not in explained and "Error" not in explained and "x" * 100 not in explained


def test_a_refresh_killed_while_transcoding_leaves_no_copy_outside_the_warehouse_and_the_sweep_removes_it(tmp_path):
    """SIGKILL while the UTF-8 copy of a cp1252 file is being written: the copy is in <warehouse>/.work only."""
    landing, warehouse, machine_tmp = tmp_path / "landing", tmp_path / "warehouse", tmp_path / "machine_tmp"
    machine_tmp.mkdir()
    (landing / "organisation").mkdir(parents=True)
    shutil.copy(ORGANISATION, landing / "organisation" / "enheter.csv")
    (landing / "cost").mkdir()
    line = "2024-02;19-KS-1002;5010;1;100;Inköp 25 € – 811111-2361\n"
    with (landing / "cost" / "huvudbok_2024-02.csv").open("w", encoding="cp1252") as out:
        out.write("period;kostnadsställe;konto;verksamhet;belopp;verifikation\n")
        for _ in range(60):
            out.write(line * 20_000)
    environment = os.environ | {
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "TMPDIR": str(machine_tmp),
        "VARDPULS_PSEUDONYM_KEY": KEY,
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "vardpuls"),
            "refresh",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    work = warehouse / ".work"
    try:
        deadline = time.monotonic() + 300
        while not (work.is_dir() and any(p.stat().st_size > 0 for p in work.iterdir())):
            assert process.poll() is None, "the refresh ended before it transcoded"
            assert time.monotonic() < deadline, "no copy appeared"
            time.sleep(0.005)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    left = list(work.iterdir())
    assert left and all(p.name.startswith("reading-") for p in left)  # killed mid-copy: the copy is still there
    assert b"811111-2361" in left[0].read_bytes()[:100_000]
    for path in machine_tmp.rglob("*"):
        assert not path.is_file() or b"811111-2361" not in path.read_bytes(), f"a copy in the temp folder: {path}"
    assert sweep_work_dir(warehouse) == [p.name for p in sorted(left)]
    for path in warehouse.rglob("*"):
        if path.is_file() and path.suffix not in {".duckdb", ".wal"} and "dagster" not in path.parts:
            assert b"811111-2361" not in path.read_bytes() and b"8111112361" not in path.read_bytes(), path


# --- the published files, through `vardpuls refresh`

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def publish_state(warehouse: Path) -> dict[str, str]:
    return {
        str(p.relative_to(warehouse)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((warehouse / "exports").rglob("*.*"))
    }


def refresh(landing: Path, warehouse: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    return code, out.getvalue(), err.getvalue()


def test_published_csv_holds_no_formula_and_refused_sources_publish_nothing_new(tmp_path, monkeypatch):
    from tests import test_validation_gate as gate

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("VARDPULS_PSEUDONYM_KEY", KEY)
    for source, (name, header, lines) in {
        "organisation": ("enheter.csv", gate.ORG_HEADER, gate.ORG_CLEAN),
        "listings": ("listning_2024-01.csv", gate.LISTINGS_HEADER, gate.LISTINGS_CLEAN),
        "staffing": ("personal_2024-01.csv", gate.STAFFING_HEADER, gate.STAFFING_CLEAN),
        "cost": ("huvudbok_2024-01.csv", gate.COST_HEADER, gate.COST_CLEAN),
    }.items():
        (landing / source).mkdir(parents=True)
        (landing / source / name).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    (landing / "population").mkdir()
    shutil.copy(FIXTURES / "population" / "pxweb_v1_labels.csv", landing / "population")
    code, out, err = refresh(landing, warehouse)
    assert code == 0, out + err
    before = publish_state(warehouse)
    # rows holding formulas and a script (quarantined, so published in quarantine), and a refused
    # file for two sources (a header holding a personnummer; a workbook among SCB's files)
    shutil.copy(HOSTILE / "formula_in_text" / "cost" / "huvudbok_2024-02.csv", landing / "cost")
    shutil.copy(HOSTILE / "script_in_id" / "listings" / "listning_2024-02.csv", landing / "listings")
    shutil.copy(HOSTILE / "personnummer_in_header" / "staffing" / "personal_2024-02.csv", landing / "staffing")
    shutil.copy(HOSTILE / "workbook_in_population" / "population" / "folkmangd.xlsx", landing / "population")
    code, out, err = refresh(landing, warehouse)
    assert code == 1 and "Traceback" not in err, out + err
    after = publish_state(warehouse)
    for source in ("staffing", "population"):
        assert re.search(rf"^  {source} +REFUSED: ", out, re.MULTILINE), out
        for table in EXPORTS[source]:
            assert table_state(after, table) == table_state(before, table), table
    assert after["exports/csv/quarantine.csv"] != before["exports/csv/quarantine.csv"]

    hostile = spec(HOSTILE / "formula_in_text")["hostile_values"] + spec(HOSTILE / "script_in_id")["hostile_values"]
    found = set()
    for path in (warehouse / "exports" / "csv").rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    # a cell a spreadsheet would run is only ever a number written the Swedish way
                    if cell.startswith(FORMULA_START):
                        assert cell.lstrip("-").replace(",", "", 1).isdigit(), (path.name, cell)
                    if cell.startswith("'") and cell[1:] in hostile:
                        found.add(cell[1:])
    assert found == {value for value in hostile if value.startswith(FORMULA_START)}
    # the Parquet export keeps the value as delivered: it is data, not a spreadsheet
    analyst = duckdb.connect(str(warehouse / "analyst.duckdb"), read_only=True)
    try:
        values = {row[0] for row in analyst.execute("SELECT value FROM quarantine").fetchall()}
    finally:
        analyst.close()
    assert set(hostile) <= values
