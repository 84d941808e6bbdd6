"""The vardpuls benchmark: full refresh from empty, the next night, a night with nothing new, and the floor.

    nice -n 10 .venv/bin/python bench/run.py                      # region and national (make bench)
    .venv/bin/python bench/run.py --scale sample --work /tmp/x     # the harness itself, in a few minutes

For each scale asked, in one run:

1. data: ``vardpuls generate --scale S`` once into ``<work>/data/S-seedN/`` (reused while the
   generator's code and the files are unchanged);
2. floor: bench/floor.py (bench/floor.sql: the same files loaded, the same core facts and five of
   the same indicators, in plain DuckDB SQL), under /usr/bin/time -v;
3. full refresh: ``vardpuls refresh`` into an empty warehouse, in a subprocess under /usr/bin/time -v
   (peak RSS: the larger of the process's own and the sum over its process tree, the Great Expectations
   process included, sampled from /proc every 0.2 s, which also shows which step holds it); seconds per Dagster step from the runs' step stats, summed into stages: parse+load (raw/*),
   validate (staging/*, the suites' checks, the quarantine and the file register), compute (core/*,
   indicators/*, goals/*, disclosure), publish (the release, Data Docs, report), overhead (process
   start, imports, Dagster between the steps); then the floor's five indicators are checked against
   the pipeline's published values;
4. next night: a landing folder of hard links to the same files plus one new day of bed census and one
   new month of listings, staffing and ledger (the last delivered files shifted by one day/month,
   written with the generator's writer), and a refresh of the same warehouse from it;
5. nothing new: the same refresh again, which must say so and leave the release as it is;
6. same answer either way: a full refresh of the next night's files into a new warehouse, whose
   published content (pipelines/content.py) must equal what the nights published.

Results: ``bench/results/<scale>-<commit>.json`` and ``<scale>-latest.json`` (git-ignored), a table,
and the targets of BENCHMARKS.md judged per scale. bench/compare.py compares a result with
bench/recorded.json. Nothing is written into the repository except bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_WORK = Path("/tmp/vardpuls-bench")
DEFAULT_RESULTS = HERE / "results"
SCALES = ("sample", "region", "national")
STAGES = ("parse_load", "validate", "compute", "publish", "overhead")
STAGE_TITLES = {
    "parse_load": "parse+load",
    "validate": "validate",
    "compute": "compute",
    "publish": "publish",
    "overhead": "overhead",
}
FLOOR_STAGES = ("load", "facts", "indicators", "publish")
MONTHLY = ("listings", "staffing", "cost")
# the pseudonym key of the benchmark runs: synthetic data only, fixed so that runs are comparable
BENCH_KEY = "vardpuls-benchmark-key-synthetic-data-only"
FLOOR_INDICATORS = (
    "listed_per_gp_specialist",
    "sick_leave_share",
    "occupancy",
    "primary_care_cost_share",
    "hired_staff_cost_share",
)
GIB = 1024**3
RUNS = ("full", "incremental", "nothing_new", "full_again")
RUN_TITLES = {"full": "full", "incremental": "next night", "nothing_new": "nothing new", "full_again": "full again"}
# the targets (BENCHMARKS.md; a 2-core, 24 GB machine): per scale, the next night's and nothing new's
# seconds; on every scale the peak memory and the full refresh against the floor of the same run
TARGETS = {
    "floor_ratio": 1.5,
    "peak_rss_bytes": 4 * GIB,
    "nothing_new_seconds": 5.0,
    "incremental_seconds": {"national": 30.0, "region": 10.0},
}


class BenchError(RuntimeError):
    """The benchmark could not measure what it was asked to (not: a target missed)."""


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')}  {message}", flush=True)


# --- the code under test and the machine -------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def code_under_test(ref: str | None, work: Path) -> dict:
    """The project folder to run (the working tree, or ``ref`` exported with git archive) and its commit."""
    if ref is None:
        try:
            commit = git("rev-parse", "HEAD")
            changed = git(
                "status",
                "--porcelain",
                "--",
                "pipelines",
                "sql",
                "indicators",
                "goals",
                "data/reference",
                "pyproject.toml",
            )
        except (OSError, subprocess.CalledProcessError):
            commit, changed = "unknown", ""
        return {
            "dir": REPO,
            "commit": commit,
            "dirty": bool(changed),
            "source": "working tree",
            "changed_files": len(changed.splitlines()),
        }
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    target = work / "code" / commit
    if not (target / ".exported").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        (target / ".exported").write_text(commit + "\n")
    return {"dir": target, "commit": commit, "dirty": False, "source": f"git archive {ref}", "changed_files": 0}


def label_of(code: dict) -> str:
    return code["commit"][:7] + ("-dirty" if code["dirty"] else "")


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    try:
        free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.strip()
    except OSError:
        free = ""
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError):
        nproc = os.cpu_count()
    versions = {}
    from importlib import metadata

    for package in ("duckdb", "dagster", "great-expectations", "polars", "pyarrow", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return {
        "nproc": nproc,
        "mem_total_gib": round(total_kb / 1024**2, 1),
        "cpu": model,
        "free_g": free,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
    }


# --- subprocesses, timed -----------------------------------------------------------------------


def python_env(code: dict, warehouse: Path | None = None) -> dict:
    env = dict(os.environ)
    env["VARDPULS_PSEUDONYM_KEY"] = BENCH_KEY
    env.pop("VARDPULS_PSEUDONYM_KEY_FILE", None)
    env["PYTHONPATH"] = str(code["dir"]) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if warehouse is not None:
        env["DAGSTER_HOME"] = str(warehouse / "dagster")
    return env


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except (OSError, ValueError):
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry.name))
                except (OSError, ValueError, IndexError):
                    continue
        return found


def memory_of(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in bytes; (0, 0) when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    values = {
        line.split(":")[0]: int(line.split()[1]) * 1024
        for line in status.splitlines()
        if line.startswith(("VmRSS:", "VmHWM:"))
    }
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def tree_rss(pid: int) -> int:
    """VmRSS of a process and every process below it, in bytes (a refresh's Great Expectations process counts)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += memory_of(current)[0]
        todo.extend(children_of(current))
    return total


def last_line(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 4096))
            lines = [line.strip() for line in handle.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:110] if lines else ""


