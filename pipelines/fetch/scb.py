"""Fetch SCB's population (BE0101) and projection (BE0401) through PxWebApi 2.0 into the landing area.

One fetch: the API's ``/config`` (its cell limit per request and its rate limit, which the requests
keep to), then for each table behind the statistic (``scb_tables.yaml``) its metadata
(``/tables/<id>/metadata``: the codes it has and when it was last updated), and its data
(``POST /tables/<id>/data``) for the areas and years asked, by single year of age and sex, in
chunks under the cell limit. Each answer is written as SCB sent it, JSON-stat 2.0 (``json-stat2``,
default) or PxWebApi v2 CSV (``csv``), both formats the population reader recognises, into
``<landing>/<population|population_projections>/<fetch>/``, with the table's metadata beside it in a
hidden file. The next fetch asks again only when the table's ``updated`` has moved, or for areas or
years not fetched before.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipelines.fetch.http import FetchError, PoliteClient
from pipelines.fetch.landing import FetchFolder, FetchReport, read_state, stamp, write_state
from pipelines.fetch.selection import SelectionError, scb_region_codes
from pipelines.yaml_files import parse_yaml

DEFAULT_API = "https://statistikdatabasen.scb.se/api/v2"
API_ENV = "VARDPULS_SCB_API"
TABLES_FILE = Path(__file__).with_name("scb_tables.yaml")
FORMATS = {"json-stat2": "json", "csv": "csv"}
# What SCB's /config said when this was written; used only when a service does not say.
DEFAULT_MAX_CELLS = 150_000
DEFAULT_RATE = (30, 10)  # calls per time window (seconds)
DEFAULT_YEARS = 10  # without --years: the last ten years the tables have
SINGLE_AGE = re.compile(r"^\d{1,3}(\+\d*)?$")  # 0, 42, 100+ (TAB638), 100+1 (TAB5557)
SEXES = ("1", "2")
TOTAL_CODES = {"sc", "tot", "totalt", "total", "totsa", "samtliga"}


def api_base(explicit: str | None = None) -> str:
    """``--api-url``, else ``$VARDPULS_SCB_API``, else SCB's public PxWebApi 2.0."""
    return (explicit or os.environ.get(API_ENV) or DEFAULT_API).rstrip("/")


def statistics() -> dict:
    """The statistics and their tables (scb_tables.yaml)."""
    return parse_yaml(TABLES_FILE.read_text(encoding="utf-8"))


@dataclass
class TablePlan:
    """What to ask one table for: the value codes per variable; variables left out are totalled by SCB."""

    table: str
    updated: str | None
    selection: dict[str, list[str]]
    region_variable: str
    time_variable: str

    def cells(self, selection: dict[str, list[str]] | None = None) -> int:
        return math.prod(len(codes) for codes in (selection or self.selection).values())


