"""indicators/<id>: one asset per catalogue entry, reading only what its SQL reads; and the long table.

An indicator's dependencies are the relations its SQL names (sql/catalogue/<id>.sql), so a refused
source stops the indicators that read it and no other. Each is a relation ``indicators.<id>`` cut by
year: a new month recomputes that year's months and the year's value. ``indicators/indicator_values``
puts them together in one long table, in the publish job, which runs after every refresh: an
indicator that was stopped keeps what it had, the others are new.
"""

import dagster as dg

from pipelines.graph.keys import DERIVE, REFRESH, change_relations, deps_of, stage_tags
from pipelines.graph.relation_assets import materialize
from pipelines.incremental import Spec, table_exists
from pipelines.indicators.catalogue import Indicator, load_catalogue
from pipelines.relations import Partitioning, definition_hash, reads, strip_comments
from pipelines.settings import PROJECT_ROOT
from pipelines.sql_scripts import sql_path
from pipelines.warehouse import Warehouse, register_macros

REQUIRED_COLUMNS = {"area_code", "period", "sex", "numerator", "denominator", "synthetic"}
# Columns an indicator's SQL may leave out, and what they are then: the breakdowns, whether its inputs were
# delivered in full (sql/steps/indicator.sql) and the persons behind it for disclosure control.
OPTIONAL_COLUMNS = {
    "unit_id": "NULL::VARCHAR",
    "age_group": "'all'",
    "category": "'all'",
    "complete": "true",
    "coverage": "NULL::DOUBLE",
    "incomplete_note": "NULL::VARCHAR",
    "persons": "NULL::BIGINT",
}
BY_YEAR = Partitioning("period", "year")
LONG_TABLE = "indicators.indicator_values"
KEY = ("area_code", "unit_id", "period", "sex", "age_group", "category")


class IndicatorError(ValueError):
    """An indicator's SQL that cannot be used: names the file and what is wrong."""


def template() -> str:
    return sql_path("steps/indicator.sql").read_text(encoding="utf-8")


def indicator_spec(indicator: Indicator, columns: set[str]) -> Spec:
    """The relation indicators.<id>: the catalogue SQL's rows with value, interval and definition version."""
    if missing := REQUIRED_COLUMNS - columns:
        raise IndicatorError(
            f"{indicator.sql}: the query must return {sorted(REQUIRED_COLUMNS)}; missing {sorted(missing)}"
        )
    if missing := indicator.breakdown_columns - columns:
        raise IndicatorError(
            f"{indicator.sql}: {indicator.catalogue_file} lists the breakdowns "
            f"{list(indicator.breakdowns)}, so the query must return {sorted(missing)}"
        )
    defaults = "".join(f", {sql} AS {name}" for name, sql in OPTIONAL_COLUMNS.items() if name not in columns)
    source = indicator.select_sql()
    select = (
        strip_comments(template())
        .strip()
        .rstrip(";")
        .replace("{source}", source)
        .replace("{defaults}", defaults)
        .replace("{indicator_id}", indicator.id)
        .replace("{version}", str(indicator.version))
        .replace("{kind}", indicator.kind)
        .replace("{scale}", repr(float(indicator.scale)))
        .replace("{statistic}", indicator.statistic)
    )
    return Spec(
        relation=f"indicators.{indicator.id}",
        select=select,
        partitioning=BY_YEAR,
        upstreams=change_relations(reads(source)),
        definition=definition(indicator),
        lookback=indicator.lookback,
    )


def definition(indicator: Indicator) -> str:
    catalogue_file = PROJECT_ROOT / indicator.catalogue_file
    yaml_text = catalogue_file.read_text(encoding="utf-8") if catalogue_file.is_file() else indicator.catalogue_file
    return definition_hash(template(), indicator.select_sql(), yaml_text)


def duplicates_check(relation: str):
    def refuse(con):
        rows = con.execute(
            f"SELECT count(*) FROM (SELECT {', '.join(KEY)} FROM {relation} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        if rows:
            raise IndicatorError(f"{rows} area/unit/period/sex/age group/category combinations appear more than once")

    return refuse


def indicator_asset(indicator: Indicator) -> dg.AssetsDefinition:
    source = indicator.select_sql()

    @dg.asset(
        key=["indicators", indicator.id],
        deps=[dg.AssetKey(["core", "indicators"]), *deps_of(reads(source), f"indicators.{indicator.id}")],
        group_name="indicators",
        kinds={"duckdb"},
        tags=stage_tags(REFRESH),
        code_version=definition(indicator),
        description=f"{indicator.title['en']} ({indicator.title['sv']}): {indicator.definition['en']}",
        metadata={
            "catalogue": dg.MetadataValue.path(indicator.catalogue_file),
            "sql": dg.MetadataValue.path(indicator.sql),
            "version": indicator.version,
        },
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            register_macros(con)
            con.execute(f"CREATE OR REPLACE TEMP VIEW indicator_rows AS {source}").fetchall()
            columns = {row[0] for row in con.execute("DESCRIBE indicator_rows").fetchall()}
            con.execute("DROP VIEW indicator_rows").fetchall()
        try:
            spec = indicator_spec(indicator, columns)
            _, meta = materialize(context, warehouse, spec, refuse=duplicates_check(spec.relation))
        except IndicatorError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        return dg.MaterializeResult(metadata=meta)

    return _asset


def long_table_asset(catalogue: list[Indicator]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["indicators", "indicator_values"],
        deps=[dg.AssetKey(["indicators", i.id]) for i in catalogue],
        group_name="indicators",
        kinds={"duckdb"},
        tags=stage_tags(DERIVE),
        description="Every catalogue indicator in one long table: indicator × area (× unit) × period × sex × "
        "age group × category, with numerator, denominator, interval and definition version.",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            built = [i.id for i in load_catalogue() if table_exists(con, f"indicators.{i.id}")]
        upstreams = tuple(f"indicators.{i}" for i in built)
        select = (
            " UNION ALL BY NAME ".join(f"SELECT * FROM {r}" for r in upstreams)
            or "SELECT * FROM (SELECT NULL::VARCHAR AS indicator_id, NULL::VARCHAR AS period) WHERE false"
        )
        spec = Spec(LONG_TABLE, select, BY_YEAR, upstreams, definition_hash(select))
        _, meta = materialize(context, warehouse, spec)
        return dg.MaterializeResult(metadata=meta)

    return _asset


def indicator_assets() -> list[dg.AssetsDefinition]:
    catalogue = load_catalogue()
    return [*(indicator_asset(i) for i in catalogue), long_table_asset(catalogue)]


__all__ = ["indicator_assets", "LONG_TABLE", "register_macros"]
