"""The `vardpuls` command line: refresh the warehouse, start the Dagster UI on it, and the other commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from pipelines import settings

# No telemetry (no network); runs started by the schedule or the sensor wait in a queue one at a time,
# because the live DuckDB file has one writer.
DAGSTER_YAML = "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n"
EXIT_BUSY = 75  # EX_TEMPFAIL (pipelines.lock): another refresh or a reader holds the warehouse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vardpuls",
        description="Indicator warehouse for following up the shift to god och nära vård.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    refresh = commands.add_parser(
        "refresh",
        help="load what landed, compute what it changed, publish",
        description="Load the files under the landing folder that are new or changed, validate them and build, for "
        "the periods they touch, the facts, the indicators and the goals, then publish a release "
        "(analyst.duckdb, Parquet, CSV) and the report. With nothing new it says so and changes nothing.",
        epilog=f"Exit status: 0 when everything loaded and no blocking rule failed (warnings allowed); 1 when a "
        "source was blocked (a file refused), rows were quarantined by a blocking rule, or a step failed "
        f"(whatever could be published is published either way); {EXIT_BUSY} when another refresh or a reader "
        "holds the warehouse (nothing was changed; try again later).",
    )
    _paths(refresh)
    refresh.add_argument(
        "--rehash",
        action="store_true",
        help="read and hash every landed file, even those whose size and time are unchanged",
    )
    loudness = refresh.add_mutually_exclusive_group()
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="a line per file loaded and per relation built, besides one per source",
    )
    loudness.add_argument("-q", "--quiet", action="store_true", help="only the summary at the end (and warnings)")

    ui = commands.add_parser(
        "ui",
        help="start the Dagster UI (webserver and daemon) on this workspace",
        description="Start `dagster dev` on workspace.yaml: the asset graph, runs, schedules and sensors.",
    )
    _paths(ui)
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    ui.add_argument("--port", type=int, default=3000, help="port to listen on (default: %(default)s)")

    generate = commands.add_parser(
        "generate",
        help="write deterministic synthetic data in every source's format",
        description="Write synthetic landing data (SCB population and projections, organisation register, "
        "listings, staffing, cost, bed census) calibrated to published figures. Every row says it is "
        "synthetic, and every value built on it is flagged synthetic in the warehouse.",
    )
    if _command_of(argv) == "generate":  # (the generator's imports are heavy: only when it is the command)
        from pipelines.synthetic.generate import add_arguments

        add_arguments(generate)

    goals = commands.add_parser(
        "goals",
        help="print each goal's progress from the published analyst.duckdb",
        description="Print the published goal_progress (baseline, latest value, target, required and observed "
        "yearly change, projection to the deadline, year of attainment, status) as a table per "
        "region. Reads <warehouse>/analyst.duckdb read-only, so it works while a refresh runs.",
    )
    goals.add_argument("--region", metavar="CODE", help="only this region's goals (SCB county code, e.g. 19)")
    goals.add_argument(
        "--warehouse",
        metavar="DIR",
        help=f"warehouse folder (default: $VARDPULS_WAREHOUSE, else {settings.DEFAULT_WAREHOUSE}/)",
    )
    goals.add_argument(
        "--as-of",
        metavar="DATE",
        help="the goal table as it was published then: a date (2026-03-01, the release published last "
        "that day), a time (2026-03-01 08:00) or a release name (`vardpuls diff --releases` "
        "lists them)",
    )

    from pipelines.fetch.cli import add_fetch_parser

    add_fetch_parser(commands)
    from pipelines.vintages.cli import add_diff_parser

    add_diff_parser(commands)
    from pipelines.operator_cli import add_operator_parsers

    add_operator_parsers(commands, _paths)

    args = parser.parse_args(argv)
    if args.command == "fetch":
        from pipelines.fetch.cli import run_fetch

        return run_fetch(args)
    if args.command == "generate":
        return run_generate(args)
    if args.command == "goals":
        if args.as_of:
            from pipelines.vintages.cli import run_goals_as_of

            return run_goals_as_of(args)
        return run_goals(args)
    if args.command == "diff":
        from pipelines.vintages.cli import run_diff

        return run_diff(args)
    landing, warehouse = _resolve_paths(args)
    if args.command in ("retract", "acknowledge"):
        from pipelines.operator_cli import run_decision

        return run_decision(args, landing, warehouse, lambda: run_refresh(landing, warehouse))
    if args.command == "refresh":
        level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
        return run_refresh(landing, warehouse, rehash=args.rehash, level=level)
    return run_ui(landing, warehouse, args.host, args.port)


def _version() -> str:
    from pipelines.runs import code_version

    return code_version()


def _paths(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--landing",
        metavar="DIR",
        help=f"landing folder with one sub-folder per source (default: $VARDPULS_LANDING, else "
        f"{settings.DEFAULT_LANDING}/)",
    )
    command.add_argument(
        "--warehouse",
        metavar="DIR",
        help=f"warehouse folder for the live database and what is published (default: $VARDPULS_WAREHOUSE, "
        f"else {settings.DEFAULT_WAREHOUSE}/)",
    )


def _resolve_paths(args: argparse.Namespace) -> tuple[Path, Path]:
    if args.landing:
        os.environ["VARDPULS_LANDING"] = str(Path(args.landing).resolve())
    if args.warehouse:
        os.environ["VARDPULS_WAREHOUSE"] = str(Path(args.warehouse).resolve())
    landing, warehouse = settings.landing_dir(), settings.warehouse_dir()
    os.environ["VARDPULS_LANDING"], os.environ["VARDPULS_WAREHOUSE"] = str(landing), str(warehouse)
    if not landing.is_dir():
        sys.exit(f"vardpuls: landing folder {landing} does not exist (give --landing DIR or set VARDPULS_LANDING)")
    warehouse.mkdir(parents=True, exist_ok=True)
    _dagster_home(warehouse)
    return landing, warehouse


def _dagster_home(warehouse: Path) -> Path:
    """Runs are recorded under DAGSTER_HOME (default <warehouse>/dagster), so the UI shows CLI refreshes too."""
    home = Path(os.environ.get("DAGSTER_HOME") or warehouse / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_goals(args: argparse.Namespace) -> int:
    from pipelines.goals.report import NotPublished, format_progress, read_progress

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_dir()
    region = args.region.strip().zfill(2) if args.region else None
    try:
        rows = read_progress(warehouse, region)
    except NotPublished as error:
        print(f"vardpuls goals: {error}", file=sys.stderr)
        return 1
    print(format_progress(rows))
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from pipelines.synthetic.generate import generate

    started = time.monotonic()
    summary = generate(
        args.scale,
        Path(args.out),
        seed=args.seed,
        progress=lambda message: print(f"{time.strftime('%H:%M:%S')}  {message}", flush=True),
    )
    print(
        f"\nvardpuls generate: {args.scale} scale written to {Path(args.out).resolve()} in "
        f"{time.monotonic() - started:.1f} s (SYNTHETIC data)"
    )
    print(
        f"Refresh a warehouse from it with: vardpuls refresh --landing {args.out} --warehouse "
        f"{Path(args.out).resolve().parent / (Path(args.out).name + '-warehouse')}"
    )
    return 0 if summary is not None else 1


def run_refresh(landing: Path, warehouse_root: Path, rehash: bool = False, level: int = logging.INFO) -> int:
    from pipelines.lock import WarehouseBusy, writer_lock
    from pipelines.plan import News, news, remember_state
    from pipelines.quality import gx_process
    from pipelines.quality.suites import SUITES_DIR

    if level <= logging.INFO:
        print(f"vardpuls refresh: landing {landing}\n                  warehouse {warehouse_root}", flush=True)
    started = time.monotonic()
    try:
        with writer_lock(warehouse_root, f"vardpuls refresh (PID {os.getpid()})"):
            new = News(["--rehash: every landed file is read again"], None) if rehash else news(landing, warehouse_root)
            if not new.reasons:
                print(
                    f"vardpuls refresh: nothing new since the last refresh ({_current_release(warehouse_root)}); "
                    "the publication stands as it is",
                    flush=True,
                )
                return 0
            # until this refresh has run through, the record says unclean: one killed midway (after its files were
            # recorded as landed) makes the next one run every step instead of finding nothing new
            remember_state(warehouse_root, False)
            if new.sources is None or any((SUITES_DIR / f"{source}.yaml").is_file() for source in new.sources):
                gx_process.warm()  # the audit's Great Expectations imported on the other core while the rest starts
            code, clean = _refresh(landing, warehouse_root, rehash, level, started, new)
            remember_state(warehouse_root, clean)
            return code
    except WarehouseBusy as busy:
        print(f"vardpuls refresh: {busy}", file=sys.stderr)
        return EXIT_BUSY


def _current_release(root: Path) -> str:
    current = root / "current"
    return f"release {current.resolve().name}" if current.is_symlink() else "no release yet"


def _refresh(landing: Path, warehouse_root: Path, rehash: bool, level: int, started: float, new) -> tuple[int, bool]:
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.event_log import keep_open
    from pipelines.graph.raw import REHASH_TAG
    from pipelines.graph.selection import downstream_of_sources, job_selection
    from pipelines.progress import show_on_terminal
    from pipelines.publish import MANIFEST
    from pipelines.warehouse import Warehouse

    show_on_terminal(level)
    if level <= logging.INFO:
        print("                  " + "; ".join(new.reasons), flush=True)
    defs = build_definitions(Warehouse(landing_dir=str(landing), warehouse_dir=str(warehouse_root)))
    # new files are all that is new: only what reads their sources runs (pipelines/graph/selection.py)
    wanted = None if new.sources is None else downstream_of_sources(defs.resolve_asset_graph(), new.sources)
    # the assets report progress through pipelines.progress; Dagster's own console stays quiet
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    tags = {REHASH_TAG: "true"} if rehash else {}

    def run(name: str, run_tags: dict):
        job = defs.resolve_job_def(name)
        return job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=quiet,
            tags=run_tags,
            asset_selection=job_selection(job, wanted) or None,
        )

    with dg.DagsterInstance.get() as instance:
        keep_open(instance.event_log_storage)  # (pipelines/event_log.py: ~1,000 events a night)
        result = run("refresh", tags)
        # derive and publish whatever became of the refresh: a refused source keeps what it had published
        follow = {"vardpuls/refresh_run": result.run_id}
        derived = run("derive", follow)
        published = run("publish", follow)
    elapsed = time.monotonic() - started
    failures = _failures(result) + _failures(derived)
    clean = result.success and derived.success and published.success
    if not published.success and _metadata(published, "publish/release") == {}:
        print(
            f"\nvardpuls refresh: publishing FAILED (run {published.run_id}); what was published before is unchanged:",
            file=sys.stderr,
        )
        for line in _failures(published) + failures:
            print(f"  {line}", file=sys.stderr)
        return 1, clean
    failures += _failures(published)
    manifest = json.loads((warehouse_root / MANIFEST).read_text(encoding="utf-8"))
    print(_summary(result, derived, published, manifest, elapsed, new.sources), flush=True)
    if failures:
        print(
            f"\nvardpuls refresh: {_count(len(failures), 'step')} FAILED (run {result.run_id}); what they feed "
            "keeps what was published before:",
            file=sys.stderr,
        )
        for line in failures:
            print(f"  {line}", file=sys.stderr)
        return 1, clean
    refused = [
        e
        for source in sources_of(result)
        for e in (_metadata(result, f"raw/{source}").get("not_read") or [])
        if e["refused"]
    ]
    if refused:
        print(
            f"\nvardpuls refresh: {_count(len(refused), 'landed entry', 'landed entries')} refused (listed above "
            "under their source; nothing of them was read); everything else is published. Exit status 1.",
            file=sys.stderr,
        )
        return 1, clean
    if _quarantine_fails(published, manifest):
        print(
            "\nvardpuls refresh: rows broke blocking rules and were quarantined (see above and the table "
            "quarantine); everything else is published. Exit status 1. Once a quarantine is dealt with: "
            "vardpuls retract SOURCE/FILE (take the delivery out) or vardpuls acknowledge SOURCE/FILE (accept it).",
            file=sys.stderr,
        )
        return 1, clean
    return 0, clean


def sources_of(result) -> list[str]:
    """The sources whose raw load ran in the refresh."""
    return [
        key.path[1] for key in (e.asset_key for e in result.get_asset_materialization_events()) if key.path[0] == "raw"
    ]


def _command_of(argv: list[str] | None) -> str | None:
    """The sub-command the arguments name (the first word that is not an option)."""
    return next((word for word in (sys.argv[1:] if argv is None else argv) if not word.startswith("-")), None)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _quarantine_fails(published, manifest: dict) -> bool:
    """Rows a blocking rule held back that no operator has acknowledged, or a blocking rule the GX audit found broken
    in a source with no quarantined rows at all (the two engines disagree: never passed over)."""
    held = _quarantined(manifest)
    if any(rows > acknowledged for *_, rows, acknowledged in held):
        return True
    quality = _metadata(published, "publish/data_docs").get("failed") or {}
    audited = {s for s, rules in quality.items() for o in rules.values() if o["severity"] == "blocking"}
    return bool(audited - {source for source, *_ in held})


def _failure_of(result, step_key: str) -> str | None:
    """The one-line reason a step failed, or None."""
    for event in result.all_events:
        if event.is_step_failure and event.step_key == step_key:
            data = event.step_failure_data
            if data.user_failure_data and data.user_failure_data.description:
                return data.user_failure_data.description
            return (
                (
                    data.error.cause.message
                    if data.error and data.error.cause
                    else data.error.message
                    if data.error
                    else "failed"
                )
                .strip()
                .splitlines()[0]
            )
    return None


def _failures(result) -> list[str]:
    lines = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        user = data.user_failure_data
        # an expected failure (bad input) is one clear line; anything else keeps its stack trace
        message = user.description if user and user.description else data.error.to_string().strip()
        lines.append(f"{event.step_key}: {message}")
    if not lines and not result.success:
        lines.append("the run failed before any step ran; see the Dagster UI (vardpuls ui) for the run log")
    return lines


def _summary(result, derived, published, manifest: dict, elapsed: float, changed: frozenset | None = None) -> str:
    from pipelines.landing import is_expected
    from pipelines.lineage import RETRACTED
    from pipelines.sources import sources

    names = list(sources())
    width = max(len(n) for n in names) + 2
    lines = [f"\nvardpuls refresh: done in {elapsed:.1f} s (run {result.run_id})", "", "Sources:"]
    blocked = {}
    for source in names:
        raw = _metadata(result, f"raw/{source}")
        if changed is not None and source not in changed:
            lines.append(f"  {source:<{width}}no new or changed files: not read")
        elif not raw:
            blocked[source] = _failure_of(result, f"raw__{source}") or "not loaded"
            lines.append(f"  {source:<{width}}REFUSED: {blocked[source]}")
        elif raw.get("files_seen", 0) == 0:
            lines.append(f"  {source:<{width}}no files in {raw.get('landing_folder')}: skipped")
        else:
            lines.append(
                f"  {source:<{width}}{_count(raw['files_seen'], 'file')} ({raw['files_loaded']:,} loaded, "
                f"{raw['files_unchanged']:,} unchanged), {_count(raw['rows_loaded'], 'row')} loaded"
            )
        not_read = raw.get("not_read") or []
        for entry in (e for e in not_read if e["refused"]):  # someone must act: a link outside, a device, a name
            lines.append(f"  {'':<{width}}REFUSED {entry['file']}: {entry['reason']}")
        if retracted := [e for e in not_read if e["reason"].startswith(RETRACTED)]:
            lines.append(
                f"  {'':<{width}}{_count(len(retracted), 'file')} retracted, not loaded (decisions.yaml; e.g. "
                f"{retracted[0]['file']})"
            )
        # (documentation and hidden files are expected beside the data: named with -v, not here)
        if skipped := [
            e for e in not_read if not e["refused"] and not is_expected(e) and not e["reason"].startswith(RETRACTED)
        ]:
            lines.append(
                f"  {'':<{width}}{_count(len(skipped), 'entry', 'entries')} not data, not read "
                f"(e.g. {skipped[0]['file']}: {skipped[0]['reason']})"
            )
        for page in raw.get("pages_missing") or []:  # Kolada: a page says more exist, no file holds them
            lines.append(f"  {'':<13}{page['file']} says more pages exist; the next is not landed: {page['next_page']}")
    landing = Path(os.environ["VARDPULS_LANDING"])
    unread = (
        sorted(p.name for p in landing.iterdir() if p.is_dir() and p.name not in names and not p.name.startswith("."))
        if landing.is_dir()
        else []
    )
    for name in unread:
        lines.append(f"  {name:<{width}}no reader for this folder yet: not loaded")
    held = _quarantined(manifest)
    if held:
        lines += [
            "",
            f"Quarantined: {sum(rows for *_, rows, _ in held):,} rows broke a blocking rule and are held out of the "
            "facts (table quarantine: file, row, column, value):",
        ]
        lines += [
            f"  {source:<13}{rows:>9,} rows  {rule}: {title}{_acknowledged(rows, acknowledged)}"
            for source, rule, title, rows, acknowledged in held
        ]
    incomplete, not_computed = _incomplete(manifest)
    if incomplete:
        lines += [
            "",
            f"Incomplete deliveries (against the organisation register; table coverage): "
            f"{_count(not_computed, 'indicator value')} not computed, never from part of a delivery:",
        ]
        lines += [f"  {source:<13}{note}" for source, note in incomplete[:INCOMPLETE_SHOWN]]
        if len(incomplete) > INCOMPLETE_SHOWN:
            lines.append(f"  {'':<13}... and {len(incomplete) - INCOMPLETE_SHOWN:,} more months (table coverage)")
    if blocked:
        lines += ["", "Blocked (a file refused: nothing of the source loaded; what reads it keeps what was published):"]
        lines += [f"  {source:<{width}}{reason}" for source, reason in blocked.items()]
    notes = [note for run in (result, derived) if run is not None for note in _notes(run)]
    if notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in notes]
    quality = _metadata(published, "publish/data_docs")
    if quality.get("data_docs"):
        failed = quality.get("failed") or {}
        warnings = [
            (suite, rule, o)
            for suite, rules in failed.items()
            for rule, o in rules.items()
            if o["severity"] == "warning"
        ]
        audit = [
            (suite, rule, o)
            for suite, rules in failed.items()
            for rule, o in rules.items()
            if o["severity"] == "blocking"
        ]
        lines += ["", f"Data quality (Great Expectations; Data Docs: {quality['data_docs']}):"]
        if not failed:
            lines.append("  every rule of every suite passed")
        for suite, rule, outcome in audit:
            lines.append(f"  {suite:<13}blocking {outcome['rows']:>9,} rows  {rule}: {outcome['title']}")
        for suite, rule, outcome in warnings:
            lines.append(f"  {suite:<13}warning  {outcome['rows']:>9,} rows  {rule}: {outcome['title']}")
    values = {"synthetic_values": _synthetic_values(manifest)}
    lines += [
        "",
        "Published (open these; the live vardpuls.duckdb is the pipeline's own):",
        f"  analyst DuckDB   {manifest['analyst_database']}",
    ]
    width = max(len(name) for name in manifest["tables"])
    for name, table in manifest["tables"].items():
        state = "" if table.get("changed", True) else "  (unchanged)"
        lines.append(f"  {name:<{width}}  {table['rows']:>9,} rows  {table['parquet']}{state}")
    for name, reason in (manifest.get("not_published") or {}).items():
        lines.append(f"  {name:<{width}}  not published: not built yet, what it is computed from has never loaded")
    if values.get("synthetic_values"):
        lines += [
            "",
            f"NOTE: {values['synthetic_values']:,} indicator values are built on SYNTHETIC data "
            "(column synthetic = true): never report them as real.",
        ]
    built = _metadata(published, "publish/report")
    if built.get("index"):
        lines += [
            "",
            "Follow-up report (static HTML, one page per region; opens offline in a browser):",
            f"  {built['index']}",
        ]
    return "\n".join(lines)


# months of incomplete deliveries the summary names one by one; the table coverage has them all
INCOMPLETE_SHOWN = 20


def _incomplete(manifest: dict) -> tuple[list[tuple[str, str]], int]:
    """(source, what is missing) per county and month of the published coverage, and how many indicator values
    are not computed for it; nothing when the tables are not published."""
    import duckdb

    if "coverage" not in manifest["tables"] or "indicator_values" not in manifest["tables"]:
        return [], 0
    with duckdb.connect(manifest["analyst_database"], read_only=True) as con:
        notes = con.execute(
            "SELECT source, note FROM coverage WHERE unit_id IS NULL AND length(period) = 7 "
            "AND NOT complete ORDER BY area_code, period, source"
        ).fetchall()
        not_computed = con.execute("SELECT count(*) FROM indicator_values WHERE NOT complete").fetchall()[0][0]
    return notes, not_computed


def _quarantined(manifest: dict) -> list[tuple]:
    """(source, rule, title, rows, rows acknowledged) of the published quarantine, by source and rule."""
    import duckdb

    with duckdb.connect(manifest["analyst_database"], read_only=True) as con:
        return con.execute(
            "SELECT source, rule, any_value(rule_title), count(*), count(*) FILTER (WHERE acknowledged) "
            "FROM quarantine GROUP BY source, rule ORDER BY source, rule"
        ).fetchall()


def _acknowledged(rows: int, acknowledged: int) -> str:
    if not acknowledged:
        return ""
    return "  (acknowledged)" if acknowledged == rows else f"  ({acknowledged:,} of them acknowledged)"


def _synthetic_values(manifest: dict) -> int:
    import duckdb

    with duckdb.connect(manifest["analyst_database"], read_only=True) as con:
        return con.execute("SELECT count(*) FROM indicator_values WHERE synthetic").fetchall()[0][0]


def _notes(result) -> list[str]:
    """The notes relations reported after their build (sql/notes/), in the order they were built."""
    return [
        line
        for event in result.get_asset_materialization_events()
        for line in (
            event.materialization.metadata.get("notes").value if "notes" in event.materialization.metadata else []
        )
    ]


def _metadata(result, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() == asset:
            return {k: v.value for k, v in event.materialization.metadata.items()}
    return {}


def run_ui(landing: Path, warehouse: Path, host: str, port: int) -> int:
    workspace = settings.PROJECT_ROOT / "workspace.yaml"
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-w", str(workspace), "-h", host, "-p", str(port)]
    print(
        f"vardpuls ui: http://{host}:{port}  (landing {landing}, warehouse {warehouse}, "
        f"DAGSTER_HOME {os.environ['DAGSTER_HOME']})",
        flush=True,
    )
    os.chdir(settings.PROJECT_ROOT)
    os.execv(command[0], command)
    return 0  # not reached


def entry() -> None:
    """The console script: run, flush, and leave without interpreter finalisation.

    Once Great Expectations has run in the process, duckdb's type constants are reported as
    "leaked" by nanobind while the interpreter shuts down: harmless, but it would end every
    refresh with an alarming message. Everything is closed and flushed before leaving.
    """
    try:
        code = main()
    except SystemExit as stop:  # argparse and clear usage errors
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
            code = 1
        else:
            code = stop.code or 0
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    entry()
