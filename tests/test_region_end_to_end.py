"""`vardpuls generate --scale region` then `vardpuls refresh`: the core tables of all five sources are published."""

import re

import duckdb
import pytest

from pipelines.cli import main
from tests.conftest import live_database

pytestmark = pytest.mark.e2e

CORE_TABLES = ("units", "listed_inhabitants", "staff_fte", "cost", "bed_days")
PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VARDPULS_PSEUDONYM_KEY", "end-to-end-test-key-0123456789")
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        env.setenv("VARDPULS_LANDING", str(root / "landing"))
        env.setenv("VARDPULS_WAREHOUSE", str(root / "warehouse"))
        assert main(["generate", "--scale", "region", "--out", str(root / "landing")]) == 0
        assert main(["refresh", "--landing", str(root / "landing"), "--warehouse", str(root / "warehouse")]) == 0
    return root


def test_every_core_table_is_published_with_ten_years(region):
    con = duckdb.connect(str(region / "warehouse" / "analyst.duckdb"), read_only=True)
    try:
        for table in CORE_TABLES[1:]:
            first, last, rows, synthetic = con.execute(
                f"SELECT min(period), max(period), count(*), bool_and(synthetic) FROM {table}"
            ).fetchall()[0]
            assert (first[:4], last[:4], synthetic) == ("2015", "2024", True), table
            assert rows > 1000, table
        assert con.execute("SELECT count(*) FROM units WHERE unit_type = 'vårdcentral'").fetchall()[0][0] >= 20
        # the generator's data is clean: nothing held out
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
        # every source file loaded once, all of them synthetic
        by_source = dict(con.execute("SELECT source, count(*) FROM source_files WHERE synthetic GROUP BY 1").fetchall())
        assert by_source["staffing"] == 120 and by_source["listings"] == 120 and by_source["cost"] == 120
    finally:
        con.close()


def test_no_personnummer_in_the_published_tables(region):
    raw = (region / "landing" / "staffing" / "personal_2020-06.csv").read_text(encoding="utf-8-sig")
    assert PERSONNUMMER.search(raw), "the region scale is meant to carry identities"
    con = duckdb.connect(str(live_database(region / "warehouse")), read_only=True)
    try:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal AND data_type = 'VARCHAR' AND column_name NOT LIKE '%sha256' "
            # run ids are UUIDs: hex digit runs like '12345678-1234' are not identities
            "AND column_name NOT IN ('load_run', 'run_id')"
        ).fetchall()
        for schema, table, column in columns:
            hit = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" '
                f"WHERE regexp_matches(\"{column}\", '(^|\\D)(\\d{{2}})?\\d{{6}}[-+]?\\d{{4}}(\\D|$)')"
                # a fingerprint (hex digits only, as a suite's or a definition's) is not one, nor a release's name
                # (its time, then the run id's first 8 hex digits: '20261204T192701-1234abcd' looks like one)
                f" AND NOT regexp_full_match(\"{column}\", '[0-9a-f]{{16,64}}|\\d{{8}}T\\d{{6}}-[0-9a-f]{{8}}')"
            ).fetchall()[0][0]
            assert hit == 0, f"{schema}.{table}.{column}"
    finally:
        con.close()
