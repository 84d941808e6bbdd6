"""`vardpuls goals`: the published goal progress as an aligned table, one block per region."""

from pathlib import Path

import duckdb

COLUMNS = (
    "goal",
    "indicator",
    "baseline",
    "latest",
    "target",
    "deadline",
    "needed/yr",
    "observed/yr",
    "at deadline (95 %)",
    "attained (95 %)",
    "status",
)
QUERY = """
SELECT p.region_code, g.region_name, p.goal_id, p.area_code, p.indicator_id, p.baseline_year, p.baseline_value,
       p.latest_year, p.latest_value, p.target_value, p.deadline_year, p.required_yearly_change,
       p.observed_yearly_change, p.projected_value, p.projected_lower, p.projected_upper, p.attainment_year,
       p.attainment_year_earliest, p.attainment_year_latest, p.status, p.status_reason, p.synthetic,
       coalesce(i.decimals, 0) AS decimals, g.target_unit
FROM goal_progress p
JOIN goals g USING (goal_id)
LEFT JOIN indicators i ON i.indicator_id = p.indicator_id
WHERE $region::VARCHAR IS NULL OR p.region_code = $region::VARCHAR
ORDER BY p.region_code, p.goal_id, p.area_code
"""


class NotPublished(RuntimeError):
    """No published snapshot to read."""


def read_progress(warehouse: Path, region: str | None) -> list[dict]:
    snapshot = warehouse / "analyst.duckdb"
    if not snapshot.is_file():
        raise NotPublished(f"{snapshot} does not exist: run `vardpuls refresh` first")
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"goal_progress", "goals", "indicators"} <= tables:
            raise NotPublished(f"{snapshot} has no goal_progress table yet: run `vardpuls refresh` first")
        cursor = con.execute(QUERY, {"region": region})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def _number(value, decimals: int, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"


def _interval(middle: str, low: str, high: str) -> str:
    return middle if low == high == "-" else f"{middle} [{low}, {high}]"


def _attained(row: dict) -> str:
    """The projected year of attainment, with the years at the two ends of the slope's interval."""
    if row["attainment_year"] is None:
        return "-"
    if row["attainment_year_earliest"] is None:
        return str(row["attainment_year"])
    latest = row["attainment_year_latest"]
    return f"{row['attainment_year']} [{row['attainment_year_earliest']}, {latest if latest is not None else 'never'}]"


def format_progress(rows: list[dict]) -> str:
    """An aligned table per region, then each goal's status reason."""
    if not rows:
        return "No goals for that region in the registry (goals/*.yaml)."
    out: list[str] = []
    regions = dict.fromkeys((r["region_code"], r["region_name"]) for r in rows)
    for code, name in regions:
        block = [r for r in rows if r["region_code"] == code]
        lines = [COLUMNS]
        for r in block:
            d = r["decimals"]
            goal = r["goal_id"] + ("" if r["area_code"] == code else f" ({r['area_code']})")
            lines.append(
                (
                    goal + ("*" if r["synthetic"] else ""),
                    r["indicator_id"] or "(none)",
                    "-" if r["baseline_value"] is None else f"{r['baseline_year']}: {_number(r['baseline_value'], d)}",
                    "-" if r["latest_value"] is None else f"{r['latest_year']}: {_number(r['latest_value'], d)}",
                    _number(r["target_value"], d)
                    + (f" {r['target_unit']}" if r["target_unit"] and not r["indicator_id"] else ""),
                    str(r["deadline_year"]),
                    _number(r["required_yearly_change"], d + 1, signed=True),
                    _number(r["observed_yearly_change"], d + 1, signed=True),
                    _interval(
                        _number(r["projected_value"], d),
                        _number(r["projected_lower"], d),
                        _number(r["projected_upper"], d),
                    ),
                    _attained(r),
                    r["status"],
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
        out.append(f"{code} {name}")
        for number, line in enumerate(lines):
            out.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
            if number == 0:
                out.append("  " + "  ".join("-" * width for width in widths))
        out.append("")
        for r in block:
            out.append(f"  {r['goal_id']}: {r['status']}: {r['status_reason']}")
        out.append("")
    if any(r["synthetic"] for r in rows):
        out.append("* built on SYNTHETIC data: never report these values as real.")
    out.append(
        'Status rules: README, "Goal status". Attained: the first year the least-squares line meets the '
        "target; 'never': the slower end of the slope's 95 % interval does not reach it."
    )
    return "\n".join(out)
