"""General-ledger rows (huvudbok): cost centre x RS-BAS account x VI 2000 activity, per month.

The county's net cost per activity and year (regional.net_cost_series and the shares below) is
spread over the months and over the cost centres of that activity (health centres by listed
inhabitants, other units by their payroll). On each cost centre the payroll of the month gives
salaries (5010), social fees and pensions (5610, 46 %) and hired staff (4621 doctors, 4622 nurses);
income (3110 patient fees, 3610 sales) is booked negative; the rest of the net cost goes to
purchased care, pharmaceuticals, premises, supplies and other costs. Each amount is split over
several vouchers (verifikation) that add up to it to the öre.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.synthetic.regional import DATA_SOURCE, MONTHS, YEARS, net_cost_series, rng_for
from pipelines.synthetic.units import KIND_CODES, KINDS, Organisation

STREAM = 6
COLUMNS = ["period", "kostnadsställe", "konto", "verksamhet", "belopp", "verifikation", "datakälla"]
ACCOUNTS = ["3110", "3610", "4010", "4410", "4621", "4622", "5010", "5610", "6110", "6410", "7010"]
A = {account: i for i, account in enumerate(ACCOUNTS)}
SOCIAL_FEES = 0.46
HIRED_MONTHLY_2024 = {"4621": 150000.0, "4622": 85000.0}
# Share of health-care net cost per activity (primary care comes from net_cost_series), and the
# activities outside health care as a share of it.
ACTIVITY_SHARE = {"3": 0.095, "5": 0.07, "6": 0.004, "7": 0.11, "4": 0.025, "8": 0.015, "9": 0.09}
MONTH_WEIGHT = np.array([1.0, 0.97, 1.0, 1.0, 1.0, 1.0, 0.93, 0.97, 1.0, 1.0, 1.0, 1.12])
# per (kind, activity): income as shares of the net cost (fees, sales) and how the other costs split
# over 4010, 4410, 6110, 6410, 7010; "payroll" when the unit's employees are booked on it.
PROFILES = {
    ("VC", "1"): ((0.05, 0.03), (0.30, 0.15, 0.20, 0.15, 0.20), True),
    ("SOM", "2"): ((0.02, 0.06), (0.25, 0.25, 0.15, 0.25, 0.10), True),
    ("PSY", "3"): ((0.005, 0.03), (0.35, 0.15, 0.25, 0.10, 0.15), True),
    ("AMB", "5"): ((0.0, 0.02), (0.15, 0.05, 0.25, 0.20, 0.35), True),
    ("ADM", "5"): ((0.0, 0.05), (0.30, 0.0, 0.20, 0.05, 0.45), True),
    ("ADM", "6"): ((0.0, 0.0), (0.0, 0.0, 0.0, 0.0, 1.0), False),
    ("LMF", "7"): ((0.0, 0.03), (0.0, 1.0, 0.0, 0.0, 0.0), False),
    ("TV", "4"): ((0.45, 0.02), (0.10, 0.05, 0.30, 0.35, 0.20), True),
    ("RU", "8"): ((0.0, 0.10), (0.60, 0.0, 0.0, 0.0, 0.40), True),
    ("TRF", "9"): ((0.45, 0.03), (0.85, 0.0, 0.05, 0.0, 0.10), True),
}
OTHER = ["4010", "4410", "6110", "6410", "7010"]
# mean vouchers per amount at national volume (the smaller scales use VOUCHERS_SMALL of it)
VOUCHERS = {
    "3110": 9,
    "3610": 4,
    "4010": 9,
    "4410": 12,
    "4621": 4,
    "4622": 4,
    "5010": 2,
    "5610": 2,
    "6110": 2,
    "6410": 18,
    "7010": 14,
}


class Ledger:
    def __init__(self, org: Organisation, seed: int, voucher_scale: float):
        self.org, self.seed, self.voucher_scale = org, seed, voucher_scale
        kinds = list(KINDS)
        objects = [
            (u, activity) for u in range(len(org.uid)) for kind, activity in PROFILES if kinds[org.kind[u]] == kind
        ]
        self.unit = np.array([u for u, _ in objects])
        self.activity = np.array([a for _, a in objects])
        profiles = [PROFILES[(kinds[org.kind[u]], a)] for u, a in objects]
        self.income = np.array([p[0] for p in profiles])
        self.other = np.array([p[1] for p in profiles])
        self.payroll = np.array([p[2] for p in profiles])
        self.is_vc = org.kind[self.unit] == KIND_CODES["VC"]
        self.pools = {}  # (county, activity) -> net cost per year
        for c, county in enumerate(org.counties):
            total, primary = net_cost_series(county)
            shares = {a: total * s for a, s in ACTIVITY_SHARE.items()}
            shares["1"] = primary
            shares["2"] = total - primary - sum(shares[a] for a in ("3", "5", "6", "7"))
            for activity, values in shares.items():
                self.pools[(c, activity)] = values
        self.pool_ids = {key: i for i, key in enumerate(self.pools)}
        self.pool = np.array([self.pool_ids[(org.county[u], a)] for u, a in objects])
        self.pool_year = np.array(list(self.pools.values()))  # pool x year
        self.vouchers = np.array([VOUCHERS[a] for a in ACCOUNTS], dtype=float)

    def amounts(self, m: int, listed: np.ndarray, payroll: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Net-cost-consistent amounts per (object, account) for month m, and which objects are open."""
        org = self.org
        open_ = org.active(m)[self.unit]
        index = 1.03 ** (YEARS[-1] - (YEARS[0] + m // 12))
        salaries = payroll["salaries"][self.unit] * self.payroll
        hired_doctors = payroll["hired_doctors"][self.unit] * self.payroll * HIRED_MONTHLY_2024["4621"] / index
        hired_nurses = payroll["hired_nurses"][self.unit] * self.payroll * HIRED_MONTHLY_2024["4622"] / index
        personnel = salaries * (1 + SOCIAL_FEES) + hired_doctors + hired_nurses
        weight = np.where(self.is_vc, listed[self.unit], personnel) * open_
        weight = np.where(self.payroll | self.is_vc, weight, open_ * 1.0)
        pool_weight = np.bincount(self.pool, weight, minlength=len(self.pool_year))
        month_share = MONTH_WEIGHT[m % 12] / MONTH_WEIGHT.sum()
        net = self.pool_year[self.pool, m // 12] * month_share * weight / pool_weight[self.pool].clip(1e-9)
        income = self.income * net[:, None]
        rest = np.maximum(net + income.sum(axis=1) - personnel, 0.1 * net)
        out = np.zeros((len(self.unit), len(ACCOUNTS)))
        out[:, A["3110"]], out[:, A["3610"]] = -income[:, 0], -income[:, 1]
        out[:, [A[a] for a in OTHER]] = rest[:, None] * self.other
        out[:, A["4621"]], out[:, A["4622"]] = hired_doctors, hired_nurses
        out[:, A["5010"]], out[:, A["5610"]] = salaries, salaries * SOCIAL_FEES
        politics = ~self.payroll & (self.activity == "6")
        out[politics, A["5010"]], out[politics, A["5610"]] = 0.45 * net[politics], 0.20 * net[politics]
        out[politics, A["7010"]] = 0.35 * net[politics]
        return np.round(out, 2), open_

    def month(self, m: int, listed: np.ndarray, payroll: dict[str, np.ndarray]) -> pl.DataFrame:
        org, rng = self.org, rng_for(self.seed, STREAM, m)
        amounts, open_ = self.amounts(m, listed, payroll)
        obj, acc = np.nonzero((np.abs(amounts) >= 0.01) & open_[:, None])
        total = amounts[obj, acc]
        n_parts = 1 + rng.poisson((self.vouchers[acc] - 1) * self.voucher_scale)
        row_obj = np.repeat(np.arange(len(obj)), n_parts)
        parts = rng.gamma(1.0, 1.0, len(row_obj))
        parts /= np.bincount(row_obj, parts)[row_obj]
        value = np.round(total[row_obj] * parts, 2)
        first = np.r_[0, np.cumsum(n_parts)[:-1]]
        value[first] += np.round(total - np.bincount(row_obj, value, minlength=len(obj)), 2)  # öre-exact sums
        units = self.unit[obj][row_obj]
        voucher = rng.permutation(len(row_obj)) + 1
        county = org.county[units]
        frame = pl.DataFrame(
            {
                "period": pl.repeat(MONTHS[m], len(row_obj), eager=True),
                "kostnadsställe": pl.Series(org.cost_centre).gather(units),
                "konto": pl.Series(ACCOUNTS).gather(acc[row_obj]),
                "verksamhet": pl.Series(self.activity[obj][row_obj]),
                "belopp": np.round(value, 2),
                "voucher": voucher,
                "county": pl.Series(org.counties).gather(county),
            }
        )
        yymm = MONTHS[m][2:].replace("-", "")
        frame = frame.with_columns(
            verifikation=pl.format(
                "V{}-{}-{}", pl.lit(yymm), pl.col("county"), pl.col("voucher").cast(pl.String).str.zfill(6)
            ),
            datakälla=pl.lit(DATA_SOURCE),
        )
        return frame.sort("kostnadsställe", "konto", "verksamhet", "voucher").select(COLUMNS)