def fetch_scb(
    landing: Path,
    *,
    statistic: str = "BE0101",
    region: str = "all",
    years: list[int] | None = None,
    table_ids: list[str] | None = None,
    output_format: str = "json-stat2",
    full: bool = False,
    api: str | None = None,
    client: PoliteClient | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
) -> FetchReport:
    """Fetch one statistic's tables for ``region`` (``all``, ``00``, a county or a municipality code) and
    ``years`` (default: the last ten years the tables have) into the landing area; see the module docstring."""
    base = api_base(api)
    started = now()
    definitions = statistics()
    if statistic not in definitions:
        report = FetchReport("scb", landing, started, base)
        report.errors.append(f"--table {statistic}: expected one of {', '.join(definitions)}")
        return report
    definition = definitions[statistic]
    folder = landing / definition["folder"]
    report = FetchReport("scb", folder, started, base)
    if output_format not in FORMATS:
        report.errors.append(f"--format {output_format}: expected {' or '.join(FORMATS)}")
        return report
    try:
        regions = scb_region_codes(region)
    except SelectionError as error:
        report.errors.append(str(error))
        return report
    own_client = client is None
    client = client or PoliteClient("scb")
    state = read_state(folder)
    output = FetchFolder(folder, stamp(started))
    tables_state = state.setdefault("tables", {})
    fetched: dict[str, dict] = {}
    try:
        max_cells = _configure(client, base, own_client, report)
        ids = table_ids or [t["id"] for t in definition["tables"]]
        metadata = {table: _metadata(client, base, table) for table in ids}
        wanted_years = years or _latest_years(metadata)
        taken: set[str] = set()
        planned = 0
        for table in reversed(ids):  # a year two tables have is asked of the later one
            plan = _plan(table, metadata[table], regions, wanted_years, taken, report)
            if plan is None:
                continue
            planned += 1
            taken.update(plan.selection[plan.time_variable])
            previous = tables_state.get(table) or {}
            if not full and _unchanged(previous, plan):
                report.notes.append(
                    f"{table}: unchanged since SCB updated it {plan.updated} (fetched "
                    f"{previous.get('fetched_at')}): nothing asked"
                )
                continue
            if previous.get("updated") and previous.get("updated") != plan.updated:
                report.notes.append(f"{table}: SCB updated it {plan.updated} (last fetch saw {previous['updated']})")
            output.write(f".{table}-metadata.json", metadata[table][0])
            files = _fetch_table(client, base, plan, max_cells, output_format, output, report)
            fetched[table] = {
                "updated": plan.updated,
                "regions": plan.selection[plan.region_variable],
                "years": plan.selection[plan.time_variable],
                "files": files,
                "fetched_at": started.isoformat(timespec="seconds"),
            }
        if not planned:
            report.warnings.append(
                f"none of the years asked ({_span(wanted_years)}) is in {', '.join(ids)}: nothing fetched"
            )
        report.files = [f for f in output.commit() if not Path(f).name.startswith(".")]
    except FetchError as error:
        output.abandon()
        report.errors.append(str(error))
        report.requests = client.attempts
        return report
    except BaseException:
        output.abandon()
        raise
    report.requests = client.attempts
    for table, entry in fetched.items():
        previous = tables_state.get(table) or {}
        if previous.get("updated") == entry["updated"]:  # same version of the table: what is known grows
            entry["regions"] = sorted(set(entry["regions"]) | set(previous.get("regions") or []))
            entry["years"] = sorted(set(entry["years"]) | set(previous.get("years") or []))
        tables_state[table] = entry
    write_state(folder, state, report)
    return report


# -- the service and its tables -------------------------------------------------------------------------------


def _configure(client: PoliteClient, base: str, own_client: bool, report: FetchReport) -> int:
    """The cell limit per request from /config; the rate limit is kept by spacing the requests."""
    try:
        config = client.get(f"{base}/config").data
    except FetchError as error:
        if error.status != 404:
            raise
        config = None
    config = config if isinstance(config, dict) else {}
    max_cells = config.get("maxDataCells")
    calls, window = config.get("maxCallsPerTimeWindow"), config.get("timeWindow")
    if not isinstance(max_cells, int) or max_cells < 1:
        report.warnings.append(
            f"{base}/config names no maxDataCells (or there is no /config): asking at most "
            f"{DEFAULT_MAX_CELLS:,} cells a request"
        )
        max_cells = DEFAULT_MAX_CELLS
    if not (isinstance(calls, int) and isinstance(window, (int, float)) and calls > 0):
        calls, window = DEFAULT_RATE
    if own_client:
        client.min_interval = max(client.min_interval, window / calls)
    report.notes.append(
        f"SCB API {config.get('apiVersion', '?')}: at most {max_cells:,} cells and {calls} requests per {window} s"
    )
    return max_cells


def _metadata(client: PoliteClient, base: str, table: str) -> tuple[bytes, dict]:
    url = f"{base}/tables/{urllib.parse.quote(table)}/metadata?lang=sv"
    try:
        response = client.get(url)
    except FetchError as error:
        if error.status == 404:
            raise FetchError(f"SCB has no table {table} ({url} answered 404): check --table-id", url, 404) from None
        raise
    doc = response.data
    if not (isinstance(doc, dict) and isinstance(doc.get("id"), list) and isinstance(doc.get("dimension"), dict)):
        raise FetchError(f"{url}: not a table's metadata (expected JSON-stat 2.0 with 'id' and 'dimension')", url)
    return response.body, doc


