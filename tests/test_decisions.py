"""An operator's decisions: `vardpuls acknowledge` stops a quarantine failing the night but keeps it listed,
`vardpuls retract` takes a delivery's rows out and recomputes its periods (missing, never 0), a retracted file is
not loaded again while its bytes are the same, a corrected file loads, and a broken decisions.yaml is refused with
the entry and field."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.decisions import DecisionsError, add_decision, load_decisions, new_decision
from tests.test_faults import NIGHT_1, write

FIXTURES = Path(__file__).parent / "fixtures" / "population"
BROKEN = "2024-01;19-VC-999;0-5;K;300"  # health_centre_registered: no such health centre


def vardpuls(*args: str, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "vardpuls"), *args],
        env=os.environ | {"DAGSTER_HOME": str(warehouse / "dagster")},
        capture_output=True,
        text=True,
        timeout=600,
    )


def analyst(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "analyst.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.e2e
def test_acknowledge_then_retract_then_a_corrected_file(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    files = dict(NIGHT_1)
    name, header, lines = files["listings"]
    files["listings"] = (name, header, [*lines, BROKEN])
    write(landing, files)
    (landing / "population").mkdir()
    shutil.copy(FIXTURES / "web_export_comma_bom.csv", landing / "population")
    paths = ["--landing", str(landing), "--warehouse", str(warehouse)]
    listed = "SELECT sum(listed) FROM listed_inhabitants WHERE period = '2024-01'"

    first = vardpuls("refresh", *paths, warehouse=warehouse)
    assert first.returncode == 1, first.stdout + first.stderr
    assert analyst(warehouse, "SELECT rule, acknowledged FROM quarantine") == [("health_centre_registered", False)]
    assert analyst(warehouse, listed) == [(215,)]  # 120 + 95: the broken row is held out

    # acknowledging a file with no quarantine, or a rule it did not break, is refused and records nothing
    wrong = vardpuls("acknowledge", "staffing/personal_2024-01.csv", "--reason", "x", *paths, warehouse=warehouse)
    assert wrong.returncode == 2 and "no quarantined rows" in wrong.stderr
    wrong = vardpuls(
        "acknowledge", f"listings/{name}", "--rule", "age_band_known", "--reason", "x", *paths, warehouse=warehouse
    )
    assert wrong.returncode == 2 and "health_centre_registered" in wrong.stderr
    assert not (warehouse / "decisions.yaml").exists()

    ack = vardpuls("acknowledge", f"listings/{name}", "--reason", "opens in February", *paths, warehouse=warehouse)
    assert ack.returncode == 0, ack.stdout + ack.stderr
    assert "(acknowledged)" in ack.stdout
    # still listed and still held out of the facts, but no longer failing the night
    assert analyst(warehouse, "SELECT rule, acknowledged FROM quarantine") == [("health_centre_registered", True)]
    assert analyst(warehouse, listed) == [(215,)]
    assert analyst(warehouse, "SELECT action, source, file, reason, rule FROM decisions") == [
        ("acknowledge", "listings", name, "opens in February", None)
    ]

    retract = vardpuls("retract", f"listings/{name}", "--reason", "wrong ids", *paths, warehouse=warehouse)
    assert retract.returncode == 0, retract.stdout + retract.stderr
    said = retract.stdout + retract.stderr
    assert "3 rows taken out" in said and "1 file retracted" in retract.stdout, said
    assert analyst(warehouse, "SELECT count(*) FROM quarantine") == [(0,)]
    # the month is missing now, never 0: no listed inhabitants and no value of the indicator built on them
    assert analyst(warehouse, listed) == [(None,)]
    assert analyst(
        warehouse,
        "SELECT count(*) FROM indicator_values WHERE indicator_id = 'listed_inhabitants' AND period = '2024-01'",
    ) == [(0,)]
    again = vardpuls("retract", f"listings/{name}", "--reason", "again", *paths, warehouse=warehouse)
    assert again.returncode == 2 and "retracted already" in again.stderr

    # the same bytes are not loaded again: nothing new, the release stands
    quiet = vardpuls("refresh", *paths, warehouse=warehouse)
    assert quiet.returncode == 0 and "nothing new" in quiet.stdout

    # a corrected file (other bytes) loads as usual
    write(landing, {"listings": NIGHT_1["listings"]})
    fixed = vardpuls("refresh", *paths, warehouse=warehouse)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert analyst(warehouse, listed) == [(215,)]
    assert [row[0] for row in analyst(warehouse, "SELECT action FROM decisions ORDER BY decided_at")] == [
        "acknowledge",
        "retract",
    ]


@pytest.mark.e2e
def test_removing_a_retraction_brings_the_version_back(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    write(landing, {k: NIGHT_1[k] for k in ("organisation", "listings")})
    paths = ["--landing", str(landing), "--warehouse", str(warehouse)]
    assert vardpuls("refresh", *paths, warehouse=warehouse).returncode == 0
    name = NIGHT_1["listings"][0]
    assert vardpuls("retract", f"listings/{name}", "--reason", "x", *paths, warehouse=warehouse).returncode == 0
    assert analyst(warehouse, "SELECT count(*) FROM listed_inhabitants") == [(0,)]
    text = (warehouse / "decisions.yaml").read_text(encoding="utf-8")
    (warehouse / "decisions.yaml").write_text(text.split("retracted:")[0] + "retracted: []\n", encoding="utf-8")
    back = vardpuls("refresh", *paths, warehouse=warehouse)
    assert back.returncode == 0, back.stdout + back.stderr
    assert analyst(warehouse, "SELECT sum(listed) FROM listed_inhabitants") == [(215,)]


@pytest.mark.unit
def test_decisions_file_round_trip_and_refusals(tmp_path):
    first = new_decision("acknowledge", "listings", "a.csv", "seen", rule="r1")
    second = new_decision("retract", "cost", "huvudbok_2024-01.csv", "wrong month", sha256="ab" * 32)
    add_decision(tmp_path, first)
    add_decision(tmp_path, second)
    assert load_decisions(tmp_path) == [second, first]  # retractions listed first, each kept as written
    path = tmp_path / "decisions.yaml"
    path.write_text("retracted:\n  - source: cost\n    file: x.csv\n    reason: r\n", encoding="utf-8")
    with pytest.raises(DecisionsError, match=r"decisions.yaml: retracted entry 1: field decided_at: expected text"):
        load_decisions(tmp_path)
    path.write_text("withdrawn: []\n", encoding="utf-8")
    with pytest.raises(DecisionsError, match="expected a mapping with the lists retracted and acknowledged only"):
        load_decisions(tmp_path)
    path.write_text(
        "acknowledged:\n  - {source: a, file: b, reason: c, decided_at: d, decided_by: e, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(DecisionsError, match="acknowledged entry 1: unknown field colour"):
        load_decisions(tmp_path)
