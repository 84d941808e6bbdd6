"""What each page of the follow-up report shows, from the data ``build.read_snapshot`` gathered.

``region_model`` and ``index_model`` turn the published rows into plain dictionaries the templates write out:
no statistics are computed here (they are the published tables'), only picked, ordered and worded. A value
that is NULL is "saknas"; one held back by disclosure control is "undertryckt"; neither is ever drawn as 0.
"""

from __future__ import annotations

from pipelines.report import charts
from pipelines.report.swedish import (
    COMPARISON_SV,
    MONTHS_SV,
    POSITION_SV,
    QUINTILE_SV,
    SIGNED,
    SOURCE_SV,
    THEME_SV,
    TREND_SV,
    certainty_text,
    comparison_words,
    decimals_of,
    funnel_model_sv,
    goal_sentence,
    indicator_sentence,
    kolada_sentence,
    lever_assumption_sv,
    lever_sentence,
    not_compared_sv,
    number,
    rank_note_sv,
    rank_with_interval,
    region_name,
    without_note,
)

STATUS_ORDER = ("off track", "at risk", "on track", "achieved", "monitored", "no data")
STATUS_CLASS = {
    "achieved": "achieved",
    "on track": "on-track",
    "at risk": "at-risk",
    "off track": "off-track",
    "no data": "no-data",
    "monitored": "monitored",
}
STATUS_EXPLAINED = {
    "achieved": "det senaste värdet når målet",
    "on track": "utvecklingen går mot målet och når det till tidsgränsen med nuvarande takt",
    "at risk": "utvecklingen går mot målet men för långsamt, eller för osäkert för ett mål utan siffra",
    "off track": "utvecklingen står still eller går åt fel håll, eller tidsgränsen har passerat",
    "no data": "för få värden för att bedöma (eller inget mått för målet)",
    "monitored": "en förutsättning som följs utan mål",
}
THEME_ORDER = ("demography", "staffing", "cost", "beds")
WHOLE = ("T", "all", "all")  # the area's whole value: both sexes, every age, every category


def _series(values: list[dict]) -> dict[tuple, dict[str, dict]]:
    """(indicator, area, sex, age_group, category) -> period -> row."""
    out: dict[tuple, dict[str, dict]] = {}
    for row in values:
        key = (row["indicator_id"], row["area_code"], row["sex"], row["age_group"], row["category"])
        out.setdefault(key, {})[row["period"]] = row
    return out


def _index(rows: list[dict], *keys: str) -> dict[tuple, dict]:
    return {tuple(r[k] for k in keys): r for r in rows}


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _rank(value: float, others: list[float], polarity: str | None) -> int:
    """1 = best (highest first for higher_is_better and no_judgement, lowest first for lower_is_better)."""
    if polarity == "lower_is_better":
        return 1 + sum(1 for v in others if v < value)
    return 1 + sum(1 for v in others if v > value)


def prepare(data: dict) -> dict:
    """Indexes of the gathered rows, made once for every page."""
    if "_prepared" in data:
        return data["_prepared"]
    p = {
        "series": _series(data["values"]),
        "assessment": _index(
            data.get("assessment", []), "source", "measure", "area_code", "period", "sex", "age_group", "category"
        ),
        "ranks": _index(
            data.get("rank_intervals", []), "source", "measure", "area_code", "period", "sex", "age_group", "category"
        ),
        "trends": _index(data.get("trends", []), "indicator_id", "area_code", "sex", "age_group", "category"),
        "comments": _index(data.get("comments", []), "goal_id", "area_code"),
        "units": data.get("units", {}),
        "kolada": {},
        "kpi_decimals": {},
    }
    for row in data["ranks"]:
        p["kolada"].setdefault((row["kpi_id"], row["period"]), {})[row["area_code"]] = row
    funnels: dict[tuple, list[dict]] = {}
    for row in data.get("funnels", []):
        funnels.setdefault((row["indicator_id"], row["area_code"], row["period"]), []).append(row)
    p["funnels"] = funnels
    lines: dict[tuple, dict] = {}
    for row in data.get("funnel_limits", []):
        key = (row["indicator_id"], row["area_code"], row["period"])
        lines.setdefault(key, {}).setdefault((row["level"], row["side"]), []).append(
            (row["exposure"], row["limit_value"])
        )
    p["funnel_lines"] = lines
    unit_values: dict[tuple, list[dict]] = {}
    for row in data.get("unit_values", []):
        unit_values.setdefault((row["indicator_id"], row["area_code"], row["period"]), []).append(row)
    p["unit_values"] = unit_values
    data["_prepared"] = p
    return p


