"""Compare benchmark results with the recorded figures; exit 1 when any got more than 20 % worse.

    .venv/bin/python bench/compare.py                                  # bench/results/*-latest.json
    .venv/bin/python bench/compare.py bench/results/national-1a2b3c4.json
    .venv/bin/python bench/compare.py --record bench/results/region-latest.json bench/results/national-latest.json

Compared, per scale, where both the result and the record have them: the wall time of the full refresh, the
next night's and the night with nothing new, each of their stages (parse+load, validate, compute, publish, overhead), their CPU
time (user + system), their peak memory, and the full refresh's ratio to the floor (with the CPU time,
the figures that hold best on a busier machine). A figure
is a regression when it is more than --threshold (default 20 %) above the recorded one and also more
than a small absolute slack above it (--min-seconds, --min-mib), so that a stage of a second does not
flag on scheduling noise. Lower is better for every figure.

--record writes the given results into the record (bench/recorded.json), replacing those scales:
do that when a change is meant to move the figures, and commit bench/recorded.json with BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded.json"
RESULTS = HERE / "results"
STAGES = ("parse_load", "validate", "compute", "publish", "overhead")
MIB = 1024**2


def figures(result: dict) -> dict[str, tuple[float, str]]:
    """name -> (value, kind) for every compared figure the result has; kind: seconds, bytes or ratio."""
    out: dict[str, tuple[float, str]] = {}
    for run in ("full", "incremental", "nothing_new"):
        measured = result.get(run) or {}
        if "wall_seconds" in measured:
            out[f"{run} wall"] = (float(measured["wall_seconds"]), "seconds")
        for stage in STAGES:
            if stage in (measured.get("stages") or {}):
                out[f"{run} {stage}"] = (float(measured["stages"][stage]), "seconds")
        if "user_seconds" in measured and "system_seconds" in measured:  # less sensitive to others' load
            out[f"{run} cpu"] = (float(measured["user_seconds"]) + float(measured["system_seconds"]), "seconds")
        if "peak_rss_bytes" in measured:
            out[f"{run} peak memory"] = (float(measured["peak_rss_bytes"]), "bytes")
    ratio = (result.get("ratios") or {}).get("full_to_floor")
    if ratio is not None:
        out["full / floor"] = (float(ratio), "ratio")
    return out


def show(value: float, kind: str) -> str:
    if kind == "bytes":
        return f"{value / 1024**3:.2f} GiB"
    if kind == "ratio":
        return f"{value:.2f} x"
    return f"{value:.1f} s"


def compare(
    result: dict, recorded: dict, threshold: float, min_seconds: float, min_bytes: float
) -> tuple[list[str], list[str]]:
    """(report lines, regressions) of one result against the record of its scale."""
    now, then = figures(result), figures(recorded)
    slack = {"seconds": min_seconds, "bytes": min_bytes, "ratio": 0.0}
    lines = [f"{'figure':<24}{'recorded':>12}{'now':>12}{'change':>9}"]
    regressions = []
    for name, (value, kind) in now.items():
        if name not in then:
            continue
        before = then[name][0]
        change = (value - before) / before if before else 0.0
        worse = value > before * (1 + threshold) and value - before > slack[kind]
        lines.append(
            f"{name:<24}{show(before, kind):>12}{show(value, kind):>12}{change:>+8.0%}"
            + ("  REGRESSION" if worse else "")
        )
        if worse:
            regressions.append(
                f"{result.get('scale')}: {name} {show(value, kind)} against {show(before, kind)} "
                f"recorded ({change:+.0%})"
            )
    floor_now = (result.get("floor") or {}).get("wall_seconds")
    floor_then = (recorded.get("floor") or {}).get("wall_seconds")
    if floor_now and floor_then:
        change = (floor_now - floor_then) / floor_then
        lines.append(
            f"{'(floor, for reference)':<24}{show(floor_then, 'seconds'):>12}{show(floor_now, 'seconds'):>12}"
            f"{change:>+8.0%}"
        )
        if change > threshold:
            lines.append(
                f"note: the floor itself is {change:.0%} slower than recorded: the machine was busier or "
                "slower in this run; the ratio to the floor is the fairer figure"
            )
    return lines, regressions


def load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        sys.exit(f"compare: {path} does not exist")
    except json.JSONDecodeError as error:
        sys.exit(f"compare: {path} is not JSON: {error}")


def record(paths: list[Path], recorded_path: Path) -> int:
    book = json.loads(recorded_path.read_text(encoding="utf-8")) if recorded_path.exists() else {}
    book.setdefault(
        "about",
        "Figures recorded by bench/compare.py --record from bench/run.py results; "
        "see BENCHMARKS.md. bench/compare.py flags a figure more than 20 % worse.",
    )
    scales = book.setdefault("scales", {})
    for path in paths:
        result = load(path)
        scales[result["scale"]] = result
        print(
            f"recorded {result['scale']}: commit {result.get('commit', '?')[:7]}"
            f"{' (dirty)' if result.get('dirty') else ''}, {result.get('date')}, from {path}"
        )
    recorded_path.write_text(json.dumps(book, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Exit status: 0 no regression, 1 a regression, 2 nothing to compare.",
    )
    parser.add_argument(
        "results",
        nargs="*",
        type=Path,
        help="results JSON of bench/run.py (default: bench/results/<scale>-latest.json of every "
        "recorded scale that has one)",
    )
    parser.add_argument("--recorded", type=Path, default=RECORDED, help="the record (default: bench/recorded.json)")
    parser.add_argument(
        "--threshold", type=float, default=0.20, help="worse by more than this share flags (default: %(default)s)"
    )
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=1.0,
        help="a time must also be this many seconds worse (default: %(default)s)",
    )
    parser.add_argument(
        "--min-mib",
        type=float,
        default=64.0,
        help="a peak memory must also be this many MiB worse (default: %(default)s)",
    )
    parser.add_argument(
        "--record", action="store_true", help="write the given results into the record instead of comparing"
    )
    args = parser.parse_args(argv)

    if args.record:
        if not args.results:
            parser.error("--record needs the results to record")
        return record(args.results, args.recorded)
    book = load(args.recorded)
    recorded = book.get("scales", {})
    paths = args.results or [
        RESULTS / f"{scale}-latest.json" for scale in recorded if (RESULTS / f"{scale}-latest.json").exists()
    ]
    if not paths:
        print(
            f"compare: no results to compare (run bench/run.py first; recorded scales: "
            f"{', '.join(recorded) or 'none'})",
            file=sys.stderr,
        )
        return 2
    regressions: list[str] = []
    compared = 0
    for path in paths:
        result = load(path)
        scale = result.get("scale")
        if scale not in recorded:
            print(f"{path}: no recorded figures for scale {scale!r}; not compared")
            continue
        base = recorded[scale]
        print(
            f"\n{scale}: {path.name} (commit {str(result.get('commit'))[:7]}{'-dirty' if result.get('dirty') else ''}, "
            f"{result.get('date')}) against the record (commit {str(base.get('commit'))[:7]}, {base.get('date')}, "
            f"{base.get('machine', {}).get('nproc', '?')} cores, {base.get('machine', {}).get('mem_total_gib', '?')} GiB)"
        )
        lines, found = compare(result, base, args.threshold, args.min_seconds, args.min_mib * MIB)
        print("\n".join(lines))
        regressions += found
        compared += 1
    if not compared:
        return 2
    if regressions:
        print(
            f"\ncompare: REGRESSION: {len(regressions)} figure(s) more than {args.threshold:.0%} worse than recorded:",
            file=sys.stderr,
        )
        for line in regressions:
            print(f"  {line}", file=sys.stderr)
        print(
            "If the change is intended, re-record: .venv/bin/python bench/compare.py --record <results.json> "
            "and update BENCHMARKS.md.",
            file=sys.stderr,
        )
        return 1
    print(f"\ncompare: no figure more than {args.threshold:.0%} worse than recorded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
