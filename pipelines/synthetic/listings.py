"""Listed inhabitants per health centre, month, age band and sex (listning from the vårdval system).

The county's population at the end of each month (interpolated between SCB's year-end figures)
times a listed share of 98-99.8 % is spread over the health centres open that month by their
weight (which drifts a little each year) and their age profile (some centres have older listed
populations), so the listings add up to the county by age band and sex.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.synthetic.regional import DATA_SOURCE, MONTHS, rng_for
from pipelines.synthetic.units import Organisation

STREAM = 2
BANDS = ["0-5", "6-17", "18-44", "45-64", "65-74", "75-79", "80-84", "85+"]
BAND_EDGES = [0, 6, 18, 45, 65, 75, 80, 85, 101]
ELDER_POWER = np.array([-0.7, -0.7, -0.3, 0.0, 1.0, 1.0, 1.0, 1.0])
COLUMNS = ["period", "vårdcentral_id", "åldersgrupp", "kön", "antal_listade", "datakälla"]


class Listings:
    def __init__(self, org: Organisation, cells: dict[str, np.ndarray], seed: int):
        self.org, self.seed = org, seed
        # persons per county, year-end (2014 extrapolated, then 2015..2024), band, sex (K, M)
        yearly = np.array(
            [
                [cells[c][:, lo:hi].sum(axis=1)[:, ::-1] for lo, hi in zip(BAND_EDGES, BAND_EDGES[1:])]
                for c in org.counties
            ],
            dtype=float,
        ).transpose(0, 2, 1, 3)
        self.year_end = np.concatenate([2 * yearly[:, :1] - yearly[:, 1:2], yearly], axis=1)
        self.centres = np.flatnonzero(org.of_kind("VC"))
        self.tilt = org.elder[self.centres, None] ** ELDER_POWER[None, :]

    def population(self, m: int) -> np.ndarray:
        """Persons per county, band and sex at the end of month m."""
        year, month = divmod(m, 12)
        return self.year_end[:, year] + (self.year_end[:, year + 1] - self.year_end[:, year]) * (month + 1) / 12

    def month(self, m: int) -> tuple[pl.DataFrame, np.ndarray]:
        """The listing rows of month m and the listed total per unit (zero for other units)."""
        org, rng = self.org, rng_for(self.seed, STREAM, m)
        open_ = self.org.active(m)[self.centres]
        units = self.centres[open_]
        county = org.county[units]
        weight = org.weight[units] * np.maximum(0.2, 1 + org.trend[units] * (m - org.start[units]) / 12)
        share = weight[:, None] * self.tilt[open_]  # unit x band
        totals = np.zeros((len(org.counties), len(BANDS)))
        np.add.at(totals, county, share)
        listed_share = np.clip(rng.normal(0.99, 0.003, len(org.counties)), 0.98, 0.998)
        target = self.population(m) * listed_share[:, None, None]  # county x band x sex
        expected = (share / totals[county])[:, :, None] * target[county]  # unit x band x sex
        counts = np.floor(expected + rng.uniform(0, 1, expected.shape)).astype(np.int64)
        per_unit = np.zeros(len(org.uid))
        per_unit[units] = counts.sum(axis=(1, 2))
        order = np.argsort(np.array([org.uid[u] for u in units]), kind="stable")
        n_b, n_s = len(BANDS), 2
        frame = pl.DataFrame(
            {
                "period": MONTHS[m],
                "vårdcentral_id": pl.Series([org.uid[u] for u in units]).gather(np.repeat(order, n_b * n_s)),
                "åldersgrupp": pl.Series(BANDS).gather(np.tile(np.repeat(np.arange(n_b), n_s), len(units))),
                "kön": pl.Series(["K", "M"]).gather(np.tile(np.arange(n_s), len(units) * n_b)),
                "antal_listade": pl.Series(counts[order].ravel(), dtype=pl.Int32),
                "datakälla": DATA_SOURCE,
            }
        )
        return frame.select(COLUMNS), per_unit