def _kpi_decimals(data: dict, p: dict, kpi_id: str) -> int:
    if kpi_id not in p["kpi_decimals"]:
        p["kpi_decimals"][kpi_id] = decimals_of(r["value"] for r in data["ranks"] if r["kpi_id"] == kpi_id)
    return p["kpi_decimals"][kpi_id]


# --------------------------------------------------------------------------------------------- judgements


def trend_of(p: dict, indicator_id: str, area: str, key=WHOLE) -> dict | None:
    """The recent trend (indicator_trends) with its arrow, words and colour; None where none is published."""
    row = p["trends"].get((indicator_id, area, *key))
    if row is None:
        return None
    assessment = row.get("assessment") or row.get("verdict")
    if assessment and assessment.startswith("withheld"):
        return {"arrow": "·", "words": "trenden undertryckt", "judgement": "none", "basis": "trend", "row": row}
    arrow, words, judgement = TREND_SV.get(assessment, ("·", assessment or "", "none"))
    span = f"{row['first_period']}–{row['last_period']}" if row.get("first_period") else ""
    return {"arrow": arrow, "words": words, "judgement": judgement, "basis": "trend", "span": span, "row": row}


def goal_trend(p: dict, goal: dict) -> dict | None:
    """The trend beside a goal's value: the recent trend test where it can be calculated, else the direction of
    the goal's own line (with whether its 95 % interval excludes no change)."""
    trend = (
        trend_of(p, goal["indicator_id"], goal["area_code"], (goal["sex"], goal["age_group"], goal["category"]))
        if goal.get("indicator_id")
        else None
    )
    if trend and trend["judgement"] != "none":
        return trend
    slope = goal.get("observed_yearly_change")
    if slope is None or goal.get("suppressed"):
        return trend
    wanted = {"up": 1, "down": -1}.get(goal.get("direction"), 0)
    sign = (slope > 0) - (slope < 0)
    lower, upper = goal.get("observed_change_lower"), goal.get("observed_change_upper")
    unclear = lower is None or (lower <= 0 <= upper)
    arrow = {1: "↑", -1: "↓", 0: "→"}[sign]
    moving = {1: "ökar", -1: "minskar", 0: "oförändrat"}[sign]
    if sign == 0:
        judgement = "similar"
    elif wanted == 0:
        judgement = "higher" if sign > 0 else "lower"
    else:
        judgement = "better" if sign == wanted else "worse"
    span = f"{goal.get('fit_first_year')}–{goal.get('latest_year')}" if goal.get("fit_first_year") else ""
    words = f"{moving} ({'osäker riktning, ' if unclear else ''}målets linje {span})".replace(" )", ")")
    return {
        "arrow": arrow,
        "words": words,
        "judgement": "similar" if unclear and sign else judgement,
        "basis": "line",
        "span": span,
    }


def comparison_of(row: dict | None) -> dict:
    """The comparison to show for a benchmark_assessment row: Riket where it can be compared, else the median of
    the regions, else the quintile; with a colour class and the words."""
    if not row or row.get("suppressed"):
        return {"class": "cmp-none", "short": "ej jämförd", "text": not_compared_sv(row)}
    for benchmark in ("riket", "median"):
        key = "riket" if benchmark == "riket" else "median"
        at95 = row.get(f"compared_to_{key}_95")
        if at95:
            strong = row.get(f"compared_to_{key}_998") == at95 and at95 != "similar"
            return {
                "class": f"cmp-{at95}" + (" strong" if strong else ""),
                "short": f"{COMPARISON_SV[at95]} än {'riket' if key == 'riket' else 'medianen'}"
                if at95 != "similar"
                else f"likvärdigt med {'riket' if key == 'riket' else 'medianen'}",
                "text": comparison_words(row, benchmark),
            }
    if row.get("quintile"):
        assessment = row["quintile_assessment"]
        return {
            "class": f"quint-{assessment}",
            "short": QUINTILE_SV[assessment],
            "text": f"{QUINTILE_SV[assessment]} av regionerna ({row['quintile']}:a kvintilen av 5, där 1 är de "
            f"lägsta värdena; {row['regions_with_value']} regioner har värden)",
        }
    return {"class": "cmp-none", "short": "ej jämförd", "text": not_compared_sv(row)}


# ----------------------------------------------------------------------------------------------- region


