"""The Dagster code location: every asset of the warehouse, the refresh, derive and publish jobs, the fetch jobs, the
schedules and sensors."""

from __future__ import annotations

import dagster as dg

from pipelines.alerts import build_failure_alert
from pipelines.asset_metadata import describe_assets
from pipelines.automation import PUBLISHED_FRESHNESS, build_automation
from pipelines.graph import DERIVE, PUBLISH, REFRESH, graph, stage_selection
from pipelines.graph.fetch import LandingArea, fetch_jobs_and_schedules
from pipelines.warehouse import Warehouse, default_warehouse

ASSETS, CHECKS = graph()
RELEASE = dg.AssetKey(["publish", "release"])

refresh_job = dg.define_asset_job(
    "refresh",
    selection=stage_selection(REFRESH),
    description="Load every landed source and build, for the periods that changed, what reads it: staging "
    "(checked by its suite), the facts and the indicators. A source whose files are refused stops "
    "there, and so does what reads it; everything else carries on.",
)
derive_job = dg.define_asset_job(
    "derive",
    selection=stage_selection(DERIVE),
    description="What reads across every source and indicator: the long table of values, trends, goals, the Kolada "
    "comparison, the quarantine and the file register of every source, disclosure control; runs after "
    "every refresh whatever became of it, for what changed.",
)
publish_job = dg.define_asset_job(
    "publish",
    selection=stage_selection(PUBLISH),
    description="The release (analyst.duckdb, Parquet, CSV for Excel, workbooks), the Data Docs and the follow-up "
    "report; runs after every derive whatever became of it. What was published stays until the release "
    "switches readers to a new one.",
)
FETCH_JOBS, FETCH_SCHEDULES = fetch_jobs_and_schedules()
JOBS = [refresh_job, derive_job, publish_job, *FETCH_JOBS]

SCHEDULES, SENSORS = build_automation(refresh_job, derive_job, publish_job)
SCHEDULES = [*SCHEDULES, *FETCH_SCHEDULES]
SENSORS = [*SENSORS, build_failure_alert(JOBS)]


def build_definitions(warehouse: Warehouse | None = None) -> dg.Definitions:
    """Definitions bound to one landing area and warehouse (default: VARDPULS_* variables or the defaults)."""
    warehouse = warehouse or default_warehouse()
    return dg.Definitions(
        # the published tables are expected by 06:00 every morning (pipelines/automation.py)
        assets=dg.map_asset_specs(
            lambda spec: spec.replace_attributes(freshness_policy=PUBLISHED_FRESHNESS) if spec.key == RELEASE else spec,
            describe_assets(ASSETS),
        ),
        asset_checks=CHECKS,
        jobs=JOBS,
        schedules=SCHEDULES,
        sensors=SENSORS,
        resources={"warehouse": warehouse, "landing": LandingArea(landing_dir=warehouse.landing_dir)},
        # One DuckDB file has one writer: steps run one after another in one process.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
