"""The follow-up report: static HTML, an index and one page per region, from the published snapshot.

``build_report(warehouse_root)`` reads ``<warehouse>/current/analyst.duckdb`` (resolved once, opened
read-only), gathers what the pages show, and writes ``<warehouse>/report/``: ``index.html`` (every region with
its goals' statuses) and ``region-<code>.html`` per region. This module only gathers and writes: what a page
shows is ``model.py``, how it looks the Jinja2 templates in ``templates/`` (``render.py``), the charts'
geometry ``charts.py``. Each page is one file with its CSS inside and its charts as inline SVG: no JavaScript,
no fonts, nothing fetched, so it opens offline, from a file share or as an e-mail attachment.

A region's page starts with a summary that prints on one A4 page (every goal's value, trend, comparison,
status with what it rests on, and what it takes), then every goal in detail, the own indicators by theme
(time series against Riket and the regions' median, definition, breakdowns, funnel plots of the units, the
months of the latest year) and Kolada's KPIs. A page that shows a value built on synthetic data carries a
banner saying so, and each such value is marked. Times are Stockholm's.

The report is written like a release: into ``<warehouse>/.reports/.<name>.partial``, renamed to
``.reports/<name>``, then ``<warehouse>/report`` (a symbolic link) is switched to it in one rename.
A reader never sees half a report; the previous one is kept for a reader still on it.
"""

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import duckdb

from pipelines.report.model import STATUS_CLASS, STATUS_EXPLAINED, STATUS_ORDER, index_model, region_codes, region_model
from pipelines.report.render import render_template
from pipelines.report.swedish import stockholm_time

REPORT = "report"
REPORTS = ".reports"
INDEX = "index.html"
DIGEST = "digest.html"
DIGEST_MARKDOWN = "digest.md"
KEEP_REPORTS = 2
SUPPRESSION_REASON_COLUMNS = ("suppression_reason", "suppressed_reason", "suppression_rule")
__all__ = ["NotPublished", "build_report", "read_snapshot", "region_codes", "region_model", "render", "write_report"]


class NotPublished(RuntimeError):
    """No published snapshot to build the report from."""


