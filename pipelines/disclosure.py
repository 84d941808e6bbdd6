"""Disclosure control: small counts of persons or events are withheld from everything published.

The rule is configuration, ``indicators/disclosure.yaml`` (``min_count``, default 5, and the rule in
Swedish and English), with the environment variable ``VARDPULS_MIN_COUNT`` overriding the threshold. Each
indicator's catalogue entry says what its numerator and denominator count (``disclosure``: persons, events
or none). At every publication :func:`protect` marks, in the live database:

1. primary suppression: every published cell resting on a count greater than 0 and less than the threshold
   (the numerator and the denominator each, where they count persons or events; every row of the listing);
2. secondary suppression: repeated passes over the groups of published cells that add up to a published
   total (sex, age group, category, unit, municipality -> county -> Riket, month -> year, listing age band ->
   age group) and over the same count published twice, until no group has exactly one hidden cell;

into ``disclosure_quantities`` (which counts are secret; a temporary table) and ``publish.disclosure_cells``
(which published cells are withheld, and why); the rule is ``core.disclosure_rule``. The live facts keep their true
values for the pipeline; ``sql/publish/*.sql`` join the cells and publish NULL with ``suppressed`` and
``suppression_reason``. README, "Disclosure control", has the decisions behind it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from pipelines.settings import CATALOGUE_DIR, MIN_COUNT_ENV
from pipelines.sql_scripts import run_sql
from pipelines.yaml_files import parse_yaml

CONFIG = CATALOGUE_DIR / "disclosure.yaml"
RULE_PARTS = ("primary", "zero", "secondary", "groupings", "tables", "limits")


class DisclosureError(ValueError):
    """The disclosure configuration cannot be used: nothing is published rather than something unprotected."""


@dataclass(frozen=True)
class Rule:
    min_count: int
    texts: tuple[tuple[str, str, str], ...]  # (part, Swedish, English) with the threshold filled in

    def rows(self) -> list[dict]:
        return [
            {"part": part, "ordinal": n, "min_count": self.min_count, "rule_sv": sv, "rule_en": en}
            for n, (part, sv, en) in enumerate(self.texts, start=1)
        ]


def load_rule(path: Path = CONFIG, environ: dict | None = None) -> Rule:
    """The rule from ``path``, the threshold overridden by ``VARDPULS_MIN_COUNT`` when it is set."""
    environ = os.environ if environ is None else environ
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DisclosureError(f"{path}: cannot be read: {error}") from None
    if not isinstance(doc, dict):
        raise DisclosureError(f"{path}: expected a mapping with min_count and rule")
    raw, where = doc.get("min_count"), f"{path.name}: min_count"
    if override := str(environ.get(MIN_COUNT_ENV) or "").strip():
        raw, where = override, MIN_COUNT_ENV
    try:
        min_count = int(str(raw).strip())
    except ValueError:
        raise DisclosureError(f"{where} is '{raw}': expected a whole number, 1 or more") from None
    if min_count < 1:
        raise DisclosureError(f"{where} is {min_count}: expected a whole number, 1 or more (1 suppresses nothing)")
    parts = {item.get("part"): item for item in doc.get("rule") or [] if isinstance(item, dict)}
    if missing := [p for p in RULE_PARTS if not (parts.get(p, {}).get("sv") and parts.get(p, {}).get("en"))]:
        raise DisclosureError(f"{path.name}: rule needs the parts {missing} in Swedish (sv) and English (en)")
    texts = tuple((p, _fill(parts[p]["sv"], min_count), _fill(parts[p]["en"], min_count)) for p in RULE_PARTS)
    return Rule(min_count=min_count, texts=texts)


def _fill(text: str, min_count: int) -> str:
    return " ".join(str(text).split()).replace("{min_count}", str(min_count))


# Passes of secondary suppression are bounded by the cells (each pass hides one or more); this only guards
# against a bug turning the loop endless.
MAX_PASSES = 10_000


def protect(con: duckdb.DuckDBPyConnection, rule: Rule | None = None, years: list[str] | None = None) -> dict:
    """Mark every published cell to withhold (publish.disclosure_cells), by the rule core.disclosure_rule.

    Returns the threshold, the cells judged, primary and secondary suppressions and the passes needed.
    """
    rule = rule or load_rule()
    con.execute("CREATE SCHEMA IF NOT EXISTS publish").fetchall()
    _input_views(con, years)
    _, cells = run_sql(con, "steps/disclosure_cells.sql", min_count=rule.min_count)[0]
    passes = 0
    while True:
        passes += 1
        if passes > MAX_PASSES:
            raise DisclosureError(f"secondary suppression did not settle in {MAX_PASSES} passes")
        if not run_sql(con, "steps/disclosure_pass.sql", pass_number=passes)[0][0]:
            break
    con.execute("DROP TABLE IF EXISTS disclosure_newly").fetchall()
    for view in INPUTS:
        con.execute(f"DROP VIEW IF EXISTS {view}").fetchall()
    open_sums, open_identities = run_sql(con, "steps/disclosure_result.sql")[0]
    if open_sums or open_identities:
        raise DisclosureError(
            f"secondary suppression left {open_sums} groups with one secret count and "
            f"{open_identities} identities half secret: nothing is published"
        )
    primary, secondary = con.execute(
        "SELECT count(*) FILTER (WHERE pass = 0), count(*) FILTER (WHERE pass > 0) FROM disclosure_work"
    ).fetchall()[0]
    return {"min_count": rule.min_count, "cells": cells, "primary": primary, "secondary": secondary, "passes": passes}


# The tables disclosure_cells.sql reads, as temporary views; one that is not there yet (a warehouse where the
# indicators or the listings never ran) is read as empty, with the columns it would have.
INPUTS = {
    "disclosure_input_values": (
        "indicators",
        "indicator_values",
        "SELECT indicator_id, area_code, unit_id, period, sex, age_group, category, "
        "numerator, denominator, persons FROM indicators.indicator_values",
        "indicator_id VARCHAR, area_code VARCHAR, unit_id VARCHAR, period VARCHAR, "
        "sex VARCHAR, age_group VARCHAR, category VARCHAR, numerator DOUBLE, "
        "denominator DOUBLE, persons BIGINT",
    ),
    "disclosure_input_catalogue": (
        "core",
        "indicators",
        "SELECT indicator_id, disclosure_numerator, disclosure_denominator, disclosure_persons FROM core.indicators",
        "indicator_id VARCHAR, disclosure_numerator VARCHAR, "
        "disclosure_denominator VARCHAR, disclosure_persons VARCHAR",
    ),
    # listing_age_group(): the indicators' age group of a listing band (sql/core/indicator_inputs.sql)
    "disclosure_input_listing": (
        "core",
        "listed_inhabitants",
        "SELECT county_code, health_centre_id, period, sex, age_band, "
        "listing_age_group(age_band) AS age_group, listed FROM core.listed_inhabitants",
        "county_code VARCHAR, health_centre_id VARCHAR, period VARCHAR, sex VARCHAR, "
        "age_band VARCHAR, age_group VARCHAR, listed BIGINT",
    ),
    "disclosure_input_areas": (
        "core",
        "areas",
        "SELECT area_code, parent_code FROM core.areas",
        "area_code VARCHAR, parent_code VARCHAR",
    ),
}


def _input_views(con: duckdb.DuckDBPyConnection, years: list[str] | None = None) -> None:
    existing = {
        (s, t)
        for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    macro = con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'listing_age_group'").fetchall()[
        0
    ][0]
    for view, (schema, table, select, columns) in INPUTS.items():
        if not macro:  # made with the indicators; without them no indicator value to add the bands up to
            select = select.replace("listing_age_group(age_band)", "NULL::VARCHAR")
        if (schema, table) not in existing:
            names = ", ".join(f"NULL::{c.split()[1]} AS {c.split()[0]}" for c in columns.split(", "))
            select = f"SELECT {names} WHERE false"
        if years is not None and view != "disclosure_input_catalogue" and view != "disclosure_input_areas":
            select = f"SELECT * FROM ({select}) WHERE list_contains(?::VARCHAR[], left(period, 4))".replace(
                "?::VARCHAR[]", "[" + ", ".join("'" + y.replace("'", "''") + "'" for y in years) + "]::VARCHAR[]"
            )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {select}").fetchall()
