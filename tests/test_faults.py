"""Crash tests: the refresh killed with SIGKILL at more than twenty points spread over every stage.

Night 1 publishes landing A. Night 2 lands a new month of every regional source (landing B) and is
killed at one checkpoint (pipelines/faults.py: every progress line, every file loaded inside its
transaction, every table written by the publication, and the steps of switching the release). After
each kill:

- what is published is night 1's release, file for file (the link `current` and every file in it);
- the live warehouse opens;
- the next refresh, uninterrupted, publishes exactly what an uninterrupted night 2 publishes
  (a checksum of every published table, leaving out the columns that name runs and load times).

Each refresh is `vardpuls refresh` in its own process (the kill must not take the test with it; a
fork of the test process would inherit the locks of its threads).

A run of the suite kills at a seeded sample of the points (``SAMPLED``, printed with the seed; a failure
names it too): ``VARDPULS_KILL_SEED=<seed>`` replays that sample, and ``make test-faults``
(``VARDPULS_KILL_POINTS=all``) kills at every one of them. Over a few runs every point is tried.
"""

import hashlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.content import HISTORY_TABLES
from tests import test_validation_gate as gate
from tests.conftest import live_database

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "population"
# columns that name a run or a moment of loading, so differ between any two runs
RUN_COLUMNS = {
    "load_run",
    "loaded_at",
    "run_id",
    "refresh_run_id",
    "started",
    "finished",
    "published_run",
    "file_version_id",
    "row_counts",
    "source_files",
}
NIGHT_2 = {
    "listings": (
        "listning_2024-02.csv",
        gate.LISTINGS_HEADER,
        [row.replace("2024-01", "2024-02") for row in gate.LISTINGS_CLEAN],
    ),
    "staffing": (
        "personal_2024-02.csv",
        gate.STAFFING_HEADER,
        [row.replace("2024-01", "2024-02") for row in gate.STAFFING_CLEAN],
    ),
    "cost": ("huvudbok_2024-02.csv", gate.COST_HEADER, [row.replace("2024-01", "2024-02") for row in gate.COST_CLEAN]),
    "beds": (
        "vardplatslage_2024-04.csv",
        gate.BEDS_HEADER,
        [row.replace("2024-03-0", "2024-04-0") for row in gate.BEDS_CLEAN],
    ),
}
NIGHT_1 = {
    "organisation": ("enheter.csv", gate.ORG_HEADER, gate.ORG_CLEAN),
    "listings": ("listning_2024-01.csv", gate.LISTINGS_HEADER, gate.LISTINGS_CLEAN),
    "staffing": ("personal_2024-01.csv", gate.STAFFING_HEADER, gate.STAFFING_CLEAN),
    "cost": ("huvudbok_2024-01.csv", gate.COST_HEADER, gate.COST_CLEAN),
    "beds": ("vardplatslage_2024-03.csv", gate.BEDS_HEADER, gate.BEDS_CLEAN),
}
KILL_POINTS = 20  # in all, the steps of switching the release among them
SAMPLED = 6  # of them per run of the suite (VARDPULS_KILL_POINTS: a number, or all)


def write(landing: Path, files: dict) -> None:
    for source, (name, header, lines) in files.items():
        (landing / source).mkdir(parents=True, exist_ok=True)
        (landing / source / name).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def refresh(landing: Path, warehouse: Path, **env: str) -> int:
    """`vardpuls refresh` in its own process; its exit status (-9 when it was killed)."""
    environment = os.environ | {"DAGSTER_HOME": str(warehouse / "dagster"), **env}
    result = subprocess.run(
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
        timeout=600,
    )
    return result.returncode