# ------------------------------------------------------------------------------------------------ reading


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def read_snapshot(release: Path) -> dict:
    """Everything the report shows, from one release's analyst.duckdb (read-only). A table an older release
    does not have yet is simply not shown."""
    database = release / "analyst.duckdb"
    if not database.is_file():
        raise NotPublished(f"{database} does not exist: nothing is published yet")
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        data: dict = {"tables": tables}
        data["areas"] = (
            {
                r["area_code"]: r
                for r in _rows(
                    con, "SELECT area_code, name, name_short, level FROM areas WHERE level IN ('country', 'county')"
                )
            }
            if "areas" in tables
            else {}
        )
        data["indicators"] = (
            {r["indicator_id"]: r for r in _rows(con, "SELECT * FROM indicators")} if "indicators" in tables else {}
        )
        with_goals = {"goal_progress", "goals"} <= tables
        data["values"] = _read_values(con, with_goals) if "indicator_values" in tables else []
        data["unit_values"] = _read_unit_values(con) if "indicator_values" in tables else []
        data["goals"] = (
            _rows(
                con,
                """
            SELECT p.*, g.title_sv, g.quote_sv, g.quote_source, g.region_name, g.target_change, g.target_unit,
                   g.target_value AS registry_target,
                   g.not_measurable, g.decision_document, g.decision_body, g.decision_date, g.decision_source
            FROM goal_progress p JOIN goals g USING (goal_id)
            ORDER BY p.region_code, p.goal_id, p.area_code""",
            )
            if with_goals
            else []
        )
        data["comments"] = _rows(con, "SELECT * FROM goal_comments") if "goal_comments" in tables else []
        data["ranks"] = (
            _rows(
                con,
                """
            SELECT kpi_id, area_code, period, value, polarity, rank, regions_ranked, riket_value, regions_median
            FROM benchmark_ranks WHERE sex = 'T'""",
            )
            if "benchmark_ranks" in tables
            else []
        )
        data["kpis"] = (
            {r["kpi_id"]: r for r in _rows(con, "SELECT kpi_id, title, operating_area, polarity FROM benchmark_kpis")}
            if "benchmark_kpis" in tables
            else {}
        )
        data["comparison"] = (
            _rows(
                con,
                """
            SELECT indicator_id, kpi_id, area_code, period, own_value, kolada_value, comparable, synthetic
            FROM benchmark_comparison WHERE sex = 'T'""",
            )
            if "benchmark_comparison" in tables
            else []
        )
        data["assessment"] = (
            _rows(
                con,
                """
            SELECT *, coalesce(indicator_id, kpi_id) AS measure FROM benchmark_assessment
            WHERE length(area_code) = 2""",
            )
            if "benchmark_assessment" in tables
            else []
        )
        data["rank_intervals"] = (
            _rows(
                con,
                """
            SELECT *, coalesce(indicator_id, kpi_id) AS measure FROM rank_intervals""",
            )
            if "rank_intervals" in tables
            else []
        )
        data["trends"] = (
            _rows(con, "SELECT * FROM indicator_trends WHERE unit_id IS NULL") if "indicator_trends" in tables else []
        )
        data["funnels"] = _rows(con, "SELECT * FROM unit_funnels") if "unit_funnels" in tables else []
        data["funnel_limits"] = (
            _rows(
                con,
                """
            SELECT indicator_id, area_code, period, level, side, exposure, limit_value FROM funnel_limits
            WHERE sex = 'T' AND age_group = 'all' AND category = 'all'""",
            )
            if "funnel_limits" in tables
            else []
        )
        # what the region's sources did not deliver, per source and month (and the years left incomplete)
        data["incomplete"] = (
            _rows(
                con,
                """
            SELECT source, area_code, period, note, missing_units, synthetic FROM coverage
            WHERE unit_id IS NULL AND NOT complete ORDER BY area_code, length(period), period, source""",
            )
            if "coverage" in tables
            else []
        )
        # a unit's name as the organisation register writes it last (health centres; hospitals are their names)
        data["units"] = (
            dict(
                con.execute("""
            SELECT unit_id, arg_max(unit_name, valid_from) FROM units GROUP BY unit_id""").fetchall()
            )
            if "units" in tables
            else {}
        )
        # vintages: the release's digest (page digest.html) and the Kolada values revised since first seen
        data["digest"] = _digest(con)
        data["kolada_revised"] = (
            {
                (k, a, p): seen
                for k, a, p, seen in con.execute("""
            SELECT kpi_id, area_code, period, max(seen_on) FROM benchmark_revisions
            WHERE kind IN ('revised', 'restored') AND sex = 'T' GROUP BY ALL""").fetchall()
            }
            if "benchmark_revisions" in tables
            else {}
        )
    finally:
        con.close()
    manifest_path = release / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    data["release"] = manifest.get("release", release.name)
    data["run_id"] = manifest.get("run_id", "")
    data["published_at"] = manifest.get("published_at", "")
    return data


def _digest(con: duckdb.DuckDBPyConnection):
    """The release's digest (pipelines/vintages/digest.py), or None for a release without a history."""
    from pipelines.vintages.digest import NoHistory, read_digest

    try:
        return read_digest(con)
    except NoHistory:
        return None


def _suppression(columns: set[str]) -> tuple[str, str]:
    suppressed = "coalesce(suppressed, false)" if "suppressed" in columns else "false"
    reason = next((c for c in SUPPRESSION_REASON_COLUMNS if c in columns), None)
    return suppressed, f"{reason or 'NULL'}::VARCHAR"


def _read_values(con: duckdb.DuckDBPyConnection, with_goals: bool) -> list[dict]:
    """The whole-area values (every sex, age group and category) of Riket, the regions and the areas goals follow;
    intervals and suppression where the snapshot has them."""
    columns = _columns(con, "indicator_values")
    suppressed, reason = _suppression(columns)
    interval = "ci_lower, ci_upper" if "ci_lower" in columns else "NULL::DOUBLE AS ci_lower, NULL::DOUBLE AS ci_upper"
    coverage = (
        "complete, incomplete_note" if "complete" in columns else "true AS complete, NULL::VARCHAR AS incomplete_note"
    )
    return _rows(
        con,
        f"""
        SELECT indicator_id, area_code, period, sex, age_group, category, value, {interval}, synthetic,
               {suppressed} AS suppressed, {reason} AS suppression_reason, {coverage}
        FROM indicator_values
        WHERE unit_id IS NULL AND (length(area_code) = 2
              {"OR area_code IN (SELECT area_code FROM goal_progress)" if with_goals else ""})
        ORDER BY indicator_id, area_code, period""",
    )


