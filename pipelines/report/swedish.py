"""Swedish for the follow-up report: numbers as Swedish texts write them, and one sentence per goal and indicator.

Numbers: a no-break space (U+00A0) between thousands, a decimal comma, a real minus sign (U+2212), and
the indicator's ``decimals``. Rounding is half away from zero on the value's shortest decimal form (the
digits Python prints for the float), as a person rounds: 1.905 to two decimals is "1,91", 2.675 is "2,68",
2.5 to none is "3", -2.5 is "−3". (Binary floating point alone gives 2.67, since 2.675 is stored as
2.67499…, and Python's round() gives 2 for 2.5.) A value that rounds to zero is written without a sign.

A value that is not there is never written as a number: ``None`` is "saknas" (missing), and a value held
back by disclosure control is "undertryckt" (suppressed).
"""

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "saknas"
SUPPRESSED = "undertryckt"

# The regions' own names (the county's name is the area's; the region is the organisation).
REGION_NAMES = {
    "01": "Region Stockholm",
    "03": "Region Uppsala",
    "04": "Region Sörmland",
    "05": "Region Östergötland",
    "06": "Region Jönköpings län",
    "07": "Region Kronoberg",
    "08": "Region Kalmar län",
    "09": "Region Gotland",
    "10": "Region Blekinge",
    "12": "Region Skåne",
    "13": "Region Halland",
    "14": "Västra Götalandsregionen",
    "17": "Region Värmland",
    "18": "Region Örebro län",
    "19": "Region Västmanland",
    "20": "Region Dalarna",
    "21": "Region Gävleborg",
    "22": "Region Västernorrland",
    "23": "Region Jämtland Härjedalen",
    "24": "Region Västerbotten",
    "25": "Region Norrbotten",
}

# goal_progress.status -> the word on the page
STATUS_SV = {
    "achieved": "uppnått",
    "on track": "i fas",
    "at risk": "risk",
    "off track": "ej i fas",
    "no data": "underlag saknas",
    "monitored": "följs",
}

# What a region "has", per indicator of the catalogue: {value} is the formatted value. An indicator not
# listed here (a new one) gets the generic form "<title> i <region> är <value> <unit>".
PHRASES = {
    "ambulance_fte": "har {value} årsarbetare i ambulanssjukvården",
    "average_length_of_stay": "har en medelvårdtid på {value} dagar",
    "beds_per_1000": "har {value} disponibla vårdplatser per 1\u00a0000 invånare",
    "dependency_ratio": "har en demografisk försörjningskvot på {value}",
    "discharge_ready_share": "har {value} procent av de belagda vårdplatserna belagda av utskrivningsklara patienter",
    "gp_specialist_fte_per_1000_listed": "har {value} årsarbetare specialister i allmänmedicin per 1\u00a0000 listade",
    "hired_staff_cost_share": "lägger {value} procent av personalkostnaden på inhyrd personal",
    "hospital_sites_per_specialty": "har sammanlagt {value} sjukhus med vårdavdelning, räknat per specialitet",
    "listed_inhabitants": "har {value} listade invånare",
    "listed_per_gp_incl_trainees": "har {value} listade invånare per specialist eller ST-läkare i allmänmedicin",
    "listed_per_gp_incl_trainees_hired": "har {value} listade invånare per läkare",
    "listed_per_gp_specialist": "har {value} listade invånare per specialist i allmänmedicin",
    "net_cost_growth": "har en nettokostnadsutveckling för hälso- och sjukvården på {value} procent",
    "net_cost_per_inhabitant": "har en nettokostnad för hälso- och sjukvården på {value} kronor per invånare",
    "net_cost_per_inhabitant_growth": "har en kostnadsutveckling per invånare på {value} procent",
    "occupancy": "har en beläggningsgrad på {value} procent",
    "outlying_per_100_beds": "har {value} utlokaliseringar per 100 disponibla vårdplatser",
    "overcrowding_per_100_beds": "har {value} överbeläggningar per 100 disponibla vårdplatser",
    "population_share_0_17": "har {value} procent invånare i åldern 0–17 år",
    "population_share_65plus": "har {value} procent invånare som är 65 år eller äldre",
    "population_share_80plus": "har {value} procent invånare som är 80 år eller äldre",
    "population_total": "har {value} invånare",
    "primary_care_cost_share": "lägger {value} procent av hälso- och sjukvårdens nettokostnad på primärvården",
    "primary_care_fte_share": "har {value} procent av årsarbetarna i primärvården",
    "primary_care_net_cost": "har en nettokostnad för primärvården på {value} miljoner kronor",
    "projected_change_80plus_10y": "väntas enligt SCB:s framskrivning få en förändring av antalet invånare "
    "80 år och äldre på {value} procent på tio år",
    "sick_leave_share": "har en sjukfrånvaro på {value} procent",
    "staff_fte_per_1000": "har {value} årsarbetare per 1\u00a0000 invånare",
    "staff_turnover": "har en personalomsättning bland tillsvidareanställda på {value} procent",
    "working_age_per_80plus": "har {value} invånare i åldern 20–64 år per invånare 80 år eller äldre",
}
SIGNED = {"net_cost_growth", "net_cost_per_inhabitant_growth", "projected_change_80plus_10y"}


