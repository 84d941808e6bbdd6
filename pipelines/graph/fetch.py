"""fetch/<source>: Kolada's and SCB's APIs fetched into the landing area, upstream of the raw loads.

One asset per source that has a fetcher: ``fetch/kolada`` (pipelines/fetch/kolada.py) and one per SCB
source of the registry whose statistic SCB's API serves (``fetch/population`` for BE0101,
``fetch/population_projections`` for BE0401; pipelines/fetch/scb_tables.yaml). They write new files
into ``<landing>/<source>/`` and touch nothing in the warehouse, so they take no writer lock; the
landing sensor then sees the new files and starts a refresh. Each runs in its own job, on a schedule
that is off by default (a machine without network must not fail every night): weekly for Kolada,
monthly for SCB. Their materialisations name the files they wrote and the requests they made.
"""

# (no `from __future__ import annotations`: Dagster reads the config classes from the real annotations)
import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.fetch import kolada, scb
from pipelines.fetch.landing import FetchReport
from pipelines.fetch.selection import SelectionError, parse_years
from pipelines.graph.keys import stage_tags
from pipelines.progress import report
from pipelines.sources import Source, sources

# the stage tag of the fetches: in none of the refresh, derive and publish jobs
FETCH = "fetch"
TIMEZONE = "Europe/Stockholm"
KOLADA_CRON = "0 5 * * 1"  # Mondays 05:00: Kolada publishes and revises during the week
SCB_CRON = "0 5 2 * *"  # the 2nd of each month 05:00: SCB updates its tables a few times a year


class LandingArea(dg.ConfigurableResource):
    """The landing area alone: a fetch writes files there and never opens the warehouse (so it needs no writer
    lock and may run while a refresh does)."""

    landing_dir: str

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)


class KoladaFetchConfig(dg.Config):
    """What ``vardpuls fetch kolada`` takes (empty: the default KPI set for the 21 regions and Riket)."""

    kpis: list[str] = []
    group: str = ""
    areas: str = "regions"
    years: str = ""
    since: str = ""
    full: bool = False
    api_url: str = ""


class ScbFetchConfig(dg.Config):
    """What ``vardpuls fetch scb`` takes (empty: every region and municipality, the last ten years)."""

    region: str = "all"
    years: str = ""
    full: bool = False
    api_url: str = ""


def fetched_sources() -> dict[str, Source]:
    """The sources that have a fetcher: Kolada, and the SCB sources whose statistic the SCB fetcher knows."""
    served = scb.statistics()
    return {
        name: source
        for name, source in sources().items()
        if source.kind == "kolada" or (source.kind == "scb" and source.table_id in served)
    }


def fetch_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["fetch", source])


def _finish(context, fetched: FetchReport) -> dg.MaterializeResult:
    for warning in fetched.warnings:
        report(context, f"fetch {fetched.source}: {warning}", warning=True)
    if fetched.errors:
        raise dg.Failure(
            description=f"fetch {fetched.source}: "
            + "; ".join(fetched.errors)
            + " (what was fetched completely is written and remembered; the rest is asked again next time)",
            metadata={"written": dg.MetadataValue.json(fetched.files), **_metadata(fetched)},
            allow_retries=False,
        )
    report(
        context,
        f"fetch {fetched.source}: {len(fetched.requests)} requests to {fetched.api}, "
        f"{len(fetched.files)} files written to {fetched.folder}",
    )
    return dg.MaterializeResult(metadata={"written": dg.MetadataValue.json(fetched.files), **_metadata(fetched)})


def _metadata(fetched: FetchReport) -> dict:
    return {
        "folder": str(fetched.folder),
        "api": dg.MetadataValue.url(fetched.api),
        "files_written": len(fetched.files),
        "requests": len(fetched.requests),
        "retried": sum(a.outcome == "retried" for a in fetched.requests),
        "notes": dg.MetadataValue.json(fetched.notes),
        "warnings": dg.MetadataValue.json(fetched.warnings),
    }


def _years(text: str) -> list[int] | None:
    try:
        return parse_years(text) if text else None
    except SelectionError as error:
        raise dg.Failure(description=f"years {text!r}: {error}", allow_retries=False) from None


def _kolada_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=fetch_key(source.name),
        group_name="fetch",
        kinds={"api"},
        tags=stage_tags(FETCH),
        description="Kolada's API v3 (Källa: Kolada): the KPIs' values and metadata fetched into "
        "<landing>/kolada/, only what changed since the last fetch, every page followed to the "
        "end; new files beside the old, so the warehouse's lineage keeps every version.",
    )
    def _fetch(context: dg.AssetExecutionContext, config: KoladaFetchConfig, landing: LandingArea):
        since = dt.date.fromisoformat(config.since) if config.since else None
        return _finish(
            context,
            kolada.fetch_kolada(
                landing.landing,
                kpis=config.kpis or None,
                group=config.group or None,
                areas=config.areas,
                years=_years(config.years),
                since=since,
                full=config.full,
                api=config.api_url or None,
            ),
        )

    return _fetch


def _scb_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=fetch_key(source.name),
        group_name="fetch",
        kinds={"api"},
        tags=stage_tags(FETCH),
        description=f"SCB's PxWebApi 2.0, {source.table_id} ({source.title}): fetched into "
        f"<landing>/{source.name}/ when SCB has updated the table since the last fetch, chunked "
        "under SCB's cell limit, with the table's metadata beside the files.",
    )
    def _fetch(context: dg.AssetExecutionContext, config: ScbFetchConfig, landing: LandingArea):
        return _finish(
            context,
            scb.fetch_scb(
                landing.landing,
                statistic=source.table_id,
                region=config.region,
                years=_years(config.years),
                full=config.full,
                api=config.api_url or None,
            ),
        )

    return _fetch


def fetch_assets() -> list[dg.AssetsDefinition]:
    return [_kolada_asset(s) if s.kind == "kolada" else _scb_asset(s) for s in fetched_sources().values()]


def fetch_jobs_and_schedules() -> tuple[list, list]:
    """A job per API (Kolada, SCB) and its schedule, off by default."""
    fetched = fetched_sources()
    kolada_keys = [fetch_key(n) for n, s in fetched.items() if s.kind == "kolada"]
    scb_keys = [fetch_key(n) for n, s in fetched.items() if s.kind == "scb"]
    jobs, schedules = [], []
    for name, keys, cron, what in (
        ("fetch_kolada", kolada_keys, KOLADA_CRON, "weekly, Mondays 05:00"),
        ("fetch_scb", scb_keys, SCB_CRON, "monthly, the 2nd at 05:00"),
    ):
        if not keys:
            continue
        job = dg.define_asset_job(
            name,
            selection=dg.AssetSelection.assets(*keys),
            description="Fetch from the API into the landing area; the landing sensor starts a "
            "refresh when new files are written.",
        )
        jobs.append(job)
        schedules.append(
            dg.ScheduleDefinition(
                name=f"{name}_schedule",
                job=job,
                cron_schedule=cron,
                execution_timezone=TIMEZONE,
                default_status=dg.DefaultScheduleStatus.STOPPED,
                description=f"{what} Europe/Stockholm; off by default (start it where the machine reaches the API).",
            )
        )
    return jobs, schedules
