"""The synthetic region: calendar, county parameters and the calibration targets they meet.

The region's own sources (organisation, listings, staffing, cost, beds) are never public, so
``pipelines.synthetic.generate`` writes realistic synthetic ones in the formats of
``pipelines/regional/formats.yaml``. Every row says ``datakälla = "SYNTETISK vardpuls"``.

Calibration targets (``data/reference/published_figures.csv``, ``../shared/docs/DOMAIN.md``):

- population: SCB's county totals exactly (Västmanland 280,813 at the end of 2023; Riket
  10,551,707 in 2023 and 10,587,710 in 2024), from ``pipelines.synthetic.population``.
- organisation: one health centre (vårdcentral) per about 8,700 inhabitants in 2015 spread over
  the municipalities by size (about 1,150 in Sweden); wards of about 16 beds (about 1,500); one
  ambulance station per about 40,000 inhabitants; units merge, split, open and close.
- beds (06:00 census): available beds per 1,000 inhabitants, yearly mean, 2.42 in 2015 falling to
  1.90 in 2023 in Västmanland (Kolada N70845: 2.4 in 2016, 1.9 in 2025; Riket 1.9 in 2023;
  Västra Götaland 1.6 in 2025); July about 23 % fewer beds; occupancy about 90 %;
  överbeläggningar about 4 and utlokaliserade about 1.5 per 100 available beds
  (Västmanland 4.0 in 2016, Riket 4.4 in 2017); utskrivningsklara about 5 % of occupied beds;
  average length of stay (bed-days / discharges) about 5.5 days (OECD: 5.5 in 2021).
- staffing: about 27 employees per 1,000 inhabitants; doctors' FTE per 1,000 inhabitants in 2019
  2.5 in Västmanland (685 årsarbetare / 275,845), 2.8 Värmland, 3.1 Västra Götaland; listed
  inhabitants per GP FTE (Specialistläkare + ST-läkare allmänmedicin at health centres) 1,350 in
  2015 falling to 1,150 in 2024 in Västmanland (the HoS 2029 goal is 1,100), moving away from
  1,100 in some other regions; ambulance FTE rising in Västmanland; sick-leave share about 6 %;
  hired staff (inhyrd) about 2 % of employees, all doctors and nurses; turnover about 10 % a year.
- cost (ledger): health-care net cost (activities with health_care = true in
  ``activity_areas.csv``: not dental care 4, regional development 8 and transport 9) per
  inhabitant in 2024 as Kolada's U70020 (Västmanland 35,137 kr, Värmland 33,240, Västra Götaland
  33,602, Riket 36,312), nominal growth 3-5 % a year; primary care (activity 1) about 17 % of it
  (SKL 2016); in Västmanland primary care grows 36-44 MSEK a year until 2023 and 63 MSEK in 2024
  (the HoS 2029 goal: at least 47 MSEK a year more).
- projections: 80+ grows about 48 % in ten years in Värmland, 35-45 % elsewhere.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np

from pipelines.synthetic.population import COUNTY_TOTALS, VASTMANLAND, YEARS

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
DATA_SOURCE = "SYNTETISK vardpuls"
N_MONTHS = 12 * len(YEARS)
MONTHS = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]


def rng_for(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream per (seed, source, ...): the same key always gives the same numbers."""
    return np.random.default_rng([seed, *key])


