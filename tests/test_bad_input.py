"""A corpus of bad deliveries for every regional source, through `vardpuls refresh`.

A clean delivery is published first. Then, one kind of bad input at a time, every source gets a bad
file beside its clean one, and the refresh must:

- refuse the file with one clear line naming the file and what is wrong (file-level problems), or
  quarantine exactly the bad rows with their rule (row-level problems);
- leave every published table of a refused source byte for byte as it was;
- exit 1 (a blocking rule failed) and never crash.

Row-level problems (duplicated rows, impossible dates, codes outside the registers, numbers with
thousands separators) are in tests/test_validation_gate.py rule by rule; here they come as whole
files in the shape real exports take.
"""

import contextlib
import hashlib
import io
import random
import re
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests import test_validation_gate as gate
from tests.conftest import live_database, table_state

pytestmark = pytest.mark.e2e

CLEAN = {
    "organisation": ("enheter.csv", gate.ORG_HEADER, gate.ORG_CLEAN),
    "listings": ("listning_2024-01.csv", gate.LISTINGS_HEADER, gate.LISTINGS_CLEAN),
    "staffing": ("personal_2024-01.csv", gate.STAFFING_HEADER, gate.STAFFING_CLEAN),
    "cost": ("huvudbok_2024-01.csv", gate.COST_HEADER, gate.COST_CLEAN),
    "beds": ("vardplatslage_2024-03.csv", gate.BEDS_HEADER, gate.BEDS_CLEAN),
}
# the tables each source feeds (a refused source must leave them as they were)
FEEDS = {
    "organisation": ["units"],
    "listings": ["listed_inhabitants"],
    "staffing": ["staff_fte"],
    "cost": ["cost"],
    "beds": ["bed_days"],
}
# a bad file's name sorts after the clean one and, for monthly sources, names the next month
BAD_NAME = {
    "organisation": "enheter_tillagg.csv",
    "listings": "listning_2024-02.csv",
    "staffing": "personal_2024-02.csv",
    "cost": "huvudbok_2024-02.csv",
    "beds": "vardplatslage_2024-04.csv",
}


def second_month(source: str, line: str) -> str:
    """A clean line moved to the bad file's period (so it would be new data, not a re-delivery)."""
    return (
        line.replace("2024-01", "2024-02").replace("2024-03-0", "2024-04-0")
        if source != "organisation"
        else line.replace("19-VC-002", "19-VC-802").replace("19-AVD-01", "19-AVD-81").replace("19-KS-", "19-KS-8")
    )


def header_fields(source: str) -> list[str]:
    return CLEAN[source][1].strip().split(";")


def drop(items: list[str], index: int) -> list[str]:
    return items[:index] + items[index + 1 :]


def garbage(source: str) -> bytes:
    rng = random.Random(source)
    return bytes(rng.randrange(256) for _ in range(2_000_000))


# kind -> source -> file content (bytes), and the words the refusal must contain
READ_WHEN_UNAMBIGUOUS = {"wrong separator"}
FILE_LEVEL = {
    "empty file": (lambda s: b"", "empty"),
    "header only": (lambda s: CLEAN[s][1].encode(), "no data rows"),
    # commas for semicolons: refused, or (where no value holds a decimal comma) read as the comma file it is
    "wrong separator": (
        lambda s: (CLEAN[s][1] + second_month(s, CLEAN[s][2][0]) + "\n").replace(";", ",").encode(),
        None,
    ),
    "extra column": (
        lambda s: (CLEAN[s][1].strip() + ";extra\n" + second_month(s, CLEAN[s][2][0]) + ";x\n").encode(),
        "unexpected column",
    ),
    # the second column of every source is required (the first identifies the row or its period)
    "missing column": (
        lambda s: (
            ";".join(drop(header_fields(s), 1))
            + "\n"
            + ";".join(drop(second_month(s, CLEAN[s][2][0]).split(";"), 1))
            + "\n"
        ).encode(),
        "missing",
    ),
    "renamed column": (
        lambda s: (
            ";".join(["id_" + header_fields(s)[0], *header_fields(s)[1:]])
            + "\n"
            + second_month(s, CLEAN[s][2][0])
            + "\n"
        ).encode(),
        "column",
    ),
    # a UTF-8 file with one row pasted from a Windows-1252 program
    "mixed encodings": (
        lambda s: (
            (CLEAN[s][1] + second_month(s, CLEAN[s][2][0]) + "\n").encode("utf-8") + "Västerås;\n".encode("cp1252")
        ),
        "mixes encodings",
    ),
    "utf-16 instead of utf-8": (
        lambda s: (CLEAN[s][1] + second_month(s, CLEAN[s][2][0]) + "\n").encode("utf-16"),
        None,
    ),
    "two megabytes of garbage": (garbage, None),
}