# ---------------------------------------------------------------------------------------------- numbers


def number(value, decimals: int = 0, signed: bool = False) -> str:
    """A number as Swedish text: 1180 -> '1 180' (no-break space), 1.905, 2 -> '1,91', -3.5, 1 -> '−3,5'."""
    if value is None:
        return MISSING
    decimals = max(0, int(decimals or 0))
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NBSP.join(groups) + ("," + fraction if decimals else "")
    if rounded == 0:
        return text
    if negative:
        return MINUS + text
    return ("+" + text) if signed else text


def value_text(value, decimals: int = 0, suppressed: bool = False, signed: bool = False) -> str:
    """A published value: 'undertryckt' when disclosure control held it back, 'saknas' when there is none."""
    if suppressed:
        return SUPPRESSED
    return number(value, decimals, signed)


def ordinal(n: int) -> str:
    """Swedish ordinals in digits: 1:a, 2:a, 3:e, 11:e, 12:e, 21:a, 22:a."""
    return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"


def region_name(area_code: str, fallback: str | None = None) -> str:
    return REGION_NAMES.get(area_code) or fallback or f"Region {area_code}"


def decimals_of(values) -> int:
    """The decimals a series of values is written with (at most 2): Kolada's KPIs carry no decimals of their own."""
    most = 0
    for value in values:
        if value is None:
            continue
        exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
        most = max(most, -exponent if isinstance(exponent, int) else 0)
    return min(most, 2)


# -------------------------------------------------------------------------------------------- sentences


def predicate(indicator: dict, value_str: str) -> str:
    """What the region 'has', e.g. 'har 1 180 listade invånare per läkare'."""
    template = PHRASES.get(indicator["indicator_id"])
    if template:
        return template.format(value=value_str)
    unit = indicator.get("unit_sv") or ""
    return f"har {_lower_first(indicator.get('title_sv') or indicator['indicator_id'])} {value_str} {unit}".rstrip()


def indicator_value_sentence_start(region: str, indicator: dict, value, period: str, suppressed: bool = False) -> str:
    """'Region Västmanland har 1 180 listade invånare per läkare (2025)', or why there is no value."""
    if suppressed:
        return (
            f"Värdet för {region} ({period}) är undertryckt: det bygger på så få observationer att det inte redovisas"
        )
    if value is None:
        return f"Värde för {region} saknas ({period})"
    signed = indicator["indicator_id"] in SIGNED
    return f"{region} {predicate(indicator, number(value, indicator.get('decimals') or 0, signed))} ({period})"


def rank_text(rank: int | None, ranked: int | None, polarity: str | None) -> str:
    """'plats 3 av 21 regioner (1 = bäst)'; without a judgement: 'det 3:e högsta värdet av 21 regioner'."""
    if rank is None or not ranked:
        return "ingen placering"
    if polarity in ("higher_is_better", "lower_is_better"):
        return f"plats {rank} av {ranked} regioner (1 = bäst)"
    if rank == 1:
        return f"det högsta värdet av {ranked} regioner"
    if rank == ranked:
        return f"det lägsta värdet av {ranked} regioner"
    return f"det {ordinal(rank)} högsta värdet av {ranked} regioner"


