"""`vardpuls fetch kolada|scb`: the fetches on the command line (``add_fetch_parser``, ``run_fetch``)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from pipelines import settings
from pipelines.fetch import kolada, scb
from pipelines.fetch.landing import FetchReport, FetchStateError
from pipelines.fetch.selection import SelectionError, parse_years

log = logging.getLogger("vardpuls")


def add_fetch_parser(commands: argparse._SubParsersAction) -> None:
    """The ``fetch`` command and its two sources, on the ``vardpuls`` parser's sub-commands."""
    fetch = commands.add_parser(
        "fetch",
        help="fetch Kolada or SCB through their APIs into the landing area",
        description="Fetch the public sources through their APIs into the landing area, in the formats the "
        "warehouse reads: new files beside the earlier ones (nothing is overwritten), and only what "
        "changed since the last fetch. Then run `vardpuls refresh` to load them.",
    )
    sources = fetch.add_subparsers(dest="source", required=True, metavar="SOURCE")

    k = sources.add_parser(
        "kolada",
        help="Kolada's KPI values and metadata (API v3) into <landing>/kolada/",
        description="Fetch Kolada's values (API v3) for KPIs and areas into <landing>/kolada/<fetch time>/, one file "
        "per page as the API returns it, and the KPIs' metadata. Without --kpi or --group: the 76 KPIs of "
        f"SKR's yearly health-care report (KPI group {kolada.DEFAULT_GROUP}) for Riket and the 21 regions. "
        "A KPI fetched before asks only for the values changed since (from_date); values Kolada has "
        "removed come marked deleted and are written too.",
        epilog='Kolada\'s terms: the data is free to use, also commercially; cite "Källa: Kolada" (and not where '
        "you have processed the values yourself). Exit status 0 when everything asked was fetched "
        "(warnings allowed, e.g. an unknown KPI id), 1 when a request failed.",
    )
    k.add_argument(
        "--kpi",
        nargs="+",
        action="extend",
        metavar="ID",
        help="KPI ids to fetch, e.g. N70845 U70425 (also comma-separated; with --group: both)",
    )
    k.add_argument(
        "--group",
        metavar="ID",
        help=f"fetch the members of this KPI group (default {kolada.DEFAULT_GROUP} when no --kpi is given)",
    )
    k.add_argument(
        "--areas",
        choices=("regions", "all"),
        default="regions",
        help="regions: Riket and the 21 regions (default); all: and the 290 municipalities",
    )
    k.add_argument(
        "--years",
        metavar="YEARS",
        help="only these years: 2016-2025, 2016-, 2020,2022 (default: every year Kolada has)",
    )
    k.add_argument(
        "--since",
        metavar="DATE",
        type=_date,
        help="ask every KPI only for values changed since DATE (YYYY-MM-DD), whatever was fetched before",
    )
    k.add_argument("--full", action="store_true", help="ask for every value, whatever was fetched before")
    k.add_argument(
        "--api-url", metavar="URL", help=f"Kolada API v3 base (default: ${kolada.API_ENV}, else {kolada.DEFAULT_API})"
    )
    _landing_option(k)

    tables = scb.statistics()
    s = sources.add_parser(
        "scb",
        help="SCB's population or projection (PxWebApi 2.0) into <landing>/population*/",
        description="Fetch SCB's population (BE0101, into <landing>/population/) or projection (BE0401, into "
        "<landing>/population_projections/) by region, single year of age and sex, through PxWebApi 2.0, "
        "in requests under the service's cell limit, each answer written as SCB sent it (JSON-stat 2.0 "
        "or CSV) with the table's metadata beside it. A table not updated by SCB since the last fetch "
        "is not asked again.",
        epilog="Tables: "
        + "; ".join(f"{name} ({d['title']}): {', '.join(t['id'] for t in d['tables'])}" for name, d in tables.items())
        + ". Exit status 0 when everything asked was fetched, 1 when a request failed.",
    )
    s.add_argument(
        "--table", choices=list(tables), default="BE0101", help="BE0101 population (default) or BE0401 projection"
    )
    s.add_argument(
        "--table-id",
        nargs="+",
        action="extend",
        metavar="TAB",
        help="ask these PxWebApi table ids instead of the statistic's tables (e.g. a table SCB added)",
    )
    s.add_argument(
        "--region",
        default="all",
        metavar="CODE",
        help="all (default: Riket, the counties, the municipalities); 00 (Riket and the counties); a county "
        "code such as 19 (the county and its municipalities); or a municipality code",
    )
    s.add_argument(
        "--years",
        metavar="YEARS",
        help=f"2015-2024, 2020-, 2023,2024 (default: the last {scb.DEFAULT_YEARS} years the tables have)",
    )
    s.add_argument(
        "--format",
        choices=tuple(scb.FORMATS),
        default="json-stat2",
        dest="output_format",
        help="json-stat2 (default) or csv (PxWebApi v2 CSV, codes only)",
    )
    s.add_argument("--full", action="store_true", help="ask again even if SCB has not updated the table")
    s.add_argument(
        "--api-url", metavar="URL", help=f"PxWebApi 2.0 base (default: ${scb.API_ENV}, else {scb.DEFAULT_API})"
    )
    _landing_option(s)


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``vardpuls fetch <source>``: progress on stderr, the report on stdout; 0 when nothing failed."""
    handler = _show_progress()
    try:
        return _run(args)
    finally:
        if handler is not None:
            log.removeHandler(handler)


def _run(args: argparse.Namespace) -> int:
    landing = _landing(args)
    if landing is None:
        return 1
    try:
        years = parse_years(args.years) if args.years else None
        if args.source == "kolada":
            print(f"vardpuls fetch kolada: {kolada.api_base(args.api_url)} -> {landing / kolada.FOLDER}", flush=True)
            report = kolada.fetch_kolada(
                landing,
                kpis=args.kpi,
                group=args.group,
                areas=args.areas,
                years=years,
                since=args.since,
                full=args.full,
                api=args.api_url,
            )
        else:
            print(f"vardpuls fetch scb: {scb.api_base(args.api_url)} -> {landing}", flush=True)
            report = scb.fetch_scb(
                landing,
                statistic=args.table,
                region=args.region,
                years=years,
                table_ids=args.table_id,
                output_format=args.output_format,
                full=args.full,
                api=args.api_url,
            )
    except (SelectionError, FetchStateError) as error:
        print(f"vardpuls fetch {args.source}: {error}", file=sys.stderr)
        return 1
    print(summary(report, landing), flush=True)
    if report.errors:
        print(
            f"\nvardpuls fetch {args.source}: {len(report.errors)} error{'s' if len(report.errors) > 1 else ''}; "
            "what was fetched completely is written and remembered, the rest is asked again next time:",
            file=sys.stderr,
        )
        for line in report.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def summary(report: FetchReport, landing: Path) -> str:
    retried = sum(a.outcome == "retried" for a in report.requests)
    lines = ["", f"{len(report.requests)} requests to {report.api}" + (f" ({retried} retried)" if retried else "")]
    lines += [f"  {note}" for note in report.notes]
    if report.files:
        lines += ["", f"Written ({len(report.files)} files, in {report.folder}):"]
        lines += [f"  {name}" for name in report.files]
    else:
        lines += ["", f"Nothing new written to {report.folder}."]
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  {warning}" for warning in report.warnings]
    if report.files:
        source = "Källa: Kolada. " if report.source == "kolada" else "Källa: SCB. "
        lines += ["", f"{source}Load them with: vardpuls refresh --landing {landing}"]
    return "\n".join(lines)


def _landing_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--landing",
        metavar="DIR",
        help="landing folder to write into (default: $VARDPULS_LANDING; the bundled sample "
        f"{settings.DEFAULT_LANDING}/ is never the default)",
    )


def _landing(args: argparse.Namespace) -> Path | None:
    chosen = args.landing or os.environ.get("VARDPULS_LANDING")
    if not chosen:
        print(
            f"vardpuls fetch {args.source}: give --landing DIR or set VARDPULS_LANDING (fetches are not written into "
            f"the bundled sample {settings.DEFAULT_LANDING}/ by default)",
            file=sys.stderr,
        )
        return None
    landing = Path(chosen).resolve()
    if landing.exists() and not landing.is_dir():
        print(f"vardpuls fetch {args.source}: {landing} is not a folder", file=sys.stderr)
        return None
    landing.mkdir(parents=True, exist_ok=True)
    return landing


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: expected YYYY-MM-DD, e.g. 2026-01-31") from None


def _show_progress() -> logging.Handler | None:
    """Each request on stderr as it is made, unless the logger is already shown somewhere."""
    if log.handlers:
        return None
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", datefmt="%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


class _CurrentStderr(logging.Handler):
    """Writes to whatever sys.stderr is now, so redirection keeps working."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never break the fetch
            self.handleError(record)
