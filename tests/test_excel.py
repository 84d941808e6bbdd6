"""Excel workbooks of the published tables (pipelines/excel.py), read back cell by cell with openpyxl.

Codes stay text with their leading zeros, dates are dates, numbers are numbers with the catalogue's
decimals, booleans are logical values, hostile text (formula-shaped, control characters, XML) stays
the same text and never becomes a formula, a table over a sheet's rows is split per region, and the
captions file names every published column.
"""

import datetime as dt
import re
import zipfile

import duckdb
import openpyxl
import pytest

from pipelines.excel import CELL_CHARACTERS, load_captions, write_workbook
from pipelines.publish import column_comments, published_tables

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def no_row_limit(monkeypatch):
    """The writer itself, without the limit the rest of the suite sets (tests/conftest.py)."""
    monkeypatch.delenv("VARDPULS_EXCEL_MAX_ROWS", raising=False)


HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid","x")',
    "+46701234567",
    "-3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
    "<r><t>rich</t></r>",
    "<script>alert(1)</script>",
    "a\x01b\x1fc",
    "_x0041_",
    "'quoted",
    " leading and trailing ",
    "ÅÄÖ åäö é",
]
PUBLISHED = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.timezone.utc)  # 2026-01-16 00:30 in Stockholm


def excel_text(value):
    """A text cell's value as Excel shows it: openpyxl leaves the _xHHHH_ escapes of control characters in."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), value).replace("_x005F", "_")


def cells(sheet) -> list[list]:
    return [[cell for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def con():
    con = duckdb.connect()
    yield con
    con.close()


def every_type_table(con) -> None:
    con.execute("""
        CREATE TABLE everything (
            area_code VARCHAR, unit_id VARCHAR, period VARCHAR, note VARCHAR,
            persons BIGINT, big HUGEINT, age INTEGER, amount DECIMAL(18, 2), share DOUBLE,
            flag BOOLEAN, day DATE, loaded TIMESTAMP, started TIMESTAMPTZ, tags VARCHAR[], doc JSON,
            parts STRUCT(a INTEGER, b VARCHAR)[], id UUID, synthetic BOOLEAN)""").fetchall()
    rows = [
        (
            "00",
            "19-VC-007",
            "2023",
            "=1+1",
            280813,
            10**16 + 1,
            0,
            1234567.89,
            0.1,
            True,
            "2024-01-31",
            "2024-02-29 06:00:00",
            "2024-07-01 10:00:00+00",
            ["a", "b,c"],
            '{"k": [1, 2]}',
            [{"a": 1, "b": "x"}],
            "d3b07384-d9a0-4c1e-8f7b-8f1c6f1a2b3c",
            True,
        ),
        (
            "0180",
            None,
            "2023-01",
            None,
            None,
            None,
            None,
            None,
            float("nan"),
            False,
            "1899-12-31",
            None,
            "2024-01-01 10:00:00+00",
            [],
            None,
            None,
            None,
            False,
        ),
    ]
    con.executemany("INSERT INTO everything VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for i, text in enumerate(HOSTILE):
        con.execute(
            "INSERT INTO everything (area_code, note, share, synthetic) VALUES (?, ?, ?, false)",
            [f"{i:02d}", text, float("inf") if i == 0 else -1.5],
        ).fetchall()
    con.execute("COMMENT ON TABLE everything IS 'Every type the published tables use.'").fetchall()
    con.execute("COMMENT ON COLUMN everything.area_code IS 'SCB area code'").fetchall()


def test_every_type_is_written_as_the_cell_excel_should_hold(con, tmp_path):
    every_type_table(con)
    path = tmp_path / "everything.xlsx"
    assert write_workbook(con, "everything", path, release="20260115T233000-abcdef12", published_at=PUBLISHED) == [path]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Om tabellen", "Data", "Kolumner"]
    data = cells(book["Data"])
    header = [c.value for c in data[0]]
    assert header[:4] == ["area_code", "unit_id", "period", "note"]  # no captions for this table: the names
    first, second = data[1], data[2]
    by_name = lambda row: dict(zip(header, row))  # noqa: E731
    a, b = by_name(first), by_name(second)
    # codes are text and keep their leading zeros; a period is text whether 'YYYY' or 'YYYY-MM'
    assert (a["area_code"].data_type, a["area_code"].value) == ("s", "00")
    assert (b["area_code"].data_type, b["area_code"].value) == ("s", "0180")
    assert (a["unit_id"].data_type, a["unit_id"].value) == ("s", "19-VC-007")
    assert (a["period"].value, b["period"].value) == ("2023", "2023-01") and a["period"].data_type == "s"
    # numbers are numbers; a whole number beyond Excel's 15 digits is exact text
    assert (a["persons"].data_type, a["persons"].value) == ("n", 280813)
    assert (a["big"].data_type, a["big"].value) == ("s", str(10**16 + 1))
    assert (a["age"].data_type, a["age"].value) == ("n", 0)  # a real zero is a zero
    assert a["amount"].data_type == "n" and a["amount"].value == pytest.approx(1234567.89)
    assert a["amount"].number_format == "#,##0.00"  # a DECIMAL shows its scale
    assert a["share"].value == pytest.approx(0.1) and a["share"].number_format == "General"
    assert (b["share"].data_type, b["share"].value) == ("s", "nan")  # Excel has no NaN: text, not a blank or 0
    # NULL is an empty cell, never 0 or ''
    assert b["unit_id"].value is None and b["persons"].value is None and b["amount"].value is None
    # booleans are logical values (Swedish Excel shows SANT/FALSKT)
    assert (a["flag"].data_type, a["flag"].value, b["flag"].value) == ("b", True, False)
    # dates are dates; a date Excel cannot hold (before 1900) is ISO text
    assert a["day"].is_date and a["day"].value == dt.datetime(2024, 1, 31) and a["day"].number_format == "yyyy-mm-dd"
    assert (b["day"].data_type, b["day"].value) == ("s", "1899-12-31")
    assert a["loaded"].is_date and a["loaded"].value == dt.datetime(2024, 2, 29, 6, 0)
    # a time with a zone is Swedish time: 10:00 UTC is 12:00 in summer, 11:00 in winter
    assert a["started"].value == dt.datetime(2024, 7, 1, 12, 0) and b["started"].value == dt.datetime(2024, 1, 1, 11)
    # lists, structs and JSON are JSON text
    assert a["tags"].value == '["a","b,c"]' and b["tags"].value == "[]"
    assert a["doc"].value == '{"k": [1, 2]}' and a["parts"].value == '[{"a":1,"b":"x"}]'
    assert a["id"].value == "d3b07384-d9a0-4c1e-8f7b-8f1c6f1a2b3c"
    # hostile text comes back as the same text, as text cells
    notes = {by_name(row)["area_code"].value: by_name(row) for row in data[1:]}
    for i, text in enumerate(HOSTILE):
        cell = notes[f"{i:02d}"]["note"]
        assert cell.data_type == "s" and excel_text(cell.value) == text, (text, cell.value)
    assert notes["00"]["share"].value == "inf" and notes["01"]["share"].value == -1.5


def test_no_cell_is_a_formula_and_the_xml_is_escaped(con, tmp_path):
    every_type_table(con)
    path = tmp_path / "everything.xlsx"
    write_workbook(con, "everything", path, release="r", published_at=PUBLISHED)
    with zipfile.ZipFile(path) as archive:
        sheets = [
            archive.read(name).decode("utf-8") for name in archive.namelist() if name.startswith("xl/worksheets/sheet")
        ]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    joined = "".join(sheets)
    assert "<script>" not in joined and "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "<t>rich</t>" not in joined  # text shaped like rich-text XML is data, not markup
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_about_and_columns_sheets_describe_the_table(con, tmp_path):
    every_type_table(con)
    path = tmp_path / "everything.xlsx"
    write_workbook(con, "everything", path, release="20260115T233000-abcdef12", published_at=PUBLISHED)
    book = openpyxl.load_workbook(path)
    about = {row[0].value: row[1].value for row in book["Om tabellen"].iter_rows()}
    assert about["Tabell"] == "everything"
    assert about["Beskrivning"] == "Every type the published tables use."
    assert "syntetiska" in about["SYNTETISKA DATA"]  # one row is synthetic
    assert about["Release"] == "20260115T233000-abcdef12"
    assert about["Publicerad (svensk tid)"] == dt.datetime(2026, 1, 16, 0, 30)
    assert about["Rader"] == str(2 + len(HOSTILE))
    assert book.active.title == "Om tabellen"  # a workbook with synthetic rows opens on the warning
    columns = [[c.value for c in row] for row in book["Kolumner"].iter_rows()]
    assert columns[0] == ["Rubrik i bladet Data", "Kolumn (CSV, Parquet, analyst.duckdb)", "Typ i Excel", "Beskrivning"]
    described = {row[1]: row for row in columns[1:]}
    assert described["area_code"][3] == "SCB area code"
    assert described["day"][2] == "datum" and described["flag"][2] == "SANT/FALSKT"
    assert described["started"][2] == "datum och tid (svensk tid)" and described["tags"][2] == "text (JSON)"


def test_captions_and_the_indicators_decimals(con, tmp_path):
    """A published table's Swedish captions, and each value with the decimals of its own indicator."""
    con.execute(
        "CREATE TABLE indicator_values (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, "
        "value DOUBLE, numerator DOUBLE, synthetic BOOLEAN)"
    ).fetchall()
    con.execute(
        "INSERT INTO indicator_values VALUES ('population_share_80plus', '19', '2023', 5.123456, 14393, "
        "false), ('beds_per_1000', '19', '2023', 1.897612, 533, false), ('no_such_indicator', '19', "
        "'2023', 2.5, 1, false)"
    ).fetchall()
    path = tmp_path / "indicator_values.xlsx"
    write_workbook(con, "indicator_values", path, release="r", published_at=PUBLISHED)
    book = openpyxl.load_workbook(path)
    data = cells(book["Data"])
    assert [c.value for c in data[0]] == ["Indikator", "Områdeskod", "Period", "Värde", "Täljare", "Syntetiska data"]
    formats = {row[0].value: row[3].number_format for row in data[1:]}
    # indicators/population_share_80plus.yaml: decimals 1; beds_per_1000: 2; an unknown one: General
    assert formats == {
        "population_share_80plus": "#,##0.0",
        "beds_per_1000": "#,##0.00",
        "no_such_indicator": "General",
    }
    assert data[1][3].value == pytest.approx(5.123456)  # the value is kept whole; only the display rounds
    assert "SYNTETISKA DATA" not in {row[0].value for row in book["Om tabellen"].iter_rows()}
    assert book.active.title == "Data"
    about = {row[0].value: row[1].value for row in book["Om tabellen"].iter_rows()}
    assert about["Tabell"] == "Indikatorvärden (indicator_values)"


