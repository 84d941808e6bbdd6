"""Reference data: the area register and the code lists the regional sources are checked against."""


import dagster as dg

from pipelines.progress import report

from pipelines.settings import REFERENCE_DIR
from pipelines.warehouse import Warehouse, run_sql


@dg.asset(group_name="reference", kinds={"duckdb"})
def areas(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Areas with SCB codes: '00' Riket, two digits a county, four digits a municipality."""
    with warehouse.connect() as con:
        run_sql(
            con, "core/areas.sql",
            counties=str(REFERENCE_DIR / "counties.csv"),
            municipalities=str(REFERENCE_DIR / "municipalities.csv"),
            code_changes=str(REFERENCE_DIR / "area_code_changes.csv"),
        )
        levels = dict(con.execute("SELECT level, count(*) FROM core.areas GROUP BY level").fetchall())
    report(context, f"areas: {levels.get('country', 0)} country, {levels.get('county', 0)} counties, "
                     f"{levels.get('municipality', 0)} municipalities")
    return dg.MaterializeResult(metadata={f"{level}_count": n for level, n in levels.items()})


@dg.asset(group_name="reference", kinds={"duckdb"})
def code_lists(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Professions, VI 2000 activity areas and RS-BAS accounts (data/reference/*.csv)."""
    with warehouse.connect() as con:
        run_sql(
            con, "core/code_lists.sql",
            professions=str(REFERENCE_DIR / "professions.csv"),
            activity_areas=str(REFERENCE_DIR / "activity_areas.csv"),
            accounts=str(REFERENCE_DIR / "accounts.csv"),
        )
        counts = {t: con.execute(f"SELECT count(*) FROM core.{t}").fetchall()[0][0]
                  for t in ("professions", "activity_areas", "accounts")}
    report(context, "code lists: " + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in counts.items()))
    return dg.MaterializeResult(metadata=counts)