def region_model(data: dict, code: str) -> dict:
    """What one region's page shows."""
    p = prepare(data)
    name = region_name(code, next((g["region_name"] for g in data["goals"] if g["region_code"] == code), None))
    model = {"code": code, "name": name, "goals": [], "themes": [], "kolada": [], "summary": []}
    for goal in (g for g in data["goals"] if g["region_code"] == code):
        model["goals"].append(_goal(data, p, name, code, goal))
    model["summary"] = [_summary_row(goal) for goal in model["goals"]]
    indicators = [
        _indicator(data, p, name, code, indicator_id, indicator)
        for indicator_id, indicator in sorted(data["indicators"].items(), key=lambda i: i[1]["title_sv"])
    ]
    indicators = [i for i in indicators if i is not None]
    by_theme: dict[str, list] = {}
    for entry in indicators:
        by_theme.setdefault(entry["indicator"].get("theme") or "other", []).append(entry)
    for theme in sorted(by_theme, key=lambda t: (THEME_ORDER.index(t) if t in THEME_ORDER else 99, t)):
        model["themes"].append({"theme": theme, "title": THEME_SV.get(theme, "Övrigt"), "indicators": by_theme[theme]})
    model["indicators"] = indicators
    model["kolada"] = _kolada(data, p, name, code)
    model["deliveries"] = _deliveries(data, code)
    model["synthetic"] = any(g["synthetic"] for g in model["goals"]) or any(i["synthetic"] for i in indicators)
    return model


def _deliveries(data: dict, code: str) -> list[dict]:
    """What the region's own sources did not deliver (table coverage), by source: the months, and the years left
    incomplete by them; the values resting on them are not computed."""
    by_source: dict[str, dict] = {}
    for row in data.get("incomplete", []):
        if row["area_code"] != code:
            continue
        entry = by_source.setdefault(
            row["source"],
            {"source": SOURCE_SV.get(row["source"], row["source"]), "months": [], "years": [], "synthetic": False},
        )
        entry["months" if len(row["period"]) == 7 else "years"].append(row["note"])
        entry["synthetic"] = entry["synthetic"] or bool(row["synthetic"])
    return list(by_source.values())


def _goal(data: dict, p: dict, name: str, code: str, goal: dict) -> dict:
    indicator = data["indicators"].get(goal["indicator_id"]) if goal["indicator_id"] else None
    rows = p["series"].get(
        (goal["indicator_id"], goal["area_code"], goal["sex"], goal["age_group"], goal["category"]), {}
    )
    yearly = {int(period): r for period, r in rows.items() if len(period) == 4}
    points = []
    if yearly:
        for year in range(min(yearly), max(yearly) + 1):
            row = yearly.get(year)
            points.append(
                (year, None if row is None or row["suppressed"] else row["value"], bool(row and row["suppressed"]))
            )
    # goal_progress.suppressed where the snapshot has it (disclosure control); else a withheld year since the baseline
    suppressed = bool(goal.get("suppressed")) or (
        goal["latest_value"] is None and any(r["suppressed"] for y, r in yearly.items() if y >= goal["baseline_year"])
    )
    synthetic = bool(goal["synthetic"]) or any(r["synthetic"] for r in yearly.values())
    d = (indicator or {}).get("decimals") or 0
    entry = {
        **goal,
        "indicator": indicator,
        "points": points,
        "suppressed": suppressed,
        "decimals": d,
        # a value built on synthetic data is on the page: the latest, or a point of the chart
        "synthetic": synthetic and (goal["latest_value"] is not None or any(v is not None for _, v, _ in points)),
        "sentence": goal_sentence(name, {**goal, "suppressed": suppressed}, indicator),
        "anchor": f"goal-{goal['goal_id']}-{goal['area_code']}",
        "area_note": "" if goal["area_code"] == code else f"område {goal['area_code']}",
        "comment": p["comments"].get((goal["goal_id"], goal["area_code"])),
        "certainty_text": certainty_text(goal) if goal.get("certainty") else None,
        "trend": goal_trend(p, goal),
    }
    assessment_row = (
        p["assessment"].get(
            (
                "indicator",
                goal["indicator_id"],
                goal["area_code"],
                str(goal["latest_year"]),
                goal["sex"],
                goal["age_group"],
                goal["category"],
            )
        )
        if goal.get("latest_year") is not None
        else None
    )
    entry["comparison"] = comparison_of(assessment_row)
    if entry["comparison"]["class"] == "cmp-none" and goal.get("latest_year") is not None:
        entry["comparison"] = _kolada_comparison(data, p, goal, code) or entry["comparison"]
    entry["lever"] = (
        lever_sentence(goal, (indicator or {}).get("lever_unit_sv"), (indicator or {}).get("lever_decimals"))
        if not suppressed
        else None
    )
    entry["lever_assumption"] = lever_assumption_sv(goal, indicator) if entry["lever"] and indicator else None
    entry["lever_why_not"] = _why_no_lever(goal)
    # the chart shows more history than the line is fitted on: say which years the projection uses
    shown = [y for y, v, _ in points if v is not None]
    entry["base_note"] = None
    if shown and goal.get("fit_first_year") and min(shown) < goal["fit_first_year"]:
        entry["base_note"] = (
            f"Diagrammet visar {min(shown)}–{max(shown)}; takten och prognosen bygger på "
            f"{goal['fit_first_year']}–{goal['latest_year']} (från basåret)."
        )
    if indicator and any(v is not None for _, v, _ in points):
        entry["chart"] = charts.goal_chart(
            entry["anchor"],
            points,
            title=f"{goal['title_sv']}: {indicator['title_sv']} per år",
            decimals=d,
            deadline=goal["deadline_year"],
            target=goal["target_value"],
            baseline_year=goal["baseline_year"],
            slope=goal["observed_yearly_change"],
            projected=goal["projected_value"],
            projected_lower=goal["projected_lower"],
            projected_upper=goal["projected_upper"],
            attainment_year=goal["attainment_year"],
            fit_first_year=goal.get("fit_first_year"),
        )
    else:
        entry["chart"] = None
    entry["facts"] = _goal_facts(entry, indicator, d) if indicator else []
    return entry


