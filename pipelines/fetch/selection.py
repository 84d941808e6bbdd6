"""What to fetch: areas from the area register (data/reference/), years as the user writes them."""

from __future__ import annotations

import csv
import datetime as dt
import re

from pipelines.settings import REFERENCE_DIR


class SelectionError(ValueError):
    """An option that cannot be used: says which and what was expected."""


def counties() -> dict[str, str]:
    """County code -> name, the 21 counties (regions) of data/reference/counties.csv."""
    with (REFERENCE_DIR / "counties.csv").open(encoding="utf-8") as handle:
        return {row["county_code"]: row["county_name"] for row in csv.DictReader(handle)}


def municipalities() -> dict[str, str]:
    """Municipality code -> its county code, the 290 municipalities of data/reference/municipalities.csv."""
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as handle:
        return {row["municipality_code"]: row["county_code"] for row in csv.DictReader(handle)}


def scb_region_codes(region: str) -> list[str]:
    """SCB codes for ``all`` (Riket, the counties, the municipalities), ``00`` (Riket and the counties), or a
    county code (the county and its municipalities) or a municipality code (that municipality)."""
    text = region.strip().lower()
    county_names, municipality_counties = counties(), municipalities()
    if text == "all":
        return ["00", *county_names, *municipality_counties]
    code = text.zfill(2) if len(text) <= 2 else text
    if code == "00":
        return ["00", *county_names]
    if code in county_names:
        return [code, *(m for m, county in municipality_counties.items() if county == code)]
    if code in municipality_counties:
        return [code]
    raise SelectionError(
        f"--region {region}: not an area of the register (data/reference/): expected 'all', '00' "
        "(Riket and the counties), a county code such as 19 or a municipality code such as 1980"
    )


def kolada_area_ids(scope: str) -> list[str]:
    """Kolada's area ids: ``regions`` is Riket (0000) and the 21 regions (00 + county code); ``all`` adds the
    290 municipalities (their own four digits)."""
    regions = ["0000", *(f"00{code}" for code in counties())]
    if scope == "regions":
        return regions
    if scope == "all":
        return regions + list(municipalities())
    raise SelectionError(
        f"--areas {scope}: expected 'regions' (Riket and the 21 regions) or 'all' (and the 290 municipalities)"
    )


YEAR_PART = re.compile(r"^(\d{4})?(?:\s*(-)\s*(\d{4})?)?$")


def parse_years(text: str, today: dt.date | None = None) -> list[int]:
    """``2016-2025``, ``2016,2018``, ``2016-`` (to this year) or a mix, as a sorted list of years."""
    this_year = (today or dt.date.today()).year
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        match = YEAR_PART.match(part) if part else None
        if not match or not (match.group(1) or match.group(3)) or (match.group(3) and not match.group(2)):
            raise SelectionError(
                f"--years {text}: '{part}' is not understood: expected a year (2023), a range "
                "(2016-2025, or 2016- for up to this year) or a comma-separated list of them"
            )
        first = int(match.group(1)) if match.group(1) else None
        last = int(match.group(3)) if match.group(3) else (this_year if match.group(2) else first)
        first = first if first is not None else last
        if first > last:
            raise SelectionError(f"--years {text}: {first}-{last} runs backwards")
        if not 1900 <= first <= 2200 or not 1900 <= last <= 2200:
            raise SelectionError(f"--years {text}: {part} is not a plausible year")
        years.update(range(first, last + 1))
    return sorted(years)


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]
