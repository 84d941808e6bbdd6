"""The organisation register (enhetsregister): units per county and how they change over time.

Health centres (one per about 8,700 inhabitants in 2015, spread over the municipalities by
size), hospitals with somatic and psychiatric wards (about 16 beds each), ambulance stations and
a few other units (administration, pharmaceutical benefit, dental care, regional development,
public transport). Over 2015-2024 health centres merge into new unit ids, split, open, close and
are renamed; wards close as beds fall and merge; new ambulance stations open. Every change starts
on the first of a month. Unit ids carry the county code: "19-VC-007", "19-AVD-012", "19-AMB-02".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines.synthetic.regional import (
    DATA_SOURCE,
    N_MONTHS,
    county_params,
    month_start,
    municipalities,
    population_total,
    rng_for,
)

EVENTS = 1  # random stream id
# kind: (enhetstyp, vårdnivå, verksamhet, id prefix, id digits, first cost centre number)
KINDS = {
    "VC": ("vårdcentral", "primärvård", "1", "VC", 3, 1000),
    "SOM": ("vårdavdelning", "specialiserad somatisk vård", "2", "AVD", 3, 2000),
    "PSY": ("vårdavdelning", "specialiserad psykiatrisk vård", "3", "AVD", 3, 2000),
    "AMB": ("ambulansstation", "ambulanssjukvård", "5", "AMB", 2, 5000),
    "ADM": ("övrig", "övrig hälso- och sjukvård", "5", "ADM", 2, 9000),
    "LMF": ("övrig", "övrig hälso- och sjukvård", "7", "LMF", 2, 9100),
    "TV": ("övrig", "tandvård", "4", "FTV", 2, 9200),
    "RU": ("övrig", "regional utveckling", "8", "RU", 2, 9300),
    "TRF": ("övrig", "regional utveckling", "9", "TRF", 2, 9400),
}
KIND_CODES = {kind: i for i, kind in enumerate(KINDS)}
# specialty: (beds, average length of stay in days, share of occupied beds discharge-ready)
SPECIALTIES = {
    "Internmedicin": (24, 5.5, 0.055),
    "Kirurgi": (22, 4.5, 0.03),
    "Ortopedi": (20, 5.5, 0.05),
    "Kardiologi": (18, 4.0, 0.03),
    "Geriatrik": (20, 8.5, 0.08),
    "Infektion": (16, 5.5, 0.03),
    "Neurologi": (18, 6.5, 0.06),
    "Onkologi": (16, 6.5, 0.04),
    "Gynekologi": (14, 3.0, 0.02),
    "Barnmedicin": (12, 3.0, 0.01),
    "Allmänpsykiatri": (16, 14.0, 0.04),
    "Beroendepsykiatri": (12, 8.0, 0.03),
    "Barn- och ungdomspsykiatri": (8, 12.0, 0.02),
    "Äldrepsykiatri": (12, 17.0, 0.06),
}
MAIN_CYCLE = [
    "Internmedicin",
    "Kirurgi",
    "Ortopedi",
    "Kardiologi",
    "Geriatrik",
    "Infektion",
    "Neurologi",
    "Onkologi",
    "Gynekologi",
    "Barnmedicin",
    "Internmedicin",
    "Kirurgi",
    "Ortopedi",
    "Geriatrik",
    "Internmedicin",
    "Kardiologi",
    "Kirurgi",
    "Neurologi",
]
SMALL_CYCLE = ["Internmedicin", "Kirurgi", "Geriatrik", "Ortopedi", "Internmedicin", "Kardiologi"]
PSY_CYCLE = [
    "Allmänpsykiatri",
    "Allmänpsykiatri",
    "Beroendepsykiatri",
    "Barn- och ungdomspsykiatri",
    "Äldrepsykiatri",
    "Allmänpsykiatri",
]
DISTRICTS = [
    a + b
    for a in (
        "Björk",
        "Ek",
        "Gran",
        "Tall",
        "Lind",
        "Al",
        "Rönn",
        "Asp",
        "Sol",
        "Sjö",
        "Berg",
        "Äng",
        "Kvarn",
        "Sten",
        "Ljung",
        "Hag",
    )
    for b in ("backen", "hagen", "dalen", "viken", "torp", "gården", "lunda", "berga", "ängen", "holmen")
]
FOUNDED = [date(2003, 1, 1), date(2007, 1, 1), date(2010, 1, 1), date(2012, 1, 1), date(2013, 7, 1), date(2014, 1, 1)]
COLUMNS = [
    "enhets_id",
    "enhetsnamn",
    "enhetstyp",
    "vårdnivå",
    "sjukhus",
    "specialitet",
    "kommunkod",
    "kostnadsställe",
    "verksamhet",
    "giltig_från",
    "giltig_till",
    "datakälla",
]


@dataclass
class Unit:
    county: str
    kind: str
    number: int
    name: str
    municipality: str
    valid_from: date
    start: int = 0  # first month index (0 for units that existed before 2015)
    end: int = N_MONTHS  # month index the unit closes (exclusive)
    hospital: str = ""
    specialty: str = ""
    weight: float = 1.0  # health centres: share of the county's listings before the trend
    trend: float = 0.0  # health centres: yearly change of that weight
    elder: float = 1.0  # health centres: how much older the listed are than the county
    beds: float = 0.0  # wards: beds before the county's yearly scaling
    successors: list[int] = field(default_factory=list)
    renames: list[tuple[int, str]] = field(default_factory=list)

    @property
    def uid(self) -> str:
        _, _, _, prefix, digits, _ = KINDS[self.kind]
        return f"{self.county}-{prefix}-{self.number:0{digits}d}"

    @property
    def cost_centre(self) -> str:
        return f"{self.county}-KS-{KINDS[self.kind][5] + self.number}"

    def active(self, m: int) -> bool:
        return self.start <= m < self.end


class CountyBuilder:
    """Builds one county's units and their history (a random stream of its own)."""

    def __init__(self, county: str, seed: int, units: list[Unit]):
        self.county, self.units = county, units
        self.rng = rng_for(seed, EVENTS, int(county))
        self.first = len(units)
        self.numbers: dict[str, int] = {}
        self.munis = municipalities(county)
        self.names = {code: name for code, name, _ in self.munis}
        self.district_names: dict[str, list[str]] = {}

    def add(self, kind: str, name: str, municipality: str, start: int = 0, **attrs) -> int:
        counter = "AVD" if kind in ("SOM", "PSY") else kind
        self.numbers[counter] = self.numbers.get(counter, 0) + 1
        valid_from = FOUNDED[int(self.rng.integers(len(FOUNDED)))] if start == 0 else month_start(start)
        self.units.append(
            Unit(self.county, kind, self.numbers[counter], name, municipality, valid_from, start, **attrs)
        )
        return len(self.units) - 1

    def mine(self, kind: str | tuple[str, ...], m: int) -> list[int]:
        kinds = (kind,) if isinstance(kind, str) else kind
        return [
            i
            for i in range(self.first, len(self.units))
            if self.units[i].kind in kinds and self.units[i].active(m) and self.units[i].end == N_MONTHS
        ]

    def district(self, municipality: str) -> str:
        if municipality not in self.district_names:
            names = list(DISTRICTS)
            self.rng.shuffle(names)
            self.district_names[municipality] = names
        return self.district_names[municipality].pop()

    def health_centre_name(self, municipality: str, alone: bool) -> str:
        town = self.names[municipality]
        return f"Vårdcentralen {town}" if alone else f"Vårdcentralen {town} {self.district(municipality)}"

    def build(self) -> None:
        pop = population_total(self.county, 2015)
        shares = np.array([s for _, _, s in self.munis])
        codes = [c for c, _, _ in self.munis]
        self.health_centres(pop, shares, codes)
        self.hospitals(pop, shares, codes)
        ranked = [codes[i] for i in np.argsort(-shares, kind="stable")]
        for k, count in enumerate(
            np.bincount(self.rng.choice(len(codes), max(2, round(pop / 40000)), p=shares), minlength=len(codes))
        ):
            for j in range(count):
                suffix = f" {j + 1}" if count > 1 else ""
                self.add("AMB", f"Ambulansstation {self.names[codes[k]]}{suffix}", codes[k])
        seat = ranked[0]
        self.add("ADM", "Regionkansliet", seat)
        self.add("LMF", "Läkemedelsförmånen", seat)
        for code in ranked[: max(1, round(pop / 150000))]:
            self.add("TV", f"Folktandvården {self.names[code]}", code)
        self.add("RU", "Regional utveckling", seat)
        self.add("TRF", "Kollektivtrafikförvaltningen", seat)
        self.history()

    def health_centres(self, pop: int, shares: np.ndarray, codes: list[str]) -> None:
        total = round(pop / 8700)
        extra = np.floor(shares * (total - len(codes)) + self.rng.uniform(0, 1, len(codes))).astype(int)
        counts = 1 + np.maximum(extra, 0)
        for code, share, count in zip(codes, shares, counts):
            elder = {"1980": 0.92}.get(code, 1.1 if share < 0.05 else 1.0)
            for _ in range(count):
                self.add(
                    "VC",
                    self.health_centre_name(code, count == 1),
                    code,
                    weight=share / count * self.rng.lognormal(0, 0.2),
                    trend=self.rng.normal(0, 0.015),
                    elder=elder * self.rng.lognormal(0, 0.12),
                )

    def hospitals(self, pop: int, shares: np.ndarray, codes: list[str]) -> None:
        sites = list(county_params(self.county).hospitals)
        if not sites:
            order = np.argsort(-shares, kind="stable")[: int(np.clip(round(pop / 110000), 1, 8))]
            sites = [
                (("Länssjukhuset " if i == 0 else "Lasarettet i ") + self.names[codes[k]], codes[k])
                for i, k in enumerate(order)
            ]
        beds = county_params(self.county).beds_per_1000[2015] * pop / 1000
        wards = max(len(sites) + 1, round(beds / 16))
        psychiatric = max(1, round(0.15 * wards))
        weights = np.array([3.0] + [1.0] * (len(sites) - 1))
        somatic = np.floor(weights / weights.sum() * (wards - psychiatric) + 0.5).astype(int)
        somatic = np.maximum(somatic, 1)
        for h, ((hospital, code), count) in enumerate(zip(sites, somatic)):
            cycle = MAIN_CYCLE if h == 0 else SMALL_CYCLE
            for j in range(count):
                self.ward("SOM", cycle[j % len(cycle)], hospital, code)
        for j in range(psychiatric):
            hospital, code = sites[0] if j % 3 != 2 or len(sites) == 1 else sites[1]
            self.ward("PSY", PSY_CYCLE[j % len(PSY_CYCLE)], hospital, code)

    def ward(self, kind: str, specialty: str, hospital: str, code: str, start: int = 0, beds: float = 0.0) -> int:
        number = self.numbers.get("AVD", 0) + 1
        return self.add(
            kind,
            f"Avdelning {10 + number} {specialty.lower()}",
            code,
            start,
            hospital=hospital,
            specialty=specialty,
            beds=beds or SPECIALTIES[specialty][0] * self.rng.lognormal(0, 0.15),
        )

    def history(self) -> None:
        vcs, wards = len(self.mine("VC", 0)), len(self.mine(("SOM", "PSY"), 0))
        stations = len(self.mine("AMB", 0))
        counts = {
            "vc_merge": max(1, round(0.05 * vcs)),
            "vc_split": max(1, round(0.02 * vcs)),
            "vc_open": max(1, round(0.06 * vcs)),
            "vc_close": round(0.02 * vcs),
            "vc_rename": max(1, round(0.05 * vcs)),
            "ward_close": max(2, round(0.08 * wards)),
            "ward_merge": max(1, round(0.03 * wards)),
            "amb_open": 2 if self.county == "19" else max(1, round(0.1 * stations)),
        }
        events = [(int(self.rng.integers(6, N_MONTHS - 6)), kind) for kind, n in counts.items() for _ in range(n)]
        for m, kind in sorted(events):
            getattr(self, kind)(m)

    def pick(self, candidates: list[int]) -> int:
        return candidates[int(self.rng.integers(len(candidates)))]

    def same_municipality_pairs(self, m: int) -> dict[str, list[int]]:
        by_muni: dict[str, list[int]] = {}
        for i in self.mine("VC", m):
            by_muni.setdefault(self.units[i].municipality, []).append(i)
        return {k: v for k, v in by_muni.items() if len(v) >= 2}

    def close(self, i: int, m: int, successors: list[int]) -> None:
        self.units[i].end = m
        self.units[i].successors = successors

    def vc_merge(self, m: int) -> None:
        groups = self.same_municipality_pairs(m)
        if not groups:
            return
        muni = sorted(groups)[int(self.rng.integers(len(groups)))]
        a, b = self.rng.choice(groups[muni], 2, replace=False)
        new = self.add(
            "VC",
            self.health_centre_name(muni, False),
            muni,
            m,
            weight=self.units[a].weight + self.units[b].weight,
            elder=(self.units[a].elder + self.units[b].elder) / 2,
        )
        self.close(int(a), m, [new])
        self.close(int(b), m, [new])

    def vc_split(self, m: int) -> None:
        candidates = self.mine("VC", m)
        i = max(candidates, key=lambda k: (self.units[k].weight, -k))
        old = self.units[i]
        new = [
            self.add(
                "VC",
                self.health_centre_name(old.municipality, False),
                old.municipality,
                m,
                weight=old.weight / 2,
                trend=old.trend,
                elder=old.elder,
            )
            for _ in range(2)
        ]
        self.close(i, m, new)

    def vc_open(self, m: int) -> None:
        codes = [c for c, _, _ in self.munis]
        shares = np.array([s for _, _, s in self.munis])
        code = codes[int(self.rng.choice(len(codes), p=shares))]
        weights = [self.units[i].weight for i in self.mine("VC", m)]
        self.add(
            "VC",
            self.health_centre_name(code, False),
            code,
            m,
            weight=0.4 * float(np.mean(weights)),
            trend=0.06,
            elder=float(self.rng.lognormal(-0.1, 0.1)),
        )

    def vc_close(self, m: int) -> None:
        groups = self.same_municipality_pairs(m)
        if groups:
            members = groups[sorted(groups)[int(self.rng.integers(len(groups)))]]
            self.close(members[0], m, [members[1]])

    def vc_rename(self, m: int) -> None:
        unit = self.units[self.pick(self.mine("VC", m))]
        if not unit.renames:
            unit.renames.append((m, unit.name.replace("Vårdcentralen", "Hälsocentralen")))

    def ward_close(self, m: int) -> None:
        by_hospital: dict[tuple[str, str], list[int]] = {}
        for i in self.mine(("SOM", "PSY"), m):
            by_hospital.setdefault((self.units[i].hospital, self.units[i].kind), []).append(i)
        groups = [v for _, v in sorted(by_hospital.items()) if len(v) >= 2]
        if groups:
            members = groups[int(self.rng.integers(len(groups)))]
            gone = self.pick(members)
            self.close(gone, m, [next(i for i in members if i != gone)])

    def ward_merge(self, m: int) -> None:
        wards = self.mine("SOM", m)
        hospital = self.units[wards[0]].hospital
        members = [i for i in wards if self.units[i].hospital == hospital]
        if len(members) >= 2:
            a, b = (int(x) for x in self.rng.choice(members, 2, replace=False))
            ua, ub = self.units[a], self.units[b]
            new = self.ward("SOM", ua.specialty, hospital, ua.municipality, m, beds=0.85 * (ua.beds + ub.beds))
            self.close(a, m, [new])
            self.close(b, m, [new])

    def amb_open(self, m: int) -> None:
        codes = [c for c, _, _ in self.munis]
        shares = np.array([s for _, _, s in self.munis])
        code = codes[int(self.rng.choice(len(codes), p=shares))]
        taken = sum(1 for u in self.units[self.first :] if u.kind == "AMB" and u.municipality == code)
        self.add("AMB", f"Ambulansstation {self.names[code]}" + (f" {taken + 1}" if taken else ""), code, m)