def _read_unit_values(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Yearly values per health centre and hospital of the regions (the units of an indicator without a funnel
    plot are listed in a table)."""
    columns = _columns(con, "indicator_values")
    suppressed, _ = _suppression(columns)
    return _rows(
        con,
        f"""
        SELECT indicator_id, area_code, unit_id, period, sex, age_group, category, value, {suppressed} AS suppressed
        FROM indicator_values
        WHERE unit_id IS NOT NULL AND length(period) = 4 AND length(area_code) = 2 AND sex = 'T'
              AND age_group = 'all' AND category = 'all'""",
    )


# --------------------------------------------------------------------------------------------- rendering


def _page_name(code: str) -> str:
    return f"region-{code}.html"


def render(data: dict, built: dt.datetime | None = None) -> dict[str, str]:
    """file name -> HTML for the whole report. ``built``: the build time (default now)."""
    built_text = stockholm_time(built or dt.datetime.now(dt.timezone.utc))
    published = stockholm_time(data.get("published_at"))
    common = {
        "release": data["release"],
        "run_id": (data.get("run_id") or "")[:8],
        "published": published,
        "built": built_text,
        "index": INDEX,
        "page_name": _page_name,
        "status_class": STATUS_CLASS,
        "status_order": STATUS_ORDER,
        "status_explained": STATUS_EXPLAINED,
        "offline": _offline,
    }
    models = [region_model(data, code) for code in region_codes(data)]
    pages = {_page_name(m["code"]): render_template("region.html.j2", model=m, **common) for m in models}
    digest = data.get("digest")
    pages[INDEX] = render_template("index.html.j2", overview=index_model(data, models), digest=digest, **common)
    if digest is not None:  # vintages: what changed since the publication before, as a page and as Markdown
        from pipelines.vintages.digest import to_markdown

        pages[DIGEST] = render_template("digest.html.j2", digest=digest, **common)
        pages[DIGEST_MARKDOWN] = to_markdown(digest)
    return pages


def _offline(text: str | None) -> str:
    """Source texts without a scheme: the page names where a decision is published but links to nothing."""
    return re.sub(r"https?://", "", text or "")


# ------------------------------------------------------------------------------------------------ writing


def write_report(root: Path, pages: dict[str, str], name: str) -> Path:
    """Write the pages as a new report under .reports/ and switch <root>/report to it in one rename."""
    reports = root / REPORTS
    reports.mkdir(parents=True, exist_ok=True)
    final = reports / name
    partial = reports / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for file_name, html in pages.items():
        path = partial / file_name
        path.write_text(html, encoding="utf-8")
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    shutil.rmtree(final, ignore_errors=True)
    os.rename(partial, final)
    link = root / f".{REPORT}.new"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(REPORTS) / name, target_is_directory=True)
    current = root / REPORT
    if current.is_dir() and not current.is_symlink():  # a plain folder (written by hand): replaced by the link
        shutil.rmtree(current)
    os.replace(link, current)
    done = sorted((p for p in reports.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-KEEP_REPORTS]:
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return current / INDEX


def build_report(root: Path) -> dict:
    """Build the report from the current release; returns the index path, the release and the pages."""
    current = root / "current"
    if current.exists():
        release = current.resolve()
    elif (root / "analyst.duckdb").is_file():  # a warehouse published before releases: the snapshot in the root
        release = root
    else:
        raise NotPublished(f"{current} does not exist: nothing is published yet")
    data = read_snapshot(release)
    pages = render(data)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    index = write_report(root, pages, f"{stamp}-{data['release']}")
    synthetic_pages = sorted(n for n, html in pages.items() if 'class="synthetic-banner"' in html)
    return {
        "index": index,
        "release": data["release"],
        "pages": sorted(pages),
        "synthetic_pages": synthetic_pages,
        "charts": sum(html.count('<svg class="chart') for html in pages.values()),
        "digest": data.get("digest"),
    }
