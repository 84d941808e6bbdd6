"""Incremental by period: the nights' refreshes publish exactly what one full refresh of the same files does.

Three nights on a copy of the sample, then one full refresh of the final landing folder into a new warehouse:
- night 1: the sample without December 2024 of the monthly sources and the census, and without the listing of
  May 2023 (late);
- night 2: December arrives; June 2024's payroll is delivered again under a new name with one value changed;
  November 2024's ledger arrives broken (an unknown column), so the ledger is refused that night;
- night 3: the ledger is delivered again, readable; the late listing of May 2023 arrives;
then a night with nothing new, which says so and changes nothing.

Every published table (but runs and source_files, which are the history of the deliveries) must have the same
content, column for column, leaving out what names a run or a load order (load_run, file_version_id, ...).
"""

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.content import content_fingerprints, differences
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"


def refresh(landing: Path, warehouse: Path, capsys) -> tuple[int, str]:
    code = main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    out, err = capsys.readouterr()
    return code, out + err


def land(path: Path, source: Path | bytes) -> None:
    """A delivery: written now, so it is newer than everything delivered before it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        shutil.copyfile(source, path)
    later = time.time() + 1
    os.utime(path, (later, later))
    time.sleep(0.01)


def changed_payroll(source: Path, target: Path) -> None:
    """June 2024's payroll again, one employee-month's FTE changed (a correction)."""
    with duckdb.connect() as con:
        # the sample's payroll exports hold sysselsättningsgrad as a number (Parquet), so the correction is one too
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN 0.5 ELSE "
            f"sysselsättningsgrad END AS sysselsättningsgrad) FROM read_parquet('{source}')) "
            f"TO '{target}' (FORMAT parquet)"
        ).fetchall()


def test_nights_publish_what_one_full_refresh_publishes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    landing, nightly, full = tmp_path / "landing", tmp_path / "nightly", tmp_path / "full"
    held_back = {
        SAMPLE / "listings" / "listning_2024-12.csv",
        SAMPLE / "staffing" / "personal_2024-12.parquet",
        SAMPLE / "cost" / "huvudbok_2024-12.parquet",
        SAMPLE / "beds" / "vardplatslage_2024-12.csv",
        SAMPLE / "listings" / "listning_2023-05.csv",
        SAMPLE / "cost" / "huvudbok_2024-11.parquet",
    }
    for path in sorted(SAMPLE.rglob("*")):
        if path.is_file() and path not in held_back:
            target = landing / path.relative_to(SAMPLE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)

    code, out = refresh(landing, nightly, capsys)
    assert code == 0, out

    for name in (
        "listings/listning_2024-12.csv",
        "staffing/personal_2024-12.parquet",
        "cost/huvudbok_2024-12.parquet",
        "beds/vardplatslage_2024-12.csv",
    ):
        land(landing / name, SAMPLE / name)
    changed = tmp_path / "personal_2024-06_korrigerad.parquet"
    changed_payroll(SAMPLE / "staffing" / "personal_2024-06.parquet", changed)
    land(landing / "staffing" / "personal_2024-06_korrigerad.parquet", changed)
    with duckdb.connect() as con:  # the ledger of November with a column the format does not know
        con.execute(
            f"COPY (SELECT *, 'x' AS okänd_kolumn FROM read_parquet('{SAMPLE / 'cost' / 'huvudbok_2024-11.parquet'}')) "
            f"TO '{tmp_path / 'broken.parquet'}' (FORMAT parquet)"
        ).fetchall()
    land(landing / "cost" / "huvudbok_2024-11.parquet", tmp_path / "broken.parquet")
    code, out = refresh(landing, nightly, capsys)
    assert code == 1 and "cost" in out and "REFUSED" in out and "okänd_kolumn" in out, out

    land(landing / "cost" / "huvudbok_2024-11.parquet", SAMPLE / "cost" / "huvudbok_2024-11.parquet")
    land(landing / "listings" / "listning_2023-05.csv", SAMPLE / "listings" / "listning_2023-05.csv")
    code, out = refresh(landing, nightly, capsys)
    assert code == 0, out
    published_before = (nightly / "current").resolve()

    code, out = refresh(landing, nightly, capsys)
    assert code == 0 and "nothing new" in out, out
    assert (nightly / "current").resolve() == published_before

    code, out = refresh(landing, full, capsys)
    assert code == 0, out
    incremental, whole = content_fingerprints(nightly / "analyst.duckdb"), content_fingerprints(full / "analyst.duckdb")
    assert len(whole) > 20 and whole["indicator_values"][0] > 10_000  # (a release, not an empty shell)
    assert not differences(incremental, whole), differences(incremental, whole)
    # the correction and the late month are in: the nights did not just stop early
    with duckdb.connect(str(nightly / "analyst.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM listed_inhabitants WHERE period = '2023-05'").fetchall()[0][0] > 0
        assert con.execute("SELECT count(*) FROM cost WHERE period = '2024-11'").fetchall()[0][0] > 0
