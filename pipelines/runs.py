"""What the published ``runs`` table says about a run: which code, which refresh, when.

``code_version()`` is the package version and a content hash of everything that decides a value
(``pipelines/``, ``sql/``, ``indicators/``, ``goals/``, ``data/reference/``), so two runs with the
same code version computed their values the same way even where there is no git checkout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from pipelines.settings import PROJECT_ROOT

CODE_FOLDERS = ("pipelines", "sql", "indicators", "goals", "data/reference")
SUFFIXES = {".py", ".sql", ".yaml", ".yml", ".csv", ".json", ".md"}


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        base = PROJECT_ROOT / folder
        if not base.is_dir():
            continue
        for path in sorted(
            p for p in base.rglob("*") if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
        ):
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        package = version("vardpuls")
    except PackageNotFoundError:
        package = "unknown"
    return f"{package}+{digest.hexdigest()[:12]}"


def refresh_before(instance, publish_run) -> dict:
    """The refresh run this publication follows: the one named in its tags (sensor), else the latest."""
    import dagster as dg  # (here: a refresh with nothing new asks code_version() and never starts Dagster)

    run_id = publish_run.tags.get("vardpuls/refresh_run")
    if run_id is None:
        records = instance.get_run_records(dg.RunsFilter(job_name="refresh"), limit=1)
        run_id = records[0].dagster_run.run_id if records else None
    stats = instance.get_run_stats(run_id) if run_id else None
    started = stats.start_time if stats and stats.start_time else None
    return {
        "refresh_run_id": run_id,
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat() if started else None,
    }