def _why_no_lever(goal: dict) -> str | None:
    text = goal.get("lever_assumption") or ""
    if not text.startswith("not computed: "):
        return None
    reason = text.removeprefix("not computed: ")
    if reason.startswith("no number to reach"):
        return None  # a goal with a direction only: nothing to translate
    if reason.startswith("the catalogue names no lever"):
        return "måttet har ingen arbetsenhet att räkna om målet till"
    if reason.startswith("no population projection"):
        return "SCB:s befolkningsframskrivning saknas för området och tidsgränsen"
    if reason.startswith("the deadline"):
        return "tidsgränsen är passerad"
    return reason


def _kolada_comparison(data: dict, p: dict, goal: dict, code: str) -> dict | None:
    """Where the own indicator cannot be compared (the other regions have no own values), its Kolada counterpart's
    quintile among the regions the same year."""
    match = next(
        (
            r
            for r in data["comparison"]
            if r["indicator_id"] == goal["indicator_id"]
            and r["area_code"] == goal["area_code"]
            and r["period"] == str(goal["latest_year"])
        ),
        None,
    )
    if not match:
        return None
    row = p["assessment"].get(("kolada", match["kpi_id"], goal["area_code"], match["period"], "T", "all", "all"))
    if not row or not row.get("quintile"):
        return None
    comparison = comparison_of(row)
    comparison["short"] += " (Kolada)"
    comparison["text"] = f"Kolada {match['kpi_id']}: {comparison['text']}"
    return comparison


def _goal_facts(goal: dict, indicator: dict, d: int) -> list[tuple[str, str]]:
    signed = indicator["indicator_id"] in SIGNED
    unit = indicator["unit_sv"]

    def value(v, withheld=False):
        if withheld:
            return "undertryckt"
        return number(v, d, signed) if v is not None else "saknas"

    facts = [
        ("Mått", f"{indicator['title_sv']} ({unit})"),
        (
            "Basår",
            f"{goal['baseline_year']}: "
            + value(goal["baseline_value"], goal["suppressed"] and goal["baseline_value"] is None),
        ),
        (
            "Senaste värde",
            f"{goal['latest_year']}: {value(goal['latest_value'])}"
            if goal["latest_value"] is not None
            else value(None, goal["suppressed"]),
        ),
        ("Mål", target_text(goal, d, long=True)),
        ("Tidsgräns", str(goal["deadline_year"])),
    ]
    if goal.get("required_yearly_change") is not None:
        facts.append(("Behövd förändring per år", number(goal["required_yearly_change"], d + 1, True)))
    if goal.get("observed_yearly_change") is not None:
        observed = number(goal["observed_yearly_change"], d + 1, True)
        if goal.get("observed_change_lower") is not None:
            observed += (
                f" (95 %: {number(goal['observed_change_lower'], d + 1, True)} till "
                f"{number(goal['observed_change_upper'], d + 1, True)})"
            )
        facts.append(("Förändring per år hittills", observed))
    if goal.get("projected_value") is not None:
        projected = number(goal["projected_value"], d)
        if goal.get("projected_lower") is not None:
            projected += f" (95 %: {number(goal['projected_lower'], d)}–{number(goal['projected_upper'], d)})"
        facts.append((f"Med nuvarande takt {goal['deadline_year']}", projected))
    if goal.get("attainment_year") is not None:
        attained = str(goal["attainment_year"])
        if goal.get("attainment_year_earliest") is not None:
            latest = goal["attainment_year_latest"]
            attained += f" (95 %: {goal['attainment_year_earliest']}–{latest if latest is not None else 'aldrig'})"
        facts.append(("Målet nås", attained))
    if goal.get("certainty_text"):
        facts.append(("Underlag", goal["certainty_text"]))
    return facts