def published_files(warehouse: Path) -> tuple[str, dict[str, str]]:
    release = Path(os.path.realpath(warehouse / "current"))
    return release.name, {
        str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


# the vintages' record of releases: each release has its own name and moment, so two runs never agree on it
RELEASE_RECORDS = HISTORY_TABLES - {"runs", "source_files"}
# rows that judge one release against the one before (quality suite 'releases'): after a kill past the switch,
# night 2's release is published, and the next refresh's release judges its own, empty, change set
RELEASE_SCOPED = {"quality_results": "suite <> 'releases'"}


def table_checksums(warehouse: Path) -> dict[str, str]:
    """Every published table's content, run and load-time columns left out, as one checksum each (the record of
    releases left out: it names each release)."""
    con = duckdb.connect(os.path.realpath(warehouse / "current" / "analyst.duckdb"), read_only=True)
    try:
        sums = {}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1").fetchall():
            if table == "runs" or table in RELEASE_RECORDS:
                continue
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            sums[table] = con.execute(
                f"SELECT count(*) || ':' || coalesce(md5(string_agg(r::VARCHAR, '|' "
                f"ORDER BY r::VARCHAR)), '') FROM (SELECT {listed} FROM {table} "
                f"WHERE {RELEASE_SCOPED.get(table, 'true')}) r"
            ).fetchall()[0][0]
        return sums
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 published; night 2 uninterrupted (the reference) with the list of its checkpoints."""
    root = tmp_path_factory.mktemp("faults")
    landing_1, landing_2 = root / "landing_1", root / "landing_2"
    write(landing_1, NIGHT_1)
    (landing_1 / "population").mkdir()
    shutil.copy(FIXTURES / "web_export_comma_bom.csv", landing_1 / "population")
    shutil.copytree(landing_1, landing_2)
    write(landing_2, NIGHT_2)
    shutil.copy(FIXTURES / "jsonstat2.json", landing_2 / "population")
    night_1 = root / "night_1"
    assert refresh(landing_1, night_1) == 0
    reference = root / "reference"
    shutil.copytree(night_1, reference, symlinks=True)
    log = root / "checkpoints.log"
    assert refresh(landing_2, reference, VARDPULS_CHECKPOINT_LOG=str(log)) == 0
    checkpoints = [line.split("\t", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    return root, landing_2, night_1, table_checksums(reference), checkpoints


def kill_points(checkpoints: list[list[str]]) -> list[int]:
    """KILL_POINTS checkpoints evenly spread over the run, and every step of switching the release."""
    total = len(checkpoints)
    switching = {int(n) for n, label in checkpoints if label.startswith("publish: release")}
    spread, count = set(), KILL_POINTS - len(switching)
    while len(spread | switching) < KILL_POINTS:
        spread = {round(1 + i * (total - 1) / (count - 1)) for i in range(count)}
        count += 1
    return sorted(spread | switching)


def sampled(points: list[int]) -> tuple[list[int], int]:
    """The kill points this run tries, and the seed that drew them (VARDPULS_KILL_SEED, else a new one)."""
    wanted = os.environ.get("VARDPULS_KILL_POINTS", str(SAMPLED)).strip().lower()
    seed = int(os.environ.get("VARDPULS_KILL_SEED") or random.SystemRandom().randrange(1_000_000))
    if wanted == "all":
        return points, seed
    return sorted(random.Random(seed).sample(points, min(int(wanted), len(points)))), seed


def test_the_kill_points_cover_every_stage(nights):
    *_, checkpoints = nights
    labels = dict((int(n), label) for n, label in checkpoints)
    chosen = [labels[k] for k in kill_points(checkpoints)]
    assert len(chosen) >= 20
    stages = {
        "load": lambda text: "] " in text and ("rows" in text or "unchanged" in text),
        "compute": lambda text: text.startswith(("core.", "indicators.", "goals.")),
        "validate": lambda text: text.startswith(("staging.", "quality:", "quarantined")),
        "publish": lambda text: text.startswith("publish:"),
    }
    for stage, belongs in stages.items():
        assert any(belongs(label) for label in chosen), (stage, chosen)


def test_a_kill_anywhere_leaves_the_last_publication_and_the_next_refresh_converges(nights, tmp_path):
    root, landing_2, night_1, reference, checkpoints = nights
    before = published_files(night_1)
    # from this checkpoint on, night 2's release is the current one
    switched_at = next(int(n) for n, label in checkpoints if label.startswith("publish: release current"))
    failures = []
    points, seed = sampled(kill_points(checkpoints))
    replay = f"VARDPULS_KILL_SEED={seed} (every point: make test-faults)"
    print(f"kill points {points} of {kill_points(checkpoints)}; replay: {replay}")
    for point in points:
        warehouse = tmp_path / f"kill_{point}"
        shutil.copytree(night_1, warehouse, symlinks=True)
        code = refresh(landing_2, warehouse, VARDPULS_KILL_AT=str(point))
        label = dict((int(n), text) for n, text in checkpoints)[point]
        if code != -9:
            failures.append(f"{point} ({label}): exit {code}, not killed")
            continue
        if point < switched_at and published_files(warehouse) != before:
            failures.append(f"{point} ({label}): the published release changed")
        if point >= switched_at and table_checksums(warehouse) != reference:
            failures.append(f"{point} ({label}): night 2's release is current but not complete")
        con = duckdb.connect(str(live_database(warehouse)))
        try:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        finally:
            con.close()
        assert refresh(landing_2, warehouse) == 0, f"{point} ({label}): the refresh after the kill failed; {replay}"
        if table_checksums(warehouse) != reference:
            diff = {t for t, s in table_checksums(warehouse).items() if reference.get(t) != s}
            failures.append(f"{point} ({label}): did not converge: {sorted(diff)}")
        shutil.rmtree(warehouse)
    assert failures == [], f"replay: {replay}"