def against_median(value, median, polarity: str | None, decimals: int) -> str:
    """'bättre än', 'sämre än', 'högre än', 'lägre än' or 'samma som' (on the rounded values)."""
    if value is None or median is None:
        return ""
    a, b = Decimal(repr(float(value))), Decimal(repr(float(median)))
    step = Decimal(1).scaleb(-decimals)
    a, b = a.quantize(step, rounding=ROUND_HALF_UP), b.quantize(step, rounding=ROUND_HALF_UP)
    if a == b:
        return "samma som"
    if polarity == "higher_is_better":
        return "bättre än" if a > b else "sämre än"
    if polarity == "lower_is_better":
        return "bättre än" if a < b else "sämre än"
    return "högre än" if a > b else "lägre än"


def comparison_clause(value, rank, ranked, median, riket, polarity, decimals: int) -> str:
    """'plats 3 av 21 regioner (1 = bäst), bättre än medianen för regionerna (1,95); riket har 1,93'."""
    riket_text = f"riket har {number(riket, decimals)}" if riket is not None else "värde för riket saknas"
    if not ranked or ranked < 2 or value is None:
        return f"inga andra regioner har värden att jämföra med; {riket_text}"
    relation = against_median(value, median, polarity, decimals)
    return (
        f"{rank_text(rank, ranked, polarity)}, {relation} medianen för regionerna ({number(median, decimals)}); "
        f"{riket_text}"
    )


def indicator_sentence(region: str, indicator: dict, row: dict) -> str:
    """One sentence per own indicator: the value, the place among the regions, the median and Riket.

    ``row``: value, period, suppressed, rank, ranked, median, riket; optionally kolada (a dict: kpi_id,
    value, rank, ranked, median, riket, polarity, comparable, decimals).
    """
    decimals = indicator.get("decimals") or 0
    start = indicator_value_sentence_start(
        region, indicator, row.get("value"), row["period"], row.get("suppressed", False)
    )
    if row.get("suppressed") or row.get("value") is None:
        text = start + "."
    else:
        text = (
            start
            + ", "
            + comparison_clause(
                row["value"],
                row.get("rank"),
                row.get("ranked"),
                row.get("median"),
                row.get("riket"),
                indicator.get("polarity"),
                decimals,
            )
            + "."
        )
    kolada = row.get("kolada")
    if kolada:
        d = kolada.get("decimals", decimals)
        closeness = "samma definition" if kolada.get("comparable") == "exact" else "ungefär jämförbart"
        if kolada.get("value") is None:
            text += f" Kolada ({kolada['kpi_id']}) har inget värde för regionen {row['period']}."
        else:
            text += (
                f" Kolada ({kolada['kpi_id']}, {closeness}) redovisar {number(kolada['value'], d)} samma år, "
                + comparison_clause(
                    kolada["value"],
                    kolada.get("rank"),
                    kolada.get("ranked"),
                    kolada.get("median"),
                    kolada.get("riket"),
                    kolada.get("polarity"),
                    d,
                )
                + "."
            )
    return text


def kolada_sentence(region: str, row: dict) -> str:
    """One sentence per Kolada KPI: 'Region X låg på 1,9 år 2025, det 9:e högsta värdet av 19 regioner; …'."""
    d = row.get("decimals", 1)
    if row.get("value") is None:
        return f"Kolada har inget värde för {region} ({row['period']})."
    return (
        f"{region} låg på {number(row['value'], d)} år {row['period']}, "
        + comparison_clause(
            row["value"],
            row.get("rank"),
            row.get("ranked"),
            row.get("median"),
            row.get("riket"),
            row.get("polarity"),
            d,
        )
        + "."
    )