def target_text(goal: dict, decimals: int, long: bool = False) -> str:
    """The target: its number, 'undertryckt' when disclosure control withholds it (a change from a suppressed
    baseline), or the direction for a goal without a number."""
    if goal["target_value"] is not None:
        return number(goal["target_value"], decimals)
    if goal.get("suppressed") and goal.get("target_change") is not None:
        return "undertryckt"
    if goal.get("suppressed") and goal.get("registry_target") is not None:
        return number(goal["registry_target"], decimals)
    words = (
        {"up": "ska öka", "down": "ska minska", "none": "inget (förutsättning)"}
        if long
        else {"up": "öka", "down": "minska", "none": "–"}
    )
    return words.get(goal["direction"], "–")


def _summary_row(goal: dict) -> dict:
    """One line of the one-page summary."""
    d = goal["decimals"]
    if goal["latest_value"] is not None:
        value = f"{number(goal['latest_value'], d, (goal['indicator'] or {}).get('indicator_id') in SIGNED)}"
        year = goal["latest_year"]
    else:
        value, year = ("undertryckt" if goal["suppressed"] else "saknas"), None
    return {
        "goal": goal,
        "value": value,
        "year": year,
        "target": target_text(goal, d),
        "unit": (goal["indicator"] or {}).get("unit_sv") or goal.get("target_unit") or "",
    }


def _indicator(data: dict, p: dict, name: str, code: str, indicator_id: str, indicator: dict) -> dict | None:
    counties = [c for c, a in data["areas"].items() if a["level"] == "county"]
    own = p["series"].get((indicator_id, code, *WHOLE))
    if not own:
        return None
    yearly = sorted(period for period in own if len(period) == 4)
    period = yearly[-1] if yearly else max(own)
    row = own[period]
    d = indicator.get("decimals") or 0
    peers = {c: p["series"].get((indicator_id, c, *WHOLE), {}).get(period) for c in counties}
    peer_values = {
        c: r["value"] for c, r in peers.items() if r is not None and r["value"] is not None and not r["suppressed"]
    }
    riket_series = p["series"].get((indicator_id, "00", *WHOLE), {})
    riket_row = riket_series.get(period)
    value = None if row["suppressed"] else row["value"]
    entry = {
        "indicator": indicator,
        "period": period,
        "value": value,
        "suppressed": bool(row["suppressed"]),
        "incomplete_note": row.get("incomplete_note") if row.get("complete") is False else None,
        "suppression_reason": row.get("suppression_reason"),
        "ranked": len(peer_values),
        "ci_lower": row.get("ci_lower"),
        "ci_upper": row.get("ci_upper"),
        "rank": _rank(value, [v for c, v in peer_values.items() if c != code], indicator["polarity"])
        if value is not None
        else None,
        "median": _median(list(peer_values.values())),
        "riket": None if riket_row is None or riket_row["suppressed"] else riket_row["value"],
        "peer_values": [v for c, v in peer_values.items() if c != code],
        "synthetic": bool(row["synthetic"])
        or any(r["synthetic"] for r in peers.values() if r)
        or bool(riket_row and riket_row["synthetic"]),
        "decimals": d,
        "anchor": f"ind-{indicator_id}",
    }
    assessment = p["assessment"].get(("indicator", indicator_id, code, period, *WHOLE))
    entry["assessment"] = assessment
    entry["comparison"] = comparison_of(assessment) if len(period) == 4 else comparison_of(None)
    rank_row = p["ranks"].get(("indicator", indicator_id, code, period, *WHOLE))
    if rank_row and rank_row.get("rank"):
        entry["rank_text"] = rank_with_interval(
            rank_row["rank"], rank_row["rank_lower"], rank_row["rank_upper"], rank_row["regions_ranked"]
        )
    elif entry["rank"] is not None and entry["ranked"] >= 2 and "rank_intervals" not in data["tables"]:
        entry["rank_text"] = f"plats {entry['rank']} av {entry['ranked']}"  # a release from before rank intervals
    else:
        entry["rank_text"] = None
    entry["rank_note"] = rank_note_sv(rank_row)
    entry["trend"] = trend_of(p, indicator_id, code)
    match = next(
        (
            r
            for r in data["comparison"]
            if r["indicator_id"] == indicator_id and r["area_code"] == code and r["period"] == period
        ),
        None,
    )
    if match:
        kolada_rank = p["kolada"].get((match["kpi_id"], period), {}).get(code)
        entry["kolada"] = {
            "kpi_id": match["kpi_id"],
            "value": match["kolada_value"],
            "comparable": match["comparable"],
            "polarity": data["kpis"].get(match["kpi_id"], {}).get("polarity"),
            "rank": kolada_rank and kolada_rank["rank"],
            "ranked": kolada_rank and kolada_rank["regions_ranked"],
            "median": kolada_rank and kolada_rank["regions_median"],
            "riket": kolada_rank and kolada_rank["riket_value"],
            "decimals": _kpi_decimals(data, p, match["kpi_id"]),
            "peer_values": [
                r["value"]
                for c, r in p["kolada"].get((match["kpi_id"], period), {}).items()
                if c not in (code, "00") and r["value"] is not None
            ],
        }
    entry["sentence"] = indicator_sentence(name, indicator, entry)
    entry["strip"], entry["strip_note"] = None, None
    if value is not None and entry["ranked"] >= 2:
        entry["strip"] = charts.strip_chart(
            f"strip-{indicator_id}",
            entry["peer_values"],
            value,
            title=f"{indicator['title_sv']} {period}: {name} bland regionerna",
            median=entry["median"],
            riket=entry["riket"],
        )
    elif (entry.get("kolada") or {}).get("value") is not None and entry["kolada"]["peer_values"]:
        kolada = entry["kolada"]
        entry["strip"] = charts.strip_chart(
            f"strip-{indicator_id}-{kolada['kpi_id']}",
            kolada["peer_values"],
            kolada["value"],
            title=f"Kolada {kolada['kpi_id']} {period}: {name} bland regionerna",
            median=kolada["median"],
            riket=kolada["riket"],
        )
        entry["strip_note"] = f"Kolada {kolada['kpi_id']}"
    entry["chart"] = _series_chart(p, indicator_id, indicator, code, own, riket_series)
    entry["monthly"] = _monthly(indicator_id, indicator, own)
    entry["breakdowns"] = _breakdowns(p, indicator_id, indicator, code, period)
    entry["funnel"] = _funnel(data, p, indicator_id, indicator, code, period)
    entry["units"] = _units_table(p, indicator_id, code, period) if entry["funnel"] is None else None
    return entry


