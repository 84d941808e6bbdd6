"""Deliveries that change what the sample publishes, for the vintage tests (each written newer than the sample):

- `redeliver_listing_month`: March 2024's listing again, one count of health centre 19-VC-001 (0–5 years, women)
  from 167 to 1,670: its 0–17 value moves far more than 30 %, the region's a little;
- `new_listing_month`: January 2025, December 2024's listing again, but 19-VC-002's counts tripled;
- `revised_scb_year`: SCB's 2023 again for Västmanland's municipalities, with 2,000 more women aged 85 in
  Västerås: every 2023 population value of Västerås and the county moves, the 80+ share with both its numerator
  and denominator, beds per 1,000 with its denominator only, and beds per 1,000 in 2023 falls below 2024's, so
  the bed goal turns from on track to off track;
- `kolada_revision`: a fetch of N70845 (beds per 1,000, Kolada) on 2026-05-14: Västmanland's 2025 value revised
  from 1.9 to 2.6, Stockholm's 2023 value deleted.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

LISTING_ENCODING = "cp1252"
POPULATION_FILE = "folkmangd_vastmanland_kommuner_2015-2024.csv"
REVISED_POPULATION_FILE = "folkmangd_vastmanland_2023_reviderad.csv"
EXTRA_WOMEN_85 = 2000
KOLADA_FETCH = "20260514T060000Z"
KOLADA_KPI = "N70845"


def _newer(path: Path) -> None:
    """A delivery: newer than everything landed before it."""
    later = time.time() + 2
    os.utime(path, (later, later))


def redeliver_listing_month(landing: Path) -> dict:
    path = landing / "listings" / "listning_2024-03.csv"
    lines = path.read_text(encoding=LISTING_ENCODING).splitlines(keepends=True)
    target = "2024-03;19-VC-001;0-5;K;167;"
    assert sum(line.startswith(target) for line in lines) == 1, "the sample's March 2024 listing changed"
    path.write_text(
        "".join(line.replace(target, "2024-03;19-VC-001;0-5;K;1670;") for line in lines),
        encoding=LISTING_ENCODING,
        newline="",
    )
    _newer(path)
    return {"unit_id": "19-VC-001", "before": 167, "after": 1670}


def new_listing_month(landing: Path) -> dict:
    source = landing / "listings" / "listning_2024-12.csv"
    lines = source.read_text(encoding=LISTING_ENCODING).splitlines(keepends=True)
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.rstrip("\r\n").split(";")
        fields[0] = "2025-01"
        if fields[1] == "19-VC-002":
            fields[4] = str(int(fields[4]) * 3)
        out.append(";".join(fields) + line[len(line.rstrip("\r\n")) :])
    path = landing / "listings" / "listning_2025-01.csv"
    path.write_text("".join(out), encoding=LISTING_ENCODING, newline="")
    _newer(path)
    return {"period": "2025-01", "tripled": "19-VC-002"}


def revised_scb_year(landing: Path) -> dict:
    """SCB's web export "med rubrik" (cp1252, semicolons) of 2023 alone, one cell raised."""
    original = (landing / "population" / POPULATION_FILE).read_text(encoding="cp1252").splitlines()
    title, blank, header, *rows = original
    columns = header.split(";")
    year = columns.index('"2023"')
    out = [title, blank, ";".join(columns[:3] + [columns[year]])]
    raised = 0
    for row in rows:
        cells = row.split(";")
        value = cells[year]
        if cells[:3] == ['"1980 Västerås"', '"85 år"', '"kvinnor"']:
            value = str(int(value) + EXTRA_WOMEN_85)
            raised += 1
        out.append(";".join(cells[:3] + [value]))
    assert raised == 1, "the sample's population file changed"
    path = landing / "population" / REVISED_POPULATION_FILE
    path.write_text("\r\n".join(out) + "\r\n", encoding="cp1252", newline="")
    _newer(path)
    return {"area_code": "1980", "year": "2023", "extra": EXTRA_WOMEN_85}


def kolada_revision(landing: Path) -> dict:
    """A page as `vardpuls fetch kolada` writes it (<landing>/kolada/<fetch time>/), asked with from_date."""
    values = [
        {
            "kpi": KOLADA_KPI,
            "municipality": "0019",
            "period": 2025,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 2.6}],
        },
        {
            "kpi": KOLADA_KPI,
            "municipality": "0001",
            "period": 2023,
            "values": [{"gender": "T", "count": 1, "status": "", "value": None, "isdeleted": True}],
        },
    ]
    folder = landing / "kolada" / KOLADA_FETCH
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{KOLADA_KPI}.json"
    path.write_text(json.dumps({"count": len(values), "values": values, "next_url": None}), encoding="utf-8")
    _newer(path)
    return {
        "kpi_id": KOLADA_KPI,
        "revised": ("19", "2025", 1.9, 2.6),
        "deleted": ("01", "2023", 2.0),
        "seen_on": "2026-05-14",
        "page": f"{KOLADA_FETCH}/{KOLADA_KPI}.json",
    }


def bump_catalogue_version(catalogue: Path, indicator_id: str) -> int:
    """A copy of the catalogue with one indicator's `version` raised by one; the new version."""
    path = catalogue / f"{indicator_id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("version:"):
            version = int(line.split(":", 1)[1]) + 1
            lines[number] = f"version: {version}\n"
            path.write_text("".join(lines), encoding="utf-8")
            return version
    raise AssertionError(f"{path} has no version line")
