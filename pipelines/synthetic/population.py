"""Synthetic SCB population files for the bundled sample, calibrated to published totals.

Real SCB tables by single year of age are not bundled, so the sample landing area holds
synthetic files in two of SCB's formats, each marked synthetic inside the file (the title of
the web export, the JSON-stat 'note' and 'extension'), so that every value built on them is
flagged ``synthetic`` in the published tables.

Calibration (``data/reference/published_figures.csv`` and SCB's published yearly totals):
county totals per year are met exactly (Västmanland 280,813 in 2023); the age structure is a
smooth profile whose 65+ and 80+ shares follow the county's published level and trend
(65+ about 21.7 % of Västmanland in 2018; 80+ rising every year). Deterministic for a seed.

    python -m pipelines.synthetic.population --out data/sample/population
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

YEARS = list(range(2015, 2025))
AGES = list(range(0, 101))  # 100 = 100 and over

# County totals on 31 December (SCB; the years named in published_figures.csv are exact).
COUNTY_TOTALS = {
    "19": dict(zip(YEARS, [264276, 267629, 271095, 273929, 275845, 277074, 278967, 280713, 280813, 281158])),
    "17": dict(zip(YEARS, [275904, 279334, 280399, 281482, 282414, 282885, 283196, 283976, 283548, 283000])),
    "14": dict(zip(YEARS, [1647250, 1671783, 1694124, 1709814, 1725881, 1734443, 1744859, 1751182, 1763000,
                           1772821])),
}
COUNTY_NAMES = {"19": "Västmanlands län", "17": "Värmlands län", "14": "Västra Götalands län"}
# Västmanland's municipalities: approximate size and how much older than the county they are.
VASTMANLAND = {
    "1904": ("Skinnskatteberg", 4400, 1.25), "1907": ("Surahammar", 10000, 1.12),
    "1960": ("Kungsör", 8700, 1.15), "1961": ("Hallstahammar", 16500, 1.08),
    "1962": ("Norberg", 5700, 1.22), "1980": ("Västerås", 157000, 0.92),
    "1981": ("Sala", 22800, 1.12), "1982": ("Fagersta", 13500, 1.10),
    "1983": ("Köping", 26000, 1.08), "1984": ("Arboga", 14000, 1.14),
}
# Share of the population 65+ and 80+ per county: level in 2015 and yearly change (percentage points).
AGEING = {"19": (0.212, 0.0012, 0.053, 0.0011), "17": (0.228, 0.0013, 0.057, 0.0012),
          "14": (0.190, 0.0009, 0.049, 0.0009)}
TITLE = ("Folkmängden efter region, ålder, kön och år. SYNTETISKA DATA för vardpuls exempel, "
         "kalibrerade mot SCB:s publicerade folkmängd; inte officiell statistik")


def age_profile(share_65: float, share_80: float) -> np.ndarray:
    """Weights for ages 0..100 summing to 1, with the given shares of 65+ and 80+."""
    ages = np.arange(101, dtype=float)
    young = 1.05 + 0.25 * np.exp(-((ages - 30) / 12) ** 2) + 0.15 * np.exp(-((ages - 55) / 8) ** 2)
    old = np.exp(-np.clip(ages - 65, 0, None) / 14.0)
    very_old = np.exp(-np.clip(ages - 80, 0, None) / 5.5)
    weights = np.where(ages < 65, young, np.where(ages < 80, old, very_old))
    groups = [(ages < 65, 1 - share_65), ((ages >= 65) & (ages < 80), share_65 - share_80), (ages >= 80, share_80)]
    out = np.zeros_like(weights)
    for mask, share in groups:
        out[mask] = weights[mask] / weights[mask].sum() * share
    return out


def male_share() -> np.ndarray:
    ages = np.arange(101, dtype=float)
    return np.clip(0.513 - 0.0045 * np.clip(ages - 60, 0, None), 0.25, 0.513)


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers summing exactly to total, proportional to weights (largest remainder)."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    remainder = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def area_cells(total: int, share_65: float, share_80: float, rng: np.random.Generator) -> np.ndarray:
    """Persons by age (rows 0..100) and sex (columns M, K), summing exactly to total."""
    weights = age_profile(share_65, share_80) * rng.uniform(0.97, 1.03, size=101)
    m = male_share()
    cells = np.column_stack([weights * m, weights * (1 - m)]).ravel()
    return allocate(total, cells).reshape(101, 2)


def county_shares(county: str, year: int) -> tuple[float, float]:
    s65, d65, s80, d80 = AGEING[county]
    step = year - YEARS[0]
    return s65 + d65 * step, s80 + d80 * step


def vastmanland_municipalities(seed: int) -> dict[str, dict[int, np.ndarray]]:
    rng = np.random.default_rng(seed)
    codes = list(VASTMANLAND)
    sizes = np.array([VASTMANLAND[c][1] for c in codes], dtype=float)
    out: dict[str, dict[int, np.ndarray]] = {c: {} for c in codes}
    for year in YEARS:
        growth = np.array([1.0 + (0.004 if c == "1980" else -0.001) * (year - YEARS[0]) for c in codes])
        totals = allocate(COUNTY_TOTALS["19"][year], sizes * growth)
        s65, s80 = county_shares("19", year)
        for code, total in zip(codes, totals):
            older = VASTMANLAND[code][2]
            out[code][year] = area_cells(int(total), s65 * older, s80 * older, rng)
    return out


def write_web_export(path: Path, cells: dict[str, dict[int, np.ndarray]]) -> None:
    """PxWeb web export 'Semikolonavgränsad med rubrik', cp1252, years as columns."""
    lines = [f'"{TITLE}"', "", ";".join(['"region"', '"ålder"', '"kön"'] + [f'"{y}"' for y in YEARS])]
    for code, by_year in cells.items():
        label = f"{code} {VASTMANLAND[code][0]}"
        for age in AGES:
            age_label = "100+ år" if age == 100 else f"{age} år"
            for column, sex in ((0, "män"), (1, "kvinnor")):
                values = [str(int(by_year[y][age, column])) for y in YEARS]
                lines.append(";".join([f'"{label}"', f'"{age_label}"', f'"{sex}"'] + values))
        for column, sex in ((0, "män"), (1, "kvinnor")):  # SCB's total row: never added to the ages
            values = [str(int(by_year[y][:, column].sum())) for y in YEARS]
            lines.append(";".join([f'"{label}"', '"totalt ålder"', f'"{sex}"'] + values))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_jsonstat(path: Path, counties: list[str], seed: int) -> None:
    """JSON-stat 2.0 as PxWeb's API returns it: Region x Alder x Kon x ContentsCode x Tid."""
    rng = np.random.default_rng(seed)
    age_codes = [str(a) for a in AGES[:-1]] + ["100+", "tot"]
    cube = np.zeros((len(counties), len(age_codes), 2, 1, len(YEARS)), dtype=np.int64)
    for i, county in enumerate(counties):
        for t, year in enumerate(YEARS):
            cells = area_cells(COUNTY_TOTALS[county][year], *county_shares(county, year), rng)
            cube[i, :101, :, 0, t] = cells
            cube[i, 101, :, 0, t] = cells.sum(axis=0)
    doc = {
        "version": "2.0", "class": "dataset",
        "label": "Folkmängden efter region, ålder, kön, tabellinnehåll och år (SYNTETISKA DATA)",
        "source": "vardpuls synthetic sample, calibrated to SCB's published population totals",
        "note": ["SYNTETISKA DATA: not official statistics; county totals equal SCB's published figures."],
        "extension": {"synthetic": True},
        "id": ["Region", "Alder", "Kon", "ContentsCode", "Tid"],
        "size": list(cube.shape),
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": {"label": "region", "category": {
                "index": {c: i for i, c in enumerate(counties)}, "label": {c: COUNTY_NAMES[c] for c in counties}}},
            "Alder": {"label": "ålder", "category": {
                "index": {c: i for i, c in enumerate(age_codes)},
                "label": {c: ("totalt ålder" if c == "tot" else f"{c} år") for c in age_codes}}},
            "Kon": {"label": "kön", "category": {"index": {"1": 0, "2": 1}, "label": {"1": "män", "2": "kvinnor"}}},
            "ContentsCode": {"label": "tabellinnehåll", "category": {
                "index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"},
                "unit": {"BE0101N1": {"base": "antal", "decimals": 0}}}},
            "Tid": {"label": "år", "category": {"index": {str(y): i for i, y in enumerate(YEARS)},
                                                "label": {str(y): str(y) for y in YEARS}}},
        },
        "value": [int(v) for v in cube.ravel()],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_sample(out: Path, seed: int = 2024) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    web = out / "folkmangd_vastmanland_kommuner_2015-2024.csv"
    write_web_export(web, vastmanland_municipalities(seed))
    jsonstat = out / "folkmangd_varmland_vastra_gotaland_2015-2024.json"
    write_jsonstat(jsonstat, ["17", "14"], seed + 1)
    return [web, jsonstat]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the population files to")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default: %(default)s)")
    args = parser.parse_args()
    for path in write_sample(args.out, args.seed):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
