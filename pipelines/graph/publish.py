"""The publish layer: disclosure control, the release, the quality Data Docs and the follow-up report.

``publish/disclosure_cells`` (derive job) marks what every published table withholds, and the relations across
every source of the registry (``core/quarantine``, ``core/source_files``) are made there too. In the publish
job: ``publish/release`` writes a release from what the live database holds (pipelines/publish.py: reads
only) and switches readers to it, refusing while disclosure control is behind the values; ``publish/data_docs``
renders the Great Expectations results of every suite; ``publish/report`` the follow-up report from the release.
"""

import dagster as dg

from pipelines.disclosure import DisclosureError, load_rule, protect
from pipelines.graph.keys import DERIVE, PUBLISH, change_relations, deps_of, relation_key, stage_tags
from pipelines.graph.relation_assets import materialize
from pipelines.incremental import Spec, build, ensure_meta, pending, planned_scope, table_exists
from pipelines.progress import report
from pipelines.publish import (
    CSV_DIR,
    CURRENT,
    PARQUET_DIR,
    publish,
    published_specs,
    quarantine_select,
    source_files_select,
)
from pipelines.relations import Partitioning, definition_hash, references
from pipelines.runs import refresh_before
from pipelines.settings import SQL_DIR
from pipelines.sources import sources
from pipelines.vintages.send import deliver_digest
from pipelines.vintages.settings import VintageSettingError
from pipelines.warehouse import Warehouse, register_macros

DISCLOSURE = "publish.disclosure_cells"
BY_YEAR = Partitioning("period", "year")
DISCLOSURE_READS = (
    "indicators.indicator_values",
    "core.indicators",
    "core.listed_inhabitants",
    "core.areas",
    "core.disclosure_rule",
)
QUALITY_DIR = "quality"