def test_a_table_over_the_sheet_limit_is_split_per_region(con, tmp_path):
    con.execute(
        "CREATE TABLE population (area_code VARCHAR, year INTEGER, persons BIGINT, synthetic BOOLEAN)"
    ).fetchall()
    rows = [
        ("00", 2023, 10_551_707, False),
        ("19", 2023, 280_813, True),
        ("1980", 2023, 158_453, True),
        ("1980", 2024, 159_000, True),
        ("1984", 2023, 22_000, True),
        ("19", 2024, 281_000, True),
        ("17", 2023, 283_000, False),
        (None, 2023, 1, False),
    ]
    con.executemany("INSERT INTO population VALUES (?, ?, ?, ?)", rows)
    path = tmp_path / "population.xlsx"
    written = write_workbook(con, "population", path, release="r", published_at=PUBLISHED, max_rows=4, batch_rows=2)
    assert [p.name for p in written] == [
        "population_00.xlsx",
        "population_17.xlsx",
        "population_19.xlsx",
        "population_saknas.xlsx",
    ]
    assert not path.exists()

    def data_rows(book, sheet):
        return [[c.value for c in row] for row in book[sheet].iter_rows(min_row=2)]

    nineteen = openpyxl.load_workbook(tmp_path / "population_19.xlsx")
    # the municipalities 1980 and 1984 are in county 19's workbook; five rows: four on Data, one on Data 2,
    # each sheet under its own header, in the table's order
    assert nineteen.sheetnames == ["Om tabellen", "Data", "Data 2", "Kolumner"]
    assert [c.value for c in nineteen["Data 2"][1]] == ["Områdeskod", "År", "Antal personer", "Syntetiska data"]
    assert data_rows(nineteen, "Data") + data_rows(nineteen, "Data 2") == [list(r) for r in rows[1:6]]
    about = {row[0].value: row[1].value for row in nineteen["Om tabellen"].iter_rows()}
    assert about["Region"].startswith("19 (kolumnen area_code)") and about["Rader"] == "5"
    assert "SYNTETISKA DATA" in about
    riket = openpyxl.load_workbook(tmp_path / "population_00.xlsx")
    assert data_rows(riket, "Data") == [["00", 2023, 10551707, False]]
    assert "SYNTETISKA DATA" not in {row[0].value for row in riket["Om tabellen"].iter_rows()}
    assert data_rows(openpyxl.load_workbook(tmp_path / "population_saknas.xlsx"), "Data") == [[None, 2023, 1, False]]
    # within the limit: one workbook, one sheet
    small = write_workbook(con, "population", tmp_path / "whole.xlsx", release="r", published_at=PUBLISHED)
    assert small == [tmp_path / "whole.xlsx"]
    assert data_rows(openpyxl.load_workbook(small[0]), "Data") == [list(r) for r in rows]


