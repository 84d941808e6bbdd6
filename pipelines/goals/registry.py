"""The goal registry: one YAML file per region in `goals/`, checked before use.

Each file names the region, the decisions behind its goals (document, body, date, source) and the
goals: what the text says (a Swedish quote with its source), the indicator that measures it, the
desired direction, a numeric target or a change from the baseline where the text gives one, the
baseline year and the deadline. A region adds goals by editing its file: no code changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import yaml

from pipelines.settings import PROJECT_ROOT, REFERENCE_DIR
from pipelines.yaml_files import parse_yaml

GOALS_DIR = PROJECT_ROOT / "goals"
DIRECTIONS = ("up", "down", "none")
DECISION_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
GOAL_ID = re.compile(r"^[a-z][a-z0-9_]*$")
AGE_GROUPS = ("all", "0-17", "18-64", "65-79", "80+")
SEXES = ("T", "K", "M")
GOAL_FIELDS = {
    "id",
    "title",
    "quote",
    "decision",
    "indicator",
    "not_measurable",
    "sex",
    "age_group",
    "category",
    "areas",
    "direction",
    "target",
    "target_change",
    "target_unit",
    "baseline",
    "deadline",
    "note",
}


# The columns of core.goals (one row per goal, Goal.as_row).
GOAL_SCHEMA = pa.schema(
    [
        ("goal_id", pa.string()),
        ("region_code", pa.string()),
        ("region_name", pa.string()),
        ("title_sv", pa.string()),
        ("title_en", pa.string()),
        ("quote_sv", pa.string()),
        ("quote_source", pa.string()),
        ("indicator_id", pa.string()),
        ("not_measurable", pa.string()),
        ("sex", pa.string()),
        ("age_group", pa.string()),
        ("category", pa.string()),
        ("areas", pa.list_(pa.string())),
        ("direction", pa.string()),
        ("target_value", pa.float64()),
        ("target_change", pa.float64()),
        ("target_unit", pa.string()),
        ("baseline_year", pa.int32()),
        ("deadline_year", pa.int32()),
        ("decision_document", pa.string()),
        ("decision_body", pa.string()),
        ("decision_date", pa.string()),
        ("decision_source", pa.string()),
        ("note", pa.string()),
        ("registry_file", pa.string()),
    ]
)


class GoalRegistryError(ValueError):
    """A goal file that cannot be used: names the file, the goal and the field."""


@dataclass(frozen=True)
class Goal:
    id: str
    region_code: str
    region_name: str
    title_sv: str
    title_en: str
    quote_sv: str
    quote_source: str
    indicator_id: str | None
    not_measurable: str | None
    sex: str
    age_group: str
    category: str
    areas: tuple[str, ...]
    direction: str
    target_value: float | None
    target_change: float | None
    target_unit: str | None
    baseline_year: int
    deadline_year: int
    decision_document: str
    decision_body: str
    decision_date: str
    decision_source: str
    note: str | None
    registry_file: str

    def as_row(self) -> dict:
        row = {"goal_id": self.id}
        row.update({name: getattr(self, name) for name in self.__dataclass_fields__ if name != "id"})
        row["areas"] = list(self.areas)
        return row


def load_goals(folder: Path = GOALS_DIR, indicator_ids: set[str] | None = None) -> list[Goal]:
    """Every goal of every ``*.yaml`` in ``folder``; ``indicator_ids`` (the catalogue) checks the indicators."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise GoalRegistryError(f"{folder}: no goal files (*.yaml)")
    counties = _counties()
    goals: list[Goal] = []
    seen: dict[str, str] = {}
    for path in files:
        for goal in _load_file(path, counties, indicator_ids):
            if goal.id in seen:
                raise GoalRegistryError(
                    f"{goal.registry_file}: goal '{goal.id}' is also in {seen[goal.id]}: "
                    "goal ids must be unique across the registry"
                )
            seen[goal.id] = goal.registry_file
            goals.append(goal)
    return goals


