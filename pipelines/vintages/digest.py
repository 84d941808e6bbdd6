"""The digest of a release in Swedish: "Vad har ändrats sedan förra publiceringen".

Sentences a controller can paste into a report, from a release's ``release_changes`` (read from its
analyst.duckdb): the new periods, the revised values with their causes (which file replaced which, a new
definition version, a Kolada revision) and, for a ratio, how much of the move its numerator and its denominator
account for; the goals whose status changed ("i fas → ej i fas"); the new warnings; the values newly withheld;
Kolada's revisions and deletions; the values no longer published. Numbers the Swedish way (1 180, 89,2, −3), goal
statuses as the report writes them, periods as "mars 2024", times in Stockholm's time; a value built on synthetic
data says so. SQL selects and counts (sql/vintages/digest_*.sql); this module only words what it selected, at most
``LIMIT`` sentences a section, so the digest stays short whatever the release changed.

``read_digest(con)`` gives the ``Digest``; ``to_markdown`` the Markdown; the report renders it as a page
(pipelines/report/templates/digest.html.j2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from pipelines.report.swedish import MONTHS_SV, SEX_SV, STATUS_SV, decimals_of, number, region_name, stockholm_time
from pipelines.sql_scripts import run_sql
from pipelines.vintages.settings import anomaly_settings

TITLE = "Vad har ändrats sedan förra publiceringen"
LIMIT = 8
SYNTHETIC = " (syntetiska data)"
# the file that brought a change, by its source (release_changes.source_files)
SOURCE_SV = {
    "population": "SCB:s befolkningsfil",
    "population_projections": "SCB:s framskrivningsfil",
    "listings": "listningsfilen",
    "staffing": "personalfilen",
    "cost": "huvudboksfilen",
    "beds": "vårdplatsfilen",
    "organisation": "organisationsregistrets fil",
    "kolada": "Kolada-sidan",
}
# the lookups the digest names things by, and what stands in when a release lacks one of them
LOOKUPS = {
    "indicators": "NULL::VARCHAR AS indicator_id, NULL::VARCHAR AS title_sv, NULL::BIGINT AS decimals, "
    "NULL::VARCHAR AS kind, NULL::VARCHAR AS unit_sv",
    "benchmark_kpis": "NULL::VARCHAR AS kpi_id, NULL::VARCHAR AS title",
    "goals": "NULL::VARCHAR AS goal_id, NULL::VARCHAR AS title_sv, NULL::VARCHAR AS region_code",
    "areas": "NULL::VARCHAR AS area_code, NULL::VARCHAR AS name, NULL::VARCHAR AS level",
    "units": "NULL::VARCHAR AS unit_id, NULL::VARCHAR AS unit_name, NULL::DATE AS valid_from",
}


class NoHistory(LookupError):
    """The release has no history to make a digest from."""


@dataclass
class Digest:
    release: str
    published_at: dt.datetime | None
    previous: str | None
    previous_published_at: dt.datetime | None
    summary: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    synthetic: bool = False
    changes: int = 0
    warnings: int = 0

    @property
    def title(self) -> str:
        return TITLE

    @property
    def intro(self) -> str:
        made = stockholm_time(self.published_at)
        if not self.previous:
            return f"Publiceringen {self.release} ({made} svensk tid) är den första med historik."
        return (
            f"Publiceringen {self.release} ({made} svensk tid) jämförd med publiceringen {self.previous} "
            f"({stockholm_time(self.previous_published_at)} svensk tid)."
        )


def read_digest(con: duckdb.DuckDBPyConnection, release: str | None = None, limit: int = LIMIT) -> Digest:
    """The digest of ``release`` (default: the latest) from an analyst.duckdb opened as ``con``."""
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if not {"releases", "release_changes"} <= tables:
        raise NoHistory("this release has no history yet (tables releases and release_changes)")
    for name, columns in LOOKUPS.items():
        if name not in tables:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} WHERE false").fetchall()
    where = "WHERE r.release = $release" if release else ""
    rows = con.execute(
        f"SELECT r.release, r.published_at, r.previous_release, p.published_at FROM releases r "
        f"LEFT JOIN releases p ON p.release = r.previous_release {where} "
        "ORDER BY r.published_at DESC, r.release DESC LIMIT 1",
        {"release": release} if release else None,
    ).fetchall()
    if not rows:
        raise NoHistory(f"release {release} is not in the history (table releases)")
    name, published_at, previous, previous_at = rows[0]
    run_sql(con, "vintages/digest_changes.sql", release=name)
    counts = _rows(con, (_sql("digest_counts.sql")), {})
    items = _rows(con, _sql("digest_items.sql"), {"limit": limit})
    digest = Digest(
        name,
        published_at,
        previous,
        previous_at,
        summary="",
        synthetic=any(c["synthetic"] for c in counts),
        changes=sum(c["n"] for c in counts),
        warnings=sum(c["warnings"] for c in counts),
    )
    digest.summary = _summary(digest, counts)
    by_section: dict[str, list[dict]] = {}
    for item in items:
        by_section.setdefault(item["section"], []).append(item)
    share = anomaly_settings().revision_share
    for heading, section, word in (
        ("Nya perioder", "new_periods", _new_period),
        ("Reviderade värden", "revised", _revised),
        ("Nya definitionsversioner", "definitions", _definition),
        ("Målstatus", "goals", _goal),
        ("Nya varningar", "warnings", lambda r: _warning(r, share)),
        ("Nyligen undertryckta värden", "suppressed", _suppressed),
        ("Värden som visas igen", "shown_again", _shown_again),
        ("Ofullständiga leveranser", "incomplete", _incomplete),
        ("Kolada", "kolada", _kolada),
        ("Värden som inte längre publiceras", "withdrawn", _withdrawn),
    ):
        chosen = by_section.get(section) or []
        if not chosen:
            continue
        sentences = [word(row) for row in chosen]
        rest = chosen[0]["total"] - len(chosen)
        if rest > 0:
            sentences.append(
                f"Ytterligare {number(rest)} {_noun(section, rest)} finns i tabellen release_changes "
                f"(vardpuls diff visar dem)."
            )
        if section == "kolada":
            sentences.append("Källa: Kolada.")
        digest.sections.append((heading, sentences))
    con.execute("DROP TABLE IF EXISTS digest_changes").fetchall()
    return digest


def to_markdown(digest: Digest) -> str:
    lines = [f"# {digest.title}", "", digest.intro, "", digest.summary, ""]
    if digest.synthetic:
        lines += [
            f"**Syntetiska data:** värden märkta{SYNTHETIC} bygger på syntetiska data, inte på verkliga "
            "uppgifter. Redovisa dem aldrig som verkliga.",
            "",
        ]
    for heading, sentences in digest.sections:
        lines += [f"## {heading}", ""] + [f"- {sentence}" for sentence in sentences] + [""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------- words


def _summary(digest: Digest, counts: list[dict]) -> str:
    if not digest.previous:
        return (
            "Här beskrivs från och med nästa publicering vad som har ändrats sedan publiceringen före: nya "
            "perioder, reviderade värden och varför, målens status och nya varningar."
        )
    by = {(c["measure"], c["change"]): c["n"] for c in counts}
    values = {k: n for k, n in by.items() if k[0] == "indicator"}
    if not digest.changes:
        return "Inget publicerat värde har ändrats sedan förra publiceringen."
    parts = []
    # (the change, its words for one value and for more)
    for change, one, more in (
        ("new period", "för en ny period", "för nya perioder"),
        ("new value", "nytt för en period som redan fanns", "nya för perioder som redan fanns"),
        ("revised value", "reviderat", "reviderade"),
        ("definition version changed", "med ny definitionsversion", "med ny definitionsversion"),
        ("newly suppressed", "nyligen undertryckt", "nyligen undertryckta"),
        ("no longer suppressed", "visas igen", "visas igen"),
        (
            "newly incomplete",
            "saknas nu för att leveranserna är ofullständiga",
            "saknas nu för att leveranserna är ofullständiga",
        ),
        ("complete again", "har fullständigt underlag igen", "har fullständigt underlag igen"),
        ("withdrawn value", "publiceras inte längre", "publiceras inte längre"),
    ):
        if n := values.get(("indicator", change)):
            parts.append(f"{number(n)} {one if n == 1 else more}")
    changed = sum(values.values())
    text = (
        f"Sedan förra publiceringen har {number(changed)} {'indikatorvärde' if changed == 1 else 'indikatorvärden'}"
        " ändrats" + (f": {_join(parts)}" if parts else "") + "."
    )
    goals = by.get(("goal", "status changed"), 0)
    kolada = sum(n for (measure, _), n in by.items() if measure == "kolada")
    extra = []
    if goals:
        extra.append(f"{number(goals)} mål har fått ny status")
    if kolada:
        extra.append(f"{number(kolada)} {'värde' if kolada == 1 else 'värden'} från Kolada har ändrats")
    if digest.warnings:
        extra.append(
            f"{number(digest.warnings)} {'ny varning' if digest.warnings == 1 else 'nya varningar'} behöver granskas"
        )
    if extra:
        text += " " + _capital(_join(extra)) + "."
    return text


def _new_period(row: dict) -> str:
    example = ""
    if row.get("area_code") and row.get("value_after") is not None:
        example = f"; {_area(row['area_code'], row.get('area_name'))} {_value(row, row['value_after'])}"
    incomplete = row.get("incomplete") or 0
    if incomplete:  # values of the period whose deliveries are incomplete: published without a value
        which = (
            "som saknas"
            if row["n"] == 1
            else "alla utan värde"
            if incomplete == row["n"]
            else f"{number(incomplete)} av dem utan värde"
        )
        example = f", {which} eftersom leveranserna är ofullständiga{example}"
    return (
        f"{row['title']}: nya värden för {_period(row['period'])} ({number(row['n'])} "
        f"{'värde' if row['n'] == 1 else 'värden'}{example}){_syn(row)}."
    )


def _revised(row: dict) -> str:
    text = (
        f"{_label(row)} har reviderats från {_value(row, row['value_before'])} till "
        f"{_value(row, row['value_after'])}{_share(row)}{_syn(row)}. Orsak: {_cause(row)}."
    )
    return text + _split(row)


def _definition(row: dict) -> str:
    return (
        f"{row['title']} beräknas nu med definitionsversion {row['definition_version_after']} (tidigare "
        f"{row['definition_version_before']}); det gäller {number(row['n'])} "
        f"{'värde' if row['n'] == 1 else 'värden'}{_syn(row)}."
    )


def _goal(row: dict) -> str:
    where = (
        region_name(row["area_code"])
        if len(row["area_code"] or "") == 2
        else _area(row["area_code"], row.get("area_name"))
    )
    title = row.get("goal_title") or row["goal_id"]
    if row["change"] == "new goal":
        return f"Målet ”{title}” för {where} följs nu: {_status(row['status_after'])}{_syn(row)}."
    if row["change"] == "goal withdrawn":
        return f"Målet ”{title}” för {where} följs inte längre (senast {_status(row['status_before'])})."
    text = f"Målet ”{title}” för {where}: {_status(row['status_before'])} → {_status(row['status_after'])}{_syn(row)}."
    cause = {
        "new yearly value": f"ett nytt årsvärde ({row['period']})",
        "revised values": "reviderade värden bakom målet",
        "goal registry": "målet har ändrats i målregistret",
    }.get(row["cause"])
    return text + (f" Orsak: {cause}." if cause else "")


def _warning(row: dict, share: float) -> str:
    if row["anomaly_rule"] == "revision_within_share":
        return (
            f"{_label(row)} har reviderats med {_percent(row['move_share'])} (från "
            f"{_value(row, row['value_before'])} till {_value(row, row['value_after'])}), mer än varningsgränsen "
            f"{number(100 * share, 0 if (100 * share).is_integer() else 1)} %{_syn(row)}. Bakom: {_cause(row)}."
        )
    step = row["value_after"] - row["anomaly_baseline_value"]
    return (
        f"Det nya värdet för {_lower(_label(row))}, {_value(row, row['value_after'])}, ligger långt utanför "
        f"seriens vanliga variation: förändringen från {_period(row['anomaly_baseline_period'])} "
        f"({_value(row, row['anomaly_baseline_value'])}) är {_value(row, step, signed=True)} mot vanligen "
        f"{_value(row, row['anomaly_usual_change'], signed=True)}{_syn(row)}. Bakom: {_cause(row)}."
    )


def _suppressed(row: dict) -> str:
    return (
        f"{_label(row)} undertrycks nu av röjandekontrollen (värdet bygger på för få personer){_syn(row)}. "
        f"Tidigare publicerat: {_value(row, row['value_before'])}."
    )


def _shown_again(row: dict) -> str:
    return f"{_label(row)} visas igen: {_value(row, row['value_after'])}{_syn(row)}."


def _incomplete(row: dict) -> str:
    if row["change"] == "complete again":
        return (
            f"{_label(row)} har fullständigt underlag igen: {_value(row, row['value_after'])}{_syn(row)}. "
            f"Orsak: {_cause(row)}."
        )
    missing = f" ({row['incomplete_note']})" if row.get("incomplete_note") else ""
    return (
        f"{_label(row)} publiceras inte längre med värde: leveranserna är ofullständiga{missing}{_syn(row)}. "
        f"Tidigare publicerat: {_value(row, row['value_before'])}."
    )


def _kolada(row: dict) -> str:
    seen = row["kolada_seen_on"].isoformat() if row.get("kolada_seen_on") else "okänt datum"
    what = f"{row['title']} ({row['indicator_id']}) för {_area(row['area_code'], row.get('area_name'))} {row['period']}"
    if row["change"] == "withdrawn value":
        return (
            f"Kolada har tagit bort värdet för {what} (tidigare {_value(row, row['value_before'])}; borttaget {seen})."
        )
    if row["change"] in ("new period", "new value"):
        return f"Kolada har ett nytt värde för {what}: {_value(row, row['value_after'])} (sett {seen})."
    return (
        f"Kolada har reviderat {what} från {_value(row, row['value_before'])} till "
        f"{_value(row, row['value_after'])}{_share(row)} (reviderad {seen})."
    )


def _withdrawn(row: dict) -> str:
    return (
        f"{_label(row)} publiceras inte längre (tidigare {_value(row, row['value_before'])}){_syn(row)}. "
        f"Orsak: {_cause(row)}."
    )


def _cause(row: dict) -> str:
    cause = row.get("cause")
    if cause in ("source file replaced", "new source file"):
        return _files(row.get("source_files") or [])
    if cause == "definition version":
        return f"ny definitionsversion ({row['definition_version_before']} → {row['definition_version_after']})"
    if cause == "definition changed":
        return "indikatorns definition har ändrats utan ny version"
    if cause == "disclosure control":
        return "röjandekontrollen"
    seen = row["kolada_seen_on"].isoformat() if row.get("kolada_seen_on") else "okänt datum"
    if cause == "kolada revision":
        return f"Kolada har reviderat värdet (sidan {row['kolada_page']}, sedd {seen})"
    if cause == "kolada deletion":
        return f"Kolada har tagit bort värdet (sidan {row['kolada_page']}, sedd {seen})"
    if cause == "new kolada value":
        return f"ett nytt värde från Kolada (sidan {row['kolada_page']}, sedd {seen})"
    return "ingen ny fil och ingen ändrad definition förklarar ändringen"


def _files(files: list[dict]) -> str:
    parts = []
    for f in files[:2]:
        noun = SOURCE_SV.get(f["source"], f"filen från {f['source']}")
        if f.get("replaced_file"):
            parts.append(
                f"{noun} {f['file']} (filversion {f['file_version_id']}) ersatte {f['replaced_file']} "
                f"(filversion {f['replaced_version_id']})"
            )
        else:
            parts.append(f"{noun} {f['file']} (filversion {f['file_version_id']}) är ny")
    if len(files) > 2:
        parts.append(f"{len(files) - 2} filer till")
    return _join(parts) if parts else "nya filer"


def _split(row: dict) -> str:
    """For a ratio: how much of the move its numerator and its denominator account for."""
    n, d = row.get("numerator_effect"), row.get("denominator_effect")
    if n is None or d is None or row.get("kind") != "ratio":
        return ""
    decimals = _decimals(row) + 1
    return (
        f" Täljaren står för {number(n, decimals, signed=True)} och nämnaren för "
        f"{number(d, decimals, signed=True)} av förändringen."
    )


def _label(row: dict) -> str:
    """'Listade invånare för Vårdcentral Köping (kvinnor, 0–17 år) i mars 2024', 'Folkmängd för Västerås kommun 2023'."""
    where = row.get("unit_name") or row.get("unit_id") or _area(row["area_code"], row.get("area_name"))
    breakdown = []
    if row.get("sex") in ("K", "M"):
        breakdown.append(SEX_SV[row["sex"]])
    if row.get("age_group") not in (None, "all"):
        breakdown.append(f"{row['age_group'].replace('-', '–')} år")
    if row.get("category") not in (None, "all"):
        breakdown.append(row["category"])
    period = row.get("period") or ""
    when = f"i {_period(period)}" if len(period) == 7 else _period(period)
    detail = f" ({', '.join(breakdown)})" if breakdown else ""
    return f"{row['title']} för {where}{detail} {when}".rstrip()


def _area(code: str | None, name: str | None) -> str:
    if code == "00":
        return "riket"
    if code and len(code) == 2:
        return region_name(code, name)
    return name or code or "okänt område"


def _period(period: str | None) -> str:
    if period and len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{MONTHS_SV[int(period[5:]) - 1]} {period[:4]}"
    return period or ""


def _decimals(row: dict) -> int:
    if row.get("decimals") is not None and row["decimals"] >= 0:
        return int(row["decimals"])
    return decimals_of([row.get("value_before"), row.get("value_after")])


def _value(row: dict, value, signed: bool = False) -> str:
    if value is None:
        return "undertryckt" if row.get("suppressed_after") or row.get("suppressed_before") else "saknas"
    return number(value, _decimals(row), signed=signed)


def _share(row: dict) -> str:
    return f" ({_percent(row['move_share'])})" if row.get("move_share") is not None else ""


def _percent(share: float) -> str:
    return f"{number(100 * share, 1, signed=True)} %"


def _status(status: str | None) -> str:
    return STATUS_SV.get(status, status or "saknas")


def _syn(row: dict) -> str:
    return SYNTHETIC if row.get("synthetic") else ""


def _noun(section: str, n: int) -> str:
    return {"new_periods": "perioder", "definitions": "indikatorer", "goals": "mål", "warnings": "varningar"}.get(
        section, "värde" if n == 1 else "värden"
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _sql(name: str) -> str:
    from pipelines.settings import SQL_DIR

    return (SQL_DIR / "vintages" / name).read_text(encoding="utf-8")


def _rows(con, sql: str, params: dict) -> list[dict]:
    statement = con.extract_statements(sql)[-1]
    cursor = con.execute(statement, {k: params[k] for k in statement.named_parameters} or None)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