def timed_run(
    label: str, command: list[str], env: dict, cwd: Path, log_path: Path, heartbeat: float, timeout: float | None
) -> dict:
    """Run a command under /usr/bin/time -v, sampling its RSS; wall time, CPU time, peak RSS, samples."""
    time_file = log_path.with_suffix(".time")
    use_time = Path("/usr/bin/time").exists()
    full = ["/usr/bin/time", "-v", "-o", str(time_file), *command] if use_time else command
    samples: list[tuple[float, int]] = []
    loads: list[float] = []
    high_water = tree_peak = 0
    started_epoch, started = time.time(), time.monotonic()
    beat = load_at = started
    with log_path.open("wb") as out:
        process = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(cwd))
        target = None if use_time else process.pid
        try:
            while process.poll() is None:
                if target is None:
                    kids = children_of(process.pid)
                    target = kids[0] if kids else None
                if target is not None:
                    rss, hwm = memory_of(target)
                    high_water = max(high_water, hwm)
                # every process of the run together (the refresh starts Great Expectations in a process of its own)
                rss = tree_rss(process.pid)
                if rss:
                    samples.append((time.time(), rss))
                    tree_peak = max(tree_peak, rss)
                now = time.monotonic()
                if now - load_at >= 5:  # how busy the machine was (others' work counts too)
                    load_at = now
                    loads.append(os.getloadavg()[0])
                if timeout and now - started > timeout:
                    process.kill()
                    raise BenchError(f"{label}: stopped after the timeout of {timeout:.0f} s (log {log_path})")
                if now - beat >= heartbeat:
                    beat = now
                    current = samples[-1][1] / GIB if samples else 0.0
                    log(f"  {label}: {now - started:5.0f} s, RSS {current:.1f} GiB | {last_line(log_path)}")
                time.sleep(0.2)
        except BaseException:
            if process.poll() is None:
                process.kill()
            raise
    wall = time.monotonic() - started
    result = {
        "exit_status": process.returncode,
        "wall_seconds": round(wall, 2),
        "started": started_epoch,
        "ended": time.time(),
        "peak_rss_bytes": high_water,
        "peak_rss_source": "/proc VmHWM, sampled",
        "load_average": {
            "mean": round(sum(loads) / len(loads), 2) if loads else os.getloadavg()[0],
            "max": round(max(loads), 2) if loads else os.getloadavg()[0],
        },
        "log": str(log_path),
    }
    if use_time and time_file.exists():
        measured = parse_time_v(time_file.read_text())
        if measured.get("peak_rss_bytes"):
            result.update(measured, peak_rss_source="/usr/bin/time -v")
    # the peak is the larger of the refresh process's own (exact) and its whole tree's (sampled every 0.2 s)
    result["peak_rss_tree_bytes"] = tree_peak
    if tree_peak > result["peak_rss_bytes"]:
        result.update(peak_rss_bytes=tree_peak, peak_rss_source="sum of VmRSS of the process tree, sampled")
    result["samples"] = samples
    return result