def _series_chart(p: dict, indicator_id: str, indicator: dict, code: str, own: dict, riket: dict):
    yearly = {int(k): r for k, r in own.items() if len(k) == 4}
    if len(yearly) < 2:
        return None
    median = {}
    for year in yearly:
        row = p["assessment"].get(("indicator", indicator_id, code, str(year), *WHOLE))
        if row and row.get("regions_median") is not None and (row.get("regions_with_value") or 0) >= 2:
            median[year] = row["regions_median"]
    series = {
        y: {
            "value": None if r["suppressed"] else r["value"],
            "lower": r.get("ci_lower"),
            "upper": r.get("ci_upper"),
            "suppressed": r["suppressed"],
        }
        for y, r in yearly.items()
    }
    riket_values = {int(k): (None if r["suppressed"] else r["value"]) for k, r in riket.items() if len(k) == 4}
    return charts.series_chart(
        f"series-{indicator_id}",
        series,
        title=f"{indicator['title_sv']} per år",
        decimals=indicator.get("decimals") or 0,
        riket=riket_values,
        median=median,
    )


def _monthly(indicator_id: str, indicator: dict, own: dict) -> dict | None:
    """The latest year's months against the same months a year before, and their mean so far this year."""
    months = {k: r for k, r in own.items() if len(k) == 7}
    if indicator.get("frequency") != "monthly" or not months:
        return None
    latest = max(months)
    year = int(latest[:4])
    current = {int(k[5:]): (None if r["suppressed"] else r["value"]) for k, r in months.items() if k[:4] == str(year)}
    previous = {
        int(k[5:]): (None if r["suppressed"] else r["value"]) for k, r in months.items() if k[:4] == str(year - 1)
    }
    d = indicator.get("decimals") or 0
    so_far = sorted(m for m, v in current.items() if v is not None)
    same = [previous.get(m) for m in so_far]
    ytd = None
    if so_far:
        mean_now = sum(current[m] for m in so_far) / len(so_far)
        span = MONTHS_SV[so_far[0] - 1] + (f"–{MONTHS_SV[so_far[-1] - 1]}" if len(so_far) > 1 else "")
        ytd = f"Medelvärdet av månadsvärdena {span} {year} är {number(mean_now, d)}"
        if all(v is not None for v in same):
            mean_then = sum(same) / len(same)
            ytd += f", mot {number(mean_then, d)} samma månader {year - 1}"
        ytd += "."
    return {
        "year": year,
        "latest": f"{MONTHS_SV[int(latest[5:]) - 1]} {year}",
        "ytd": ytd,
        "chart": charts.monthly_chart(
            f"monthly-{indicator_id}",
            current,
            previous,
            year=year,
            title=f"{indicator['title_sv']} per månad {year} och {year - 1}",
            decimals=d,
        ),
    }