def _codes(doc: dict, variable: str) -> list[str]:
    index = (doc["dimension"].get(variable) or {}).get("category", {}).get("index", {})
    if isinstance(index, dict):
        return [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    return [str(code) for code in index]


def _labels(doc: dict, variable: str) -> dict[str, str]:
    return (doc["dimension"].get(variable) or {}).get("category", {}).get("label", {}) or {}


def _latest_years(metadata: dict[str, tuple[bytes, dict]]) -> list[int]:
    years = sorted(
        {int(code) for _, doc in metadata.values() for code in _codes(doc, _time_variable(doc)) if str(code).isdigit()}
    )
    return years[-DEFAULT_YEARS:]


def _time_variable(doc: dict) -> str:
    return ((doc.get("role") or {}).get("time") or ["Tid"])[0]


def _plan(
    table: str, metadata: tuple[bytes, dict], regions: list[str], years: list[int], taken: set[str], report: FetchReport
) -> TablePlan | None:
    """The selection for one table, from its metadata: the areas and years asked that it has, every single
    year of age, both sexes, its population content; any other variable left out (SCB then gives its total)."""
    _, doc = metadata
    time_variable = _time_variable(doc)
    selection: dict[str, list[str]] = {}
    region_variable = None
    for variable in doc["id"]:
        codes, labels = _codes(doc, variable), _labels(doc, variable)
        key = f"{variable} {(doc['dimension'][variable].get('label') or '')}".lower()
        if variable == time_variable:
            chosen = [c for c in codes if c.isdigit() and int(c) in years and c not in taken]
            if not chosen:
                report.notes.append(
                    f"{table}: none of the years asked ({_span(years)}) that another table does "
                    f"not give; it has {_span([int(c) for c in codes if c.isdigit()])}"
                )
                return None
        elif "region" in key:
            region_variable = variable
            chosen = [c for c in regions if c in set(codes)]
            missing = [c for c in regions if c not in set(codes)]
            if missing:
                report.warnings.append(
                    f"{table}: SCB's table has no region {', '.join(missing[:10])}"
                    f"{' ...' if len(missing) > 10 else ''}: not fetched"
                )
            if not chosen:
                raise FetchError(f"{table}: none of the regions asked is in the table", table)
        elif "ålder" in key or "alder" in key:
            chosen = [c for c in codes if SINGLE_AGE.match(c)]
            if len(chosen) < 100:
                raise FetchError(
                    f"{table}: variable {variable} has {len(chosen)} single years of age; expected "
                    "0..100+ (the reader needs single years)",
                    table,
                )
        elif "kön" in key or variable.lower() == "kon":
            chosen = [c for c in SEXES if c in codes]
            if len(chosen) != 2:
                raise FetchError(f"{table}: variable {variable} has no codes 1 (men) and 2 (women): {codes}", table)
        elif variable == "ContentsCode" or variable in ((doc.get("role") or {}).get("metric") or []):
            from pipelines.population.formats import (
                POPULATION_CONTENT,
            )  # (its reader is heavy; the CLI's parser is not)

            chosen = [c for c in codes if POPULATION_CONTENT.search(f"{c} {labels.get(c, '')}")]
            if len(chosen) != 1:
                offered = "; ".join(f"{c} {labels.get(c) or ''}".strip() for c in codes)
                raise FetchError(
                    f"{table}: expected one population content (Folkmängd) among {offered}, found {len(chosen)}", table
                )
        elif (doc["dimension"][variable].get("extension") or {}).get("elimination"):
            continue  # left out: SCB answers with the total over it (civil status, say)
        else:
            totals = [c for c in codes if c.lower() in TOTAL_CODES or labels.get(c, "").lower().startswith("total")]
            if len(totals) != 1:
                raise FetchError(
                    f"{table}: variable {variable} cannot be left out and has no total; the reader "
                    "would count people twice (expected a table by region, age, sex and year)",
                    table,
                )
            chosen = totals
        selection[variable] = chosen
    if region_variable is None:
        raise FetchError(f"{table}: no region variable among {doc['id']}", table)
    return TablePlan(table, doc.get("updated"), selection, region_variable, time_variable)


def _unchanged(previous: dict, plan: TablePlan) -> bool:
    return (
        bool(previous)
        and previous.get("updated") == plan.updated
        and plan.updated is not None
        and set(plan.selection[plan.region_variable]) <= set(previous.get("regions") or [])
        and set(plan.selection[plan.time_variable]) <= set(previous.get("years") or [])
    )


def _chunks(plan: TablePlan, max_cells: int) -> list[dict[str, list[str]]]:
    """Selections of at most ``max_cells`` cells: whole years per request where they fit, areas split."""
    per_region_year = plan.cells() // (
        len(plan.selection[plan.region_variable]) * len(plan.selection[plan.time_variable])
    )
    if per_region_year > max_cells:
        raise FetchError(
            f"{plan.table}: one area and year is {per_region_year:,} cells, more than the {max_cells:,} "
            "SCB answers in one request",
            plan.table,
        )
    years, regions = plan.selection[plan.time_variable], plan.selection[plan.region_variable]
    years_per = max(1, min(len(years), max_cells // per_region_year))
    out = []
    for y in range(0, len(years), years_per):
        year_chunk = years[y : y + years_per]
        regions_per = max(1, max_cells // (per_region_year * len(year_chunk)))
        for r in range(0, len(regions), regions_per):
            out.append(
                plan.selection | {plan.region_variable: regions[r : r + regions_per], plan.time_variable: year_chunk}
            )
    return out


def _fetch_table(
    client: PoliteClient,
    base: str,
    plan: TablePlan,
    max_cells: int,
    output_format: str,
    output: FetchFolder,
    report: FetchReport,
) -> list[str]:
    url = f"{base}/tables/{urllib.parse.quote(plan.table)}/data?" + urllib.parse.urlencode(
        {"lang": "sv", "outputFormat": output_format}
    )
    written = []
    pieces = _chunks(plan, max_cells)
    for number, selection in enumerate(pieces, start=1):
        payload = {"selection": [{"variableCode": v, "valueCodes": codes} for v, codes in selection.items()]}
        asked = plan.cells(selection)
        describe = "; ".join(f"{v}={_brief(codes)}" for v, codes in selection.items()) + f"; {asked:,} cells"
        try:
            response = client.post(url, payload, expect_json=output_format == "json-stat2", describe=describe)
        except FetchError as error:
            if error.status in (400, 403) and "cell" in str(error).lower():
                raise FetchError(
                    f"{plan.table}: SCB refused {asked:,} cells as too many although its /config allows "
                    f"{max_cells:,}: {error}",
                    url,
                    error.status,
                ) from None
            raise
        got = _cells_in(response.body, response.data, output_format)
        if got != asked:
            raise FetchError(
                f"{plan.table}: asked for {asked:,} cells, SCB's answer holds {got:,} ({url}, request "
                f"{number} of {len(pieces)}): incomplete, nothing of this fetch is kept",
                url,
            )
        name = f"{plan.table}-{number:02d}.{FORMATS[output_format]}"
        written.append(output.write(name, response.body))
    report.notes.append(
        f"{plan.table} (updated {plan.updated}): {len(pieces)} request{'s' if len(pieces) > 1 else ''}, "
        f"{len(plan.selection[plan.region_variable])} areas, "
        f"{_span([int(y) for y in plan.selection[plan.time_variable]])}, {plan.cells():,} cells"
    )
    return written


def _cells_in(body: bytes, data, output_format: str) -> int:
    if output_format == "json-stat2":
        if not isinstance(data, dict) or not isinstance(data.get("size"), list):
            return 0
        values, size = data.get("value"), math.prod(data["size"])
        count = size if isinstance(values, dict) else len(values) if isinstance(values, list) else 0
        return min(count, size)  # a value list shorter than its size is cut short
    text = (
        body.decode("utf-8", errors="replace")
        if body.startswith(b"\xef\xbb\xbf") or _utf8(body)
        else body.decode("cp1252", errors="replace")
    )
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    header = text.splitlines()[0] if text else ""
    values_per_line = sum(1 for column in header.split(",") if re.search(r"\d{4}\"?$", column.strip()))
    return len(lines) * max(values_per_line, 1)


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _brief(codes: list[str]) -> str:
    return ",".join(codes) if len(codes) <= 4 else f"{codes[0]}..{codes[-1]} ({len(codes)})"


def _span(years: list[int]) -> str:
    years = sorted(years)
    if not years:
        return "no years"
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