def parse_time_v(text: str) -> dict:
    """The figures of GNU time -v: max RSS, user and system seconds."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if key == "Maximum resident set size (kbytes)":
            out["peak_rss_bytes"] = int(value) * 1024
        elif key == "User time (seconds)":
            out["user_seconds"] = float(value)
        elif key == "System time (seconds)":
            out["system_seconds"] = float(value)
    return out


# --- data --------------------------------------------------------------------------------------

GENERATE = """
import json, sys
from pathlib import Path
from pipelines.synthetic.generate import generate
summary = generate(sys.argv[1], Path(sys.argv[2]), seed=int(sys.argv[3]),
                   progress=lambda message: print(message, file=sys.stderr, flush=True))
print("SUMMARY " + json.dumps(summary))
"""


def inventory(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def generator_hash(code_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((code_dir / "pipelines" / "synthetic").glob("*.py")) + [
        code_dir / "pipelines" / "regional" / "formats.yaml"
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_data(scale: str, seed: int, work: Path, code: dict, heartbeat: float) -> tuple[Path, dict]:
    """The generated landing folder of a scale: reused when complete, else written anew."""
    folder = work / "data" / f"{scale}-seed{seed}"
    marker = work / "data" / f"{scale}-seed{seed}.json"
    wanted = generator_hash(Path(code["dir"]))
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("generator") == wanted and recorded.get("inventory") == inventory(folder):
            log(
                f"{scale}: data reused from {folder} ({recorded['inventory']['bytes'] / 1e9:.2f} GB, "
                f"{recorded['inventory']['files']} files)"
            )
            return folder, dict(recorded["summary"], cached=True, generate_seconds=recorded["seconds"])
        log(f"{scale}: data in {folder} incomplete or from another generator: written again")
    marker.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    log(f"{scale}: generating data into {folder} (national: about a minute, 4.2 GB)")
    run = timed_run(
        f"generate {scale}",
        [sys.executable, "-c", GENERATE, scale, str(folder), str(seed)],
        python_env(code),
        Path(code["dir"]),
        work / "data" / f"{scale}-seed{seed}.log",
        heartbeat,
        None,
    )
    if run["exit_status"] != 0:
        raise BenchError(f"generating {scale} failed (exit status {run['exit_status']}); log {run['log']}")
    text = Path(run["log"]).read_text(encoding="utf-8", errors="replace")
    summary = json.loads(next(line for line in text.splitlines() if line.startswith("SUMMARY "))[8:])
    marker.write_text(
        json.dumps(
            {"generator": wanted, "inventory": inventory(folder), "summary": summary, "seconds": run["wall_seconds"]},
            indent=2,
        )
    )
    return folder, dict(summary, cached=False, generate_seconds=run["wall_seconds"])


def shift_month(month: str, by: int = 1) -> str:
    year, number = int(month[:4]), int(month[5:7]) - 1 + by
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def read_delivery(source: str, path: Path):
    """A delivered file as the generator wrote it, every column as text (Parquet: as typed)."""
    import polars as pl

    from pipelines.synthetic.landing import ENCODING

    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    text = path.read_bytes().decode(ENCODING[source])
    return pl.read_csv(io.BytesIO(text.encode("utf-8")), separator=";", infer_schema=False)


def next_night(data: Path, night: Path) -> list[dict]:
    """The landing of the next night: the same files (hard links) plus a new census day and a new month of
    listings, staffing and ledger, written with the generator's writer.

    The generator simulates 2015..2024 only and cannot write a month after its calendar, so the new
    month is the last delivered month's file with its period set to the next month (the same units,
    employees, accounts and amounts), and the new census day is the last delivered day with its date
    set to the day after.
    """
    import polars as pl

    from pipelines.synthetic.landing import FILE_STEM, write

    shutil.rmtree(night, ignore_errors=True)
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                link = night / folder.name / path.relative_to(folder)
                link.parent.mkdir(parents=True, exist_ok=True)
                # a hard link, with the file's own size and time: a symbolic link leading outside the landing
                # folder is refused by the loader (and a copy would take minutes at national scale)
                try:
                    os.link(path, link)
                except OSError:
                    shutil.copy2(path, link)
    added = []
    for source in (*MONTHLY, "beds"):
        files = sorted((data / source).glob(f"{FILE_STEM[source]}_*"))
        if not files:
            continue
        last = files[-1]
        frame = read_delivery(source, last)
        if source == "beds":
            days = frame["datum"].cast(pl.Utf8)
            day = max(days.to_list())
            new = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
            frame = frame.filter(days == day).with_columns(pl.lit(new).cast(frame.schema["datum"]).alias("datum"))
        else:
            new = shift_month(frame["period"].cast(pl.Utf8).max())
            frame = frame.with_columns(pl.lit(new).cast(frame.schema["period"]).alias("period"))
        path = write(source, frame, night / source, f"{FILE_STEM[source]}_{new}", last.suffix == ".parquet")
        added.append(
            {
                "source": source,
                "file": path.name,
                "from": last.name,
                "period": new,
                "rows": frame.height,
                "bytes": path.stat().st_size,
            }
        )
    return added


# --- one refresh, measured ---------------------------------------------------------------------

REFRESH = "import sys; sys.argv[0] = 'vardpuls'; from pipelines.cli import entry; entry()"


def stage_of(step: str) -> str:
    """The stage of a Dagster step key (an asset key's parts joined by '__'; a suite's checks: '<source>_suite')."""
    if step.startswith("raw__"):
        return "parse_load"
    if step.startswith("staging__") or step.endswith("_suite") or step in ("core__quarantine", "core__source_files"):
        return "validate"
    if step.startswith("publish__") and step != "publish__disclosure_cells":
        return "publish"
    return "compute"


def dagster_runs(home: Path, since: float) -> list[dict]:
    """The runs recorded in DAGSTER_HOME since a time, with each step's start, end and status."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        records = instance.get_run_records(
            filters=dg.RunsFilter(created_after=dt.datetime.fromtimestamp(since - 1, tz=dt.timezone.utc))
        )
        runs = []
        for record in sorted(records, key=lambda r: r.create_timestamp):
            run = record.dagster_run
            steps = {}
            for stats in instance.get_run_step_stats(run.run_id):
                if stats.start_time is None or stats.end_time is None:
                    continue
                steps[stats.step_key] = {
                    "start": stats.start_time,
                    "end": stats.end_time,
                    "seconds": round(stats.end_time - stats.start_time, 3),
                    "status": stats.status.value if stats.status else None,
                }
            runs.append(
                {
                    "job": run.job_name,
                    "run_id": run.run_id,
                    "status": run.status.value,
                    "start": record.start_time,
                    "end": record.end_time,
                    "steps": steps,
                }
            )
        return runs
    finally:
        instance.dispose()