def month_start(m: int) -> date:
    return date(YEARS[0] + m // 12, m % 12 + 1, 1)


def month_end(m: int) -> date:
    return month_start(m + 1) - timedelta(days=1)


def month_days(m: int) -> list[date]:
    start = month_start(m)
    return [start + timedelta(days=i) for i in range((month_end(m) - start).days + 1)]


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return date(year, month, day + 1)


def workdays(m: int) -> int:
    """Weekdays of month m that are not Swedish public holidays (or their eves)."""
    start = month_start(m)
    y = start.year
    e = easter(y)
    midsummer_eve = next(date(y, 6, d) for d in range(19, 26) if date(y, 6, d).weekday() == 4)
    holidays = {
        date(y, 1, 1),
        date(y, 1, 6),
        e - timedelta(days=2),
        e + timedelta(days=1),
        date(y, 5, 1),
        e + timedelta(days=39),
        date(y, 6, 6),
        midsummer_eve,
        date(y, 12, 24),
        date(y, 12, 25),
        date(y, 12, 26),
        date(y, 12, 31),
    }
    return sum(1 for d in month_days(m) if d.weekday() < 5 and d not in holidays)


def year_value(points: dict[int, float], year: float) -> float:
    """Piecewise-linear value between the given years (held flat outside them)."""
    xs = sorted(points)
    return float(np.interp(year, xs, [points[x] for x in xs]))


@dataclass(frozen=True)
class CountyParams:
    beds_per_1000: dict[int, float]  # yearly mean of available beds per 1,000 inhabitants
    doctors_per_1000_2019: float  # doctors' FTE per 1,000 inhabitants in 2019
    listed_per_gp: dict[int, float]  # listed inhabitants per GP FTE
    ambulance_per_1000: dict[int, float]  # ambulance staff FTE per 1,000 inhabitants
    net_cost_2024: float  # health-care net cost per inhabitant in 2024, SEK
    growth: tuple[float, ...]  # yearly growth of health-care net cost 2016..2024
    primary_share_2023: float  # primary care share of health-care net cost in 2023
    primary_trend: float  # change of that share per year
    hospitals: tuple[tuple[str, str], ...] = ()  # (name, municipality code); generic when empty


# Yearly growth of health-care net cost 2016..2024 (nominal), around which the counties vary.
BASE_GROWTH = (0.036, 0.039, 0.037, 0.034, 0.041, 0.044, 0.040, 0.046, 0.038)
# The three counties of the published figures, set by hand (the others are drawn in county_params):
# beds per 1,000 in 2015, 2016, 2023, 2024; doctors per 1,000 2019; listed per GP 2015, 2024;
# ambulance FTE per 1,000 2015, 2024; net cost per inhabitant 2024; primary care share 2023 and trend;
# growth 2016..2024; hospitals.
KNOWN_ROWS = {
    "19": (
        (2.42, 2.40, 1.90, 1.89),
        2.5,
        (1350, 1150),
        (0.50, 0.66),
        35137.2,
        0.170,
        0.0,
        (0.031, 0.034, 0.032, 0.030, 0.036, 0.035, 0.033, 0.034, 0.035),
        (
            ("Västmanlands sjukhus Västerås", "1980"),
            ("Västmanlands sjukhus Köping", "1983"),
            ("Västmanlands sjukhus Sala", "1981"),
            ("Västmanlands sjukhus Fagersta", "1982"),
        ),
    ),
    "17": (
        (2.35, 2.30, 2.03, 2.01),
        2.8,
        (1220, 1330),
        (0.62, 0.64),
        33240.0,
        0.165,
        -0.001,
        tuple(g - 0.001 for g in BASE_GROWTH),
        (("Centralsjukhuset Karlstad", "1780"), ("Arvika sjukhus", "1784"), ("Torsby sjukhus", "1737")),
    ),
    "14": (
        (2.35, 2.30, 1.72, 1.68),
        3.1,
        (1300, 1120),
        (0.55, 0.60),
        33602.3,
        0.180,
        0.0025,
        BASE_GROWTH,
        (
            ("Sahlgrenska Universitetssjukhuset", "1480"),
            ("Södra Älvsborgs sjukhus", "1490"),
            ("Skaraborgs sjukhus", "1496"),
            ("NU-sjukvården", "1488"),
            ("Alingsås lasarett", "1489"),
            ("Kungälvs sjukhus", "1482"),
        ),
    ),
}
KNOWN = {
    county: CountyParams(
        beds_per_1000=dict(zip((2015, 2016, 2023, 2024), beds)),
        doctors_per_1000_2019=doctors,
        listed_per_gp=dict(zip((2015, 2024), gp)),
        ambulance_per_1000=dict(zip((2015, 2024), amb)),
        net_cost_2024=net,
        growth=growth,
        primary_share_2023=share,
        primary_trend=trend,
        hospitals=hospitals,
    )
    for county, (beds, doctors, gp, amb, net, share, trend, growth, hospitals) in KNOWN_ROWS.items()
}
# Västmanland's primary care: yearly increase in SEK 2016..2024 (2024 meets the 47 MSEK goal).
VASTMANLAND_PRIMARY_STEPS = (38e6, 41e6, 36e6, 43e6, 40e6, 44e6, 39e6, 42e6, 63e6)
# Doctors per 1,000 in 2019 where known to differ from the usual 2.6-3.0 (university regions).
DOCTORS_2019 = {"01": 2.9, "03": 3.6, "05": 3.3, "12": 3.2, "18": 3.3, "24": 3.6}
# Per cent of the county living in its largest municipalities (the rest share what is left).
BIG_MUNICIPALITIES = {
    "0180": 40,
    "0380": 60,
    "0484": 35,
    "0480": 20,
    "0580": 35,
    "0581": 31,
    "0680": 39,
    "0780": 45,
    "0880": 28,
    "0980": 100,
    "1080": 42,
    "1280": 25,
    "1281": 9,
    "1283": 11,
    "1380": 31,
    "1480": 34,
    "1490": 7,
    "1496": 3.5,
    "1780": 34,
    "1880": 50,
    "2080": 20,
    "2081": 18,
    "2180": 35,
    "2281": 40,
    "2380": 50,
    "2480": 47,
    "2580": 32,
}


@cache
def county_params(county: str) -> CountyParams:
    if county in KNOWN:
        return KNOWN[county]
    rng = np.random.default_rng([int(county), 7])  # the model, not the noise: independent of the seed
    b15, b23 = rng.uniform(2.25, 2.6), rng.uniform(1.75, 2.05)
    gp15 = rng.uniform(1150, 1500)
    gp24 = gp15 * rng.choice([rng.uniform(0.85, 0.95), rng.uniform(1.04, 1.15)])  # towards 1,100 or away
    amb15 = rng.uniform(0.5, 0.8)
    return CountyParams(
        beds_per_1000={2015: b15, 2023: b23, 2024: b23 - rng.uniform(0.0, 0.04)},
        doctors_per_1000_2019=DOCTORS_2019.get(county, rng.uniform(2.6, 3.0)),
        listed_per_gp={2015: gp15, 2024: gp24},
        ambulance_per_1000={2015: amb15, 2024: amb15 * rng.uniform(0.95, 1.25)},
        net_cost_2024=rng.uniform(33500, 38500) if county != "01" else 36800.0,
        growth=tuple(np.clip(np.array(BASE_GROWTH) + rng.normal(0, 0.003, 9), 0.03, 0.05)),
        primary_share_2023=rng.uniform(0.155, 0.19),
        primary_trend=rng.uniform(-0.0015, 0.002),
    )


@cache
def municipalities(county: str) -> tuple[tuple[str, str, float], ...]:
    """(code, short name, share of the county's population) for the county's municipalities."""
    with (REFERENCE / "municipalities.csv").open(encoding="utf-8") as f:
        rows = [
            (r["municipality_code"], r["municipality_name_short"])
            for r in csv.DictReader(f)
            if r["county_code"] == county
        ]
    if county == "19":
        sizes = np.array([VASTMANLAND[code][1] for code, _ in rows], dtype=float)
    else:
        rng = np.random.default_rng([int(county), 11])
        noise = rng.lognormal(0.0, 0.35, len(rows))
        small = (
            np.array([0.0 if code in BIG_MUNICIPALITIES else (2.0 if code[2] == "8" else 1.0) for code, _ in rows])
            * noise
        )
        rest = 100.0 - sum(BIG_MUNICIPALITIES.get(code, 0.0) for code, _ in rows)
        sizes = np.array([BIG_MUNICIPALITIES.get(code, 0.0) for code, _ in rows])
        if small.sum() > 0:
            sizes = sizes + small / small.sum() * rest
    shares = sizes / sizes.sum()
    return tuple((code, name, float(s)) for (code, name), s in zip(rows, shares))


def population_total(county: str, year: int) -> int:
    return COUNTY_TOTALS[county][year]


def net_cost_series(county: str) -> tuple[np.ndarray, np.ndarray]:
    """Health-care net cost and its primary care part per year (YEARS), SEK."""
    p = county_params(county)
    total = np.zeros(len(YEARS))
    total[-1] = p.net_cost_2024 * population_total(county, YEARS[-1])
    for t in range(len(YEARS) - 1, 0, -1):
        total[t - 1] = total[t] / (1 + p.growth[t - 1])
    if county == "19":
        primary = np.zeros(len(YEARS))
        t23 = YEARS.index(2023)
        primary[t23] = p.primary_share_2023 * total[t23]
        for t in range(t23, 0, -1):
            primary[t - 1] = primary[t] - VASTMANLAND_PRIMARY_STEPS[t - 1]
        primary[t23 + 1] = primary[t23] + VASTMANLAND_PRIMARY_STEPS[t23]
    else:
        primary = total * (p.primary_share_2023 + p.primary_trend * (np.array(YEARS) - 2023))
    return total, primary
