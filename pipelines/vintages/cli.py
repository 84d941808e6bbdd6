"""`vardpuls diff` (``add_diff_parser``, ``run_diff``) and `vardpuls goals --as-of` (``run_goals_as_of``).

The parser is made for every command, so this module imports nothing heavy: the comparison (pipelines/vintages/
diff.py, which reads through the warehouse's SQL helpers) is imported when a command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import settings

DEFAULT_LIMIT = 40


def add_diff_parser(commands: argparse._SubParsersAction) -> None:
    """The ``diff`` command on the ``vardpuls`` parser's sub-commands."""
    diff = commands.add_parser(
        "diff",
        help="what changed between two releases, and why",
        description="Compare two releases: every published indicator value, Kolada value and goal status that is "
        "new, revised, withdrawn, newly withheld or computed by a new definition version, with its "
        "numbers before and after, for a ratio the numerator's and the denominator's part of the move, "
        "and its cause as far as the lineage shows it (which source file version replaced which, a new "
        "definition version, a Kolada revision or deletion). Reads the published analyst.duckdb "
        "read-only, so it works while a refresh runs; old releases may have been pruned, their history "
        "is kept.",
        epilog="A release is its name (20260301T021503-1a2b3c4d) or the start of it, its publish run id, a date "
        "(2026-03-01: the release published last that day, Stockholm's date), a time (2026-03-01 08:00), "
        "latest or previous. Examples: `vardpuls diff` (the last release against the one before); "
        "`vardpuls diff 2026-03-01` (what was published on 1 March against now); `vardpuls diff 2026-03-01 "
        "latest --indicator occupancy --csv changes.csv`; `vardpuls diff --digest` (the digest in Swedish). "
        "Exit status 0, or 1 when a release is not in the history.",
    )
    diff.add_argument("before", nargs="?", metavar="FROM", help="the earlier release (default: the one before TO)")
    diff.add_argument("after", nargs="?", metavar="TO", help="the later release (default: the latest)")
    diff.add_argument(
        "--warehouse",
        metavar="DIR",
        help=f"warehouse folder (default: $VARDPULS_WAREHOUSE, else {settings.DEFAULT_WAREHOUSE}/)",
    )
    diff.add_argument("--indicator", metavar="ID", help="only this indicator, Kolada KPI or goal")
    diff.add_argument("--area", metavar="CODE", help="only this area (SCB code: 00, 19, 1980)")
    diff.add_argument(
        "--change", metavar="KIND", help="only this kind of change, e.g. 'revised value', 'status changed'"
    )
    shown = diff.add_mutually_exclusive_group()
    shown.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"changes to list (default {DEFAULT_LIMIT}; the counts cover all of them)",
    )
    shown.add_argument("--all", action="store_true", help="list every change")
    diff.add_argument(
        "--csv", metavar="FILE", type=Path, help="also write every change (filtered) to FILE as CSV for Swedish Excel"
    )
    diff.add_argument(
        "--digest",
        action="store_true",
        help='print TO\'s digest in Swedish (Markdown: "Vad har ändrats sedan förra publiceringen")',
    )
    diff.add_argument("--releases", action="store_true", help="list the releases of the history and stop")