def refresh(
    label: str,
    landing: Path,
    warehouse: Path,
    code: dict,
    run_dir: Path,
    heartbeat: float,
    timeout: float | None,
    nothing_new: bool = False,
) -> dict:
    """One refresh, measured; it must publish (or, ``nothing_new``, say there is nothing new and run no job)."""
    command = [sys.executable, "-c", REFRESH, "refresh", "--landing", str(landing), "--warehouse", str(warehouse)]
    log(f"{label}: vardpuls refresh --landing {landing} --warehouse {warehouse}")
    release_before = (warehouse / "current").resolve() if (warehouse / "current").exists() else None
    measured = timed_run(
        label,
        command,
        python_env(code, warehouse),
        Path(code["dir"]),
        run_dir / f"{label.replace(' ', '-')}.log",
        heartbeat,
        timeout,
    )
    samples = measured.pop("samples")
    runs = dagster_runs(warehouse / "dagster", measured["started"])
    if nothing_new:
        said = "nothing new" in Path(measured["log"]).read_text(encoding="utf-8", errors="replace")
        if runs or not said or measured["exit_status"] != 0 or (warehouse / "current").resolve() != release_before:
            raise BenchError(
                f"{label}: expected 'nothing new', no run and the same release; got exit status "
                f"{measured['exit_status']}, {len(runs)} runs; log {measured['log']}"
            )
        log(f"{label}: {measured['wall_seconds']:.1f} s, nothing new, no run, the release as it was")
        return {
            **measured,
            "published": False,
            "exit_meaning": "nothing new",
            "failed_steps": [],
            "stages": {stage: 0.0 for stage in STAGES[:-1]} | {"overhead": measured["wall_seconds"]},
            "stage_peak_rss_bytes": {},
            "steps": {},
            "runs": [],
        }
    publish_runs = [r for r in runs if r["job"] == "publish"]
    published = bool(publish_runs) and publish_runs[-1]["steps"].get("publish__release", {}).get("status") == "SUCCESS"
    manifest_path = warehouse / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    if not published or manifest.get("run_id") != publish_runs[-1]["run_id"]:  # (published implies a run)
        raise BenchError(
            f"{label}: nothing was published (exit status {measured['exit_status']}); log {measured['log']}"
        )
    steps = {}
    for run in runs:
        for key, step in run["steps"].items():
            peak = max((rss for at, rss in samples if step["start"] <= at <= step["end"]), default=0)
            steps[key] = {
                "job": run["job"],
                "seconds": step["seconds"],
                "status": step["status"],
                "stage": stage_of(key),
                "peak_rss_bytes": peak,
            }
    stages = {stage: 0.0 for stage in STAGES}
    stage_peaks = {stage: 0 for stage in STAGES}
    for step in steps.values():
        stages[step["stage"]] += step["seconds"]
        stage_peaks[step["stage"]] = max(stage_peaks[step["stage"]], step["peak_rss_bytes"])
    stages["overhead"] = max(0.0, measured["wall_seconds"] - sum(stages.values()))
    failed = sorted(key for key, step in steps.items() if step["status"] != "SUCCESS")
    summary = {
        **measured,
        "published": True,
        # exit 1 with the publish done: rows quarantined by a blocking rule, or a step failed (failed_steps)
        "exit_meaning": "ok"
        if measured["exit_status"] == 0
        else (f"steps failed: {', '.join(failed)}" if failed else "rows quarantined or a blocking rule broken"),
        "failed_steps": failed,
        "stages": {stage: round(seconds, 2) for stage, seconds in stages.items()},
        "stage_peak_rss_bytes": stage_peaks,
        "steps": dict(sorted(steps.items(), key=lambda item: -item[1]["seconds"])),
        "runs": [{"job": r["job"], "run_id": r["run_id"], "status": r["status"]} for r in runs],
        "published_tables": {name: table.get("rows") for name, table in manifest.get("tables", {}).items()},
        "recomputed_tables": sorted(
            name for name, table in manifest.get("tables", {}).items() if table.get("computed") not in (None, "none")
        ),
    }
    top = ", ".join(f"{key} {step['seconds']:.0f} s" for key, step in list(summary["steps"].items())[:3])
    log(
        f"{label}: {measured['wall_seconds']:.1f} s, peak RSS {summary['peak_rss_bytes'] / GIB:.2f} GiB, exit "
        f"{measured['exit_status']}, published; slowest steps: {top}"
    )
    return summary


