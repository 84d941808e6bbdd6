"""Fetch Kolada's values through its API v3 into ``<landing>/kolada/``, as the pages the loader reads.

One fetch: the KPI ids (given, or the members of a KPI group; by default SKR's yearly health-care
report), their metadata (``kpi/<ids>``, also for the KPIs ``indicators/benchmarks.yaml`` compares with,
so the comparison can tell a KPI not fetched from one Kolada does not know), then the values
(``data/kpi/<ids>/municipality/<ids>[/year/<years>]``) with at most 25 ids per path segment, 5,000
values per page, every ``next_url`` followed to the end and the values received checked against the
page's ``count``. Every page is written as the API returned it, links included, to
``<landing>/kolada/<fetch>/``. The next fetch asks each KPI only for the values changed since the
last complete fetch of it (``from_date``); Kolada then marks removed values ``isdeleted``, and those
pages are written too, so the revision history is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipelines.fetch.http import FetchError, PoliteClient
from pipelines.fetch.landing import FetchFolder, FetchReport, read_state, stamp, write_state
from pipelines.fetch.selection import SelectionError, chunks, kolada_area_ids

DEFAULT_API = "https://api.kolada.se/v3"
API_ENV = "VARDPULS_KOLADA_API"
FOLDER = "kolada"
# KPI group G2KPI138906: the KPIs of SKR's yearly report on health care (Öppna jämförelser, the
# 76 KPIs bundled in data/sample/kolada/), for Riket and the 21 regions.
DEFAULT_GROUP = "G2KPI138906"
MAX_IDS = 25  # ids per path segment that Kolada v3 accepts
PER_PAGE = 5000  # values per page, Kolada's maximum
MAX_PAGES = 500  # pages per query: 2.5 million values; more means the links are wrong
KPI_ID = re.compile(r"^[A-Z]\d{5}$")
GROUP_ID = re.compile(r"^G\d*KPI\d+$")
MIN_INTERVAL = 0.2  # seconds between requests: Kolada publishes no rate, so stay well below 5 a second


def api_base(explicit: str | None = None) -> str:
    """``--api-url``, else ``$VARDPULS_KOLADA_API``, else Kolada's public API v3."""
    return (explicit or os.environ.get(API_ENV) or DEFAULT_API).rstrip("/")


def default_client() -> PoliteClient:
    return PoliteClient("kolada", min_interval=MIN_INTERVAL)


@dataclass
class Query:
    """One data query: a chunk of KPIs, areas and years, and the date changes are asked from."""

    number: int
    kpis: list[str]
    areas: list[str]
    years: list[int] | None
    from_date: dt.date | None

    def url(self, base: str) -> str:
        path = f"{base}/data/kpi/{','.join(self.kpis)}/municipality/{','.join(self.areas)}"
        if self.years:
            path += f"/year/{','.join(str(y) for y in self.years)}"
        params = {"per_page": PER_PAGE} | ({"from_date": self.from_date.isoformat()} if self.from_date else {})
        return f"{path}?{urllib.parse.urlencode(params)}"

    def describe(self) -> str:
        kpis = self.kpis[0] if len(self.kpis) == 1 else f"{self.kpis[0]}..{self.kpis[-1]} ({len(self.kpis)} KPIs)"
        years = f", {self.years[0]}-{self.years[-1]}" if self.years else ", every year"
        since = f", changed since {self.from_date.isoformat()}" if self.from_date else ""
        return f"query {self.number}: {kpis} x {len(self.areas)} areas{years}{since}"


class QueryFailed(Exception):
    """One query's pages could not all be fetched or do not add up; its pages are not written."""


