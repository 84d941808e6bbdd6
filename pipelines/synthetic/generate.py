"""Generate a synthetic landing area: SCB population and projections and the region's own sources.

    python -m pipelines.synthetic.generate --scale sample --out data/sample
    python -m pipelines.synthetic.generate --scale region --out /tmp/region
    python -m pipelines.synthetic.generate --scale national --out /tmp/national

Scales: ``sample`` is Region Västmanland 2023-01..2024-12 (small enough to commit: staffing and
cost as Parquet, no personnummer); ``region`` is Västmanland 2015-01..2024-12, all CSV, with
personnummer; ``national`` is all 21 regions 2015-01..2024-12 at real volume (staffing as CSV,
the ledger as Parquet). Every scale simulates from 2015 and writes the months of its window, so
the sample is the region's last two years. Deterministic: the same scale and seed give
byte-identical files. Calibration targets: see pipelines/synthetic/regional.py.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.synthetic import population as scb
from pipelines.synthetic.beds import Census, yearly_beds
from pipelines.synthetic.landing import FILE_STEM, write
from pipelines.synthetic.ledger import Ledger
from pipelines.synthetic.listings import Listings
from pipelines.synthetic.regional import MONTHS, N_MONTHS
from pipelines.synthetic.staffing import Staff
from pipelines.synthetic.units import build_organisation

SOURCES = ["organisation", "listings", "staffing", "cost", "beds"]


@dataclass(frozen=True)
class Scale:
    counties: tuple[str, ...]
    first_month: str
    parquet: frozenset[str]
    identities: bool
    voucher_scale: float  # vouchers per ledger amount, relative to national volume


SCALES = {
    "sample": Scale(("19",), "2023-01", frozenset({"staffing", "cost"}), False, 0.12),
    "region": Scale(("19",), "2015-01", frozenset(), True, 0.12),
    "national": Scale(tuple(scb.COUNTIES), "2015-01", frozenset({"cost"}), True, 1.0),
}


def write_population(scale: str, out: Path, seed: int) -> tuple[list[Path], dict]:
    """SCB files: BE0101 population and BE0401-like projections; returns the files and the cells."""
    folder, projections = out / "population", out / "population_projections"
    folder.mkdir(parents=True, exist_ok=True)
    projections.mkdir(parents=True, exist_ok=True)
    if scale == "sample":
        files = scb.write_sample(folder, seed)
        projected = scb.county_cells(["19", "17", "14"], seed)
        name = "framskrivning_vastmanland_varmland_vastra_gotaland_2025-2040.json"
    elif scale == "region":
        files = [folder / "folkmangd_vastmanland_kommuner_2015-2024.csv"]
        scb.write_web_export(files[0], scb.vastmanland_municipalities(seed))
        projected = scb.county_cells(["19"], seed)
        name = "framskrivning_vastmanland_2025-2040.json"
    else:
        projected = scb.county_cells(list(scb.COUNTIES), seed)
        files = [folder / "folkmangd_lan_2015-2024.json"]
        scb.write_counties(files[0], projected)
        name = "framskrivning_lan_2025-2040.json"
    files.append(projections / name)
    scb.write_projections(files[-1], projected)
    return files, projected


def generate(scale: str, out: Path, seed: int = 2024, progress: Callable[[str], None] = print) -> dict:
    """Write the landing area of a scale under ``out``; returns what was written."""
    started = time.perf_counter()
    spec = SCALES[scale]
    out = Path(out)
    rows = {source: 0 for source in ["population", *SOURCES]}
    files: dict[str, list[Path]] = {source: [] for source in rows}
    population_files, cells = write_population(scale, out, seed)
    files["population"] = population_files
    progress(f"population: {len(population_files)} files")

    org = build_organisation(list(spec.counties), seed)
    register = org.register()
    files["organisation"].append(
        write("organisation", register, out / "organisation", FILE_STEM["organisation"], False)
    )
    rows["organisation"] = register.height
    progress(f"organisation: {register.height:,} rows, {len(org.uid):,} units")

    beds = yearly_beds(org)
    listings = Listings(org, {c: cells[c] for c in spec.counties}, seed)
    staff = Staff(org, beds, seed, spec.identities)
    ledger = Ledger(org, seed, spec.voucher_scale)
    census = Census(org, beds, seed)
    first = MONTHS.index(spec.first_month)
    for m in range(N_MONTHS):
        period = MONTHS[m]
        listed_frame, listed = listings.month(m)
        staff.step(m, listed)
        frames = {"listings": listed_frame}
        if m >= first:
            frames["staffing"] = staff.frame(m)
        frames["cost"] = ledger.month(m, listed, staff.personnel_cost(m))
        frames["beds"] = census.month(m)
        if m < first:
            continue
        for source, frame in frames.items():
            path = write(source, frame, out / source, f"{FILE_STEM[source]}_{period}", source in spec.parquet)
            files[source].append(path)
            rows[source] += frame.height
            progress(f"{source} {period}: {frame.height:,} rows")
    for source, paths in files.items():
        folder = paths[0].parent if paths else out / source
        others = sorted(set(folder.glob("*")) - set(paths)) if folder.is_dir() else []
        if others:
            progress(f"note: {len(others)} other files in {folder} were left as they were")
    summary = {
        "scale": scale,
        "seed": seed,
        "out": str(out),
        "files": {source: len(paths) for source, paths in files.items()},
        "rows": rows,
        "bytes": {source: sum(p.stat().st_size for p in paths) for source, paths in files.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
    progress(f"done in {summary['seconds']} s: " + ", ".join(f"{k} {v:,} rows" for k, v in rows.items() if v))
    return summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="sample",
        help="sample (committed, Västmanland 2023-2024), region (Västmanland 2015-2024) "
        "or national (21 regions 2015-2024)",
    )
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write to")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default: %(default)s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    generate(args.scale, args.out, args.seed)


if __name__ == "__main__":
    main()