def floor(landing: Path, run_dir: Path, code: dict, heartbeat: float, timeout: float | None) -> dict:
    out = run_dir / "floor.json"
    command = [
        sys.executable,
        str(HERE / "floor.py"),
        "--landing",
        str(landing),
        "--work",
        str(run_dir / "floor"),
        "--json",
        str(out),
        "--key",
        BENCH_KEY,
        "--code",
        str(code["dir"]),
    ]
    log(f"floor: bench/floor.py --landing {landing}")
    measured = timed_run("floor", command, python_env(code), REPO, run_dir / "floor.log", heartbeat, timeout)
    measured.pop("samples")
    if measured["exit_status"] != 0 or not out.exists():
        raise BenchError(f"the floor failed (exit status {measured['exit_status']}); log {measured['log']}")
    result = json.loads(out.read_text())
    summary = {
        **measured,
        "stages": result["stages"],
        "sql_seconds": result["seconds"],
        "rows": result["rows"],
        "statements": result.get("statements", []),
        "database": str(run_dir / "floor" / "floor.duckdb"),
    }
    log(
        f"floor: {measured['wall_seconds']:.1f} s, peak RSS {measured['peak_rss_bytes'] / GIB:.2f} GiB ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in result["stages"].items())
        + ")"
    )
    return summary


