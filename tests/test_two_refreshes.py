"""Two refreshes at once never publish a mixed release.

Night 1 publishes the crash test's first landing. Then two refreshes want the same warehouse: A brings night 2 of
the crash test (a new month of every source and another population file), B brings a ledger month of its own
(other amounts). One is paused at a checkpoint (pipelines/faults.py: every progress line, every table the
publication writes and each step of switching the release) while the other is started in full; then the paused
one goes on. Whatever the interleaving:

- the one started second says in one line that the warehouse is in use, and by whom, and leaves with exit 75
  having changed nothing (the release published before is still current, file for file);
- the release the first one publishes is, table for table, the one it publishes alone (a checksum of every
  published table, the columns that name runs and load times left out).

And started together, with no pause: one runs, the other is refused, and what is published is the runner's.

The checkpoints are a seeded sample (the seed is in every failure message; ``VARDPULS_INTERLEAVINGS=all`` tries
every checkpoint, as ``make test-faults`` does).
"""

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import test_validation_gate as gate
from tests.test_faults import NIGHT_1, NIGHT_2, published_files, table_checksums, write

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "population"
EXIT_BUSY = 75
SAMPLED = 2  # checkpoints per direction in a normal run, one of them a step of switching the release
SEED = int(os.environ.get("VARDPULS_INTERLEAVING_SEED", random.SystemRandom().randrange(10_000)))
B_LEDGER = {
    "cost": (
        "huvudbok_2024-02.csv",
        gate.COST_HEADER,
        ["2024-02;19-KS-1002;5010;1;1300000", "2024-02;19-KS-1002;3110;1;-90000"],
    )
}


def start(landing: Path, warehouse: Path, **env: str) -> subprocess.Popen:
    environment = os.environ | {"DAGSTER_HOME": str(warehouse / "dagster"), **env}
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "vardpuls"),
            "refresh",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, _ = process.communicate(timeout=600)
    return process.returncode, out


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 published; A alone and B alone after it (the references), and A's and B's checkpoints."""
    root = tmp_path_factory.mktemp("two_refreshes")
    landing_1, landing_a, landing_b = root / "landing_1", root / "landing_a", root / "landing_b"
    write(landing_1, NIGHT_1)
    (landing_1 / "population").mkdir()
    shutil.copy(FIXTURES / "web_export_comma_bom.csv", landing_1 / "population")
    shutil.copytree(landing_1, landing_a)
    write(landing_a, NIGHT_2)
    shutil.copy(FIXTURES / "jsonstat2.json", landing_a / "population")
    shutil.copytree(landing_1, landing_b)
    write(landing_b, B_LEDGER)
    night_1 = root / "night_1"
    code, out = finish(start(landing_1, night_1))
    assert code == 0, out
    references, checkpoints = {}, {}
    for name, landing in (("A", landing_a), ("B", landing_b)):
        alone = root / f"{name}_alone"
        shutil.copytree(night_1, alone, symlinks=True)
        log = root / f"{name}_checkpoints.log"
        code, out = finish(start(landing, alone, VARDPULS_CHECKPOINT_LOG=str(log)))
        assert code == 0, out
        references[name] = table_checksums(alone)
        checkpoints[name] = [line.split("\t", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    assert references["A"] != references["B"] != table_checksums(night_1)
    return {
        "night_1": night_1,
        "landings": {"A": landing_a, "B": landing_b},
        "references": references,
        "checkpoints": checkpoints,
    }


def pause_points(checkpoints: list[list[str]], rng: random.Random) -> list[tuple[int, str]]:
    labelled = [(int(n), label.strip()) for n, label in checkpoints]
    if os.environ.get("VARDPULS_INTERLEAVINGS") == "all":
        return labelled
    switching = [c for c in labelled if c[1].startswith("publish: release")]
    others = [c for c in labelled if c not in switching]
    return sorted([rng.choice(switching), *rng.sample(others, SAMPLED - 1)])


@pytest.mark.parametrize("first, second", [("A", "B"), ("B", "A")])
def test_a_refresh_started_while_another_runs_is_refused_and_the_release_is_whole(nights, tmp_path, first, second):
    rng = random.Random(f"{SEED}-{first}")
    failures = []
    for point, label in pause_points(nights["checkpoints"][first], rng):
        where = f"seed {SEED}, {first} paused at {point} ({label})"
        warehouse = tmp_path / f"{first}_{point}"
        shutil.copytree(nights["night_1"], warehouse, symlinks=True)
        marker = tmp_path / f"paused_{first}_{point}"
        running = start(
            nights["landings"][first], warehouse, VARDPULS_PAUSE_AT=str(point), VARDPULS_PAUSE_FILE=str(marker)
        )
        deadline = time.monotonic() + 600
        while not marker.exists() and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"{where}: never reached the checkpoint ({finish(running)[1][-2000:]})"
        published = published_files(warehouse)
        code, out = finish(start(nights["landings"][second], warehouse))
        # after the two lines naming the landing and the warehouse, one line: busy, and who holds it
        lines = [line for line in out.splitlines() if line.strip()][2:]
        if code != EXIT_BUSY:
            failures.append(f"{where}: {second} exit {code}, not 75: {out[-1500:]}")
        elif len(lines) != 1 or f"PID {running.pid}" not in lines[0] or "in use by" not in lines[0]:
            failures.append(f"{where}: {second} did not say in one line who holds the warehouse: {out[-1500:]}")
        if published_files(warehouse) != published:
            failures.append(f"{where}: {second} changed the published release")
        marker.unlink()
        code, out = finish(running)
        if code != 0:
            failures.append(f"{where}: {first} exit {code} after the pause: {out[-1500:]}")
        elif table_checksums(warehouse) != nights["references"][first]:
            diff = sorted(t for t, s in table_checksums(warehouse).items() if nights["references"][first].get(t) != s)
            failures.append(f"{where}: the release is not {first}'s alone: {diff}")
        shutil.rmtree(warehouse)
    assert failures == []


def test_two_refreshes_started_together_publish_the_release_of_the_one_that_ran(nights, tmp_path):
    warehouse = tmp_path / "together"
    shutil.copytree(nights["night_1"], warehouse, symlinks=True)
    runs = {name: start(landing, warehouse) for name, landing in nights["landings"].items()}
    codes = {name: finish(process) for name, process in runs.items()}
    ran = [name for name, (code, _) in codes.items() if code == 0]
    refused = [name for name, (code, _) in codes.items() if code == EXIT_BUSY]
    # a refresh takes the lock as it starts and holds it for tens of seconds: the two always overlap
    assert len(ran) == 1 and len(refused) == 1, {name: (code, out[-800:]) for name, (code, out) in codes.items()}
    assert table_checksums(warehouse) == nights["references"][ran[0]]
