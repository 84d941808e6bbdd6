"""`vardpuls retract` and `vardpuls acknowledge`: an operator's decisions about a delivery, recorded in
decisions.yaml (pipelines/decisions.py) and carried out by a refresh started at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

EXIT_USAGE = 2
RETRACTABLE = ("regional", "scb")  # Kolada's pages are replaced by fetching them again


def add_operator_parsers(commands, paths) -> None:
    retract = commands.add_parser(
        "retract",
        help="take a delivered file's rows out of the warehouse and recompute what they fed",
        description="Retract the loaded version of a delivered file: its rows are taken out of the warehouse "
        "(and so out of the quarantine), the periods it delivered are recomputed and published without it (a period "
        "it replaced is then missing until it is delivered again; an SCB file gives way to the version before it). "
        "While the landed file keeps the same bytes it is not loaded again; a corrected file loads as usual. The "
        "decision is kept in <warehouse>/decisions.yaml (remove the entry to undo it) and published as table "
        "decisions.",
    )
    acknowledge = commands.add_parser(
        "acknowledge",
        help="accept a file's quarantined rows, so they no longer fail the night",
        description="Acknowledge the quarantine of a delivered file (one rule with --rule, else every rule): its "
        "rows stay held out of the facts and listed in table quarantine (acknowledged = true), but no longer make "
        "the refresh exit 1. Kept in <warehouse>/decisions.yaml and published as table decisions.",
    )
    for command in (retract, acknowledge):
        command.add_argument(
            "file",
            metavar="SOURCE/FILE",
            help="the file as landed: <source>/<path> under the "
            "landing folder (as table source_files names it), or its path",
        )
        command.add_argument("--reason", required=True, help="why, for whoever reads the decisions later")
        command.add_argument(
            "--no-refresh", action="store_true", help="only record the decision; the next refresh carries it out"
        )
        paths(command)
    acknowledge.add_argument("--rule", help="only this rule's rows (a rule id of table quality_rules)")


def run_decision(args: argparse.Namespace, landing: Path, warehouse: Path, refresh) -> int:
    """Record the decision under the writer lock and, unless --no-refresh, refresh at once (``refresh()``)."""
    from pipelines.decisions import DecisionsError, add_decision, load_decisions
    from pipelines.lock import EXIT_BUSY, WarehouseBusy, writer_lock

    command = f"vardpuls {args.command}"
    try:
        source, relative = _target(args.file, landing)
        with writer_lock(warehouse, f"{command} (PID {_pid()})"):
            decided = load_decisions(warehouse)
            decision = (_retraction if args.command == "retract" else _acknowledgement)(
                args, source, relative, warehouse, decided
            )
            path = add_decision(warehouse, decision)
            print(f"{command}: {_describe(decision)}; recorded in {path}", flush=True)
            if args.no_refresh:
                print(f"{command}: the next refresh carries it out (vardpuls refresh)")
                return 0
            return refresh()
    except _Refused as refused:
        print(f"{command}: {refused}", file=sys.stderr)
        return EXIT_USAGE
    except DecisionsError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except WarehouseBusy as busy:
        print(f"{command}: {busy}", file=sys.stderr)
        return EXIT_BUSY


class _Refused(ValueError):
    """The decision cannot be made as asked: what was expected."""


def _pid() -> int:
    import os

    return os.getpid()


def _target(text: str, landing: Path) -> tuple[str, str]:
    """(source, path relative to <landing>/<source>/) of a file named as SOURCE/FILE or by its path."""
    from pipelines.sources import sources

    path = Path(text)
    if path.exists():
        try:
            text = path.resolve().relative_to(landing.resolve()).as_posix()
        except ValueError:
            raise _Refused(f"{text} is not under the landing folder {landing}") from None
    source, _, relative = text.strip("/").partition("/")
    known = sources()
    if source not in known or not relative:
        raise _Refused(f"{text}: expected SOURCE/FILE, SOURCE one of {', '.join(known)}")
    return source, relative


def _live(warehouse: Path) -> duckdb.DuckDBPyConnection:
    from pipelines.plan import LIVE_DATABASE, LIVE_DIR

    live = warehouse / LIVE_DIR / LIVE_DATABASE
    if not live.is_file():
        raise _Refused(f"the warehouse {warehouse} has not been refreshed yet: nothing is loaded")
    return duckdb.connect(str(live), read_only=True)


def _retraction(args, source: str, relative: str, warehouse: Path, decided):
    from pipelines.decisions import new_decision
    from pipelines.sources import sources

    kind = sources()[source].kind
    if kind not in RETRACTABLE:
        raise _Refused(f"{source}: its files cannot be retracted (fetch them again: vardpuls fetch {source})")
    register = "raw.regional_files WHERE source = ? AND" if kind == "regional" else f"raw.{source}_files WHERE"
    params = [source] if kind == "regional" else []
    with _live(warehouse) as con:
        try:
            found = con.execute(
                f"SELECT sha256 FROM {register} source_file = ? ORDER BY file_version_id DESC LIMIT 1",
                [*params, relative],
            ).fetchall()
            rows = (
                con.execute(
                    f"SELECT count(*) FROM raw.{source} WHERE source_file = ? AND source_sha256 = ?",
                    [relative, found[0][0]],
                ).fetchall()[0][0]
                if found
                else 0
            )
        except duckdb.CatalogException:
            found = []
    if not found:
        raise _Refused(f"{source}/{relative} is not loaded in the warehouse (table source_files lists what is)")
    sha = found[0][0]
    if any(d.action == "retract" and (d.source, d.file, d.sha256) == (source, relative, sha) for d in decided):
        raise _Refused(f"{source}/{relative} (sha256 {sha[:12]}…) is retracted already (table decisions)")
    print(f"vardpuls retract: {source}/{relative}: its loaded version (sha256 {sha[:12]}…) holds {rows:,} rows")
    return new_decision("retract", source, relative, args.reason, sha256=sha)


def _acknowledgement(args, source: str, relative: str, warehouse: Path, decided):
    from pipelines.decisions import new_decision

    with _live(warehouse) as con:
        try:
            held = dict(
                con.execute(
                    "SELECT rule, count(*) FROM core.quarantine WHERE source = ? AND source_file = ? GROUP BY rule "
                    "ORDER BY rule",
                    [source, relative],
                ).fetchall()
            )
        except duckdb.CatalogException:
            held = {}
    if not held:
        raise _Refused(f"{source}/{relative} has no quarantined rows: nothing to acknowledge (table quarantine)")
    if args.rule and args.rule not in held:
        raise _Refused(f"{source}/{relative} has no rows quarantined by rule {args.rule}; its rules: {', '.join(held)}")
    covers = lambda d: (  # noqa: E731
        d.action == "acknowledge" and (d.source, d.file) == (source, relative) and d.rule in (None, args.rule)
    )
    if any(covers(d) for d in decided):
        raise _Refused(f"{source}/{relative}: its quarantine is acknowledged already (table decisions)")
    rows = held[args.rule] if args.rule else sum(held.values())
    print(f"vardpuls acknowledge: {source}/{relative}: {rows:,} quarantined rows ({', '.join(held)})")
    return new_decision("acknowledge", source, relative, args.reason, rule=args.rule)


def _describe(decision) -> str:
    what = f"{decision.source}/{decision.file}"
    if decision.action == "retract":
        return f"{what} retracted (sha256 {decision.sha256[:12]}…)"
    return f"{what}: quarantine acknowledged" + (f" for rule {decision.rule}" if decision.rule else "")