def publish_state(warehouse: Path) -> dict[str, str]:
    return {
        str(p.relative_to(warehouse)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((warehouse / "exports").rglob("*.*"))
    }


def live(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(live_database(warehouse)), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def refresh(landing: Path, warehouse: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    landing, warehouse = root / "landing", root / "warehouse"
    for source, (name, header, lines) in CLEAN.items():
        (landing / source).mkdir(parents=True)
        (landing / source / name).write_bytes(("\ufeff" + header + "\n".join(lines) + "\n").encode("utf-8"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        code, out, err = refresh(landing, warehouse)
        assert code == 0, out + err
        yield landing, warehouse


@pytest.mark.parametrize("kind", list(FILE_LEVEL))
def test_a_bad_file_is_refused_with_a_clear_line_and_nothing_published_changes(published, kind, monkeypatch):
    landing, warehouse = published
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse.parent / "dagster_home"))
    make, words = FILE_LEVEL[kind]
    before = publish_state(warehouse)
    bad = {source: landing / source / BAD_NAME[source] for source in CLEAN}
    for source, path in bad.items():
        path.write_bytes(make(source))
    try:
        code, out, err = refresh(landing, warehouse)
    finally:
        for path in bad.values():
            path.unlink()
    assert code == 1, out + err
    assert "Traceback" not in err
    refused = set()
    for source, path in bad.items():
        # one line per refused source, naming the file; with the reason where the kind has one
        lines = [line for line in err.splitlines() if line.strip().startswith(f"raw__{source}:")]
        if not lines and kind in READ_WHEN_UNAMBIGUOUS:
            # read as what it is: its one row arrived whole, nothing quarantined
            assert live(warehouse, f"SELECT count(*) FROM raw.{source} WHERE source_file = ?", [path.name]) == [(1,)]
            assert live(warehouse, "SELECT count(*) FROM core.quarantine WHERE source_file = ?", [path.name]) == [(0,)]
            continue
        refused.add(source)
        assert len(lines) == 1, (source, err)
        assert path.name in lines[0], lines[0]
        if words:
            assert words in lines[0], lines[0]
        assert re.search(rf"^  {source} +REFUSED: ", out, re.MULTILINE), out
    after = publish_state(warehouse)
    assert refused, "nothing was refused"
    for source, tables in FEEDS.items():
        if source not in refused:
            continue
        for table in tables:
            assert table_state(after, table) == table_state(before, table), (kind, table)


def test_a_truncated_last_line_is_quarantined_not_half_read(published, monkeypatch):
    landing, warehouse = published
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse.parent / "dagster_home"))
    path = landing / "staffing" / BAD_NAME["staffing"]
    line = second_month("staffing", gate.STAFFING_CLEAN[0])
    path.write_bytes((gate.STAFFING_HEADER + line + "\n" + line.replace("1000001", "1000009")[:40]).encode())
    try:
        code, out, err = refresh(landing, warehouse)
    finally:
        path.unlink()
    rows = live(warehouse, "SELECT source_row, rule FROM core.quarantine WHERE source_file = ?", [path.name])
    if code == 1 and "REFUSED" in out:  # refused as a whole file: one clear line naming it
        assert path.name in err and "Traceback" not in err
    else:  # read: the whole line counts, the cut one is quarantined
        assert rows and all(row == 3 for row, _ in rows), rows
        assert code == 1


def test_numbers_with_thousands_separators_are_read_and_ambiguous_ones_are_not_guessed(published, monkeypatch):
    """'1 200 000,50' (space, also no-break space) is a number; '1.200.000,50' is not, and is quarantined."""
    landing, warehouse = published
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse.parent / "dagster_home"))
    path = landing / "cost" / BAD_NAME["cost"]
    path.write_bytes(
        (
            gate.COST_HEADER
            + "2024-02;19-KS-1002;5010;1;1 200 000,50\n"
            + "2024-02;19-KS-1002;5020;1;2\u00a0000\n"
            + "2024-02;19-KS-1002;5030;1;1.200.000,50\n"
        ).encode()
    )
    try:
        code, out, err = refresh(landing, warehouse)
        amounts = live(
            warehouse, "SELECT account, amount_sek::DOUBLE FROM core.cost WHERE period = '2024-02' ORDER BY 1"
        )
        held = live(warehouse, "SELECT source_row, rule, value FROM core.quarantine WHERE source_file = ?", [path.name])
    finally:
        path.unlink()
        refresh(landing, warehouse)  # back to the clean publication for the other tests
    assert amounts == [("5010", 1_200_000.50), ("5020", 2000.0)]
    assert held == [(4, "amount_is_a_number", "1.200.000,50")]
    assert code == 1 and "amount_is_a_number" in out
