"""Relations made from the project's own data files: the catalogue, the goal registry, the Kolada pairs,
the rules of every suite and the disclosure rule, and the warehouse's own decisions.yaml (the operator's
retractions and acknowledgements). Each is read and checked in Python (a file that cannot be used is
refused with the file and field), then kept like any other relation: rebuilt when its files change.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import dagster as dg
import pyarrow as pa

from pipelines.benchmark.mapping import MAPPING_FILE, BenchmarkMappingError, load_benchmarks
from pipelines.decisions import DECISION_SCHEMA, DecisionsError, decisions_path, load_decisions
from pipelines.disclosure import CONFIG as DISCLOSURE_CONFIG
from pipelines.disclosure import MIN_COUNT_ENV, DisclosureError, load_rule
from pipelines.goals.comments import COMMENT_SCHEMA, comments_dir, load_comments
from pipelines.goals.registry import GOAL_SCHEMA, GOALS_DIR, GoalRegistryError, load_goals
from pipelines.graph.keys import REFRESH, stage_tags
from pipelines.graph.relation_assets import describe, metadata
from pipelines.incremental import Spec, build
from pipelines.indicators.catalogue import CatalogueError, load_catalogue
from pipelines.progress import report
from pipelines.quality.suites import SUITES_DIR, load_suites
from pipelines.settings import CATALOGUE_DIR
from pipelines.warehouse import Warehouse

ERRORS = (CatalogueError, GoalRegistryError, BenchmarkMappingError, DisclosureError, DecisionsError, ValueError)


@dataclass(frozen=True)
class DataRelation:
    relation: str
    description: str
    files: Callable[[], list[Path]]  # the files it is made from (their bytes are its definition)
    rows: Callable[[], pa.Table]  # read and check them
    extra: Callable[[], str] = lambda: ""  # anything else that decides its content (a setting)
    # in the warehouse, not the project (decisions.yaml): files and rows are given the warehouse folder
    of_warehouse: bool = False


def _catalogue_rows() -> pa.Table:
    return pa.Table.from_pylist([i.as_row() for i in load_catalogue()])


def _goal_rows() -> pa.Table:
    registry = load_goals(indicator_ids={i.id for i in load_catalogue()})
    return pa.Table.from_pylist([g.as_row() for g in registry], schema=GOAL_SCHEMA)


def _comment_rows() -> pa.Table:
    registry = load_goals(indicator_ids={i.id for i in load_catalogue()})
    return pa.Table.from_pylist([c.as_row() for c in load_comments(registry)], schema=COMMENT_SCHEMA)


def _mapping_rows() -> pa.Table:
    return pa.Table.from_pylist(
        [{"entry": number, **b.as_row()} for number, b in enumerate(load_benchmarks(), 1)],
        schema=pa.schema(
            [("entry", pa.int32())] + [(n, pa.string()) for n in ("indicator_id", "kpi_id", "comparable", "note")]
        ),
    )


def _rule_rows() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "suite": name,
                "rule": r.rule,
                "title": r.title,
                "severity": r.severity,
                "row_level": r.row_level,
                "expectation": r.type,
                "arguments": json.dumps(r.kwargs, ensure_ascii=False, default=str),
                "shown_column": r.shown_column,
            }
            for name, suite in load_suites().items()
            for r in suite.rules
        ]
    )


def _disclosure_rows() -> pa.Table:
    return pa.Table.from_pylist(load_rule().rows())


def _decision_rows(root: Path) -> pa.Table:
    return pa.Table.from_pylist([d.as_row() for d in load_decisions(root)], schema=DECISION_SCHEMA)


DATA_RELATIONS = [
    DataRelation(
        "core.indicators",
        "The indicator catalogue (indicators/*.yaml): titles in Swedish and English, "
        "definition, unit, polarity, statistic and what the counts are for disclosure control.",
        lambda: sorted(CATALOGUE_DIR.glob("*.yaml")),
        _catalogue_rows,
    ),
    DataRelation(
        "core.goals",
        "The goal registry (goals/*.yaml): each goal's region, indicator, direction, "
        "target, baseline, deadline and the decision behind it.",
        lambda: sorted(GOALS_DIR.glob("*.yaml")) + sorted(CATALOGUE_DIR.glob("*.yaml")),
        _goal_rows,
    ),
    DataRelation(
        "core.goal_comments",
        "The regions' comments on their goals (goals/comments/*.yaml, or the folder "
        "VARDPULS_COMMENTS names): goal, area, date, author and text, shown under the goal in the report.",
        lambda: sorted(comments_dir().glob("*.yaml")) + sorted(GOALS_DIR.glob("*.yaml")),
        _comment_rows,
        lambda: str(comments_dir()),
    ),
    DataRelation(
        "core.benchmark_mapping",
        "Own indicators and their Kolada counterparts (indicators/benchmarks.yaml).",
        lambda: [MAPPING_FILE],
        _mapping_rows,
    ),
    DataRelation(
        "core.quality_rules",
        "Every rule of every suite (pipelines/quality/suites/*.yaml).",
        lambda: sorted(SUITES_DIR.glob("*.yaml")),
        _rule_rows,
    ),
    DataRelation(
        "core.disclosure_rule",
        f"The disclosure rule in force (indicators/disclosure.yaml, {MIN_COUNT_ENV}).",
        lambda: [DISCLOSURE_CONFIG],
        _disclosure_rows,
        lambda: load_rule().min_count.__str__(),
    ),
    DataRelation(
        "core.decisions",
        "The operator's decisions about deliveries (<warehouse>/decisions.yaml, written by vardpuls retract and "
        "vardpuls acknowledge): retracted file versions and acknowledged quarantines, with who, when and why.",
        lambda root: [p for p in [decisions_path(root)] if p.is_file()],
        _decision_rows,
        of_warehouse=True,
    ),
]


def data_definition(data: DataRelation, root: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in data.files(root) if data.of_warehouse else data.files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(data.extra().encode())
    return digest.hexdigest()[:16]


def data_asset(data: DataRelation) -> dg.AssetsDefinition:
    schema, name = data.relation.split(".")

    @dg.asset(
        key=[schema, name],
        group_name=schema,
        kinds={"duckdb", "yaml"},
        description=data.description,
        tags=stage_tags(REFRESH),
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            rows = data.rows(warehouse.root) if data.of_warehouse else data.rows()
            definition = data_definition(data, warehouse.root)
        except ERRORS as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        view = f"data_{name}"
        with warehouse.connect() as con:
            con.register(view, rows)
            try:
                built = build(con, Spec(data.relation, f"SELECT * FROM {view}", None, (), definition), context.run_id)
            finally:
                con.unregister(view)
        report(context, describe(built), detail=True)
        return dg.MaterializeResult(metadata=metadata(built))

    return _asset


def data_assets() -> list[dg.AssetsDefinition]:
    return [data_asset(data) for data in DATA_RELATIONS]
