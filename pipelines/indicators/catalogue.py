"""The indicator catalogue: one YAML file per indicator in `indicators/`, checked before use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.settings import CATALOGUE_DIR, PROJECT_ROOT
from pipelines.yaml_files import parse_yaml

BILINGUAL = ("title", "definition", "numerator", "denominator", "unit")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")
KINDS = ("count", "ratio")
FREQUENCIES = ("yearly", "monthly", "daily")
# Confidence intervals: Wilson for proportions, Poisson limits of the numerator for rates of counts.
STATISTICS = ("wilson", "poisson", "none")
# Disclosure control: what the numerator and the denominator count. A count of persons or events from 1 up to
# the threshold is suppressed in everything published (indicators/disclosure.yaml, pipelines/disclosure.py).
DISCLOSURE = ("persons", "events", "none")
# ... and, optionally, the persons a value rests on when neither part counts them (the employees behind a
# sick-leave share): the SQL returns them in the column persons, judged like a count of persons.
DISCLOSURE_PERSONS = ("persons", "none")
# The theme an indicator is reported under (the report groups the indicators by it).
THEMES = ("demography", "staffing", "cost", "beds")
# Funnel plots per unit (sql/core/unit_funnels.sql): wilson and poisson indicators use their own model; an
# indicator with statistic none may name the part of its value that is treated as a Poisson count.
FUNNEL_COUNTS = ("numerator", "denominator")
# What a goal on the indicator takes (sql/core/goal_progress.sql): the part of the value the region changes
# (numerator, denominator, or the value itself for a count), and how the other part is carried to the
# deadline: with SCB's population projection for the ages it follows, or held at its latest value.
LEVER_PARTS = ("numerator", "denominator", "value")
LEVER_OTHER_PARTS = ("population", "held")
# What a value can be broken down by, and the column of indicators.indicator_values that carries it.
BREAKDOWNS = {
    "area": "area_code",
    "sex": "sex",
    "age_group": "age_group",
    "health_centre": "unit_id",
    "hospital": "unit_id",
    "profession_group": "category",
    "specialty": "category",
}


# Data beside the indicators that is not an indicator: the own indicator <-> Kolada KPI pairs.
NOT_INDICATORS = {"benchmarks.yaml", "disclosure.yaml"}


class CatalogueError(ValueError):
    """An indicator file that cannot be used: names the file and the field."""


@dataclass(frozen=True)
class Indicator:
    id: str
    version: int
    title: dict
    definition: dict
    numerator: dict
    denominator: dict
    unit: dict
    polarity: str
    kind: str
    scale: float
    decimals: int
    source: str
    frequency: str
    breakdowns: tuple[str, ...]
    statistic: str
    statistic_reason: str
    sql: str
    catalogue_file: str
    disclosure_numerator: str = "none"
    disclosure_denominator: str = "none"
    disclosure_reason: str = ""
    disclosure_persons: str = "none"
    theme: str = ""
    funnel_count: str | None = None
    funnel_reason: str = ""
    lever: dict | None = None
    # the years before a yearly value its SQL reads (a change from the year before: 1), so a late delivery of
    # an earlier year recomputes it
    lookback: int = 0

    @property
    def breakdown_columns(self) -> set[str]:
        """Columns of indicators.indicator_values the indicator's own SQL must return for its breakdowns."""
        return {BREAKDOWNS[b] for b in self.breakdowns}

    @property
    def sql_path(self) -> Path:
        return PROJECT_ROOT / self.sql

    def select_sql(self) -> str:
        """The indicator's SELECT, comments left out (it is placed inside the indicator template)."""
        from pipelines.relations import strip_comments

        return strip_comments(self.sql_path.read_text(encoding="utf-8")).strip().rstrip(";")

    def as_row(self) -> dict:
        row = {"indicator_id": self.id, "definition_version": self.version}
        for name in BILINGUAL:
            row[f"{name}_sv"] = getattr(self, name)["sv"]
            row[f"{name}_en"] = getattr(self, name)["en"]
        row.update(
            polarity=self.polarity,
            kind=self.kind,
            scale=float(self.scale),
            decimals=self.decimals,
            source=self.source,
            frequency=self.frequency,
            breakdowns=list(self.breakdowns),
            statistic=self.statistic,
            statistic_reason=self.statistic_reason or None,
            sql_file=self.sql,
            catalogue_file=self.catalogue_file,
            disclosure_numerator=self.disclosure_numerator,
            disclosure_denominator=self.disclosure_denominator,
            disclosure_reason=self.disclosure_reason,
            disclosure_persons=self.disclosure_persons,
            theme=self.theme,
            funnel_count=self.funnel_count,
            funnel_reason=self.funnel_reason or None,
        )
        lever = self.lever or {}
        row.update(
            lever_part=lever.get("part"),
            lever_unit_sv=(lever.get("unit") or {}).get("sv"),
            lever_unit_en=(lever.get("unit") or {}).get("en"),
            lever_multiplier=float(lever["multiplier"]) if lever else None,
            lever_decimals=lever.get("decimals"),
            lever_other_part=lever.get("other_part"),
            lever_age_from=lever.get("ages", [None, None])[0],
            lever_age_to=lever.get("ages", [None, None])[1],
            lever_note=lever.get("note"),
        )
        return row