def goal_sentence(region: str, goal: dict, indicator: dict | None) -> str:
    """One sentence per goal, in the manner analysts write them:

    'Region Västmanland har 1 180 listade invånare per läkare (2025) och behöver nå 1 100 till 2029; med
    nuvarande takt nås målet 2031.'

    ``goal``: a goal_progress row joined with its goal (title_sv, target_unit, target_change, suppressed).
    """
    deadline = goal["deadline_year"]
    if indicator is None:
        return "Målet kan inte följas med de källor som finns: inget mått fångar det ännu."
    decimals = indicator.get("decimals") or 0
    latest, year = goal.get("latest_value"), goal.get("latest_year")
    if goal.get("suppressed"):
        status = STATUS_SV.get(goal.get("status"), goal.get("status"))
        return (
            f"Värden bakom målet för {region} är undertryckta (de bygger på för få personer för att "
            f"redovisas), så siffrorna visas inte; statusen är {status}."
        )
    if latest is None:
        return (
            f"Det finns ännu inga årsvärden för {_lower_first(indicator['title_sv'])} i {region} sedan basåret "
            f"{goal['baseline_year']}."
        )
    has = f"{region} {predicate(indicator, number(latest, decimals, indicator['indicator_id'] in SIGNED))} ({year})"
    target = goal.get("target_value")
    slope = goal.get("observed_yearly_change")
    direction = goal.get("direction")
    status = goal.get("status")
    if goal.get("target_change") is not None and goal.get("baseline_value") is None:
        return (
            f"{has}, men värdet för basåret {goal['baseline_year']} saknas, så målet (en förändring från "
            f"basåret) kan inte räknas fram."
        )
    if direction == "none":
        text = f"{has}. Det är en förutsättning som följs utan mål"
        if goal.get("projected_value") is not None:
            text += f"; med nuvarande takt blir det {number(goal['projected_value'], decimals)} {deadline}"
        return text + "."
    if status == "no data" or slope is None:
        return f"{has}; ett enda årsvärde räcker inte för att bedöma utvecklingen mot målet till {deadline}."
    if target is not None:
        target_text = number(target, decimals)
        if status == "achieved":
            return f"{has} och har därmed nått målet {target_text} (tidsgräns {deadline})."
        text = f"{has} och behöver nå {target_text} till {deadline}; "
        if year is not None and year >= deadline:
            return text + "tidsgränsen har passerats utan att målet nåtts."
        attained = goal.get("attainment_year")
        if attained is not None:
            text += f"med nuvarande takt nås målet {attained}"
            earliest, latest_end = goal.get("attainment_year_earliest"), goal.get("attainment_year_latest")
            if earliest is not None:
                text += f" (95 % osäkerhetsintervall {earliest}–" + (
                    f"{latest_end})" if latest_end is not None else "aldrig)"
                )
            return text + "."
        if slope == 0 or (target - latest) * slope < 0:
            still = "står utvecklingen still" if slope == 0 else "går utvecklingen åt fel håll"
            return text + f"med nuvarande takt nås inte målet: {still}."
        return text + "med nuvarande takt nås inte målet."
    # a direction without a number
    wanted = "öka" if direction == "up" else "minska"
    text = f"{has}; målet är att värdet ska {wanted} till {deadline}"
    if goal.get("projected_value") is not None:
        change = number(slope, decimals + 1, signed=True)
        text += f", och med nuvarande takt ({change} per år) blir det {number(goal['projected_value'], decimals)}"
    words = {
        "on track": "utvecklingen går åt rätt håll",
        "at risk": "men takten är för osäker för att säga att utvecklingen går åt rätt håll",
        "off track": "utvecklingen går åt fel håll",
        "achieved": "målet är nått",
    }
    return text + (f"; {words[status]}." if status in words else ".")


def _lower_first(text: str) -> str:
    # keep acronyms (two capitals) as they are
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# -------------------------------------------------------------------------- comparison, trend, rank, time

