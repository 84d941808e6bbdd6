"""GX Data Docs of validation outcomes: ``write_data_docs(outcomes, folder) -> Path``.

Renders the added-up GX result of each ``SuiteOutcome`` (see runner.py) with GX's own SiteBuilder
into ``<folder>/data_docs/`` and returns its ``index.html``: the index lists every validation and
suite, each validation page shows every rule (its title, severity and rule id as the expectation's
description), rows evaluated, unexpected counts and the kept failing rows by source_file and
source_row. The site is static HTML that opens offline (views.py). The pipeline passes
``<warehouse>/quality/``.

The site is built in a new folder beside the old one and then put in its place, so a reader sees the
old site or the new one; pages of earlier runs do not linger.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipelines.quality.runner import SuiteOutcome, gx_context

SITE = "vardpuls_quality"


def _site_config(directory: Path) -> dict:
    offline = {"module_name": "pipelines.quality.views", "class_name": "OfflinePageView"}
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                               "view": {"module_name": "pipelines.quality.views", "class_name": "OfflineIndexPageView"}},
        "site_section_builders": {"expectations": {"view": offline}, "validations": {"view": offline},
                                  "profiling": "None"},
    }


def write_data_docs(outcomes: Iterable[SuiteOutcome], folder: Path) -> Path:
    """Write GX Data Docs of ``outcomes`` to ``<folder>/data_docs/``; the path of its index.html."""
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                             ValidationResultIdentifier)

    outcomes = list(outcomes)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "data_docs"
    building = Path(tempfile.mkdtemp(prefix=".data_docs-new-", dir=folder))
    try:
        context = gx_context()
        context.add_data_docs_site(SITE, _site_config(building))
        for definition in {outcome.suite: outcome.definition for outcome in outcomes}.values():
            context.suites.add(definition.expectation_suite())
        for outcome in outcomes:
            result = outcome.gx_result
            key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=outcome.suite),
                                             run_id=result.meta["run_id"], batch_identifier=result.batch_id)
            context.validation_results_store.set(key, result)
        context.build_data_docs(site_names=[SITE])
        old = Path(tempfile.mkdtemp(prefix=".data_docs-old-", dir=folder))
        if target.exists():
            target.rename(old / "site")
        building.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target / "index.html"