def floor_agrees(floor_db: Path, analyst_db: Path) -> dict:
    """The floor's indicator values against the pipeline's published ones (same rows, same numbers?)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{analyst_db}' AS p (READ_ONLY)").fetchall()
        con.execute(f"ATTACH '{floor_db}' AS f (READ_ONLY)").fetchall()
        checked = {}
        for indicator in FLOOR_INDICATORS:
            pipeline, own, matched, worst = con.execute(
                """
                WITH a AS (SELECT area_code, coalesce(unit_id, '') AS unit, period, numerator, denominator
                           FROM p.indicator_values
                           WHERE indicator_id = $1 AND sex = 'T' AND age_group = 'all' AND category = 'all'),
                     b AS (SELECT area_code, coalesce(unit_id, '') AS unit, period, numerator, denominator
                           FROM f.indicator_values WHERE indicator_id = $1)
                SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b),
                       (SELECT count(*) FROM a JOIN b USING (area_code, unit, period)),
                       (SELECT max(greatest(abs(a.numerator - b.numerator) / greatest(abs(a.numerator), 1),
                                            abs(coalesce(a.denominator, 0) - coalesce(b.denominator, 0))
                                                / greatest(abs(a.denominator), 1)))
                        FROM a JOIN b USING (area_code, unit, period))""",
                [indicator],
            ).fetchall()[0]
            checked[indicator] = {
                "pipeline_rows": pipeline,
                "floor_rows": own,
                "matched_rows": matched,
                "max_relative_difference": worst,
                "same": pipeline == own == matched and (worst or 0) < 1e-9,
            }
        return checked
    finally:
        con.close()


EQUIVALENCE = """
import json, sys
from pathlib import Path
from pipelines.content import content_fingerprints, differences
a, b = content_fingerprints(Path(sys.argv[1])), content_fingerprints(Path(sys.argv[2]))
print("RESULT " + json.dumps({"tables": len(b), "differ": {t: [str(x), str(y)] for t, (x, y) in differences(a, b).items()}}))
"""


def equivalence(nights: Path, full: Path, code: dict) -> dict:
    """The published content of two analyst databases compared (pipelines/content.py of the code under test)."""
    done = subprocess.run(
        [sys.executable, "-c", EQUIVALENCE, str(nights), str(full)],
        env=python_env(code),
        cwd=str(code["dir"]),
        capture_output=True,
        text=True,
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"comparing the published content failed: {done.stderr.strip()[-500:]}")
    return json.loads(line[7:])


# --- one scale ---------------------------------------------------------------------------------


def bench_scale(scale: str, args: argparse.Namespace, code: dict, host: dict) -> dict:
    log(f"=== {scale} ===")
    data, generated = ensure_data(scale, args.seed, args.work, code, args.heartbeat)
    run_dir = args.work / "runs" / f"{scale}-{time.strftime('%Y%m%dT%H%M%S')}"
    run_dir.mkdir(parents=True)
    warehouse = run_dir / "warehouse"
    result = {
        "scale": scale,
        "seed": args.seed,
        "commit": code["commit"],
        "dirty": code["dirty"],
        "code": code["source"],
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": host,
        "load_average_before": list(os.getloadavg()),
        "data": {
            "folder": str(data),
            "rows": generated["rows"],
            "bytes": generated["bytes"],
            "files": generated["files"],
            "total_rows": sum(generated["rows"].values()),
            "total_bytes": sum(generated["bytes"].values()),
            "cached": generated["cached"],
            "generate_seconds": generated["generate_seconds"],
        },
    }
    result["floor"] = floor(data, run_dir, code, args.heartbeat, args.timeout)
    result["full"] = refresh("full refresh", data, warehouse, code, run_dir, args.heartbeat, args.timeout)
    result["floor_agrees"] = floor_agrees(Path(result["floor"]["database"]), warehouse / "analyst.duckdb")
    if not all(check["same"] for check in result["floor_agrees"].values()):
        log("WARNING: the floor's indicators differ from the pipeline's: " + json.dumps(result["floor_agrees"]))
    if not args.keep:
        shutil.rmtree(run_dir / "floor", ignore_errors=True)
    night = run_dir / "next-night"
    added = next_night(data, night)
    log("next night: " + ", ".join(f"{a['source']} {a['period']} ({a['rows']:,} rows)" for a in added))
    result["incremental"] = refresh("next night", night, warehouse, code, run_dir, args.heartbeat, args.timeout)
    result["incremental"]["new_files"] = added
    result["nothing_new"] = refresh(
        "nothing new", night, warehouse, code, run_dir, args.heartbeat, args.timeout, nothing_new=True
    )
    # same answer either way: everything the nights published, from one full refresh of the same files
    again = run_dir / "warehouse-full-again"
    result["full_again"] = refresh("full again", night, again, code, run_dir, args.heartbeat, args.timeout)
    result["equivalence"] = equivalence(warehouse / "analyst.duckdb", again / "analyst.duckdb", code)
    if result["equivalence"]["differ"]:
        log(
            "WARNING: the nights published other content than one full refresh of the same files: "
            + json.dumps(result["equivalence"]["differ"], default=str)
        )
    else:
        log(f"same answer either way: {result['equivalence']['tables']} published tables with the same content")
    result["load_average_after"] = list(os.getloadavg())
    result["ratios"] = {
        "full_to_floor": round(result["full"]["wall_seconds"] / result["floor"]["wall_seconds"], 2),
        "incremental_to_full": round(result["incremental"]["wall_seconds"] / result["full"]["wall_seconds"], 3),
        "peak_rss_to_floor": round(result["full"]["peak_rss_bytes"] / max(result["floor"]["peak_rss_bytes"], 1), 2),
    }
    if not args.keep:
        for folder in (warehouse, again, night):
            shutil.rmtree(folder, ignore_errors=True)
    result["run_dir"] = str(run_dir)
    return result


# --- report ------------------------------------------------------------------------------------


def busy(measured: dict) -> str:
    """The mean 1-minute load average during a run (2 = both cores busy), or '' when not recorded."""
    load = (measured.get("load_average") or {}).get("mean")
    return f"{load:.1f}" if load is not None else ""


def table(results: list[dict]) -> str:
    head = (
        f"{'scale':<9}{'run':<13}{'wall s':>8}"
        + "".join(f"{STAGE_TITLES[s]:>11}" for s in STAGES)
        + f"{'peak RSS':>11}{'exit':>6}{'load':>6}"
    )
    lines = [head, "-" * len(head)]  # load: mean 1-minute load average during the run (2 cores)
    for r in results:
        for kind in RUNS:
            m = r.get(kind)
            if not m:
                continue
            lines.append(
                f"{r['scale']:<9}{RUN_TITLES[kind]:<13}{m['wall_seconds']:>8.1f}"
                + "".join(f"{m['stages'][s]:>11.1f}" for s in STAGES)
                + f"{m['peak_rss_bytes'] / GIB:>8.2f} GiB{m['exit_status']:>5}{busy(m):>6}"
            )
        f = r["floor"]
        lines.append(
            f"{r['scale']:<9}{'floor':<13}{f['wall_seconds']:>8.1f}   "
            + ", ".join(f"{k} {f['stages'].get(k, 0):.1f}" for k in FLOOR_STAGES)
            + f"{'':>4}{f['peak_rss_bytes'] / GIB:>8.2f} GiB{'':>5}{busy(f):>6}"
        )
        same = not (r.get("equivalence") or {}).get("differ", True)
        lines.append(
            f"{'':<9}full / floor = {r['ratios']['full_to_floor']:.1f}; data {r['data']['total_rows']:,} rows, "
            f"{r['data']['total_bytes'] / 1e9:.2f} GB; floor's indicators "
            + (
                "equal the pipeline's"
                if all(c["same"] for c in r["floor_agrees"].values())
                else "DIFFER from the pipeline's"
            )
            + "; nights = one full refresh: "
            + ("yes" if same else "NO")
        )
        for kind in ("full", "incremental"):
            slow = list(r[kind]["steps"].items())[:6]
            lines.append(
                f"{'':<9}slowest steps ({RUN_TITLES[kind]}): " + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in slow)
            )
    return "\n".join(lines)


def growth(results: list[dict]) -> dict | None:
    """How time grew from the smaller scale to the larger, against how the data grew."""
    by_scale = {r["scale"]: r for r in results}
    if "region" not in by_scale or "national" not in by_scale:
        return None
    small, big = by_scale["region"], by_scale["national"]
    rows = big["data"]["total_rows"] / small["data"]["total_rows"]
    data_bytes = big["data"]["total_bytes"] / small["data"]["total_bytes"]
    full = big["full"]["wall_seconds"] / small["full"]["wall_seconds"]
    incremental = big["incremental"]["wall_seconds"] / small["incremental"]["wall_seconds"]
    floor_time = big["floor"]["wall_seconds"] / small["floor"]["wall_seconds"]
    return {
        "rows": round(rows, 1),
        "bytes": round(data_bytes, 1),
        "full": round(full, 1),
        "incremental": round(incremental, 1),
        "floor": round(floor_time, 1),
        "full_per_rows": round(full / rows, 2),
    }


def verdicts(results: list[dict], grown: dict | None) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every scale run (BENCHMARKS.md's targets)."""
    out = []
    for r in results:
        scale = r["scale"]
        peak = max(r[kind]["peak_rss_bytes"] for kind in RUNS if r.get(kind))
        out += [
            (
                f"{scale} full refresh <= {TARGETS['floor_ratio']} x the floor of the same run",
                f"{r['full']['wall_seconds']:.0f} s / {r['floor']['wall_seconds']:.0f} s = {r['ratios']['full_to_floor']:.2f} x",
                r["ratios"]["full_to_floor"] <= TARGETS["floor_ratio"],
            ),
            (f"{scale} peak memory <= 4 GiB", f"{peak / GIB:.2f} GiB", peak <= TARGETS["peak_rss_bytes"]),
        ]
        limit = TARGETS["incremental_seconds"].get(scale)
        if limit is not None:
            out.append(
                (
                    f"{scale} next night <= {limit:.0f} s",
                    f"{r['incremental']['wall_seconds']:.1f} s",
                    r["incremental"]["wall_seconds"] <= limit,
                )
            )
        out.append(
            (
                f"{scale} nothing new <= {TARGETS['nothing_new_seconds']:.0f} s",
                f"{r['nothing_new']['wall_seconds']:.1f} s",
                r["nothing_new"]["wall_seconds"] <= TARGETS["nothing_new_seconds"],
            )
        )
        out.append(
            (
                f"{scale} the nights publish what one full refresh publishes",
                "same content"
                if not r["equivalence"]["differ"]
                else "differ: " + ", ".join(r["equivalence"]["differ"]),
                not r["equivalence"]["differ"],
            )
        )
        if not all(check["same"] for check in r["floor_agrees"].values()):
            out.append((f"{scale} the floor's indicators equal the pipeline's", "they differ", False))
    return out