# benchmark_assessment / unit_funnels: better, similar, worse, higher, lower -> Swedish
COMPARISON_SV = {"better": "bättre", "similar": "likvärdigt", "worse": "sämre", "higher": "högre", "lower": "lägre"}
# benchmark_assessment.quintile_assessment -> Swedish
QUINTILE_SV = {
    "best": "bästa femtedelen",
    "better": "näst bästa femtedelen",
    "middle": "mittersta femtedelen",
    "worse": "näst sämsta femtedelen",
    "worst": "sämsta femtedelen",
    "lowest": "lägsta femtedelen",
    "low": "näst lägsta femtedelen",
    "high": "näst högsta femtedelen",
    "highest": "högsta femtedelen",
}
# indicator_trends.assessment -> (arrow, Swedish words, judgement for the colour)
TREND_SV = {
    "increasing and getting better": ("↑", "ökar och förbättras", "better"),
    "increasing and getting worse": ("↑", "ökar och försämras", "worse"),
    "decreasing and getting better": ("↓", "minskar och förbättras", "better"),
    "decreasing and getting worse": ("↓", "minskar och försämras", "worse"),
    "increasing": ("↑", "ökar", "higher"),
    "decreasing": ("↓", "minskar", "lower"),
    "no significant change": ("→", "ingen säkerställd förändring", "similar"),
    "could not be calculated": ("·", "trend kan inte beräknas (färre än fem årsvärden i följd)", "none"),
}
# goal_progress.certainty -> Swedish
CERTAINTY_SV = {
    "observed": "bygger på uppmätta värden",
    "uncertain basis": "osäkert underlag",
    "interval agrees": "säkert enligt 95 % intervall",
    "interval straddles": "osäkert: 95 % intervallet når åt båda håll",
    "no values": "inga värden",
}
# unit_funnels.position -> Swedish
POSITION_SV = {
    "above 99.8 %": "över 99,8 %-gränsen",
    "above 95 %": "över 95 %-gränsen",
    "within": "inom gränserna",
    "below 95 %": "under 95 %-gränsen",
    "below 99.8 %": "under 99,8 %-gränsen",
}
THEME_SV = {
    "demography": "Befolkning",
    "staffing": "Personal och bemanning",
    "cost": "Kostnader",
    "beds": "Vårdplatser och slutenvård",
}
MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
SEX_SV = {"T": "alla", "K": "kvinnor", "M": "män"}
# the regional sources (table coverage) -> Swedish
SOURCE_SV = {"listings": "Listningen", "staffing": "Personalexporten", "cost": "Huvudboken", "beds": "Vårdplatsläget"}
STOCKHOLM = "Europe/Stockholm"


def stockholm_time(moment) -> str:
    """A moment (a datetime, or ISO text) as Stockholm's local time, 'YYYY-MM-DD HH:MM'; 'okänt' without one."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if not moment:
        return "okänt"
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is None:  # a time without a zone is UTC, as the warehouse writes its times
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(STOCKHOLM)).strftime("%Y-%m-%d %H:%M")


def rank_with_interval(rank, lower, upper, ranked, note=None) -> str:
    """'plats 4 (2–9) av 21'; without an interval 'plats 4 av 21 (utan osäkerhetsintervall)'."""
    if rank is None or not ranked:
        return "ingen placering"
    if lower is not None and upper is not None:
        return f"plats {rank} ({lower}–{upper}) av {ranked}"
    return f"plats {rank} av {ranked} (utan osäkerhetsintervall)"


def comparison_words(row: dict | None, benchmark: str) -> str:
    """'bättre än riket (95 %), även vid 99,8 %' from benchmark_assessment's two levels."""
    if not row:
        return ""
    key = "riket" if benchmark == "riket" else "median"
    at95, at998 = row.get(f"compared_to_{key}_95"), row.get(f"compared_to_{key}_998")
    if at95 is None:
        return ""
    name = "riket" if benchmark == "riket" else "regionernas median"
    if at95 == "similar":
        return f"likvärdigt med {name}"
    text = f"{COMPARISON_SV[at95]} än {name}"
    if at998 == at95:
        return text + " (säkerställt även på 99,8 %-nivån)"
    return text + " (på 95 %-nivån, inte på 99,8 %-nivån)"


def lever_sentence(goal: dict, unit_sv: str | None, decimals: int | None) -> str | None:
    """'+14 läkarårsarbetare till 2029', or the margin when the goal is already met with room to spare; None when
    goal_progress has no lever change."""
    change = goal.get("lever_change")
    if change is None or not unit_sv:
        return None
    decimals = decimals or 0
    part, direction = goal.get("lever_part"), goal.get("direction")
    more_helps = (part in ("numerator", "value")) == (direction == "up")
    slack = (change > 0) != more_helps and number(change, decimals) != number(0, decimals)
    if slack:
        return f"marginal {number(abs(change), decimals)} {unit_sv} vid tidsgränsen {goal['deadline_year']}"
    if number(change, decimals) == number(0, decimals):
        return f"oförändrat antal {unit_sv} räcker till {goal['deadline_year']}"
    return f"{number(change, decimals, signed=True)} {unit_sv} till {goal['deadline_year']}"


