"""Employee-months from HR/payroll (personal): who works where, how much, and how much they were sick.

Each unit has a target of full-time equivalents (FTE) per profession every month: health centres
from their listed inhabitants (GPs from the county's listed-per-GP path), wards from their beds,
ambulance stations from the county's ambulance FTE, other units from the population. Employees
leave (about 10 % a year, more for fixed-term and hired staff, everyone at 67) and the gap to the
target is filled by new employees with new ids; staff of a unit that closes move to its successor.
Hours: scheduled = FTE x 7.9 h x working days, minus vacation, parental leave and sick hours.
"""

from __future__ import annotations

import csv

import numpy as np
import polars as pl

from pipelines.synthetic import identities
from pipelines.synthetic.population import COUNTIES
from pipelines.synthetic.regional import (
    DATA_SOURCE,
    MONTHS,
    REFERENCE,
    YEARS,
    county_params,
    population_total,
    rng_for,
    workdays,
    year_value,
)
from pipelines.synthetic.units import KIND_CODES, Organisation

STREAM, IDENTITY_STREAM = 3, 4
with (REFERENCE / "professions.csv").open(encoding="utf-8") as f:
    PROFESSION_ROWS = list(csv.DictReader(f))
PROFESSIONS = [r["profession"] for r in PROFESSION_ROWS]
P = len(PROFESSIONS)
PROF = {name: i for i, name in enumerate(PROFESSIONS)}
GROUP = np.array([r["profession_group"] for r in PROFESSION_ROWS])
DOCTOR = GROUP == "doctor"
NURSE = GROUP == "nurse"
FORMS = ["tillsvidare", "visstid", "timavlönad"]
TILLSVIDARE, VISSTID, TIMAVLONAD = 0, 1, 2
# Monthly salary 2024 (SEK), indexed back 3 % a year; social fees and pensions 46 % on top.
SALARY_2024 = np.array(
    [
        88000,
        58000,
        90000,
        58000,
        42000,
        42000,
        48000,
        49000,
        47000,
        46000,
        33000,
        31000,
        37000,
        36000,
        46000,
        38000,
        32000,
        38000,
        62000,
    ],
    dtype=float,
)
assert len(SALARY_2024) == P
# FTE per driver: health centres per 1,000 listed, wards per bed, other units per 1,000 inhabitants.
PER_LISTED = {
    "AT-läkare": 0.03,
    "Distriktssköterska": 0.55,
    "Sjuksköterska": 0.25,
    "Undersköterska": 0.40,
    "Fysioterapeut": 0.17,
    "Arbetsterapeut": 0.04,
    "Psykolog": 0.10,
    "Kurator": 0.10,
    "Medicinsk sekreterare": 0.25,
    "Administratör": 0.05,
}
PER_BED = {
    "SOM": {
        "Sjuksköterska": 2.4,
        "Specialistsjuksköterska": 0.85,
        "Undersköterska": 2.2,
        "Fysioterapeut": 0.25,
        "Arbetsterapeut": 0.15,
        "Kurator": 0.08,
        "Psykolog": 0.03,
        "Medicinsk sekreterare": 0.75,
        "Administratör": 0.35,
    },
    "PSY": {
        "Sjuksköterska": 1.8,
        "Specialistsjuksköterska": 0.5,
        "Undersköterska": 2.6,
        "Psykolog": 0.5,
        "Kurator": 0.35,
        "Arbetsterapeut": 0.2,
        "Medicinsk sekreterare": 0.6,
        "Administratör": 0.3,
    },
}
PER_INHABITANT = {
    "ADM": {"Administratör": 1.0, "Chef": 0.12, "Sjuksköterska": 0.04},
    "TV": {"Undersköterska": 0.55, "Administratör": 0.08, "Chef": 0.03},
    "RU": {"Administratör": 0.25, "Chef": 0.02},
    "TRF": {"Administratör": 0.10, "Chef": 0.01},
}
MANAGERS = {"VC": 1.0, "SOM": 2.0, "PSY": 2.0, "AMB": 1.0}
HOSPITAL_DOCTORS = {"Specialistläkare": 0.60, "ST-läkare": 0.28, "AT-läkare": 0.12}
GP_TRAINEE_SHARE = 0.28
WARD_INTENSITY = 0.025  # staff per bed rise 2.5 % a year as care moves out of the wards
DOCTOR_GROWTH = 0.012
HIRED_ON_TOP = 1.07  # the published doctors' FTE are the region's employees: hired doctors come on top
# Leaving per month by form, and for hired staff; hired shares of FTE (stock) per profession group.
LEAVE = {TILLSVIDARE: 0.005, VISSTID: 0.025, TIMAVLONAD: 0.03}
LEAVE_HIRED = 0.03
HIRED_NURSES = 0.04
HIRED_WARD_DOCTORS = 0.06
HIRED_GP = {2015: 0.12, 2024: 0.06}
LEAVE_EMPLOYEE = 0.0085  # all employees' mean leaving rate per month
VISSTID_STOCK, TIMAVLONAD_RATE = 0.12, 0.04
VISSTID_HIRES = 0.41  # fixed-term staff leave five times as often: a share of hires that keeps the stock at 12 %
FTE_LEVELS = np.array([1.0, 0.9, 0.8, 0.75, 0.6, 0.5])
FTE_P = {
    "doctor": [0.86, 0.05, 0.06, 0.0, 0.0, 0.03],
    "tillsvidare": [0.74, 0.06, 0.07, 0.06, 0.02, 0.05],
    "visstid": [0.70, 0.0, 0.0, 0.15, 0.0, 0.15],
}
HOURS_PER_DAY = 7.9
VACATION = np.array([0.03, 0.05, 0.03, 0.05, 0.04, 0.10, 0.45, 0.18, 0.02, 0.04, 0.03, 0.07])
SHORT_SICK = np.array([0.50, 0.50, 0.45, 0.40, 0.35, 0.30, 0.20, 0.25, 0.40, 0.45, 0.50, 0.45])
COLUMNS = [
    "period",
    "anställningsnummer",
    "personnummer",
    "enhets_id",
    "yrke",
    "anställningsform",
    "sysselsättningsgrad",
    "arbetade_timmar",
    "sjuktimmar",
    "inhyrd",
    "datakälla",
]
ID_BLOCK = 420_000  # employee ids 1,000,000 + county's place among the 21 x 420,000 + serial: 7 digits