def disclosure_asset() -> dg.AssetsDefinition:
    steps = [
        SQL_DIR / "steps" / name for name in ("disclosure_cells.sql", "disclosure_pass.sql", "disclosure_result.sql")
    ]

    @dg.asset(
        key=["publish", "disclosure_cells"],
        deps=deps_of(DISCLOSURE_READS, DISCLOSURE),
        group_name="publish",
        kinds={"duckdb"},
        tags=stage_tags(DERIVE),
        description="Disclosure control: every published cell resting on a count of persons or events, and "
        "which are withheld (primary and secondary suppression) and why (indicators/disclosure.yaml).",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            rule = load_rule()
        except DisclosureError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        definition = definition_hash(*(p.read_text(encoding="utf-8") for p in steps), str(rule.min_count))
        spec = Spec(
            DISCLOSURE, "SELECT * FROM disclosure_work", BY_YEAR, change_relations(DISCLOSURE_READS), definition
        )
        with warehouse.connect() as con:
            register_macros(con)
            scope, _, _ = planned_scope(con, spec)
            if scope.empty:
                built = build(con, spec, context.run_id)
                report(context, "disclosure control: nothing it reads changed", detail=True)
                return dg.MaterializeResult(metadata={"recomputed": False, "dagster/row_count": built.rows})
            # every group of cells lies within a year: the years touched are computed on their own
            years = None if scope.everything else sorted({p[:4] for p in scope.prefixes if p})
            try:
                result = protect(con, rule, years)
            except DisclosureError as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            built = build(con, spec, context.run_id, whole=scope.everything)
            con.execute("DROP TABLE IF EXISTS disclosure_work").fetchall()
        report(
            context,
            f"disclosure control: {built.scope}: {result['primary']:,} cells withheld as small, "
            f"{result['secondary']:,} to protect them ({result['passes']} passes, threshold "
            f"{result['min_count']})",
            detail=True,
        )
        return dg.MaterializeResult(
            metadata={
                "recomputed": True,
                "scope": built.scope,
                "partitions_changed": dg.MetadataValue.json(built.changed),
                "dagster/row_count": built.rows,
                **result,
            }
        )

    return _asset


def release_reads() -> tuple[str, ...]:
    """Every relation a release reads: what the publish SQL names."""
    return tuple(sorted({ref for table in published_specs().values() for ref in table.reads}))


def release_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=["publish", "release"],
        deps=deps_of(release_reads(), "publish.release"),
        group_name="publish",
        kinds={"duckdb", "parquet", "csv", "excel"},
        tags=stage_tags(PUBLISH),
        description="A release (analyst.duckdb, Parquet, CSV, Excel workbooks, manifest) under releases/, switched to as one set "
        "via current/; a table whose content is unchanged keeps its files byte for byte.",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        run = refresh_before(context.instance, context.run)
        try:  # the threshold in force, which the cells must have been protected by
            in_force = load_rule().min_count
        except DisclosureError as error:
            raise dg.Failure(
                description=f"disclosure control cannot run: {error}; nothing is published, what was "
                "published before stays",
                allow_retries=False,
            ) from None
        with warehouse.connect() as con:
            ensure_meta(con)
            stale, _ = pending(con, DISCLOSURE, DISCLOSURE_READS)
            used = (
                con.execute("SELECT min(min_count) FROM core.disclosure_rule").fetchall()[0][0]
                if table_exists(con, "core.disclosure_rule")
                else None
            )
            if used is not None and used != in_force:
                stale = True  # protected by another threshold than the one in force
            if stale or not table_exists(con, DISCLOSURE):
                raise dg.Failure(
                    description="disclosure control has not run over the latest values (its step failed "
                    "or did not run): nothing is published until it has, so no small count "
                    "is shown unprotected; what was published before stays",
                    allow_retries=False,
                )
            try:
                manifest = publish(con, warehouse.root, context.run_id, run)
            except VintageSettingError as error:  # vintages: a release check's setting that cannot be used
                raise dg.Failure(description=str(error), allow_retries=False) from None
        changed = [name for name, table in manifest["tables"].items() if table["changed"]]
        for name, table in manifest["tables"].items():
            report(
                context,
                f"published {name}: {table['rows']:,} rows"
                + ("" if table["changed"] else " (unchanged: files kept as they were)"),
                detail=True,
            )
        report(
            context,
            f"published release {manifest['release']}: {len(manifest['tables'])} tables, {len(changed)} changed",
        )
        return dg.MaterializeResult(
            metadata={
                "analyst_database": dg.MetadataValue.path(manifest["analyst_database"]),
                "release": manifest["release"],
                "parquet_dir": dg.MetadataValue.path(str(warehouse.root / CURRENT / PARQUET_DIR)),
                "csv_dir": dg.MetadataValue.path(str(warehouse.root / CURRENT / CSV_DIR)),
                "rows": dg.MetadataValue.json({n: t["rows"] for n, t in manifest["tables"].items()}),
                "changed_tables": dg.MetadataValue.json(changed),
            }
        )

    return _asset


def data_docs_asset(staged: list[tuple[str, object]]) -> dg.AssetsDefinition:
    """The Data Docs of every suite, from the audit results of every partition."""

    @dg.asset(
        key=["publish", "data_docs"],
        deps=[relation_key(r) for r, _ in staged],
        group_name="publish",
        kinds={"html", "great_expectations"},
        tags=stage_tags(PUBLISH),
        description="Great Expectations Data Docs of every suite over every partition it audited, under "
        "<warehouse>/quality/ (they open offline).",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        from pipelines.quality import gx_process
        from pipelines.quality.audit import outcome_of

        with warehouse.connect() as con:
            outcomes = [outcome_of(con, suite, relation) for relation, suite in staged]
        index = gx_process.write_docs(outcomes, warehouse.root / QUALITY_DIR)
        report(context, f"quality: Data Docs at {index}")
        failed = {
            o.suite: {r.rule: {"severity": r.severity, "rows": r.unexpected, "title": r.title} for r in o.failed}
            for o in outcomes
        }
        return dg.MaterializeResult(
            metadata={"data_docs": dg.MetadataValue.path(str(index)), "failed": dg.MetadataValue.json(failed)}
        )

    return _asset


def report_asset() -> dg.AssetsDefinition:
    from pipelines.report.build import NotPublished, build_report

    @dg.asset(
        key=["publish", "report"],
        deps=[dg.AssetKey(["publish", "release"])],
        group_name="publish",
        kinds={"html"},
        tags=stage_tags(PUBLISH),
        description="The follow-up report for management: index.html and one page per region (goals with status, "
        "sentence and chart; indicators and Kolada against the other regions and Riket), static HTML "
        "that opens offline.",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            built = build_report(warehouse.root)
        except NotPublished as error:
            raise dg.Failure(description=f"report: {error}", allow_retries=False) from None
        report(context, f"report: {len(built['pages'])} pages, {built['charts']} charts, {built['index']}")
        # vintages: the release's digest through the failure alert's channels, when VARDPULS_DIGEST_SEND says so
        sent = deliver_digest(built.get("digest"), lambda line: report(context, line, warning=True))
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(built["index"])),
                "release": built["release"],
                "pages": len(built["pages"]),
                "charts": built["charts"],
                "synthetic_pages": dg.MetadataValue.json(built["synthetic_pages"]),
                "digest_sent_by": dg.MetadataValue.json(sent),
            }
        )

    return _asset


def registry_relation_asset(relation: str, make_select, reads, description: str) -> dg.AssetsDefinition:
    """A relation across every source of the registry (its SELECT made from the registry, over what exists)."""
    schema, name = relation.split(".")

    @dg.asset(
        key=[schema, name],
        deps=deps_of(reads(), relation),
        group_name=schema,
        kinds={"duckdb"},
        tags=stage_tags(DERIVE),
        description=description,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            select = make_select(con)
        spec = Spec(relation, select, None, change_relations(references(select)), definition_hash(select))
        _, meta = materialize(context, warehouse, spec)
        return dg.MaterializeResult(metadata=meta)

    return _asset


def registry_relation_assets() -> list[dg.AssetsDefinition]:
    staged = lambda: tuple(f"staging.{n}" for n in sources() if (SQL_DIR / "staging" / f"{n}.sql").is_file())  # noqa: E731
    return [
        registry_relation_asset(
            "core.quarantine",
            quarantine_select,
            lambda: (*staged(), "core.quality_rules", "core.decisions"),
            "Every delivered row held out of the facts because it broke a blocking rule: source, file, row, column, "
            "rule and title, the value as delivered, the run that loaded it, and whether an operator acknowledged it.",
        ),
        registry_relation_asset(
            "core.source_files",
            source_files_select,
            lambda: tuple(f"raw.{n}" for n in sources()),
            "Every landed file version loaded, of every source: file, sha256, size, format, encoding, rows, "
            "synthetic, and the run that loaded it.",
        ),
    ]
