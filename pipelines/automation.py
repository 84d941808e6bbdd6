"""What starts a refresh without anyone typing: the nightly schedule and the landing sensor.

Both start the ``refresh`` job; when it ends, successful or not, ``derive_after_refresh`` (and
``derive_after_failed_refresh``) start the ``derive`` job, and after it the ``publish`` job, exactly as
``vardpuls refresh`` runs the three one after the other (a source refused in the refresh keeps what it
published before; the other sources are published).

- ``nightly_refresh``: every night at 02:00 Europe/Stockholm, skipped with the reason when nothing is new
  (pipelines/plan.py).
- ``new_landed_files``: looks at the landing folders every ``VARDPULS_SENSOR_SECONDS`` seconds
  (default 60) and starts a refresh when a file was added, changed or removed since the last
  refresh it started. A file still being written (modified in the last few seconds) waits for the
  next look. While a refresh or publish run is queued or running it does not start another: a
  DuckDB file has one writer.
- ``PUBLISHED_FRESHNESS``: the published tables are expected by 06:00 each morning with data of
  the last day; Dagster's freshness daemon flags them in the UI when they are not.

The daemon that runs all of this is started by ``vardpuls ui`` (``dagster dev``); runs it launches
are queued one at a time (``<DAGSTER_HOME>/dagster.yaml``, written by the CLI).
"""

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

import dagster as dg

from pipelines.landing import scan_landing
from pipelines.warehouse import Warehouse

TIMEZONE = "Europe/Stockholm"
NIGHTLY_CRON = "0 2 * * *"
SENSOR_SECONDS = int(os.environ.get("VARDPULS_SENSOR_SECONDS", "60"))
# a file modified more recently than this may still be being copied in
SETTLE_SECONDS = 5
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 6 * * *", lower_bound_delta=dt.timedelta(hours=24), timezone=TIMEZONE
)


def landing_fingerprint(landing: Path, now: float | None = None) -> tuple[str, int, bool]:
    """(sha256 over every landed file's path, size and mtime; number of files; any file still settling)."""
    digest, count, settling = hashlib.sha256(), 0, False
    now = time.time() if now is None else now
    if landing.is_dir():
        # what a refresh would read: regular files inside each source's folder, never through a link outside it
        files = [
            path
            for folder in sorted(p for p in landing.iterdir() if p.is_dir() and not p.name.startswith("."))
            for path in scan_landing(folder).files
        ]
        for path in sorted(files):
            stat = path.stat()
            digest.update(f"{path.relative_to(landing)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            count += 1
            settling |= now - stat.st_mtime < SETTLE_SECONDS
    return digest.hexdigest(), count, settling


def build_automation(refresh_job, derive_job, publish_job) -> tuple[list, list]:
    """The schedule and the sensors for the three jobs."""

    @dg.schedule(
        name="nightly_refresh",
        job=refresh_job,
        cron_schedule=NIGHTLY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The nightly refresh at 02:00 Europe/Stockholm (derive and publish follow it); a night "
        "with nothing new is skipped with the reason.",
    )
    def nightly_refresh(context: dg.ScheduleEvaluationContext, warehouse: Warehouse):
        from pipelines.plan import what_is_new

        reasons = what_is_new(warehouse.landing, warehouse.root)
        if not reasons:
            return dg.SkipReason("nothing new since the last refresh; the publication stands as it is")
        return dg.RunRequest(run_key=None, tags={"vardpuls/trigger": "schedule", "vardpuls/why": "; ".join(reasons)})

    @dg.sensor(
        name="new_landed_files",
        job=refresh_job,
        minimum_interval_seconds=SENSOR_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a refresh when files are added to, changed in or removed from the landing "
        "folders (derive and publish follow it).",
    )
    def new_landed_files(context: dg.SensorEvaluationContext, warehouse: Warehouse):
        fingerprint, count, settling = landing_fingerprint(warehouse.landing)
        if count == 0:
            return dg.SkipReason(f"no files in {warehouse.landing}")
        if fingerprint == context.cursor:
            return dg.SkipReason(f"no new or changed files in {warehouse.landing} ({count} files)")
        if settling:
            return dg.SkipReason("a landed file was modified in the last seconds; waiting until it is complete")
        busy = any(
            context.instance.get_run_records(dg.RunsFilter(job_name=job.name, statuses=ACTIVE), limit=1)
            for job in (refresh_job, derive_job, publish_job)
        )
        if busy:
            return dg.SkipReason("a refresh, derive or publish is queued or running; looking again after it")
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=f"landing-{fingerprint[:16]}", tags={"vardpuls/trigger": "new files"})

    sensors = [new_landed_files, *follows(refresh_job, derive_job), *follows(derive_job, publish_job)]
    return [nightly_refresh], sensors


def follows(after, then) -> list:
    """Two sensors that start ``then`` when a run of ``after`` ends, successful or not (the step that failed
    stops only what reads it; the rest goes on)."""

    def request(context) -> dg.RunRequest:
        refresh_run = context.dagster_run.tags.get("vardpuls/refresh_run", context.dagster_run.run_id)
        return dg.RunRequest(
            run_key=f"{then.name}-{context.dagster_run.run_id}", tags={"vardpuls/refresh_run": refresh_run}
        )

    @dg.run_status_sensor(
        name=f"{then.name}_after_{after.name}",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[after],
        request_job=then,
        minimum_interval_seconds=10,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Starts {then.name} after every {after.name} that succeeded.",
    )
    def after_success(context: dg.RunStatusSensorContext):
        return request(context)

    @dg.run_failure_sensor(
        name=f"{then.name}_after_failed_{after.name}",
        monitored_jobs=[after],
        request_job=then,
        minimum_interval_seconds=10,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Starts {then.name} after a {after.name} in which some step failed: what "
        "the failed step feeds keeps what it had, everything else goes on.",
    )
    def after_failure(context: dg.RunFailureSensorContext):
        return request(context)

    return [after_success, after_failure]