def test_rows_come_in_batches_in_the_tables_order_and_a_long_text_is_cut_visibly(con, tmp_path):
    con.execute(
        "CREATE TABLE quarantine AS SELECT range AS source_row, 'rad ' || range AS value FROM range(1, 2501)"
    ).fetchall()
    con.execute("INSERT INTO quarantine VALUES (9999, repeat('x', 40000))").fetchall()
    path = tmp_path / "quarantine.xlsx"
    write_workbook(con, "quarantine", path, release="r", published_at=PUBLISHED, batch_rows=300)
    book = openpyxl.load_workbook(path, read_only=True)
    values = [row for row in book["Data"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in values[:-1]] == list(range(1, 2501)) and values[0][1] == "rad 1"
    long = values[-1][1]
    assert len(long) == CELL_CHARACTERS and long.startswith("x" * 30000) and long.endswith("CSV- och Parquet-filen]")
    about = {row[0]: row[1] for row in book["Om tabellen"].iter_rows(values_only=True)}
    assert "1 texter" in about["Avkortade celler"].replace("\u00a0", " ")


def test_an_empty_table_is_a_workbook_with_its_header(con, tmp_path):
    con.execute("CREATE TABLE quarantine (source VARCHAR, source_row BIGINT)").fetchall()
    path = tmp_path / "quarantine.xlsx"
    write_workbook(con, "quarantine", path, release="r", published_at=PUBLISHED)
    book = openpyxl.load_workbook(path)
    assert [[c.value for c in row] for row in book["Data"].iter_rows()] == [["Källa", "Rad i filen"]]


def test_the_captions_name_every_published_column_and_nothing_else():
    captions = load_captions()
    tables = published_tables()
    assert set(captions) == set(tables)
    for table, (_, select) in tables.items():
        commented = set(column_comments(select))
        named = set(captions[table]["columns"])
        assert not commented - named, f"{table}: no Swedish caption for {sorted(commented - named)}"
        stale = [c for c in named - commented if not re.search(rf"\b{c}\b", select)]
        assert not stale, f"{table}: captions for columns the table does not have: {stale}"
        assert captions[table]["title"], table


def test_a_caption_file_with_a_bad_decimals_is_refused(tmp_path):
    bad = tmp_path / "captions.yaml"
    bad.write_text("cost:\n  columns:\n    amount_sek: {caption: Belopp, decimals: two}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cost\.amount_sek: decimals must be a whole number"):
        load_captions(bad)


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            "    ci_lower: {caption: Konfidensintervall, nedre, decimals: indicator}\n",
            r"indicator_values\.ci_lower: unknown field\(s\) \['nedre'\] \(a caption with a comma",
        ),
        (
            "    value: Värde\n    numerator: Värde\n",
            r"indicator_values: the caption\(s\) \['Värde'\] are used for more",
        ),
        ("    value: {decimals: 1}\n", r"indicator_values\.value: a caption \(text\) is needed"),
    ],
)
def test_a_caption_file_that_would_mislabel_a_column_is_refused(tmp_path, entry, message):
    bad = tmp_path / "captions.yaml"
    bad.write_text("indicator_values:\n  title: Indikatorvärden\n  columns:\n" + entry, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_captions(bad)


def test_a_table_over_the_configured_limit_is_left_to_csv_and_parquet(con, tmp_path, monkeypatch):
    con.execute("CREATE TABLE quarantine AS SELECT range AS source_row FROM range(10)").fetchall()
    monkeypatch.setenv("VARDPULS_EXCEL_MAX_ROWS", "9")
    assert write_workbook(con, "quarantine", tmp_path / "q.xlsx", release="r", published_at=PUBLISHED) == []
    assert not list(tmp_path.iterdir())
    monkeypatch.setenv("VARDPULS_EXCEL_MAX_ROWS", "10")
    assert write_workbook(con, "quarantine", tmp_path / "q.xlsx", release="r", published_at=PUBLISHED) == [
        tmp_path / "q.xlsx"
    ]
    monkeypatch.setenv("VARDPULS_EXCEL_MAX_ROWS", "ten")
    with pytest.raises(ValueError, match="VARDPULS_EXCEL_MAX_ROWS is 'ten': expected a whole number"):
        write_workbook(con, "quarantine", tmp_path / "q.xlsx", release="r", published_at=PUBLISHED)


def test_a_number_reads_back_as_the_same_double_and_old_dates_as_excel_counts_them(con, tmp_path):
    """The 17th digit is kept (1870.0000000000002 is not 1870), and the serials around Excel's 29 February 1900."""
    values = [1870.0000000000002, 0.1 + 0.2, -30.999999999999996, 1e-300, 123456789012345.6]
    con.execute(
        "CREATE TABLE exact AS SELECT * FROM (VALUES "
        + ", ".join(f"({i}, {v!r}::DOUBLE, DATE '1900-01-01' + {58 + i})" for i, v in enumerate(values))
        + ") t(n, share, day)"
    ).fetchall()
    path = tmp_path / "exact.xlsx"
    write_workbook(con, "exact", path, release="r", published_at=PUBLISHED)
    rows = list(openpyxl.load_workbook(path)["Data"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == values
    # 1900-02-28 is serial 59 and 1900-03-01 serial 61 (Excel's 60 is a 29 February that never was)
    serials = re.findall(
        r'<c r="C\d+" s="\d+"><v>(\d+)</v>', zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").decode()
    )
    assert serials[:3] == ["59", "61", "62"]
    assert [row[2] for row in rows][:2] == [dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1)]
