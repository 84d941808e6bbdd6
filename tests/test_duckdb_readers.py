"""The published analyst.duckdb opens in the DuckDB 1.x clients analysts have (pipelines/compat.py).

The proof is the README's own analyst query, run on a snapshot published from the bundled sample by
the DuckDB CLI as the package index ships it (`duckdb-cli`, 1.4 LTS and 1.5) and by the 1.4 Python
client, each installed with `pip install --target` into this test's temporary folder, and by the
project's own DuckDB 2 client: every one gets the same rows, and they hold SCB's published total.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.compat import READER_STORAGE_VERSION, attach_for_readers, storage_version
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SAMPLE = PROJECT_ROOT / "data" / "sample"
# the oldest and the newest 1.x line analysts are on: 1.4 is DuckDB's long-term-support release
CLI_RELEASES = ["duckdb-cli==1.4.4.post2", "duckdb-cli==1.5.6"]
PYTHON_CLIENT = "duckdb==1.4.4"


def readme_analyst_query() -> str:
    """The SQL block of the README's analyst section (the one that opens the snapshot with duckdb -readonly)."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    block = next(b for b in blocks if "duckdb -readonly" in b)
    return "\n".join(line for line in block.splitlines() if not line.startswith("--")).strip()


def pip_target(folder: Path, requirement: str) -> Path:
    """``requirement`` installed with pip into a folder of its own (never into the project's environment)."""
    target = folder / re.sub(r"[^A-Za-z0-9.]+", "-", requirement)
    if not target.is_dir():
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), requirement],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            pytest.fail(f"pip could not install {requirement} from the package index:\n{result.stderr[-3000:]}")
    return target


def cli_binary(target: Path) -> Path:
    """The DuckDB CLI executable in an installed duckdb-cli (1.4 ships it as bin/duckdb, 1.5 inside the package)."""
    for candidate in (target / "duckdb_cli" / "duckdb", target / "bin" / "duckdb"):
        if candidate.is_file() and candidate.read_bytes()[:4] == b"\x7fELF":
            return candidate
    raise AssertionError(f"no DuckDB CLI executable in {target}")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The analyst.duckdb that `vardpuls refresh` publishes from the bundled sample (the stable link)."""
    root = tmp_path_factory.mktemp("readers")
    env = os.environ | {"DAGSTER_HOME": str(root / "dagster_home")}
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("vardpuls")),
            "refresh",
            "--landing",
            str(SAMPLE),
            "--warehouse",
            str(root / "warehouse"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "warehouse" / "analyst.duckdb"


@pytest.fixture(scope="module")
def tools(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("duckdb-1x")


def normalised(rows) -> list[tuple]:
    """Rows as text with numbers rounded alike, so the CLI's CSV and a client's tuples compare."""

    def cell(value):
        if value in (None, ""):
            return None
        try:
            return f"{float(value):.6f}"
        except ValueError:
            return str(value)

    return [tuple(cell(v) for v in row) for row in rows]


def project_rows(database: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_the_snapshot_is_written_in_the_storage_format_of_duckdb_1_4(published):
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{published}' AS snap (READ_ONLY)").fetchall()
        assert storage_version(con, "snap") == READER_STORAGE_VERSION + "+"
    finally:
        con.close()
    # the file header says so too: storage version 67 (DuckDB 1.4), not 69 (DuckDB 2.0)
    header = Path(published).read_bytes()[:4096]
    assert header[8:12] == b"DUCK" and int.from_bytes(header[12:20], "little") == 67


@pytest.mark.parametrize("requirement", CLI_RELEASES)
def test_the_readme_query_runs_in_the_duckdb_1x_cli_from_the_package_index(published, tools, requirement):
    binary = cli_binary(pip_target(tools, requirement))
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert version.startswith("v" + requirement.split("==")[1][:3]), version
    query = readme_analyst_query()
    # exactly as the README writes it, with CSV output to compare
    result = subprocess.run(
        [str(binary), "-readonly", str(published), "-csv", "-c", query], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["name", "period", "share_80plus", "numerator", "denominator"]
    expected = project_rows(published, query)
    assert len(rows) == len(expected) > 20
    assert normalised(rows) == normalised(expected)
    # SCB's published total: Västmanland 280,813 inhabitants at the end of 2023 (data/reference)
    assert ["Västmanlands län", "2023"] in [row[:2] for row in rows]
    assert next(float(r[4]) for r in rows if r[:2] == ["Västmanlands län", "2023"]) == 280813


def test_the_duckdb_1_4_python_client_reads_every_published_table(published, tools):
    target = pip_target(tools, PYTHON_CLIENT)
    script = (
        "import json, sys, duckdb\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "tables = [t for (t,) in con.execute('SELECT table_name FROM duckdb_tables() ORDER BY 1').fetchall()]\n"
        "counts = {t: con.execute(f'SELECT count(*) FROM \"{t}\"').fetchall()[0][0] for t in tables}\n"
        "for t in tables:\n"
        "    con.execute(f'SELECT * FROM \"{t}\"').fetchall()\n"
        "rows = con.execute(sys.argv[2]).fetchall()\n"
        "print(json.dumps({'version': duckdb.__version__, 'counts': counts, 'rows': rows}, default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(published), readme_analyst_query()],
        env=os.environ | {"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout)
    assert answer["version"] == PYTHON_CLIENT.split("==")[1]
    con = duckdb.connect(str(published), read_only=True)
    try:
        ours = {
            t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        }
    finally:
        con.close()
    assert answer["counts"] == ours and ours["indicator_values"] > 0 and "runs" in ours
    assert normalised(answer["rows"]) == normalised(project_rows(published, readme_analyst_query()))


def test_a_new_file_only_and_types_the_old_format_cannot_hold_are_refused(tmp_path):
    con = duckdb.connect()
    try:
        existing = tmp_path / "existing.duckdb"
        duckdb.connect(str(existing)).close()
        with pytest.raises(FileExistsError, match="already exists"):
            attach_for_readers(con, existing, "old")
        attach_for_readers(con, tmp_path / "new.duckdb", "new")
        assert storage_version(con, "new") == "v1.4.0+"
        con.execute("CREATE TABLE new.ok AS SELECT 1 AS a, DATE '2024-01-31' AS d, now() AS t").fetchall()
        # VARIANT (DuckDB 1.5) has no form in 1.4's format: writing it fails, it is never stored half-readable
        with pytest.raises(duckdb.InvalidInputException, match="VARIANT"):
            con.execute("CREATE TABLE new.bad AS SELECT 1::VARIANT AS v").fetchall()
    finally:
        con.close()
