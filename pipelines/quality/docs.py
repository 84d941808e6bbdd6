"""GX Data Docs of validation outcomes: ``write_data_docs(outcomes, folder) -> Path``.

Renders the added-up GX result of each ``SuiteOutcome`` (see runner.py) with GX's own SiteBuilder
into ``<folder>/data_docs/`` and returns its ``index.html``: the index lists every validation and
suite, each validation page shows every rule (its title, severity and rule id as the expectation's
description), rows evaluated, unexpected counts and the kept failing rows by source_file and
source_row. The pages open offline with GX's look: Bootstrap, jQuery and Font Awesome are copied
into the site (``static/vendor/``, from ``static/`` beside this file) and the pages point at them
(views.py), so the "Failed Only" filter works; a failed warning rule shows as a warning, and every
value from the data is escaped. The pipeline passes ``<warehouse>/quality/``.

The site is built in a new folder beside the old one and then put in its place, so a reader sees the
old site or the new one; pages of earlier runs do not linger.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipelines.quality.runner import SuiteOutcome, _map_result, gx_context
from pipelines.quality.views import VENDOR

SITE = "vardpuls_quality"


def _site_config(directory: Path, verdicts: dict[str, str]) -> dict:
    offline = {"module_name": "pipelines.quality.views", "class_name": "OfflinePageView"}
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": {
                "module_name": "pipelines.quality.views",
                "class_name": "OfflineIndexPageView",
                "verdicts": verdicts,
            },
        },
        "site_section_builders": {
            "expectations": {"view": offline},
            "validations": {"view": offline},
            "profiling": "None",
        },
    }


def write_data_docs(outcomes: Iterable[SuiteOutcome], folder: Path) -> Path:
    """Write GX Data Docs of ``outcomes`` to ``<folder>/data_docs/``; the path of its index.html."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    outcomes = list(outcomes)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "data_docs"
    building = Path(tempfile.mkdtemp(prefix=".data_docs-new-", dir=folder))
    try:
        keys = [
            (
                outcome,
                ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=outcome.suite),
                    run_id=outcome.gx_result.meta["run_id"],
                    batch_identifier=outcome.gx_result.batch_id,
                ),
            )
            for outcome in outcomes
        ]
        verdicts = {validation_key(key): verdict(outcome) for outcome, key in keys}
        context = gx_context()
        context.add_data_docs_site(SITE, _site_config(building, verdicts))
        for definition in {outcome.suite: outcome.definition for outcome in outcomes}.values():
            context.suites.add(definition.expectation_suite())
        for outcome, key in keys:
            context.validation_results_store.set(key, outcome.gx_result)
        context.build_data_docs(site_names=[SITE])
        shutil.copytree(VENDOR, building / "static" / "vendor", ignore=shutil.ignore_patterns("README.md"))
        old = Path(tempfile.mkdtemp(prefix=".data_docs-old-", dir=folder))
        if target.exists():
            target.rename(old / "site")
        building.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target / "index.html"


def verdict(outcome: SuiteOutcome) -> str:
    """``failed`` when a rule that is not a warning failed, ``warning`` when only warnings did, else ``passed``."""
    return (
        "failed"
        if any(rule.severity != "warning" for rule in outcome.failed)
        else ("warning" if outcome.failed else "passed")
    )


def validation_key(key) -> str:
    """``<suite parts>/<run name>/<run time>``: the folders of a validation's page, as views.validation_key reads
    them back from a link."""
    suite, (run_name, run_time) = key.expectation_suite_identifier.to_tuple(), key.run_id.to_tuple()
    return "/".join([*suite, run_name, run_time])


def gx_result(outcome: SuiteOutcome):
    """The added-up ExpectationSuiteValidationResult of an outcome (pipelines.quality.audit.outcome_of), shaped as
    GX's own COMPLETE result."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
    from great_expectations.core.run_identifier import RunIdentifier

    suite = outcome.definition
    results = []
    for rule, rule_outcome in zip(suite.rules, outcome.rules):
        body = _map_result(rule_outcome, None, rule.value_column) if rule.row_level else {}
        results.append(
            ExpectationValidationResult(
                success=rule_outcome.success,
                expectation_config=rule.expectation().configuration,
                result=body,
                exception_info={
                    "raised_exception": rule_outcome.error is not None,
                    "exception_message": rule_outcome.error,
                    "exception_traceback": None,
                },
            )
        )
    passed = sum(r.success for r in results)
    moment = dt.datetime.now(dt.timezone.utc)
    now = moment.isoformat()
    result = ExpectationSuiteValidationResult(
        success=passed == len(results),
        results=results,
        suite_name=suite.name,
        batch_id=f"{outcome.table}",
        statistics={
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": passed / len(results) * 100 if results else None,
        },
    )
    result.meta = {
        "run_id": RunIdentifier(run_name=f"{suite.name} on {outcome.table}", run_time=moment),
        "batch_spec": {
            "duckdb_table": outcome.table,
            "rows": outcome.rows,
            "audit": "every distinct combination of the values each rule reads, with its rows",
        },
        "batch_markers": {},
        "batch_parameters": None,
        "active_batch_definition": {"datasource_name": "vardpuls", "data_asset_name": outcome.table},
        "validation_time": now,
        "great_expectations_version": gx.__version__,
    }
    return result