def write_results(results: list[dict], folder: Path, code: dict) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for r in results:
        for name in (f"{r['scale']}-{label_of(code)}.json", f"{r['scale']}-latest.json"):
            path = folder / name
            path.write_text(json.dumps(r, indent=2, default=str) + "\n", encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark vardpuls: full and incremental refresh per scale, per stage, with peak memory, "
        "against a plain DuckDB SQL floor over the same files.",
        epilog="Run it niced on a shared machine: nice -n 10 .venv/bin/python bench/run.py. National scale: about "
        "4.2 GB of data and, today, some 10 minutes and 17 GB of memory per refresh; run one at a time.",
    )
    parser.add_argument(
        "--scale",
        action="append",
        choices=SCALES,
        help="scale to run; repeat for several (default: region and national)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help="folder for generated data, warehouses and logs, outside the repository (default: %(default)s)",
    )
    parser.add_argument(
        "--results", type=Path, default=DEFAULT_RESULTS, help="folder for the results JSON (default: bench/results/)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="generator seed (default: %(default)s)")
    parser.add_argument(
        "--ref", metavar="GIT_REF", help="benchmark this commit (exported with git archive) instead of the working tree"
    )
    parser.add_argument("--keep", action="store_true", help="keep the warehouses and the floor's database")
    parser.add_argument("--timeout", type=float, help="stop a refresh or the floor after this many seconds")
    parser.add_argument(
        "--heartbeat",
        type=float,
        default=30.0,
        help="seconds between progress lines during a run (default: %(default)s)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is not met")
    args = parser.parse_args(argv)
    scales = sorted(set(args.scale or ["region", "national"]), key=SCALES.index)
    args.work = args.work.resolve()
    if args.work == REPO or REPO in args.work.parents:
        parser.error(f"--work {args.work} is inside the repository; generated data goes outside it")
    args.work.mkdir(parents=True, exist_ok=True)

    code = code_under_test(args.ref, args.work)
    host = machine()
    log(
        f"vardpuls benchmark: {', '.join(scales)}; code {code['source']} at {label_of(code)}; "
        f"{host['nproc']} cores, {host['mem_total_gib']} GiB; work folder {args.work}"
    )
    results = []
    try:
        for scale in scales:
            results.append(bench_scale(scale, args, code, host))
    except BenchError as error:
        log(f"benchmark FAILED: {error}")
        return 2
    grown = growth(results)
    for r in results:
        r["growth_region_to_national"] = grown
    written = write_results(results, args.results, code)
    print()
    print(table(results))
    if grown:
        print(
            f"\nregion -> national: data x{grown['rows']} rows (x{grown['bytes']} bytes); full refresh "
            f"x{grown['full']}, incremental x{grown['incremental']}, floor x{grown['floor']}"
        )
    print("\ntargets (BENCHMARKS.md):")
    judged = verdicts(results, grown)
    for target, measured, met in judged:
        print(f"  {'met    ' if met else 'NOT met'}  {target}: {measured}")
    print("\nresults: " + ", ".join(str(p) for p in written))
    return 1 if args.strict and not all(met for _, _, met in judged) else 0


if __name__ == "__main__":
    sys.exit(main())
