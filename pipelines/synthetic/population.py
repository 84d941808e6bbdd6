"""Synthetic SCB population files for the bundled sample, calibrated to published totals.

Real SCB tables by single year of age are not bundled, so the sample landing area holds
synthetic files in two of SCB's formats, each marked synthetic inside the file (the title of
the web export, the JSON-stat 'note' and 'extension'), so that every value built on them is
flagged ``synthetic`` in the published tables.

Calibration (``data/reference/published_figures.csv`` and SCB's published yearly totals):
county totals per year are met exactly (Västmanland 280,813 in 2023); the age structure is a
smooth profile whose 65+ and 80+ shares follow the county's published level and trend
(65+ about 21.7 % of Västmanland in 2018; 80+ rising every year). Deterministic for a seed.

For the larger scales of ``pipelines.synthetic.generate`` it also gives all 21 counties
(``county_cells``: they add up to Riket exactly, 10,551,707 in 2023 and 10,587,710 in 2024, with
Västmanland, Värmland and Västra Götaland as in the sample) and BE0401-like projections 2025-2040
(``write_projections``: 80+ grows about 48 % in ten years in Värmland, 35-45 % elsewhere).

    python -m pipelines.synthetic.population --out data/sample/population
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np

YEARS = list(range(2015, 2025))
AGES = list(range(0, 101))  # 100 = 100 and over

# County totals on 31 December (SCB; the years named in published_figures.csv are exact).
COUNTY_TOTALS = {
    "19": dict(zip(YEARS, [264276, 267629, 271095, 273929, 275845, 277074, 278967, 280713, 280813, 281158])),
    "17": dict(zip(YEARS, [275904, 279334, 280399, 281482, 282414, 282885, 283196, 283976, 283548, 283000])),
    "14": dict(zip(YEARS, [1647250, 1671783, 1694124, 1709814, 1725881, 1734443, 1744859, 1751182, 1763000, 1772821])),
}
COUNTY_NAMES = {"19": "Västmanlands län", "17": "Värmlands län", "14": "Västra Götalands län"}
# Västmanland's municipalities: approximate size and how much older than the county they are.
VASTMANLAND = {
    "1904": ("Skinnskatteberg", 4400, 1.25),
    "1907": ("Surahammar", 10000, 1.12),
    "1960": ("Kungsör", 8700, 1.15),
    "1961": ("Hallstahammar", 16500, 1.08),
    "1962": ("Norberg", 5700, 1.22),
    "1980": ("Västerås", 157000, 0.92),
    "1981": ("Sala", 22800, 1.12),
    "1982": ("Fagersta", 13500, 1.10),
    "1983": ("Köping", 26000, 1.08),
    "1984": ("Arboga", 14000, 1.14),
}
# Share of the population 65+ and 80+ per county: level in 2015 and yearly change (percentage points).
AGEING = {
    "19": (0.212, 0.0012, 0.053, 0.0011),
    "17": (0.228, 0.0013, 0.057, 0.0012),
    "14": (0.190, 0.0009, 0.049, 0.0009),
}
# Riket on 31 December (SCB; 2017, 2023 and 2024 are in published_figures.csv and met exactly).
RIKET_TOTALS = dict(
    zip(YEARS, [9851017, 9995153, 10120242, 10230185, 10327589, 10379295, 10452326, 10521556, 10551707, 10587710])
)
# The other 18 counties: approximate size at the end of 2015 and 2023, and 65+/80+ shares as in AGEING.
# Their totals are these sizes scaled so that the 21 counties add up to Riket exactly each year
# (Stockholm 2024 is SCB's 2,473,307).
OTHER_COUNTIES = {
    "01": (2231439, 2454000, (0.150, 0.0010, 0.041, 0.0006)),
    "03": (354164, 398000, (0.180, 0.0010, 0.045, 0.0009)),
    "04": (287253, 301000, (0.215, 0.0010, 0.054, 0.0011)),
    "05": (445661, 469000, (0.200, 0.0010, 0.052, 0.0010)),
    "06": (347837, 367000, (0.205, 0.0009, 0.056, 0.0009)),
    "07": (191369, 203500, (0.212, 0.0009, 0.057, 0.0009)),
    "08": (239839, 246500, (0.245, 0.0014, 0.064, 0.0012)),
    "09": (57676, 61000, (0.240, 0.0017, 0.058, 0.0013)),
    "10": (156253, 157000, (0.235, 0.0012, 0.063, 0.0011)),
    "12": (1303627, 1414000, (0.190, 0.0008, 0.050, 0.0008)),
    "13": (314784, 341000, (0.205, 0.0011, 0.052, 0.0011)),
    "18": (291012, 306000, (0.205, 0.0010, 0.053, 0.0010)),
    "20": (281028, 287000, (0.240, 0.0014, 0.060, 0.0012)),
    "21": (281815, 287000, (0.235, 0.0013, 0.059, 0.0012)),
    "22": (244193, 244000, (0.240, 0.0013, 0.060, 0.0012)),
    "23": (127376, 132000, (0.235, 0.0014, 0.059, 0.0012)),
    "24": (263378, 275000, (0.205, 0.0012, 0.053, 0.0011)),
    "25": (249677, 249000, (0.235, 0.0015, 0.058, 0.0013)),
}
STOCKHOLM_2024 = 2473307
COUNTIES = sorted([*OTHER_COUNTIES, *COUNTY_TOTALS])
TITLE = (
    "Folkmängden efter region, ålder, kön och år. SYNTETISKA DATA för vardpuls exempel, "
    "kalibrerade mot SCB:s publicerade folkmängd; inte officiell statistik"
)


def _county_names() -> dict[str, str]:
    path = Path(__file__).resolve().parents[2] / "data" / "reference" / "counties.csv"
    with path.open(encoding="utf-8") as f:
        return {row["county_code"]: row["county_name"] for row in csv.DictReader(f)}


def _other_totals() -> dict[str, dict[int, int]]:
    """Totals of the 18 other counties so that all 21 add up to Riket exactly every year."""
    codes = list(OTHER_COUNTIES)
    out: dict[str, dict[int, int]] = {c: {} for c in codes}
    for year in YEARS:
        weights = np.array([a * (b / a) ** ((year - 2015) / 8) for a, b, _ in OTHER_COUNTIES.values()])
        rest = RIKET_TOTALS[year] - sum(COUNTY_TOTALS[c][year] for c in ("19", "17", "14"))
        if year == 2024:  # Stockholm is published for 2024: fix it and share the rest among the others
            out["01"][year] = STOCKHOLM_2024
            counts = allocate(rest - STOCKHOLM_2024, weights[1:])
            for code, count in zip(codes[1:], counts):
                out[code][year] = int(count)
        else:
            for code, count in zip(codes, allocate(rest, weights)):
                out[code][year] = int(count)
    return out


def age_profile(share_65: float, share_80: float) -> np.ndarray:
    """Weights for ages 0..100 summing to 1, with the given shares of 65+ and 80+."""
    ages = np.arange(101, dtype=float)
    young = 1.05 + 0.25 * np.exp(-(((ages - 30) / 12) ** 2)) + 0.15 * np.exp(-(((ages - 55) / 8) ** 2))
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


COUNTY_TOTALS.update(_other_totals())
AGEING.update({code: ageing for code, (_, _, ageing) in OTHER_COUNTIES.items()})
COUNTY_NAMES.update(_county_names())


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


def county_cube(counties: list[str], seed: int) -> np.ndarray:
    """Persons by county, year, age (0..100) and sex (M, K), each county-year summing to its total."""
    rng = np.random.default_rng(seed)
    cube = np.zeros((len(counties), len(YEARS), 101, 2), dtype=np.int64)
    for i, county in enumerate(counties):
        for t, year in enumerate(YEARS):
            cube[i, t] = area_cells(COUNTY_TOTALS[county][year], *county_shares(county, year), rng)
    return cube


def jsonstat_doc(
    cells: np.ndarray,
    counties: list[str],
    years: list[int],
    *,
    label: str,
    source: str,
    note: str,
    contents: tuple[str, str],
    totals: bool = True,
) -> dict:
    """JSON-stat 2.0 as PxWeb's API returns it: Region x Alder x Kon x ContentsCode x Tid.

    ``cells`` is county x year x age (0..100) x sex (M, K); ``totals`` adds SCB's 'tot' age row.
    """
    age_codes = [str(a) for a in AGES[:-1]] + ["100+"] + (["tot"] if totals else [])
    cube = np.zeros((len(counties), len(age_codes), 2, 1, len(years)), dtype=np.int64)
    cube[:, :101, :, 0, :] = cells.transpose(0, 2, 3, 1)
    if totals:
        cube[:, 101, :, 0, :] = cells.sum(axis=2).transpose(0, 2, 1)
    code, content_label = contents
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": source,
        "note": [note],
        "extension": {"synthetic": True},
        "id": ["Region", "Alder", "Kon", "ContentsCode", "Tid"],
        "size": list(cube.shape),
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {c: i for i, c in enumerate(counties)},
                    "label": {c: COUNTY_NAMES[c] for c in counties},
                },
            },
            "Alder": {
                "label": "ålder",
                "category": {
                    "index": {c: i for i, c in enumerate(age_codes)},
                    "label": {c: ("totalt ålder" if c == "tot" else f"{c} år") for c in age_codes},
                },
            },
            "Kon": {"label": "kön", "category": {"index": {"1": 0, "2": 1}, "label": {"1": "män", "2": "kvinnor"}}},
            "ContentsCode": {
                "label": "tabellinnehåll",
                "category": {
                    "index": {code: 0},
                    "label": {code: content_label},
                    "unit": {code: {"base": "antal", "decimals": 0}},
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {str(y): i for i, y in enumerate(years)},
                    "label": {str(y): str(y) for y in years},
                },
            },
        },
        "value": [int(v) for v in cube.ravel()],
    }


def write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_jsonstat(path: Path, counties: list[str], seed: int, cells: np.ndarray | None = None) -> None:
    """SCB's BE0101 population for whole counties as JSON-stat 2.0."""
    write_json(
        path,
        jsonstat_doc(
            county_cube(counties, seed) if cells is None else cells,
            counties,
            YEARS,
            label="Folkmängden efter region, ålder, kön, tabellinnehåll och år (SYNTETISKA DATA)",
            source="vardpuls synthetic sample, calibrated to SCB's published population totals",
            note="SYNTETISKA DATA: not official statistics; county totals equal SCB's published figures.",
            contents=("BE0101N1", "Folkmängd"),
        ),
    )


