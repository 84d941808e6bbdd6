"""The 06:00 bed census per ward and day (vårdplatsläge, SKR's method).

Each county's wards hold, on average over a year, the county's available beds per 1,000
inhabitants (regional.CountyParams.beds_per_1000) times its population: the wards' base sizes are
scaled every year so that closures and merges do not change the county's total. Available beds
dip in summer (July about 23 % fewer) and at Christmas. Occupied beds follow a persistent random
walk around each ward's own occupancy (about 90 %) with the spread of a census of that size, so a
ward is sometimes over full: överbelagda are the patients beyond the available beds.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from pipelines.synthetic.regional import (
    DATA_SOURCE,
    N_MONTHS,
    YEARS,
    county_params,
    month_days,
    population_total,
    rng_for,
    year_value,
)
from pipelines.synthetic.units import KIND_CODES, Organisation

STREAM = 5
COLUMNS = [
    "datum",
    "avdelnings_id",
    "disponibla_vårdplatser",
    "belagda",
    "överbelagda",
    "utlokaliserade",
    "utskrivningsklara",
    "utskrivningar",
    "datakälla",
]
PERSISTENCE = 0.8  # day-to-day correlation of a ward's census
SPREAD = 0.85  # census spread relative to a Poisson count of the same size
DISCHARGE_WEEKDAY = np.array([1.15, 1.15, 1.15, 1.15, 1.2, 0.7, 0.5])  # Monday .. Sunday, mean 1


def season(day: date) -> float:
    """Share of a ward's beds open on the day: summer closures and Christmas."""
    md = (day.month, day.day)
    if day.month == 7:
        return 0.77
    if (6, 15) <= md <= (6, 30):
        return 1.0 - 0.23 * (day.day - 14) / 16
    if (8, 1) <= md <= (8, 20):
        return 0.77 + 0.23 * day.day / 20
    if md >= (12, 20) or md <= (1, 6):
        return 0.9
    return 1.0


def yearly_beds(org: Organisation) -> np.ndarray:
    """Yearly mean available beds per ward (year x unit), meeting each county's beds per 1,000."""
    wards = np.isin(org.kind, [KIND_CODES["SOM"], KIND_CODES["PSY"]])
    out = np.zeros((len(YEARS), len(org.uid)))
    for t, year in enumerate(YEARS):
        months = range(12 * t, 12 * t + 12)
        seasonal = np.array([sum(season(d) for d in month_days(m)) for m in months])  # open bed-days per bed
        open_days = sum((org.active(m) & wards) * s for m, s in zip(months, seasonal))  # per unit
        days = sum(len(month_days(m)) for m in months)
        for c, county in enumerate(org.counties):
            mine = org.county == c
            target = year_value(county_params(county).beds_per_1000, year) * population_total(county, year) / 1000
            scale = target * days / (open_days[mine] * org.beds[mine]).sum()
            out[t, mine & wards] = org.beds[mine & wards] * scale
    return out


class Census:
    def __init__(self, org: Organisation, beds: np.ndarray, seed: int):
        self.org, self.beds, self.seed = org, beds, seed
        self.wards = np.isin(org.kind, [KIND_CODES["SOM"], KIND_CODES["PSY"]])
        rng = rng_for(seed, STREAM, N_MONTHS)
        n = len(org.uid)
        self.occupancy = np.clip(rng.normal(0.89, 0.035, n) + 0.02 * (org.kind == KIND_CODES["PSY"]), 0.78, 0.98)
        self.latent = rng.normal(0, 1, n)

    def month(self, m: int) -> pl.DataFrame:
        org, rng = self.org, rng_for(self.seed, STREAM, m)
        wards = np.flatnonzero(self.wards & org.active(m))
        wards = wards[np.argsort(np.array([org.uid[u] for u in wards]), kind="stable")]
        days = month_days(m)
        n_d, n_w = len(days), len(wards)
        factor = np.array([season(d) for d in days])
        winter = 0.025 if days[0].month in (12, 1, 2, 3) else (-0.01 if days[0].month in (6, 7, 8) else 0.0)
        weekday = np.array([d.weekday() for d in days])
        available = np.maximum(1, np.round(self.beds[m // 12, wards][None, :] * factor[:, None])).astype(np.int64)
        mean = available * (self.occupancy[wards] + winter - 0.03 * (weekday[:, None] >= 5))
        latent = np.empty((n_d, n_w))
        state = self.latent[wards]
        shocks = rng.normal(0, np.sqrt(1 - PERSISTENCE**2), (n_d, n_w))
        for i in range(n_d):  # one step per day for all wards at once
            state = PERSISTENCE * state + shocks[i]
            latent[i] = state
        self.latent[wards] = state
        occupied = np.maximum(np.round(0.4 * mean), np.round(mean + SPREAD * np.sqrt(mean) * latent)).astype(np.int64)
        over = np.maximum(0, occupied - available)
        pressure = 1 + 3 * np.maximum(0, occupied / available - 0.95)
        outlying = rng.poisson(0.014 * available * pressure)
        ready = rng.binomial(occupied, np.clip(org.discharge_ready[wards] * (1 + 8 * winter), 0, 1)[None, :])
        rate = DISCHARGE_WEEKDAY[weekday][:, None] / org.length_of_stay[wards][None, :]
        discharges = np.minimum(occupied, rng.poisson(occupied * rate))
        frame = pl.DataFrame(
            {
                "datum": pl.Series(np.repeat(np.array(days, dtype="datetime64[D]"), n_w)),
                "avdelnings_id": pl.Series([org.uid[u] for u in wards]).gather(np.tile(np.arange(n_w), n_d)),
                **{
                    name: pl.Series(values.ravel(), dtype=pl.Int32)
                    for name, values in (
                        ("disponibla_vårdplatser", available),
                        ("belagda", occupied),
                        ("överbelagda", over),
                        ("utlokaliserade", outlying),
                        ("utskrivningsklara", ready),
                        ("utskrivningar", discharges),
                    )
                },
                "datakälla": pl.repeat(DATA_SOURCE, n_d * n_w, eager=True),
            }
        )
        return frame.select(COLUMNS)
