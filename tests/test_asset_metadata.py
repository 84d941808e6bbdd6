"""What the Dagster UI shows about an asset (pipelines/asset_metadata.py): standard table metadata on a tiny DuckDB
table, read back from a real materialisation, and owners and code references on the project's own assets."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.asset_metadata import describe_assets, load_owners, published_comments, sql_references, table_metadata
from pipelines.publish import column_comments
from pipelines.settings import PROJECT_ROOT, SQL_DIR

pytestmark = pytest.mark.integration


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE units (unit_id VARCHAR, beds INTEGER, valid_from DATE, note VARCHAR, synthetic BOOLEAN)"
    ).fetchall()
    con.execute(
        "INSERT INTO units VALUES ('19-VC-007', 12, DATE '2024-01-01', 'a | b', true), "
        "('19-AVD-012', NULL, DATE '2024-02-01', 'contact 19800101-1234 ' || repeat('x', 100), false), "
        "('19-AMB-02', 0, NULL, '<b>*bold*</b>', false)"
    ).fetchall()
    yield con
    con.close()


def test_row_count_column_schema_and_a_preview(con):
    metadata = table_metadata(
        con,
        "units",
        {"unit_id": "the unit's enhets_id", "beds": "available beds"},
        table_name="analyst.main.units",
        preview_rows=2,
    )
    assert metadata["dagster/row_count"] == dg.MetadataValue.int(3)
    assert metadata["dagster/table_name"] == dg.MetadataValue.text("analyst.main.units")
    columns = metadata["dagster/column_schema"].schema.columns
    assert [(c.name, c.type, c.description) for c in columns] == [
        ("unit_id", "VARCHAR", "the unit's enhets_id"),
        ("beds", "INTEGER", "available beds"),
        ("valid_from", "DATE", None),
        ("note", "VARCHAR", None),
        ("synthetic", "BOOLEAN", None),
    ]
    preview = metadata["preview"].value.splitlines()
    assert preview[0].startswith("**SYNTHETIC data**")  # a preview showing synthetic values says so
    table = [line for line in preview if line.startswith("|")]
    assert table[0] == "| unit\\_id | beds | valid\\_from | note | synthetic |"
    assert len(table) == 2 + 2  # header, rule, two rows
    assert table[2] == "| 19-VC-007 | 12 | 2024-01-01 | a \\| b | True |"
    assert "19800101-1234" not in metadata["preview"].value and "[personnummer]" in table[3]
    assert table[3].split(" | ")[3].endswith("…") and "NULL" in table[3]


def test_the_preview_escapes_markdown_and_an_empty_table_says_so(con):
    metadata = table_metadata(con, "(SELECT * FROM units WHERE unit_id = '19-AMB-02')")
    assert "\\<b\\>\\*bold\\*\\</b\\>" in metadata["preview"].value and "SYNTHETIC" not in metadata["preview"].value
    empty = table_metadata(con, "(SELECT * FROM units WHERE false)")
    assert empty["dagster/row_count"].value == 0 and empty["preview"].value == "*no rows*"
    assert "preview" not in table_metadata(con, "units", preview_rows=0)


def test_dagster_takes_it_as_its_standard_table_metadata(con, tmp_path):
    database = tmp_path / "tiny.duckdb"
    con.execute(f"ATTACH '{database}' AS tiny").fetchall()
    con.execute("CREATE TABLE tiny.main.units AS SELECT * FROM units").fetchall()
    con.execute("DETACH tiny").fetchall()

    @dg.asset
    def units():
        with duckdb.connect(str(database), read_only=True) as reader:
            return dg.MaterializeResult(metadata=table_metadata(reader, "units", published_comments("units")))

    result = dg.materialize([units], instance=dg.DagsterInstance.ephemeral())
    metadata = result.asset_materializations_for_node("units")[0].metadata
    assert metadata["dagster/row_count"].value == 3
    schema = metadata["dagster/column_schema"].schema
    # descriptions from the published column comments (sql/publish/units.sql)
    assert schema.columns[0].description == column_comments((SQL_DIR / "publish" / "units.sql").read_text())["unit_id"]


def test_published_comments_are_the_publish_files_column_lines():
    population = published_comments("population")
    assert population == column_comments((SQL_DIR / "publish" / "population.sql").read_text(encoding="utf-8"))
    assert population["area_code"].startswith("SCB area code")
    assert published_comments("no_such_table") == {}


def test_every_project_asset_has_owners_and_its_code(monkeypatch):
    from pipelines.definitions import ASSETS

    owners = load_owners()
    described = describe_assets(ASSETS, environ={})
    assert len(described) == len(ASSETS)
    for asset in described:
        for key, spec in asset.specs_by_key.items():
            assert spec.owners and spec.owners == owners[spec.group_name], key
            references = asset.metadata_by_key[key]["dagster/code_references"].code_references
            files = [Path(r.file_path) for r in references]
            # the Python function that builds it (the last reference), and the SQL named after it
            assert (
                files[-1].suffix == ".py"
                and files[-1].is_relative_to(PROJECT_ROOT / "pipelines")
                and files[-1].is_file()
            ), key
            assert [f for f in files if f.suffix == ".sql"] == [Path(r.file_path) for r in sql_references(key)]
    by_key = {a.key.to_user_string(): a for a in described}

    def labels(key: str) -> list[str]:
        asset = by_key[key]
        return [r.label for r in asset.metadata_by_key[asset.key]["dagster/code_references"].code_references]

    assert labels("staging/population")[0] == "SQL staging/population.sql"
    assert labels("core/population")[:2] == ["SQL core/population.sql", "SQL publish/population.sql"]
    assert labels("indicators/population_total")[0] == "SQL catalogue/population_total.sql"
    assert labels("raw/kolada")[0] == "SQL raw/kolada.sql"


def test_code_references_link_into_the_repository_when_it_has_an_address():
    from pipelines.definitions import ASSETS

    described = describe_assets(
        ASSETS,
        environ={
            "VARDPULS_SOURCE_URL": "https://gitlab.region.example/analys/vardpuls",
            "VARDPULS_SOURCE_BRANCH": "produktion",
        },
    )
    population = next(a for a in described if a.key.path == ["core", "population"])
    urls = [r.url for r in population.metadata_by_key[population.key]["dagster/code_references"].code_references]
    base = "https://gitlab.region.example/analys/vardpuls/-/tree/produktion/"
    assert urls[0] == base + "sql/core/population.sql"
    assert urls[-1].startswith(base + "pipelines/graph/relation_assets.py#L")


def test_an_asset_group_without_owners_and_an_owner_that_is_not_one_are_refused(tmp_path):
    from pipelines.definitions import ASSETS

    with pytest.raises(ValueError, match=r"no owners for the asset group\(s\) \['goals'\]"):
        describe_assets(ASSETS, owners={g: ["team:x"] for g in load_owners() if g != "goals"}, environ={})
    bad = tmp_path / "owners.yaml"
    bad.write_text("reference: [Anna Andersson]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'Anna Andersson' is not an owner"):
        load_owners(bad)
    good = tmp_path / "region.yaml"
    good.write_text("reference: anna.andersson@region.example\n", encoding="utf-8")
    assert load_owners(good) == {"reference": ["anna.andersson@region.example"]}