def county_cells(counties: list[str], seed: int) -> dict[str, np.ndarray]:
    """Persons by year (YEARS), age and sex per county, consistent with the files this module writes.

    Västmanland is the sum of its municipalities (the web export), Värmland and Västra Götaland are
    the sample's JSON-stat cube, the other counties come from their own random stream.
    """
    out: dict[str, np.ndarray] = {}
    if "19" in counties:
        municipalities = vastmanland_municipalities(seed)
        out["19"] = np.array([sum(by_year[y] for by_year in municipalities.values()) for y in YEARS])
    sample = ["17", "14"]
    if any(c in counties for c in sample):
        for code, cells in zip(sample, county_cube(sample, seed + 1)):
            out[code] = cells
    others = [c for c in COUNTIES if c in counties and c not in out]
    if others:
        for code, cells in zip(others, county_cube(others, seed + 2)):
            out[code] = cells
    return {c: out[c] for c in counties}


# Projections (BE0401-like): yearly growth of the whole county and the ten-year growth of 80+
# (Värmland's plan: "nästan 50 procent" in ten years; 35-45 % elsewhere).
PROJECTION_YEARS = list(range(2025, 2041))
PROJECTION = {
    "01": (0.0070, 0.40),
    "03": (0.0065, 0.42),
    "04": (0.0030, 0.41),
    "05": (0.0035, 0.40),
    "06": (0.0030, 0.38),
    "07": (0.0030, 0.37),
    "08": (0.0005, 0.44),
    "09": (0.0010, 0.45),
    "10": (0.0005, 0.39),
    "12": (0.0060, 0.36),
    "13": (0.0055, 0.43),
    "14": (0.0040, 0.38),
    "17": (0.0010, 0.48),
    "18": (0.0030, 0.39),
    "19": (0.0030, 0.40),
    "20": (0.0005, 0.42),
    "21": (0.0005, 0.41),
    "22": (0.0000, 0.40),
    "23": (0.0015, 0.44),
    "24": (0.0035, 0.42),
    "25": (-0.0010, 0.45),
}
AGE_GROUPS = [(0, 20, -0.003), (20, 65, None), (65, 80, 0.003), (80, 101, None)]  # yearly growth; None: solved