def profile(ratios: dict[str, float]) -> np.ndarray:
    out = np.zeros(P)
    for name, value in ratios.items():
        out[PROF[name]] = value
    return out


class Targets:
    """FTE wanted per unit and profession in a month."""

    def __init__(self, org: Organisation, beds: np.ndarray):
        self.org, self.beds = org, beds  # beds: year x unit, yearly mean available beds
        self.kind = org.kind
        self.per_listed = profile(PER_LISTED)
        self.per_bed = {KIND_CODES[k]: profile(v) for k, v in PER_BED.items()}
        self.per_inhabitant = {KIND_CODES[k]: profile(v) for k, v in PER_INHABITANT.items()}
        self.params = [county_params(c) for c in org.counties]
        self.gynaecology = org.gynaecology

    def month(self, m: int, listed: np.ndarray) -> np.ndarray:
        org, year = self.org, YEARS[0] + m // 12
        t = year + (m % 12) / 12
        active = org.active(m)
        n_c = len(org.counties)
        pop = np.array([population_total(c, year) for c in org.counties], dtype=float)
        target = np.zeros((len(org.uid), P))
        vc = active & (org.kind == KIND_CODES["VC"])
        gp_ratio = np.array([year_value(p.listed_per_gp, t) for p in self.params])
        gp = listed[vc] / gp_ratio[org.county[vc]]
        target[vc] = listed[vc, None] / 1000 * self.per_listed
        target[vc, PROF["Specialistläkare allmänmedicin"]] = gp * (1 - GP_TRAINEE_SHARE)
        target[vc, PROF["ST-läkare allmänmedicin"]] = gp * GP_TRAINEE_SHARE
        for kind, per_bed in self.per_bed.items():
            ward = active & (org.kind == kind)
            target[ward] = self.beds[m // 12, ward, None] * per_bed * (1 + WARD_INTENSITY * (year - YEARS[0]))
            target[ward & self.gynaecology, PROF["Barnmorska"]] = 2.0 * self.beds[m // 12, ward & self.gynaecology]
        doctors = np.array([p.doctors_per_1000_2019 for p in self.params]) * (1 + DOCTOR_GROWTH) ** (year - 2019)
        primary_doctors = np.bincount(org.county, target[:, DOCTOR].sum(axis=1), minlength=n_c)
        ward = active & np.isin(org.kind, list(self.per_bed))
        weight = np.where(ward, self.beds[m // 12] * np.where(org.kind == KIND_CODES["PSY"], 0.8, 1.0), 0.0)
        share = weight / np.bincount(org.county, weight, minlength=n_c)[org.county].clip(1e-9)
        hospital = (HIRED_ON_TOP * doctors * pop / 1000 - primary_doctors)[org.county] * share
        for name, part in HOSPITAL_DOCTORS.items():
            target[ward, PROF[name]] = hospital[ward] * part
        amb = active & (org.kind == KIND_CODES["AMB"])
        amb_fte = np.array([year_value(p.ambulance_per_1000, t) for p in self.params]) * pop / 1000
        stations = np.bincount(org.county[amb], minlength=n_c).clip(1)
        target[amb, PROF["Ambulanssjuksköterska"]] = 0.55 * (amb_fte / stations)[org.county[amb]]
        target[amb, PROF["Ambulanssjukvårdare"]] = 0.45 * (amb_fte / stations)[org.county[amb]]
        for kind, ratios in self.per_inhabitant.items():
            units = active & (org.kind == kind)
            count = np.bincount(org.county[units], minlength=n_c).clip(1)
            target[units] = (pop / 1000 / count)[org.county[units], None] * ratios
        for kind, managers in MANAGERS.items():
            target[active & (org.kind == KIND_CODES[kind]), PROF["Chef"]] = managers
        return target


class Staff:
    """The employees on the payroll, month by month."""

    def __init__(self, org: Organisation, beds: np.ndarray, seed: int, identities_wanted: bool):
        self.org, self.seed = org, seed
        self.identities = identities.Identities() if identities_wanted else None
        self.hires = 0  # hiring rounds so far: each draws identities from a stream of its own
        self.targets = Targets(org, beds)
        self.serial = np.zeros(len(org.counties), dtype=np.int64)
        self.id_base = np.array([1_000_000 + COUNTIES.index(c) * ID_BLOCK for c in org.counties])
        self.vc = org.kind == KIND_CODES["VC"]
        self.ward = np.isin(org.kind, [KIND_CODES["SOM"], KIND_CODES["PSY"]])
        self.state: dict[str, np.ndarray] = {}
        self.m = -1

    # -- the state: one entry per employee on the payroll --------------------------------------
    def keep(self, mask: np.ndarray) -> None:
        self.state = {k: v[mask] for k, v in self.state.items()}

    def append(self, new: dict[str, np.ndarray]) -> None:
        self.state = {k: np.concatenate([self.state[k], new[k]]) if self.state else new[k] for k in new}

    def hired_share(self, units: np.ndarray, profs: np.ndarray, year: float) -> np.ndarray:
        gp = self.vc[units] & DOCTOR[profs]
        return np.where(
            gp,
            year_value(HIRED_GP, year),
            np.where(DOCTOR[profs], HIRED_WARD_DOCTORS, np.where(NURSE[profs], HIRED_NURSES, 0.0)),
        )

    def hire(self, m: int, rng: np.random.Generator, target: np.ndarray, start: bool) -> None:
        current = self.fte_by_group()
        deficit = target.ravel() - current
        mean_fte = np.where(DOCTOR, 0.97, 0.93)[np.arange(deficit.size) % P]
        count = np.where(deficit > 0.5 * mean_fte, np.floor(deficit / mean_fte + 0.5), 0)
        groups = np.repeat(np.arange(deficit.size), count.astype(np.int64))
        units, profs = groups // P, groups % P
        n = len(groups)
        year = YEARS[0] + m / 12
        stock = self.hired_share(units, profs, year)
        # a hired doctor stays a few years, an employee many: replace with hired staff more often
        p_hired = stock if start else stock * LEAVE_HIRED / (stock * LEAVE_HIRED + (1 - stock) * LEAVE_EMPLOYEE)
        hired = rng.random(n) < p_hired
        form = np.where(hired | (rng.random(n) < (VISSTID_STOCK if start else VISSTID_HIRES)), VISSTID, TILLSVIDARE)
        fte = self.draw_fte(rng, form, profs)
        fte[hired] = 1.0
        casual = TIMAVLONAD_RATE * (0.75 if start else 1.0) * ~DOCTOR[profs] * (GROUP[profs] != "management")
        extra = rng.random(n) < casual
        units = np.concatenate([units, units[extra]])
        profs = np.concatenate([profs, profs[extra]])
        form = np.concatenate([form, np.full(extra.sum(), TIMAVLONAD)])
        fte = np.concatenate([fte, np.zeros(extra.sum())])
        hired = np.concatenate([hired, np.zeros(extra.sum(), dtype=bool)])
        n = len(units)
        age = np.clip(rng.normal(44, 11, n), 22, 66) if start else np.clip(rng.normal(36, 10, n), 22, 62)
        birth = year - age - rng.uniform(0, 1, n)  # spread over the year also where the age was clipped
        county = self.org.county[units]
        order = np.lexsort((rng.random(n), county))  # ids in hiring order within the county
        serial = np.zeros(n, dtype=np.int64)
        for c in np.unique(county):  # one step per county, not per employee
            rows = order[county[order] == c]
            serial[rows] = self.serial[c] + np.arange(len(rows))
            self.serial[c] += len(rows)
        new = {
            "employee": self.id_base[county] + serial,
            "unit": units,
            "prof": profs,
            "form": form,
            "fte": fte,
            "hired": hired,
            "birth": birth,
            "absence": np.zeros(n, dtype=np.int8),
            "absence_left": np.zeros(n, dtype=np.int16),
            "absence_level": np.zeros(n),
        }
        if self.identities:
            new["person"] = self.identities.issue(birth, rng_for(self.seed, IDENTITY_STREAM, m, self.hires))
        self.hires += 1
        self.append(new)

    @staticmethod
    def draw_fte(rng: np.random.Generator, form: np.ndarray, profs: np.ndarray) -> np.ndarray:
        u = rng.random(len(form))
        out = np.empty(len(form))
        for key, mask in (
            ("doctor", DOCTOR[profs]),
            ("visstid", ~DOCTOR[profs] & (form == VISSTID)),
            ("tillsvidare", ~DOCTOR[profs] & (form != VISSTID)),
        ):
            cumulative = np.cumsum(FTE_P[key])
            out[mask] = FTE_LEVELS[np.minimum(np.searchsorted(cumulative, u[mask]), len(FTE_LEVELS) - 1)]
        return out

    def fte_by_group(self) -> np.ndarray:
        if not self.state:
            return np.zeros(len(self.org.uid) * P)
        s = self.state
        return np.bincount(s["unit"] * P + s["prof"], s["fte"], minlength=len(self.org.uid) * P)

    def leave(self, m: int, rng: np.random.Generator) -> None:
        s = self.state
        p = np.select(
            [s["hired"], s["form"] == VISSTID, s["form"] == TIMAVLONAD],
            [LEAVE_HIRED, LEAVE[VISSTID], LEAVE[TIMAVLONAD]],
            LEAVE[TILLSVIDARE],
        )
        age = YEARS[0] + m / 12 - s["birth"]
        p = np.where(age >= 65, 0.04, p)
        self.keep((rng.random(len(p)) >= p) & (age < 67))

    def move_from_closed(self, m: int, rng: np.random.Generator) -> None:
        active = self.org.active(m)
        for _ in range(6):  # a successor may itself have closed: follow the chain
            s = self.state
            moved = ~active[s["unit"]]
            if not moved.any():
                return
            first, second = self.org.successors[s["unit"][moved]].T
            pick = np.where((second >= 0) & (rng.random(moved.sum()) < 0.5), second, first)
            s["unit"][moved] = pick
            self.keep(s["unit"] >= 0)

    def shed(self, rng: np.random.Generator, target: np.ndarray) -> None:
        """Where a target fell by more than one FTE, employees leave (lowest random key first)."""
        s = self.state
        surplus = self.fte_by_group() - target.ravel()
        group = s["unit"] * P + s["prof"]
        candidate = (surplus[group] > 1.0) & (s["fte"] > 0)
        idx = np.flatnonzero(candidate)
        if not len(idx):
            return
        idx = idx[np.lexsort((rng.random(len(idx)), group[idx]))]
        g = group[idx]
        cumulative = np.cumsum(s["fte"][idx])
        starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
        before = np.repeat(np.r_[0.0, cumulative][starts], np.diff(np.r_[starts, len(idx)]))
        gone = idx[cumulative - before <= surplus[g]]
        mask = np.ones(len(group), dtype=bool)
        mask[gone] = False
        self.keep(mask)

    def absences(self, m: int, rng: np.random.Generator) -> None:
        s = self.state
        ongoing = s["absence_left"] > 0
        s["absence_left"][ongoing] -= 1
        s["absence"][s["absence_left"] == 0] = 0
        free = (s["absence"] == 0) & ~s["hired"] & (s["form"] != TIMAVLONAD)
        age = YEARS[0] + m / 12 - s["birth"]
        u = rng.random(len(free))
        parental = free & (age < 42) & (u < 0.004)
        sick = free & ~parental & (u > 0.9975)
        s["absence"][parental], s["absence_left"][parental] = 2, rng.integers(4, 13, parental.sum())
        s["absence"][sick], s["absence_left"][sick] = 1, rng.integers(2, 10, sick.sum())
        s["absence_level"][sick] = np.where(rng.random(sick.sum()) < 0.5, 0.5, 1.0)

    def step(self, m: int, listed: np.ndarray) -> None:
        """Move the payroll to month m."""
        rng = rng_for(self.seed, STREAM, m)
        target = self.targets.month(m, listed)
        if self.m < 0:
            for _ in range(3):
                self.hire(m, rng, target, start=True)
        else:
            self.leave(m, rng)
            self.move_from_closed(m, rng)
            self.shed(rng, target)
            self.hire(m, rng, target, start=False)
        self.absences(m, rng)
        self.hours(m, rng)
        self.m = m

    def hours(self, m: int, rng: np.random.Generator) -> None:
        s = self.state
        n = len(s["fte"])
        scheduled = s["fte"] * HOURS_PER_DAY * workdays(m)
        vacation = np.clip(VACATION[m % 12] * rng.gamma(2.0, 0.5, n), 0, 1)
        parental = s["absence"] == 2
        vacation[parental] = 0
        present = scheduled * (1 - vacation) * ~parental
        short = (rng.random(n) < SHORT_SICK[m % 12]) * rng.geometric(1 / 2.6, n) * HOURS_PER_DAY * s["fte"]
        long_ = np.where(s["absence"] == 1, s["absence_level"] * scheduled, 0.0)
        sick = np.minimum(present, short + long_)
        worked = present - sick
        hired = s["hired"]
        worked[hired] = scheduled[hired] * rng.uniform(0.8, 1.05, hired.sum())
        sick[hired] = 0
        casual = s["form"] == TIMAVLONAD
        worked[casual] = np.clip(rng.gamma(1.6, 28, casual.sum()), 2, 170)
        sick[casual] = 0
        s["worked"] = np.round(worked * 4) / 4
        s["sick"] = np.round(sick * 4) / 4

    # -- what the month delivers --------------------------------------------------------------
    def frame(self, m: int) -> pl.DataFrame:
        s, org = self.state, self.org
        order = np.argsort(s["employee"], kind="stable")
        columns = {
            "period": pl.repeat(MONTHS[m], len(order), eager=True),
            "anställningsnummer": pl.Series(s["employee"][order]).cast(pl.String),
            "enhets_id": pl.Series(org.uid).gather(s["unit"][order]),
            "yrke": pl.Series(PROFESSIONS).gather(s["prof"][order]),
            "anställningsform": pl.Series(FORMS).gather(s["form"][order]),
            "sysselsättningsgrad": s["fte"][order],
            "arbetade_timmar": s["worked"][order],
            "sjuktimmar": s["sick"][order],
            "inhyrd": pl.Series(["N", "J"]).gather(s["hired"][order].astype(np.int64)),
            "datakälla": pl.repeat(DATA_SOURCE, len(order), eager=True),
        }
        if self.identities:
            columns["personnummer"] = pl.Series(s["person"][order])
        return pl.DataFrame(columns).select([c for c in COLUMNS if c in columns])

    def personnel_cost(self, m: int) -> dict[str, np.ndarray]:
        """Per unit: salaries of employees, and FTE of hired doctors and nurses (for the ledger)."""
        s, n = self.state, len(self.org.uid)
        salary = SALARY_2024[s["prof"]] / 1.03 ** (YEARS[-1] - (YEARS[0] + m // 12))
        pay = np.where(s["form"] == TIMAVLONAD, s["worked"] / 165, s["fte"]) * salary * ~s["hired"]
        hired = s["hired"] * s["fte"]
        return {
            "salaries": np.bincount(s["unit"], pay, minlength=n),
            "hired_doctors": np.bincount(s["unit"], hired * DOCTOR[s["prof"]], minlength=n),
            "hired_nurses": np.bincount(s["unit"], hired * ~DOCTOR[s["prof"]], minlength=n),
        }