def _breakdowns(p: dict, indicator_id: str, indicator: dict, code: str, period: str) -> list[dict]:
    """The latest year by sex, age group and category, where the values are published."""
    groups = []
    d = indicator.get("decimals") or 0
    for title, keys in (("Kön", [("K", "all", "all"), ("M", "all", "all")]), ("Åldersgrupp", None), ("Kategori", None)):
        if keys is None:
            position = 1 if title == "Åldersgrupp" else 2
            keys = sorted(
                k[2:]
                for k in p["series"]
                if k[0] == indicator_id
                and k[1] == code
                and k[2] == "T"
                and k[2 + position] != "all"
                and all(k[2 + i] == "all" for i in (1, 2) if i != position)
            )
            keys = [("T", *k[1:]) for k in keys]
        rows = []
        for key in keys:
            row = p["series"].get((indicator_id, code, *key), {}).get(period)
            if row is None:
                continue
            label = (
                {"K": "kvinnor", "M": "män"}.get(key[0])
                if title == "Kön"
                else (key[1] if title == "Åldersgrupp" else key[2])
            )
            interval = None
            if row.get("ci_lower") is not None and not row["suppressed"]:
                interval = f"{number(row['ci_lower'], d)}–{number(row['ci_upper'], d)}"
            assessment = comparison_of(p["assessment"].get(("indicator", indicator_id, code, period, *key)))
            rows.append(
                {
                    "label": label,
                    "value": row["value"],
                    "suppressed": row["suppressed"],
                    "interval": interval,
                    "comparison": assessment if assessment["class"] != "cmp-none" else None,
                }
            )
        if rows:
            groups.append({"title": title, "rows": rows})
    return groups


def _unit_label(p: dict, unit_id: str) -> str:
    name = p["units"].get(unit_id)
    return f"{name} ({unit_id})" if name and name != unit_id else unit_id


def _funnel(data: dict, p: dict, indicator_id: str, indicator: dict, code: str, period: str) -> dict | None:
    rows = [
        r
        for r in p["funnels"].get((indicator_id, code, period), [])
        if (r["sex"], r["age_group"], r["category"]) == WHOLE
    ]
    if not rows or rows[0].get("target_value") is None:
        return None
    d = indicator.get("decimals") or 0
    units = [
        {
            "exposure": r["exposure"],
            "value": r["value"],
            "assessment": r["assessment"],
            "label": _unit_label(p, r["unit_id"]),
            "outside": r["position"] not in (None, "within"),
            "position": r["position"],
            "suppressed": r["suppressed"],
        }
        for r in rows
    ]
    outside = sorted((u for u in units if u["outside"]), key=lambda u: (u["position"], u["label"]))
    x_label = (
        without_note(
            {"numerator": indicator.get("denominator_sv"), "denominator": indicator.get("numerator_sv")}.get(
                rows[0]["counted"]
            )
        )
        or "storlek"
    )
    chart = charts.funnel_chart(
        f"funnel-{indicator_id}",
        units,
        p["funnel_lines"].get((indicator_id, code, period), {}),
        target=rows[0]["target_value"],
        title=f"{indicator['title_sv']} {period}: enheterna mot regionens värde",
        decimals=d,
        x_label=x_label,
    )
    overdispersion = rows[0].get("overdispersion")
    note = None
    if overdispersion is not None and overdispersion > 1.5:
        note = (
            f"Enheterna skiljer sig mer än slumpen förklarar (överspridning {number(overdispersion, 2)}; 1 = bara "
            "slump): gränserna pekar då ut fler enheter än de som verkligen avviker."
        )
    elif overdispersion is not None:
        note = f"Spridningen mellan enheterna är som slumpen väntas ge den (överspridning {number(overdispersion, 2)})."
    return {
        "chart": chart,
        "outside": [
            {
                "label": u["label"],
                "position": POSITION_SV[u["position"]],
                "value": number(u["value"], d),
                "assessment": u["assessment"],
            }
            for u in outside
        ],
        "units": len(rows),
        "model": funnel_model_sv(rows[0]["model"]),
        "note": note,
        "withheld": sum(1 for u in units if u["suppressed"]),
    }