def project(base: np.ndarray, county: str) -> np.ndarray:
    """Projected persons by year (PROJECTION_YEARS), age and sex from the last observed year.

    Age groups grow at fixed yearly rates (80+ at the county's ten-year rate, 20-64 whatever makes
    the county total grow at its rate); within a group the base year's age and sex shape is kept.
    """
    total_rate, growth_80 = PROJECTION[county]
    rate_80 = (1 + growth_80) ** 0.1 - 1
    out = np.zeros((len(PROJECTION_YEARS), 101, 2), dtype=np.int64)
    for t, _ in enumerate(PROJECTION_YEARS):
        steps = t + 1
        groups = [
            base[lo:hi].sum() * (1 + (rate_80 if lo == 80 else rate or 0.0)) ** steps for lo, hi, rate in AGE_GROUPS
        ]
        groups[1] = base.sum() * (1 + total_rate) ** steps - groups[0] - groups[2] - groups[3]
        for (lo, hi, _), size in zip(AGE_GROUPS, groups):
            shape = base[lo:hi].astype(float).ravel()
            out[t, lo:hi] = allocate(int(round(size)), shape).reshape(hi - lo, 2)
    return out


def write_projections(path: Path, cells: dict[str, np.ndarray]) -> None:
    """SCB BE0401-like projection (Framskriven folkmängd) from each county's last observed year."""
    counties = list(cells)
    projected = np.array([project(cells[c][-1], c) for c in counties])
    write_json(
        path,
        jsonstat_doc(
            projected,
            counties,
            PROJECTION_YEARS,
            totals=False,
            label="Framskriven folkmängd efter region, ålder, kön och år, BE0401 (SYNTETISKA DATA)",
            source="vardpuls synthetic sample: projected from the synthetic population 2024, not SCB's projection",
            note="SYNTETISKA DATA: not official statistics; 80+ grows 35-48 % in ten years as the regions' plans say.",
            contents=("BE0401N1", "Framskriven folkmängd"),
        ),
    )


def write_counties(path: Path, cells: dict[str, np.ndarray]) -> None:
    """Every county of ``cells`` in one JSON-stat file (Riket is their sum)."""
    counties = list(cells)
    write_jsonstat(path, counties, 0, cells=np.array([cells[c] for c in counties]))


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