def _counties() -> dict[str, str]:
    with open(REFERENCE_DIR / "counties.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    key = next(k for k in rows[0] if "code" in k.lower())
    return {row[key]: row for row in rows}


def _text(value) -> str:
    """Dates come from YAML as dates (2024-02-13) or text (2017-05); both are kept as text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value).strip()


def _load_file(path: Path, counties: dict, indicator_ids: set[str] | None) -> list[Goal]:
    where = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GoalRegistryError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(doc, dict):
        raise GoalRegistryError(f"{where}: expected a mapping with region, region_name, decisions and goals")
    region = _text(doc.get("region"))
    if region not in counties:
        raise GoalRegistryError(
            f"{where}: field 'region': '{region}' is not a county (region) code such as "
            '"19" (data/reference/counties.csv); quote it so the leading zero stays'
        )
    region_name = _text(doc.get("region_name"))
    if not region_name:
        raise GoalRegistryError(f"{where}: field 'region_name' is missing")
    decisions = doc.get("decisions")
    if not isinstance(decisions, dict) or not decisions:
        raise GoalRegistryError(f"{where}: field 'decisions' must map a key to document, body, date and source")
    for key, decision in decisions.items():
        if not isinstance(decision, dict):
            raise GoalRegistryError(f"{where}: decision '{key}': expected document, body, date and source")
        for field in ("document", "body", "date", "source"):
            if not _text(decision.get(field)):
                raise GoalRegistryError(f"{where}: decision '{key}': field '{field}' is missing")
        if not DECISION_DATE.match(_text(decision["date"])):
            raise GoalRegistryError(
                f"{where}: decision '{key}': field 'date': '{_text(decision['date'])}' is not "
                "a date such as 2024-02-13, 2017-05 or 2017"
            )
    goals = doc.get("goals")
    if not isinstance(goals, list) or not goals:
        raise GoalRegistryError(f"{where}: field 'goals' must be a list of goals")
    return [
        _goal(where, number, entry, region, region_name, decisions, indicator_ids)
        for number, entry in enumerate(goals, start=1)
    ]


def _goal(
    where: str, number: int, entry, region: str, region_name: str, decisions: dict, indicator_ids: set[str] | None
) -> Goal:
    if not isinstance(entry, dict):
        raise GoalRegistryError(f"{where}: goal {number}: expected a mapping of fields")
    name = f"goal '{entry.get('id')}'" if entry.get("id") else f"goal {number}"

    def fail(field: str, message: str) -> GoalRegistryError:
        return GoalRegistryError(f"{where}: {name}: field '{field}': {message}")

    if unknown := sorted(set(entry) - GOAL_FIELDS):
        raise fail(unknown[0], f"not a goal field (the fields are {', '.join(sorted(GOAL_FIELDS))})")
    goal_id = _text(entry.get("id"))
    if not GOAL_ID.match(goal_id):
        raise fail("id", "must be lower-case letters, digits and _ (e.g. vastmanland_beds)")
    title, quote = entry.get("title"), entry.get("quote")
    for field, value, keys in (("title", title, ("sv", "en")), ("quote", quote, ("text", "source"))):
        if not isinstance(value, dict) or any(not _text(value.get(k)) for k in keys):
            raise fail(field, f"needs {' and '.join(repr(k) for k in keys)}")
    decision = _text(entry.get("decision"))
    if decision not in decisions:
        raise fail("decision", f"'{decision}' is not one of the file's decisions ({', '.join(decisions)})")
    indicator = _text(entry.get("indicator")) or None
    not_measurable = _text(entry.get("not_measurable")) or None
    if bool(indicator) == bool(not_measurable):
        raise fail(
            "indicator",
            "give either an indicator or 'not_measurable' (why none can measure the goal), exactly one of them",
        )
    if indicator and indicator_ids is not None and indicator not in indicator_ids:
        raise fail("indicator", f"'{indicator}' is not in the indicator catalogue (indicators/*.yaml)")
    direction = _text(entry.get("direction"))
    if direction not in DIRECTIONS:
        raise fail("direction", f"'{direction}' is not one of {', '.join(DIRECTIONS)}")
    target, change = entry.get("target"), entry.get("target_change")
    for field, value in (("target", target), ("target_change", change)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise fail(field, f"must be a number, not {value!r}")
    if target is not None and change is not None:
        raise fail("target", "cannot be given together with 'target_change'")
    if (target is not None or change is not None) and direction == "none":
        raise fail("direction", "must be up or down when the goal has a target")
    if target is not None and not indicator and not _text(entry.get("target_unit")):
        raise fail("target_unit", "missing: a target without an indicator needs its unit")
    years = {}
    for field in ("baseline", "deadline"):
        value = entry.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise fail(field, f"must be a year such as 2029, not {value!r}")
        years[field] = value
    if years["baseline"] >= years["deadline"]:
        raise fail("deadline", f"{years['deadline']} must come after the baseline {years['baseline']}")
    sex = _text(entry.get("sex")) or "T"
    if sex not in SEXES:
        raise fail("sex", f"'{sex}' is not one of {', '.join(SEXES)}")
    age_group = _text(entry.get("age_group")) or "all"
    if age_group not in AGE_GROUPS:
        raise fail("age_group", f"'{age_group}' is not one of {', '.join(AGE_GROUPS)}")
    areas = entry.get("areas") or [region]
    if not isinstance(areas, list) or not all(re.fullmatch(r"\d{2}|\d{4}", _text(a)) for a in areas):
        raise fail("areas", 'must be a list of area codes ("19", "1980"); quote them')
    chosen = decisions[decision]
    return Goal(
        id=goal_id,
        region_code=region,
        region_name=region_name,
        title_sv=_text(title["sv"]),
        title_en=_text(title["en"]),
        quote_sv=_text(quote["text"]),
        quote_source=_text(quote["source"]),
        indicator_id=indicator,
        not_measurable=not_measurable,
        sex=sex,
        age_group=age_group,
        category=_text(entry.get("category")) or "all",
        areas=tuple(_text(a) for a in areas),
        direction=direction,
        target_value=None if target is None else float(target),
        target_change=None if change is None else float(change),
        target_unit=_text(entry.get("target_unit")) or None,
        baseline_year=years["baseline"],
        deadline_year=years["deadline"],
        decision_document=_text(chosen["document"]),
        decision_body=_text(chosen["body"]),
        decision_date=_text(chosen["date"]),
        decision_source=_text(chosen["source"]),
        note=_text(entry.get("note")) or None,
        registry_file=where,
    )