def fetch_kolada(
    landing: Path,
    *,
    kpis: list[str] | None = None,
    group: str | None = None,
    areas: str = "regions",
    years: list[int] | None = None,
    since: dt.date | None = None,
    full: bool = False,
    api: str | None = None,
    client: PoliteClient | None = None,
    mapping_kpis: list[str] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
) -> FetchReport:
    """Fetch Kolada's KPI metadata and values into ``<landing>/kolada/<fetch>/``; see the module docstring.

    ``kpis`` and ``group`` name what to fetch (both: their union; neither: ``DEFAULT_GROUP``); ``areas`` is
    ``regions`` or ``all``; ``years`` limits the years (default every year Kolada has); ``since`` asks every
    KPI only for values changed since that date, ``full`` asks for everything whatever was fetched before.
    ``mapping_kpis`` are the KPIs whose metadata is fetched besides (default: those of indicators/benchmarks.yaml).
    """
    base, client = api_base(api), client or default_client()
    started = now()
    folder = landing / FOLDER
    report = FetchReport("kolada", folder, started, base)
    try:
        area_ids = kolada_area_ids(areas)
        wanted = _kpi_ids(kpis or [])
    except SelectionError as error:
        report.errors.append(str(error))
        return report
    state = read_state(folder)
    output = FetchFolder(folder, stamp(started))
    fetch_log: dict = {"areas": areas, "years": years, "since": since.isoformat() if since else None, "full": full}
    try:
        if group or not wanted:
            members, title = _group_members(client, base, group or DEFAULT_GROUP)
            report.notes.append(f"KPI group {group or DEFAULT_GROUP} ({title}): {len(members)} KPIs")
            fetch_log["kpi_group"] = {"id": group or DEFAULT_GROUP, "title": title, "members": members}
            wanted = list(dict.fromkeys(wanted + members))
        extra = [k for k in (mapping_kpis if mapping_kpis is not None else _mapping_kpis(report)) if k not in wanted]
        known = _fetch_metadata(client, base, wanted + extra, output, report)
        for kpi in wanted:
            if kpi not in known:
                report.warnings.append(
                    f"Kolada does not know KPI {kpi} (its KPI metadata has no such id): nothing "
                    "fetched for it; check the id (Kolada removes retired KPIs without notice)"
                )
        for kpi in extra:
            if kpi not in known:
                report.warnings.append(
                    f"indicators/benchmarks.yaml compares with KPI {kpi}, which Kolada does not "
                    "know: the comparison will refuse it until the pair is corrected"
                )
        fetchable = [k for k in wanted if k in known]
        if not fetchable:
            raise FetchError(
                f"none of the KPIs asked is known to Kolada ({', '.join(wanted[:10])}"
                f"{' ...' if len(wanted) > 10 else ''}): nothing to fetch",
                base,
            )
        queries = _plan(fetchable, area_ids, years, state.get("kpis") or {}, since, full)
        failed: set[str] = set()
        for query in queries:
            try:
                _run_query(client, base, query, output, report)
            except (QueryFailed, FetchError) as error:
                report.errors.append(f"{query.describe()}: {error}")
                failed.update(query.kpis)
        report.files = output.commit()
    except FetchError as error:
        output.abandon()
        report.errors.append(str(error))
        report.requests = client.attempts
        return report
    except BaseException:
        output.abandon()
        raise
    report.requests = client.attempts
    kpi_state = state.setdefault("kpis", {})
    for kpi in (k for k in fetchable if k not in failed):
        # the values of these areas and years are now as Kolada had them when this fetch started
        kpi_state[kpi] = {"areas": area_ids, "years": years, "fetched_at": started.isoformat(timespec="seconds")}
    state["last_fetch"] = fetch_log | {
        "started_at": started.isoformat(timespec="seconds"),
        "folder": output.final.name if report.files else None,
    }
    write_state(folder, state, report)
    return report


# -- the KPIs -----------------------------------------------------------------------------------------------


def _kpi_ids(ids: list[str]) -> list[str]:
    out = []
    for raw in ids:
        for kpi in (part.strip().upper() for part in raw.split(",")):
            if not KPI_ID.match(kpi):
                raise SelectionError(
                    f"--kpi {raw}: '{kpi}' is not a Kolada KPI id (a letter and five digits, such as N70845 or U70425)"
                )
            out.append(kpi)
    return list(dict.fromkeys(out))


