"""The floor: bench/floor.sql over a landing folder, timed section by section.

    .venv/bin/python bench/floor.py --landing /tmp/vardpuls-bench/data/region-seed2024 \
        --work /tmp/vardpuls-bench/floor --json /tmp/floor.json

Reads every landed file of the regional sources at once (read_csv / read_parquet), builds the same
core facts and a few of the same indicators as the pipeline in plain SQL, and publishes an analyst
DuckDB file and Parquet, in a new DuckDB database with DuckDB's default settings (as the pipeline
uses them). Writes {"stages": {section: seconds}, "rows": {table: rows}, "seconds": total} as JSON.
bench/run.py runs it under /usr/bin/time -v for the peak memory.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SQL = HERE / "floor.sql"
SOURCES = ("organisation", "listings", "staffing", "cost", "beds")
SQL_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "month": "VARCHAR",
    "flag": "VARCHAR",
}
# how the region's systems write each source (pipelines/synthetic/landing.py; the pipeline detects it per file)
LATIN1 = {"listings", "cost"}
TABLES = ("units", "listed_inhabitants", "staff_fte", "cost_fact", "bed_days", "indicator_values")


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')}  floor: {message}", file=sys.stderr, flush=True)


def formats(code: Path) -> dict:
    return yaml.safe_load((code / "pipelines" / "regional" / "formats.yaml").read_text(encoding="utf-8"))


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def header_of(path: Path, encoding: str) -> list[str]:
    with path.open("rb") as handle:
        line = handle.readline()
    text = line.decode("utf-8-sig" if encoding == "utf-8" else "latin-1").strip()
    return [cell.strip().strip('"') for cell in text.split(";")]


def reader(source: str, spec: dict, folder: Path) -> str:
    """A table expression with every file of the source, English column names, the format's types."""
    columns = spec["columns"]  # Swedish header -> {as, type, optional}
    parts = []
    csv_files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    parquet_files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if csv_files:
        encoding = "latin-1" if source in LATIN1 else "utf-8"
        delivered = header_of(csv_files[0], encoding)
        types = ", ".join(
            f"{quote(h)}: '{SQL_TYPES[columns[h]['type']] if h in columns else 'VARCHAR'}'" for h in delivered
        )
        scan = (
            f"read_csv({quote(str(folder / '*.csv'))}, delim=';', header=true, auto_detect=false, "
            f"decimal_separator=',', quote='\"', escape='\"', encoding='{encoding}', columns={{{types}}})"
        )
        parts.append(projection(scan, delivered, columns))
    if parquet_files:
        scan = f"read_parquet({quote(str(folder / '*.parquet'))})"
        delivered = [row[0] for row in duckdb.sql(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        parts.append(projection(scan, delivered, columns))
    if not parts:  # a source without files: an empty table of the right shape
        empty = ", ".join(f"NULL::{SQL_TYPES[c['type']]} AS {name_of(c)}" for c in columns.values())
        return f"(SELECT {empty} LIMIT 0)"
    return "(" + " UNION ALL BY NAME ".join(parts) + ")"


def name_of(column: dict) -> str:
    """The English name; a month column is called period, as in the warehouse."""
    return "period" if column["type"] == "month" else column["as"]


def projection(scan: str, delivered: list[str], columns: dict) -> str:
    selects = []
    for header, column in columns.items():
        sql_type = SQL_TYPES[column["type"]]
        if header in delivered:
            selects.append(f"CAST({ident(header)} AS {sql_type}) AS {name_of(column)}")
        else:
            selects.append(f"NULL::{sql_type} AS {name_of(column)}")
    return f"(SELECT {', '.join(selects)} FROM {scan})"


def what(statement: str) -> str:
    """A statement's first words, up to the table it writes (CREATE TABLE x, COPY x, INSERT INTO x)."""
    words = statement.split()
    return " ".join(words[:4] if words[:2] == ["CREATE", "TABLE"] or words[:1] == ["INSERT"] else words[:2])


def sections(script: str) -> list[tuple[str, str]]:
    """(stage, SQL) for each `-- stage: NAME` section of floor.sql."""
    found = re.split(r"^-- stage: (\w+)\s*$", script, flags=re.MULTILINE)
    return list(zip(found[1::2], found[2::2]))


def run(landing: Path, work: Path, key: str, code: Path = REPO) -> dict:
    if work.exists():
        shutil.rmtree(work)
    (work / "out" / "parquet").mkdir(parents=True)
    spec = formats(code)
    values = {source: reader(source, spec[source], landing / source) for source in SOURCES}
    values.update(reference=str(code / "data" / "reference"), out=str(work / "out"), key=key.replace("'", "''"))
    # comment lines go (they name the placeholders), the `-- stage:` lines stay
    text = "\n".join(
        line
        for line in SQL.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("--") or line.startswith("-- stage:")
    )
    script = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m[1]], text)
    stages: dict[str, float] = {}
    statements: list[dict] = []
    started = time.perf_counter()
    con = duckdb.connect(str(work / "floor.duckdb"))
    # the Swedish working calendar (ordinary hours of a month), the same reference the indicators use
    con.execute((code / "sql" / "macros" / "calendar.sql").read_text(encoding="utf-8")).fetchall()
    try:
        for stage, body in sections(script):
            log(f"{stage} ...")
            begun = time.perf_counter()
            for statement in con.extract_statements(body):
                at = time.perf_counter()
                con.execute(statement).fetchall()
                seconds = time.perf_counter() - at
                if seconds >= 0.5:  # where the time of a stage goes
                    statements.append(
                        {"stage": stage, "statement": what(statement.query), "seconds": round(seconds, 2)}
                    )
            stages[stage] = round(time.perf_counter() - begun, 3)
            log(f"{stage}: {stages[stage]:.1f} s")
        rows = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in TABLES}
        rows["staffing_rows_loaded"] = con.execute("SELECT count(*) FROM staffing").fetchall()[0][0]
        rows["cost_rows_loaded"] = con.execute("SELECT count(*) FROM cost").fetchall()[0][0]
        rows["by_indicator"] = dict(
            con.execute("SELECT indicator_id, count(*) FROM indicator_values GROUP BY ALL ORDER BY ALL").fetchall()
        )
    finally:
        con.close()
    return {
        "stages": stages,
        "seconds": round(time.perf_counter() - started, 3),
        "rows": rows,
        "statements": statements,
        "duckdb": duckdb.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True, help="landing folder (one sub-folder per source)")
    parser.add_argument(
        "--work", type=Path, required=True, help="folder for the floor's database and exports (emptied first)"
    )
    parser.add_argument("--json", type=Path, help="write the timings here (default: print them)")
    parser.add_argument(
        "--key", default="vardpuls-benchmark-key-synthetic-data-only", help="pseudonym key for the identity columns"
    )
    parser.add_argument(
        "--code",
        type=Path,
        default=REPO,
        help="project folder whose formats.yaml and data/reference are used (default: this one)",
    )
    args = parser.parse_args(argv)
    result = run(args.landing.resolve(), args.work.resolve(), args.key, args.code.resolve())
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