def run_diff(args: argparse.Namespace) -> int:
    from pipelines.vintages.diff import DiffError, change_rows, changes, counts, open_published, releases, resolve

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_dir()
    try:
        con, release_dir = open_published(warehouse)
    except DiffError as error:
        print(f"vardpuls diff: {error}", file=sys.stderr)
        return 1
    try:
        known = releases(con)
        if args.releases:
            print(_release_list(known))
            return 0
        after = resolve(con, args.after, known) if args.after else known[-1]
        if args.digest:
            from pipelines.vintages.digest import read_digest, to_markdown

            print(to_markdown(read_digest(con, after.name)), end="")
            return 0
        if args.before:
            before = resolve(con, args.before, known)
            if args.after is None and before.name == after.name:
                raise DiffError(f"{before.name} is the latest release: give an earlier one, or no release at all")
        elif after.previous:
            before = next(r for r in known if r.name == after.previous)
        else:
            raise DiffError(
                f"{after.name} is the first release of the history: there is nothing before it to compare with"
            )
        if before.name == after.name:
            print(f"vardpuls diff: {before.name} against itself: nothing changed")
            return 0
        table = changes(con, before, after)
        limit = None if args.all else args.limit
        rows, total = change_rows(con, table, args.indicator, args.area, args.change, limit)
        decimals = dict(con.execute("SELECT indicator_id, decimals FROM indicators").fetchall())
        print(_header(before, after, release_dir))
        print(_counts(counts(con, table)))
        if rows:
            print()
            print("\n".join(_row(r, decimals) for r in rows))
        if total > len(rows):
            print(f"\n({len(rows):,} of {total:,} changes listed: --all lists every one, --csv FILE writes them)")
        elif not total:
            print("\nNo change" + (" matches the filters." if args.indicator or args.area or args.change else "."))
        if args.csv:
            _write_csv(con, table, args)
            print(f"\nwritten: {args.csv.resolve()} ({total:,} changes; ';' and decimal commas for Swedish Excel)")
        return 0
    except DiffError as error:
        print(f"vardpuls diff: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()


def run_goals_as_of(args: argparse.Namespace) -> int:
    """`vardpuls goals --as-of MOMENT`: the goal table as the release current then published it."""
    from pipelines.goals.report import QUERY, format_progress
    from pipelines.vintages.diff import DiffError, open_published, releases, resolve

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_dir()
    region = args.region.strip().zfill(2) if args.region else None
    try:
        con, _ = open_published(warehouse)
    except DiffError as error:
        print(f"vardpuls goals: {error}", file=sys.stderr)
        return 1
    try:
        known = releases(con)
        release = resolve(con, args.as_of, known)
        # the published goal_progress as that release had it, under its own name for the report's query
        con.execute(
            "CREATE TEMP TABLE goal_progress AS SELECT * FROM goal_progress_as_of(?::VARCHAR)",
            [release.published_at.isoformat()],
        ).fetchall()
        query = QUERY.replace("FROM goal_progress p", "FROM temp.main.goal_progress p")
        assert query != QUERY, "pipelines/goals/report.py's QUERY no longer reads goal_progress as p"
        cursor = con.execute(query, {"region": region})
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    except DiffError as error:
        print(f"vardpuls goals: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    from pipelines.report.swedish import stockholm_time
    from pipelines.vintages.diff import _is_moment

    when = f", the release current at {args.as_of}" if _is_moment(args.as_of) else ""
    print(f"As published in release {release.name} ({stockholm_time(release.published_at)} Stockholm time){when}:\n")
    print(format_progress(rows))
    return 0


# ------------------------------------------------------------------------------------------------ printing


def _header(before, after, release_dir: Path) -> str:
    from pipelines.report.swedish import stockholm_time

    return (
        f"vardpuls diff: {before.name} ({stockholm_time(before.published_at)}) -> {after.name} "
        f"({stockholm_time(after.published_at)}), Stockholm time\n"
        f"  read from {release_dir / 'analyst.duckdb'}\n"
    )


def _counts(rows: list[tuple]) -> str:
    if not rows:
        return "Nothing changed."
    width = max(len(change) for _, change, _, _ in rows)
    lines = [
        f"  {measure:<10} {change:<{width}} {n:>9,}" + (f"   ({w:,} with a warning)" if w else "")
        for measure, change, n, w in rows
    ]
    total, warnings = sum(r[2] for r in rows), sum(r[3] for r in rows)
    lines.append(
        f"Changes: {total:,}; warnings: {warnings:,} (release_changes.anomaly; quality_results, suite releases)"
    )
    return "\n".join(lines)


def _row(r: dict, decimals: dict) -> str:
    d = decimals.get(r["indicator_id"], 2) if r["measure"] == "indicator" else 2
    what = r["goal_id"] if r["measure"] == "goal" else r["indicator_id"]
    where = " ".join(
        x
        for x in (
            r["area_code"],
            r["unit_id"],
            r["period"],
            r["sex"],
            None if r["age_group"] in (None, "all") else r["age_group"],
            None if r["category"] in (None, "all") else r["category"],
        )
        if x
    )
    if r["measure"] == "goal":
        numbers = f"{r['status_before'] or '-'} -> {r['status_after'] or '-'}"
    else:
        numbers = (
            f"{_number(r['value_before'], d, r['suppressed_before'])} -> "
            f"{_number(r['value_after'], d, r['suppressed_after'])}"
        )
        if r.get("move_share") is not None:
            numbers += f" ({100 * r['move_share']:+.1f} %)"
        if r.get("denominator_effect") is not None and r.get("numerator_effect") is not None:
            numbers += (
                f"; numerator {r['numerator_effect']:+,.{d + 1}f}, denominator {r['denominator_effect']:+,.{d + 1}f}"
            )
    line = f"{r['measure']:<9} {what}  {where}  {r['change']}: {numbers}"
    detail = r.get("cause_detail") or r.get("cause")
    if detail:
        line += f"\n          cause: {detail}"
    if r.get("anomaly"):
        line += f"\n          WARNING: {r['anomaly']}"
    return line


def _number(value, decimals: int, suppressed) -> str:
    if value is None:
        return "suppressed" if suppressed else "-"
    return f"{value:,.{max(decimals, 0)}f}"


def _release_list(known) -> str:
    from pipelines.report.swedish import stockholm_time

    lines = [f"{'release':<26} {'made (Stockholm)':<17} {'changes':>8} {'warnings':>8}  previous"]
    for r in known:
        lines.append(
            f"{r.name:<26} {stockholm_time(r.published_at):<17} {r.changes:>8,} {r.warnings:>8,}  {r.previous or '-'}"
        )
    return "\n".join(lines)


def _write_csv(con, table: str, args: argparse.Namespace) -> None:
    from pipelines.exports import write_excel_csv

    where, params = ["true"], []
    for column, value in (("indicator_id", args.indicator), ("area_code", args.area), ("change", args.change)):
        if value:
            where.append(f"{column} = ?" if column != "indicator_id" else "(indicator_id = ? OR goal_id = ?)")
            params += [value] if column != "indicator_id" else [value, value]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE diff_export AS SELECT * EXCLUDE (source_files), "
        f"CAST(to_json(source_files) AS VARCHAR) AS source_files FROM {table} WHERE {' AND '.join(where)}",
        params,
    ).fetchall()
    write_excel_csv(con, "diff_export", args.csv.resolve())