def _group_members(client: PoliteClient, base: str, group: str) -> tuple[list[str], str]:
    if not GROUP_ID.match(group):
        raise FetchError(f"--group {group}: not a Kolada KPI group id (such as {DEFAULT_GROUP})", base)
    url = f"{base}/kpi_groups/{group}"
    page = client.get(url).data
    values = page.get("values") if isinstance(page, dict) else None
    if not isinstance(values, list):
        raise FetchError(f'{url}: not a Kolada answer (expected {{"values": [...]}})', url)
    found = [g for g in values if isinstance(g, dict) and g.get("id") == group]
    if not found:
        raise FetchError(f"Kolada has no KPI group {group} ({url} answered with no such group): check the id", url)
    members = []
    for member in found[0].get("members") or []:
        kpi = member.get("member_id") or member.get("id") if isinstance(member, dict) else None
        if isinstance(kpi, str) and KPI_ID.match(kpi.upper()):
            members.append(kpi.upper())
    if not members:
        raise FetchError(f"Kolada's KPI group {group} has no members ({url})", url)
    return list(dict.fromkeys(members)), str(found[0].get("title") or "")


def _mapping_kpis(report: FetchReport) -> list[str]:
    from pipelines.benchmark.mapping import BenchmarkMappingError, load_benchmarks

    try:
        return list(dict.fromkeys(b.kpi_id.upper() for b in load_benchmarks()))
    except BenchmarkMappingError as error:
        report.warnings.append(f"{error}: only the KPIs asked for are described")
        return []


def _fetch_metadata(
    client: PoliteClient, base: str, ids: list[str], output: FetchFolder, report: FetchReport
) -> set[str]:
    """Write the KPI metadata pages of ``ids`` (25 a request); returns the ids Kolada described."""
    known: set[str] = set()
    for number, chunk in enumerate(chunks(ids, MAX_IDS), start=1):
        if not chunk:
            continue
        url = f"{base}/kpi/{','.join(chunk)}?{urllib.parse.urlencode({'per_page': PER_PAGE})}"
        pages = _follow(client, url, base)
        for page_number, (body, page) in enumerate(pages, start=1):
            output.write(f"kpi-{number:02d}-p{page_number:03d}.json", body)
            known.update(str(item.get("id")).upper() for item in page["values"] if isinstance(item, dict))
    report.notes.append(f"KPI metadata: {len(known & set(ids))} of {len(ids)} KPIs described")
    return known


# -- planning: what to ask each KPI for ------------------------------------------------------------------------


def _covers(previous: dict | None, areas: list[str], years: list[int] | None) -> bool:
    """Whether a KPI's last complete fetch asked for at least these areas and years."""
    if not previous or not previous.get("fetched_at"):
        return False
    earlier_years = previous.get("years")
    return set(areas) <= set(previous.get("areas") or []) and (
        earlier_years is None or (years is not None and set(years) <= set(earlier_years))
    )


def _plan(
    kpis: list[str], areas: list[str], years: list[int] | None, previous: dict, since: dt.date | None, full: bool
) -> list[Query]:
    """Queries of at most 25 KPIs, areas and years each; KPIs grouped by the date they ask changes from.

    A KPI fetched completely before, for these areas and years, asks from the day before that fetch (a
    day of overlap: a change made on the day of the last fetch is not missed; a value received twice
    changes nothing); ``since`` asks every KPI from that date; ``full`` and a new KPI ask for everything.
    """
    by_date: dict[dt.date | None, list[str]] = {}
    for kpi in kpis:
        if since is not None:
            start = since
        elif full or not _covers(previous.get(kpi), areas, years):
            start = None
        else:
            start = dt.datetime.fromisoformat(previous[kpi]["fetched_at"]).date() - dt.timedelta(days=1)
        by_date.setdefault(start, []).append(kpi)
    queries, number = [], 0
    for start in sorted(by_date, key=lambda d: (d is not None, d or dt.date.min)):
        for kpi_chunk in chunks(by_date[start], MAX_IDS):
            for area_chunk in chunks(areas, MAX_IDS):
                for year_chunk in chunks(years, MAX_IDS) if years else [None]:
                    number += 1
                    queries.append(Query(number, kpi_chunk, area_chunk, year_chunk, start))
    return queries