@dataclass
class Organisation:
    """Every unit of the counties, with arrays the monthly generators index by unit number."""

    counties: list[str]
    units: list[Unit]

    def __post_init__(self) -> None:
        u = self.units
        self.county = np.array([self.counties.index(x.county) for x in u])
        self.kind = np.array([KIND_CODES[x.kind] for x in u])
        self.start = np.array([x.start for x in u])
        self.end = np.array([x.end for x in u])
        self.weight = np.array([x.weight for x in u])
        self.trend = np.array([x.trend for x in u])
        self.elder = np.array([x.elder for x in u])
        self.beds = np.array([x.beds for x in u])
        self.successors = np.array([(x.successors + [-1, -1])[:2] for x in u])
        self.uid = [x.uid for x in u]
        self.cost_centre = [x.cost_centre for x in u]
        self.activity = [KINDS[x.kind][2] for x in u]
        spec = [SPECIALTIES.get(x.specialty, (0, 1.0, 0.0)) for x in u]
        self.length_of_stay = np.array([s[1] for s in spec])
        self.discharge_ready = np.array([s[2] for s in spec])
        self.gynaecology = np.array([x.specialty == "Gynekologi" for x in u])

    def active(self, m: int) -> np.ndarray:
        return (self.start <= m) & (m < self.end)

    def of_kind(self, *kinds: str) -> np.ndarray:
        return np.isin(self.kind, [KIND_CODES[k] for k in kinds])

    def register(self) -> pl.DataFrame:
        """The effective-dated register: one row per unit and version (a rename starts a new row)."""
        rows = []
        for x in self.units:
            enhetstyp, level, activity, *_ = KINDS[x.kind]
            versions = [(x.valid_from, x.name)] + [(month_start(m), name) for m, name in x.renames]
            ends = [v[0] - timedelta(days=1) for v in versions[1:]]
            ends.append(month_start(x.end) - timedelta(days=1) if x.end < N_MONTHS else None)
            for (valid_from, name), valid_to in zip(versions, ends):
                rows.append(
                    (
                        x.uid,
                        name,
                        enhetstyp,
                        level,
                        x.hospital or None,
                        x.specialty or None,
                        x.municipality,
                        x.cost_centre,
                        activity,
                        valid_from,
                        valid_to,
                        DATA_SOURCE,
                    )
                )
        frame = pl.DataFrame(
            rows, schema={c: (pl.Date if c.startswith("giltig") else pl.String) for c in COLUMNS}, orient="row"
        )
        return frame.sort("enhets_id", "giltig_från")


def build_organisation(counties: list[str], seed: int) -> Organisation:
    units: list[Unit] = []
    for county in counties:
        CountyBuilder(county, seed, units).build()
    return Organisation(counties, units)