def lever_assumption_sv(goal: dict, indicator: dict) -> str | None:
    """The assumption behind lever_sentence in Swedish, with the numbers of goal_progress."""
    if goal.get("lever_change") is None:
        return None
    d = indicator.get("decimals") or 0
    lever_d = indicator.get("lever_decimals") or 0
    year, deadline = goal["latest_year"], goal["deadline_year"]
    target = number(goal["target_value"], d)
    unit = indicator.get("lever_unit_sv") or ""
    multiplier = indicator.get("lever_multiplier") or 1
    if goal["lever_part"] == "value":
        return f"Målet {target} minus det senaste värdet {number(goal['latest_value'], d)} ({year}), i {unit}."
    other = indicator["denominator_sv"] if goal["lever_part"] == "numerator" else indicator["numerator_sv"]
    other = _lower_first(without_note(other))
    text = f"Antagande: {other} ({number(goal['lever_other_latest'], 0)} år {year}) "
    if indicator.get("lever_other_part") == "population" and goal.get("lever_population_latest"):
        growth = (goal["lever_growth"] - 1) * 100
        text += (
            f"växer som SCB:s befolkningsframskrivning för åldrarna {indicator.get('lever_age_from')}–"
            f"{indicator.get('lever_age_to')} år ({number(goal['lever_population_latest'], 0)} år {year}, "
            f"{number(goal['lever_population_deadline'], 0)} framskrivet för {deadline}, "
            f"{number(growth, 1, signed=True)} %) till {number(goal['lever_other_at_deadline'], 0)}"
        )
    else:
        text += "hålls oförändrat"
    return (
        text + f"; vid målet {target} behövs då {number(goal['lever_needed'] * multiplier, lever_d + 1)} {unit} "
        f"mot {number(goal['lever_latest'] * multiplier, lever_d + 1)} år {year}."
    )


def certainty_text(goal: dict) -> str:
    """'osäkert underlag (2 årsvärden, 2023–2024)' and the like."""
    words = CERTAINTY_SV.get(goal.get("certainty"), goal.get("certainty") or "")
    n = goal.get("years_observed") or 0
    if not n:
        return words
    first, last = goal.get("fit_first_year"), goal.get("latest_year")
    span = f"{first}–{last}" if first and last and first != last else f"{last}"
    return f"{words} ({n} årsvärde{'n' if n != 1 else ''}, {span})"


def not_compared_sv(row: dict | None) -> str:
    """Why a value is not compared with Riket, the median or the other regions (benchmark_assessment), in Swedish."""
    if not row:
        return "inget att jämföra med"
    if row.get("suppressed"):
        return "värdet är undertryckt"
    if row.get("value") is None:
        return "inget värde"
    reasons = []
    if row.get("ci_lower_95") is None:
        reasons.append(
            "värdet har inget konfidensintervall"
            if row.get("source") != "kolada"
            else "Kolada redovisar inga konfidensintervall"
        )
    elif row.get("riket_value") is None and row.get("regions_median") is None:
        reasons.append("inget värde för riket eller de andra regionerna")
    n = row.get("regions_with_value") or 0
    if n < 5:
        reasons.append(f"bara {n} {'region' if n == 1 else 'regioner'} har värden (femtedelar kräver minst fem)")
    return "; ".join(reasons) or "inget att jämföra med"


def rank_note_sv(row: dict | None) -> str | None:
    """Why a rank has no interval (rank_intervals.interval_note), in Swedish."""
    if not row or row.get("rank_lower") is not None:
        return None
    if row.get("suppressed"):
        return "platsen är undertryckt"
    if row.get("source") == "kolada":
        return "Kolada redovisar inga konfidensintervall"
    if (row.get("regions_ranked") or 0) < 2:
        return "bara regionen har ett värde"
    return "värdet har inget konfidensintervall att räkna osäkerheten ur"


def funnel_model_sv(model: str | None) -> str:
    """unit_funnels.model in Swedish."""
    model = model or ""
    if model.startswith("binomial"):
        return "andelar med Wilsons intervall"
    if model.startswith("Poisson (exact"):
        return "antal händelser med exakta Poisson-gränser under 10 händelser och Byars från 10"
    if model.startswith("Poisson count of the denominator"):
        return "nämnaren (läkarnas årsarbetare) som ett Poisson-antal, normalapproximation"
    if model.startswith("Poisson count of the numerator"):
        return "täljaren som ett Poisson-antal, normalapproximation"
    return model


def without_note(text: str | None) -> str:
    """A catalogue text without its closing parenthesis ('Listade invånare (medelvärde över perioden)' ->
    'Listade invånare')."""
    import re

    return re.sub(r"\s*\([^()]*\)\s*$", "", text or "")