def load_catalogue(folder: Path = CATALOGUE_DIR) -> list[Indicator]:
    files = sorted(p for p in folder.glob("*.yaml") if p.name not in NOT_INDICATORS)
    if not files:
        raise CatalogueError(f"{folder}: no indicator files (*.yaml)")
    indicators = [_load(path) for path in files]
    return indicators


def _load(path: Path) -> Indicator:
    where = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(doc, dict):
        raise CatalogueError(f"{where}: expected a mapping of fields")

    def need(field: str, kind=str):
        if field not in doc or doc[field] in (None, ""):
            raise CatalogueError(f"{where}: field '{field}' is missing")
        if not isinstance(doc[field], kind):
            raise CatalogueError(f"{where}: field '{field}' should be {getattr(kind, '__name__', kind)}")
        return doc[field]

    if need("id") != path.stem:
        raise CatalogueError(f"{where}: id '{doc['id']}' must equal the file name '{path.stem}'")
    for field in BILINGUAL:
        texts = need(field, dict)
        for lang in ("sv", "en"):
            if not str(texts.get(lang) or "").strip():
                raise CatalogueError(f"{where}: field '{field}' needs a '{lang}' text")
    for field, allowed in (
        ("polarity", POLARITIES),
        ("kind", KINDS),
        ("frequency", FREQUENCIES),
        ("statistic", STATISTICS),
    ):
        if need(field) not in allowed:
            raise CatalogueError(f"{where}: {field} '{doc[field]}' is not one of {', '.join(allowed)}")
    if doc["statistic"] == "none" and not str(doc.get("statistic_reason") or "").strip():
        raise CatalogueError(
            f"{where}: statistic 'none' needs a 'statistic_reason' saying why the value gets no confidence interval"
        )
    if doc["statistic"] != "none" and doc["kind"] != "ratio":
        raise CatalogueError(
            f"{where}: statistic '{doc['statistic']}' needs kind 'ratio' (a numerator and a denominator)"
        )
    breakdowns = need("breakdowns", list)
    if unknown := [b for b in breakdowns if b not in BREAKDOWNS]:
        raise CatalogueError(f"{where}: breakdowns {unknown} are not among {', '.join(BREAKDOWNS)}")
    if "area" not in breakdowns:
        raise CatalogueError(f"{where}: breakdowns must include 'area' (every value belongs to an area)")
    if len({"profession_group", "specialty"} & set(breakdowns)) > 1:
        raise CatalogueError(f"{where}: breakdowns can hold one category (profession_group or specialty)")
    sql = need("sql")
    if not (PROJECT_ROOT / sql).is_file():
        raise CatalogueError(f"{where}: sql file '{sql}' does not exist")
    disclosure = need("disclosure", dict)
    for part in ("numerator", "denominator"):
        if disclosure.get(part) not in DISCLOSURE:
            raise CatalogueError(
                f"{where}: disclosure {part} '{disclosure.get(part)}' is not one of "
                f"{', '.join(DISCLOSURE)} (what the {part} counts)"
            )
    if disclosure.get("persons", "none") not in DISCLOSURE_PERSONS:
        raise CatalogueError(
            f"{where}: disclosure persons '{disclosure.get('persons')}' is not one of "
            f"{', '.join(DISCLOSURE_PERSONS)} (whether the SQL's column persons counts the persons "
            "the value rests on)"
        )
    if not str(disclosure.get("reason") or "").strip():
        raise CatalogueError(f"{where}: disclosure needs a 'reason' saying why its counts are or are not protected")
    lookback = doc.get("lookback", 0)
    if not isinstance(lookback, int) or isinstance(lookback, bool) or lookback < 0:
        raise CatalogueError(
            f"{where}: lookback should be a whole number of years from 0 (the years before a value its SQL reads)"
        )
    theme = need("theme")
    if theme not in THEMES:
        raise CatalogueError(f"{where}: theme '{theme}' is not one of {', '.join(THEMES)}")
    funnel_count, funnel_reason = _funnel(doc, where)
    lever = _lever(doc, where)
    return Indicator(
        id=doc["id"],
        version=need("version", int),
        title=doc["title"],
        definition=doc["definition"],
        numerator=doc["numerator"],
        denominator=doc["denominator"],
        unit=doc["unit"],
        polarity=doc["polarity"],
        kind=doc["kind"],
        scale=float(need("scale", (int, float))),
        decimals=need("decimals", int),
        source=need("source"),
        frequency=doc["frequency"],
        breakdowns=tuple(breakdowns),
        statistic=doc["statistic"],
        statistic_reason=str(doc.get("statistic_reason") or "").strip(),
        sql=sql,
        catalogue_file=where,
        disclosure_numerator=disclosure["numerator"],
        disclosure_denominator=disclosure["denominator"],
        disclosure_reason=" ".join(str(disclosure["reason"]).split()),
        disclosure_persons=disclosure.get("persons", "none"),
        theme=theme,
        funnel_count=funnel_count,
        funnel_reason=funnel_reason,
        lever=lever,
        lookback=lookback,
    )