def _units_table(p: dict, indicator_id: str, code: str, period: str) -> list[dict] | None:
    rows = [
        r
        for r in p["unit_values"].get((indicator_id, code, period), [])
        if (r["sex"], r["age_group"], r["category"]) == WHOLE
    ]
    if not rows:
        return None
    return [
        {"label": _unit_label(p, r["unit_id"]), "value": r["value"], "suppressed": r["suppressed"]}
        for r in sorted(rows, key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    ]


def _kolada(data: dict, p: dict, name: str, code: str) -> list[dict]:
    out: list[dict] = []
    for kpi_id, kpi in sorted(data["kpis"].items(), key=lambda k: (k[1]["operating_area"] or "", k[1]["title"])):
        periods = sorted((pd for (k, pd) in p["kolada"] if k == kpi_id), reverse=True)
        with_value = [pd for pd in periods if (p["kolada"][(kpi_id, pd)].get(code) or {}).get("value") is not None]
        candidates = with_value or [pd for pd in periods if code in p["kolada"][(kpi_id, pd)]]
        if not candidates:
            continue
        period = candidates[0]
        row = p["kolada"][(kpi_id, period)][code]
        entry = {
            "kpi": kpi,
            "period": period,
            "value": row["value"],
            "rank": row["rank"],
            "ranked": row["regions_ranked"],
            "median": row["regions_median"],
            "riket": row["riket_value"],
            "polarity": row["polarity"],
            "decimals": _kpi_decimals(data, p, kpi_id),
            "peer_values": [
                r["value"]
                for c, r in p["kolada"][(kpi_id, period)].items()
                if c != code and c != "00" and r["value"] is not None
            ],
        }
        entry["sentence"] = kolada_sentence(name, entry)
        entry["revised_on"] = (data.get("kolada_revised") or {}).get((kpi_id, code, period))
        entry["comparison"] = comparison_of(p["assessment"].get(("kolada", kpi_id, code, period, *WHOLE)))
        entry["rank_text"] = (
            rank_with_interval(row["rank"], None, None, row["regions_ranked"])
            if row["rank"] is not None
            else "ingen placering"
        )
        entry["strip"] = (
            charts.strip_chart(
                f"strip-{kpi_id}",
                entry["peer_values"],
                entry["value"],
                title=f"{kpi['title']} {period}: {name} bland regionerna",
                median=entry["median"],
                riket=entry["riket"],
            )
            if entry["value"] is not None and entry["peer_values"]
            else None
        )
        if not out or out[-1]["area"] != kpi["operating_area"]:
            out.append({"area": kpi["operating_area"], "entries": []})
        out[-1]["entries"].append(entry)
    return out


def region_codes(data: dict) -> list[str]:
    """The regions with a page: goals, own values or Kolada values."""
    counties = {c for c, a in data["areas"].items() if a["level"] == "county"}
    with_data = (
        {g["region_code"] for g in data["goals"]}
        | {r["area_code"] for r in data["values"] if len(r["area_code"]) == 2}
        | {r["area_code"] for r in data["ranks"] if r["value"] is not None}
    )
    return sorted(with_data & counties | {g["region_code"] for g in data["goals"]})


def index_model(data: dict, models: list[dict]) -> dict:
    """The index for management: each region with its goals' statuses, nothing of the warehouse's workings."""
    counties = sorted(c for c, a in data["areas"].items() if a["level"] == "county")
    by_code = {m["code"]: m for m in models}
    regions, totals = [], {}
    for code in counties:
        model = by_code.get(code)
        goals = (
            sorted(model["goals"], key=lambda g: STATUS_ORDER.index(g["status"]) if g["status"] in STATUS_ORDER else 99)
            if model
            else []
        )
        for goal in goals:
            totals[goal["status"]] = totals.get(goal["status"], 0) + 1
        judged = [g for g in goals if g["status"] in ("achieved", "on track", "at risk", "off track")]
        good = sum(1 for g in judged if g["status"] in ("achieved", "on track"))
        regions.append(
            {
                "code": code,
                "name": model["name"] if model else region_name(code),
                "model": model,
                "goals": goals,
                "headline": (
                    f"{good} av {len(judged)} bedömda mål är uppnådda eller i fas"
                    if judged
                    else ("Målen kan ännu inte bedömas" if goals else None)
                ),
                "synthetic": bool(model and model["synthetic"]),
            }
        )
    return {
        "regions": regions,
        "totals": [(s, totals[s]) for s in STATUS_ORDER if s in totals],
        "synthetic": any(m["synthetic"] for m in models),
    }
