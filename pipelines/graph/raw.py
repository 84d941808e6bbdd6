"""raw/<source>: one asset per source of the registry, loading what landed and marking the periods it changed."""

import dagster as dg

from pipelines.benchmark.ingest import KoladaPageError, ingest_kolada, missing_pages
from pipelines.decisions import DecisionsError, retracted_versions
from pipelines.graph.fetch import fetch_key, fetched_sources
from pipelines.graph.keys import REFRESH, stage_tags
from pipelines.incremental import ensure_meta
from pipelines.lineage import LoadReport
from pipelines.population.formats import PopulationFormatError
from pipelines.population.ingest import ingest_scb
from pipelines.privacy import PseudonymKeyError, scrub
from pipelines.progress import report
from pipelines.regional.ingest import ingest_source
from pipelines.regional.reader import SourceFileError
from pipelines.regional.spec import sources as regional_formats
from pipelines.sources import Source, sources
from pipelines.warehouse import Warehouse, count_rows

# What the raw load of each kind needs before it: the registers its checks look codes up in.
NEEDS = {
    "scb": [dg.AssetKey(["core", "areas"]), dg.AssetKey(["core", "area_code_changes"])],
    "regional": [],
    "kolada": [dg.AssetKey(["core", "areas"])],
}
REHASH_TAG = "vardpuls/rehash"


def raw_asset(source: Source) -> dg.AssetsDefinition:
    fetched = [fetch_key(source.name)] if source.name in fetched_sources() else []  # fetched by its API first

    @dg.asset(
        key=["raw", source.name],
        deps=[*NEEDS[source.kind], *fetched],
        group_name="raw",
        kinds={"duckdb"},
        tags=stage_tags(REFRESH),
        description=f"{source.title}: the files landed under <landing>/{source.name}/ as delivered, every row "
        "stamped with its file, sha256, row and load run; a file whose size and time are unchanged "
        "is not read again, and a version retracted in decisions.yaml has its rows taken out.",
    )
    def _raw(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        rehash = context.run.tags.get(REHASH_TAG) == "true"
        with warehouse.connect() as con:
            ensure_meta(con)
            load, extra = _load(con, source, warehouse, context, rehash)
            total = count_rows(con, source.rows_relation)
        for done in load.retracted:
            report(
                context, f"{source.name}: {done['file']} retracted (decisions.yaml): {done['rows']:,} rows taken out"
            )
        for file in load.restored:
            report(context, f"{source.name}: {file}: retraction removed from decisions.yaml; read again if landed")
        for entry in load.not_read:  # said every time, as a warning: nothing lands unread without a word
            report(
                context,
                f"{source.name}: {entry.name}: {'REFUSED, ' if entry.refused else 'skipped, '}{entry.reason}",
                warning=True,
            )
        if load.files_seen == 0:
            report(
                context,
                f"{source.name}: no files in {load.folder}; source skipped (nothing loaded, nothing removed)",
                warning=True,
            )
        else:
            report(
                context,
                f"{source.name}: {load.files_seen} files ({len(load.loaded)} loaded, "
                f"{len(load.unchanged)} unchanged), {load.rows_loaded:,} rows loaded",
            )
        return dg.MaterializeResult(
            metadata={
                "landing_folder": str(load.folder),
                "files_seen": load.files_seen,
                "files_loaded": len(load.loaded),
                "files_unchanged": len(load.unchanged),
                "rows_loaded": load.rows_loaded,
                "rows_in_raw": total,
                "dagster/row_count": total,
                "partitions_changed": len(load.changed_partitions),
                "retracted": dg.MetadataValue.json(load.retracted),
                "loaded": dg.MetadataValue.json(load.loaded),
                "not_read": dg.MetadataValue.json([entry.as_dict() for entry in load.not_read]),
                **extra,
            }
        )

    return _raw


def _load(con, source: Source, warehouse: Warehouse, context, rehash: bool) -> tuple[LoadReport, dict]:
    progress = lambda message: report(context, message, detail=True)  # noqa: E731
    try:
        retracted = retracted_versions(warehouse.root, source.name)
        if source.kind == "scb":
            return ingest_scb(con, source.name, warehouse.landing, context.run_id, progress, rehash, retracted), {}
        if source.kind == "regional":
            spec = regional_formats()[source.name]
            return ingest_source(con, spec, warehouse.landing, context.run_id, progress, rehash, retracted), {}
        if retracted:
            report(
                context, "kolada: pages cannot be retracted (fetch them again); decisions.yaml ignored", warning=True
            )
        load = ingest_kolada(con, warehouse.landing, context.run_id, progress, rehash)
    except PopulationFormatError as error:
        raise dg.Failure(
            description=scrub(str(error)),
            allow_retries=False,
            metadata={
                "file": scrub(error.file),
                "row": error.row or 0,
                "column": scrub(error.column or ""),
                "reason": scrub(error.reason),
            },
        ) from None
    except (SourceFileError, PseudonymKeyError, DecisionsError) as error:
        raise dg.Failure(description=scrub(str(error)), allow_retries=False) from None
    except KoladaPageError as error:
        raise dg.Failure(
            description=scrub(str(error)),
            allow_retries=False,
            metadata={"file": error.file, "item": error.item or 0, "field": error.field or "", "reason": error.reason},
        ) from None
    missing = missing_pages(con)
    for file, next_page in missing:
        report(
            context,
            f"kolada: {load.folder / file} says more pages exist ({next_page}) but no file in "
            f"{load.folder} holds the next page: its values are not loaded",
            warning=True,
        )
    return load, {"pages_missing": dg.MetadataValue.json([{"file": f, "next_page": n} for f, n in missing])}


def raw_assets() -> list[dg.AssetsDefinition]:
    return [raw_asset(source) for source in sources().values()]