def _funnel(doc: dict, where: str) -> tuple[str | None, str]:
    """(the part counted, why) of a funnel plot per unit: a wilson or poisson indicator counts its numerator
    by its own model; one with statistic none only with a `funnel: {count, reason}` block."""
    block = doc.get("funnel")
    if block is None:
        if doc["statistic"] in ("wilson", "poisson"):
            return (
                "numerator",
                f"the numerator is the {'binomial' if doc['statistic'] == 'wilson' else 'Poisson'} "
                "count of the indicator's own interval",
            )
        return None, ""
    if doc["statistic"] != "none":
        raise CatalogueError(
            f"{where}: funnel is for indicators with statistic none; statistic "
            f"'{doc['statistic']}' already says how values are compared"
        )
    if not isinstance(block, dict) or block.get("count") not in FUNNEL_COUNTS:
        raise CatalogueError(
            f"{where}: funnel needs count: {' or '.join(FUNNEL_COUNTS)} (the part treated as a Poisson count)"
        )
    if not str(block.get("reason") or "").strip():
        raise CatalogueError(f"{where}: funnel needs a 'reason' saying why that part can be treated as a count")
    return block["count"], " ".join(str(block["reason"]).split())


def _lever(doc: dict, where: str) -> dict | None:
    """What a numeric goal on the indicator takes, in the units of work the region changes (or None)."""
    block = doc.get("lever")
    if block is None:
        return None
    if not isinstance(block, dict):
        raise CatalogueError(f"{where}: lever should be a mapping (part, unit, other_part, ...)")
    if block.get("part") not in LEVER_PARTS:
        raise CatalogueError(f"{where}: lever part '{block.get('part')}' is not one of {', '.join(LEVER_PARTS)}")
    if (block["part"] == "value") != (doc["kind"] == "count"):
        raise CatalogueError(
            f"{where}: lever part 'value' is for counts, numerator or denominator for ratios (kind is '{doc['kind']}')"
        )
    unit = block.get("unit")
    if not isinstance(unit, dict) or not all(str(unit.get(lang) or "").strip() for lang in ("sv", "en")):
        raise CatalogueError(f"{where}: lever needs a unit with an 'sv' and an 'en' text")
    other = block.get("other_part", "held" if block["part"] == "value" else None)
    if other not in LEVER_OTHER_PARTS:
        raise CatalogueError(f"{where}: lever other_part '{other}' is not one of {', '.join(LEVER_OTHER_PARTS)}")
    ages = block.get("ages", [0, 100])
    if not (
        isinstance(ages, list)
        and len(ages) == 2
        and all(isinstance(a, int) for a in ages)
        and 0 <= ages[0] <= ages[1] <= 100
    ):
        raise CatalogueError(f"{where}: lever ages should be [from, to], whole years 0..100")
    multiplier = block.get("multiplier", 1)
    if not isinstance(multiplier, (int, float)) or multiplier <= 0:
        raise CatalogueError(
            f"{where}: lever multiplier should be a number above 0 (units of work per unit of the part)"
        )
    decimals = block.get("decimals", 0)
    if not isinstance(decimals, int) or decimals < 0:
        raise CatalogueError(f"{where}: lever decimals should be a whole number from 0")
    return {
        "part": block["part"],
        "unit": {"sv": str(unit["sv"]).strip(), "en": str(unit["en"]).strip()},
        "multiplier": multiplier,
        "decimals": decimals,
        "other_part": other,
        "ages": ages,
        "note": " ".join(str(block.get("note") or "").split()) or None,
    }