# -- fetching ------------------------------------------------------------------------------------------------


def _run_query(client: PoliteClient, base: str, query: Query, output: FetchFolder, report: FetchReport) -> None:
    """Fetch every page of one query and check them against Kolada's count; write them, or nothing."""
    pages = _follow(client, query.url(base), base)
    items = [len(page["values"]) for _, page in pages]
    stated = [page.get("count") for _, page in pages]
    total = sum(items)
    said = [c for c in stated if c is not None]
    if not all(isinstance(c, int) and (c == total or c == n) for c, n in zip(stated, items) if c is not None):
        raise QueryFailed(
            f"Kolada's count says {said[0]} values but {total:,} came in {len(pages)} page"
            f"{'s' if len(pages) > 1 else ''} (per page: {', '.join(f'{n:,}' for n in items)}): the "
            "pages are not written; fetch again later"
        )
    entries = [
        entry
        for _, page in pages
        for item in page["values"]
        if isinstance(item, dict)
        for entry in (item.get("values") or [])
        if isinstance(entry, dict)
    ]
    deleted = sum(1 for e in entries if _truthy(e.get("isdeleted", e.get("is_deleted"))))
    names = [output.write(f"data-{query.number:02d}-p{n:03d}.json", body) for n, (body, _) in enumerate(pages, 1)]
    kpis_with_values = {item.get("kpi") for _, page in pages for item in page["values"] if isinstance(item, dict)}
    silent = [k for k in query.kpis if k not in kpis_with_values]
    report.notes.append(
        f"{query.describe()}: {len(pages)} page{'s' if len(pages) > 1 else ''}, {total:,} area-years "
        f"({len(entries):,} values by gender{f', {deleted:,} marked deleted' if deleted else ''}) -> {names[0]}"
        + (f" .. {names[-1]}" if len(names) > 1 else "")
        + (f"; no values for {', '.join(silent)}" if silent and not query.from_date else "")
    )


def _follow(client: PoliteClient, url: str, base: str) -> list[tuple[bytes, dict]]:
    """Every page of a query, following ``next_url`` to the end: (body as received, parsed page)."""
    pages, seen, current = [], {}, url
    while current:
        key = _page_key(current)
        if key in seen:
            raise QueryFailed(
                f"next_url of page {len(pages)} ({current}) leads back to page {seen[key]}: "
                "the links loop; the pages are not written"
            )
        if len(pages) >= MAX_PAGES:
            raise QueryFailed(f"more than {MAX_PAGES} pages: the links do not end; the pages are not written")
        seen[key] = len(pages) + 1
        response = client.get(current)
        page = response.data
        if not isinstance(page, dict) or not isinstance(page.get("values"), list):
            raise QueryFailed(
                f'{current} did not answer with a Kolada page ({{"count", "values", "next_url"}}): '
                f"{response.body[:120].decode('utf-8', errors='replace')!r}"
            )
        pages.append((response.body, page))
        following = page.get("next_url") or page.get("next_page")
        current = _same_origin(url, urllib.parse.urljoin(current, following), base) if following else None
    return pages


def _page_key(url: str) -> tuple:
    """A page's address as a key: the same page whatever the order of its parameters (no page= is page 1)."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.setdefault("page", "1")
    return parts.path, tuple(sorted(query.items()))


def _same_origin(asked: str, link: str, base: str) -> str:
    """Follow a link where we asked: a mirror or proxy may answer with the public service's addresses."""
    if base != DEFAULT_API and link.startswith(DEFAULT_API + "/"):
        return base + link[len(DEFAULT_API) :]
    here, there = urllib.parse.urlsplit(asked), urllib.parse.urlsplit(link)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        return urllib.parse.urlunsplit((here.scheme, here.netloc, there.path, there.query, there.fragment))
    return link


def _truthy(value) -> bool:
    return value is True or value == 1 or (isinstance(value, str) and value.strip().lower() in ("true", "1"))
