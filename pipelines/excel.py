"""Excel workbooks (.xlsx) of the published tables: codes as text, dates as dates, numbers as numbers.

``write_workbook(con, relation, path, release=..., published_at=...)`` writes one published table
(a table in DuckDB, e.g. ``snapshot.main.indicator_values``) as ``path``. XlsxWriter writes the
workbook (sheets, formats, captions, properties), its data sheets with their header row only; the
rows themselves are made as SpreadsheetML in DuckDB (``sql/excel/cells.sql``: the cells XlsxWriter's
constant-memory mode writes) and streamed in Arrow batches of XML into each data sheet, so no row
passes through Python one value at a time, and never all at once. Each workbook has three kinds
of sheet:

- ``Om tabellen`` (first): the table's Swedish title and description, "SYNTETISKA DATA" when any
  row of it is synthetic (the workbook then opens on this sheet), the source of real data
  (Kolada), the rows, the release and its publication time in Swedish time (Europe/Stockholm);
- ``Data``: one header row of Swedish captions (``sql/publish/captions.yaml``; a column without
  one is captioned by its name), frozen, with a filter, then the rows in the table's order;
- ``Kolumner``: per column the caption, the English column name (as in CSV, Parquet and
  analyst.duckdb), how Excel holds it, and the column's comment.

Cells: every text column is a text cell, so area codes, unit ids, accounts and periods keep their
leading zeros ('00', '0180', '2023-01'), and text that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a CR stays text, never a formula. Dates are Excel dates (``yyyy-mm-dd``); timestamps Excel
date-times, those with a time zone in Swedish time. Numbers are numbers, with the decimals the
captions give (or the row's indicator's ``decimals`` from the catalogue) and a thousands
separator; a DECIMAL column shows its scale; other numbers Excel's General format. Booleans are
Excel's logical values, which Swedish Excel shows as SANT and FALSKT (and filters and counts as
logical values, as Ja/Nej text would not be). Lists, structs and JSON are JSON text. NULL is an
empty cell. Where Excel cannot hold a value exactly it is written as text, never rounded away:
a whole number of 15 digits or more, NaN and infinities, a date before 1900; a text longer than
Excel's 32,767 characters is cut with a note saying so (the whole value is in the CSV and Parquet).

A sheet holds 1,048,575 rows under its header. A larger table is split the way a region's analyst
reads it: one workbook per region, ``<table>_<county>.xlsx`` ('00' Riket, '19' Västmanland, a
municipality with its county), by ``county_code`` or else ``area_code``; rows beyond a sheet's
limit (a table without a region column, or one region's rows) continue on sheets ``Data 2``,
``Data 3``. Each file is written under a hidden name and renamed into place.

Numbers are written as the shortest text that reads back as the same double (XlsxWriter's own
16 digits could change the 17th), so a workbook's value is the Parquet file's value.

Cost: about 750,000 cells a second on one of this project's two cores (the sample's four largest
tables, 1.7 million cells, in 2.3 s; XlsxWriter writing each cell from Python managed 80,000), and
some 0.05 to 0.2 s per workbook however small (XlsxWriter's files and the planning of the cells'
SQL). ``VARDPULS_EXCEL_MAX_ROWS`` (a whole number) leaves tables with more rows than that to CSV and
Parquet: ``write_workbook`` then writes nothing and returns no file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.indicators.catalogue import load_catalogue
from pipelines.settings import SQL_DIR
from pipelines.sql_scripts import temporary_macros
from pipelines.yaml_files import parse_yaml

CAPTIONS = SQL_DIR / "publish" / "captions.yaml"
CELLS = "excel/cells.sql"  # under sql/
# Excel's sheet: 1,048,576 rows, the first of them the header
SHEET_DATA_ROWS = 1_048_575
CELL_CHARACTERS = 32_767
BATCH_ROWS = 20_000
TIMEZONE = ZoneInfo("Europe/Stockholm")
MAX_ROWS_VARIABLE = "VARDPULS_EXCEL_MAX_ROWS"
# the region a row belongs to, for a table split into one workbook per region, in order of preference
REGION_COLUMNS = ("county_code", "area_code")
TRUNCATED = " … [avkortad: Excel rymmer 32 767 tecken i en cell; hela värdet finns i CSV- och Parquet-filen]"
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "HUGEINT",
    "UHUGEINT",
}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
TIMESTAMP_TYPES = {"TIMESTAMP", "DATETIME", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
KIND_SV = {
    "text": "text",
    "json": "text (JSON)",
    "integer": "heltal",
    "decimal": "tal",
    "number": "tal",
    "date": "datum",
    "datetime": "datum och tid",
    "datetime_tz": "datum och tid (svensk tid)",
    "boolean": "SANT/FALSKT",
}


@dataclass
class Column:
    """A published column as the workbook writes it."""

    name: str
    sql_type: str
    kind: str
    value: str  # the expression that reads the column as its cells want it
    caption: str
    comment: str
    decimals: int | str | None = None  # a fixed number, "indicator" (the row's indicator's), or None

    @property
    def excel_type(self) -> str:
        text = KIND_SV[self.kind]
        if self.decimals == "indicator":
            return f"{text} (med indikatorns decimaler)"
        if isinstance(self.decimals, int):
            return f"{text} ({self.decimals} decimaler)" if self.decimals else f"{text} (med tusentalsavgränsare)"
        return text


@lru_cache(maxsize=4)
def load_captions(path: Path = CAPTIONS) -> dict:
    """table -> {title, note, columns: {column: {caption, decimals}}} from captions.yaml."""
    doc = parse_yaml(Path(path).read_text(encoding="utf-8")) or {}
    tables = {}
    for table, entry in doc.items():
        columns = {}
        for column, value in (entry.get("columns") or {}).items():
            spec = value if isinstance(value, dict) else {"caption": value}
            if unknown := set(spec) - {"caption", "decimals"}:
                raise ValueError(
                    f"{path}: {table}.{column}: unknown field(s) {sorted(unknown)} (a caption with a "
                    "comma inside {caption: ...} needs quotes)"
                )
            decimals = spec.get("decimals")
            if not (decimals is None or decimals == "indicator" or (isinstance(decimals, int) and decimals >= 0)):
                raise ValueError(
                    f"{path}: {table}.{column}: decimals must be a whole number from 0 or 'indicator', not {decimals!r}"
                )
            if not isinstance(spec.get("caption"), str) or not spec["caption"].strip():
                raise ValueError(f"{path}: {table}.{column}: a caption (text) is needed")
            columns[column] = {"caption": spec["caption"].strip(), "decimals": decimals}
        if unknown := set(entry) - {"title", "note", "columns", "columns_of"}:
            raise ValueError(f"{path}: {table}: unknown field(s) {sorted(unknown)}")
        if entry.get("columns_of"):  # a history table: the columns it keeps of the table it follows
            if entry["columns_of"] not in tables:
                raise ValueError(f"{path}: {table}: columns_of {entry['columns_of']!r} must name a table above it")
            columns = tables[entry["columns_of"]]["columns"] | columns
        captions = [c["caption"] for c in columns.values()]
        if repeated := sorted({c for c in captions if captions.count(c) > 1}):
            raise ValueError(f"{path}: {table}: the caption(s) {repeated} are used for more than one column")
        tables[table] = {"title": entry.get("title"), "note": entry.get("note"), "columns": columns}
    return tables


def table_row_limit() -> int | None:
    """``VARDPULS_EXCEL_MAX_ROWS``: the most rows a table written as workbooks may have (unset: no limit)."""
    text = (os.environ.get(MAX_ROWS_VARIABLE) or "").strip().replace("_", "")
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{MAX_ROWS_VARIABLE} is {text!r}: expected a whole number of rows (or unset for no limit)")
    return int(text)


@lru_cache(maxsize=1)
def indicator_decimals() -> dict[str, int]:
    """indicator id -> the decimals to show (indicators/<id>.yaml)."""
    return {indicator.id: indicator.decimals for indicator in load_catalogue()}


def write_workbook(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    path: Path,
    *,
    release: str,
    published_at: dt.datetime | str,
    table: str | None = None,
    description: str | None = None,
    comments: dict[str, str] | None = None,
    max_rows: int = SHEET_DATA_ROWS,
    batch_rows: int = BATCH_ROWS,
) -> list[Path]:
    """``relation`` as an Excel workbook at ``path`` (or one per region beside it); the files written.

    ``table`` (default: the relation's last name part) picks the captions; ``description`` and
    ``comments`` (column -> meaning) default to the ``COMMENT ON`` of the table and its columns.
    ``max_rows``: rows under a sheet's header (Excel's limit; smaller only to test the splitting).
    A table with more rows than ``VARDPULS_EXCEL_MAX_ROWS`` is not written (no file is returned).
    """
    path = Path(path)
    limit = table_row_limit()
    table = table or relation.rsplit(".", 1)[-1].strip('"')
    captions = load_captions().get(table, {"title": None, "note": None, "columns": {}})
    stored_description, stored_comments = _comments(con, relation)
    description = stored_description if description is None else description
    comments = {**stored_comments, **(comments or {})}
    columns = _columns(con, relation, captions["columns"], comments)
    names = {c.name for c in columns}
    published = _stockholm(published_at)
    region = next((c for c in REGION_COLUMNS if c in names), None)
    groups = _groups(con, relation, region, "synthetic" in names)
    total = sum(group.rows for group in groups)
    if limit is not None and total > limit:
        return []
    if total <= max_rows or region is None:
        groups = [_Group(None, total, any(group.synthetic for group in groups), split=False)]
    synthetic_caption = next((c.caption for c in columns if c.name == "synthetic"), "synthetic")
    about = {
        "table": table,
        "title": captions["title"],
        "note": captions["note"],
        "description": description,
        "release": release,
        "published": published,
        "total": total,
        "region_column": region,
        "synthetic_caption": synthetic_caption,
    }
    written = []
    for group in groups:
        target = path.with_name(f"{path.stem}_{_file_part(group.key)}{path.suffix}") if group.split else path
        where, params = (
            (f"{_region_expression(region)} IS NOT DISTINCT FROM ?", [group.key]) if group.split else (None, [])
        )
        _write_one(con, relation, target, columns, where, params, group, about, max_rows, batch_rows)
        written.append(target)
    return written


# --------------------------------------------------------------------------------------------- columns


def _comments(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, dict[str, str]]:
    """The COMMENT ON of a table and its columns, when the relation is a table that has them."""
    parts = [p.strip('"') for p in relation.split(".")]
    table, schema, database = (
        parts[-1],
        (parts[-2] if len(parts) > 1 else None),
        (parts[-3] if len(parts) > 2 else None),
    )
    where, params = "table_name = ?", [table]
    if schema:
        where, params = where + " AND schema_name = ?", params + [schema]
    if database:
        where, params = where + " AND database_name = ?", params + [database]
    found = con.execute(f"SELECT comment FROM duckdb_tables() WHERE {where}", params).fetchall()
    columns = con.execute(f"SELECT column_name, comment FROM duckdb_columns() WHERE {where}", params).fetchall()
    return (found[0][0] or "") if found else "", {name: comment for name, comment in columns if comment}


def _columns(con: duckdb.DuckDBPyConnection, relation: str, captions: dict, comments: dict) -> list[Column]:
    described = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {relation})").fetchall()
    columns = []
    for name, sql_type in described:
        kind, value = _kind(name, sql_type)
        spec = captions.get(name, {})
        decimals = spec.get("decimals")
        if decimals is None and kind == "decimal":
            decimals = int(re.search(r",\s*(\d+)\)", sql_type)[1]) if "," in sql_type else 0
        if decimals is not None and kind not in ("integer", "decimal", "number"):
            decimals = None
        columns.append(
            Column(
                name=name,
                sql_type=sql_type,
                kind=kind,
                value=value,
                caption=spec.get("caption", name),
                comment=comments.get(name, ""),
                decimals=decimals,
            )
        )
    return columns


def _kind(name: str, sql_type: str) -> tuple[str, str]:
    """How a column of this DuckDB type is written, and the expression that reads it for that."""
    q = _quoted(name)
    base = sql_type.upper()
    if base == "BOOLEAN":
        return "boolean", q
    if base in INTEGER_TYPES:
        return "integer", q
    if base.startswith("DECIMAL") or base.startswith("NUMERIC"):
        return "decimal", q
    if base in FLOAT_TYPES:
        return "number", q
    if base == "DATE":
        return "date", q
    if base in TIMESTAMP_TYPES:
        return "datetime", f"{q}::TIMESTAMP"
    if base in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return "datetime_tz", f"timezone('Europe/Stockholm', {q})"
    if base == "VARCHAR":
        return "text", q
    if base == "JSON":
        return "json", f"{q}::VARCHAR"
    if base.endswith("]") or base.startswith(("STRUCT", "MAP", "UNION")):
        return "json", f"to_json({q})::VARCHAR"
    return "text", f"{q}::VARCHAR"


@dataclass
class _Group:
    """The rows of one workbook: a region's (``split``) or the whole table's."""

    key: str | None
    rows: int
    synthetic: bool
    split: bool = True


def _groups(con: duckdb.DuckDBPyConnection, relation: str, region: str | None, has_synthetic: bool) -> list[_Group]:
    """Rows and whether any is synthetic, per region of the table (one group without a region column)."""
    synthetic = "coalesce(bool_or(synthetic), false)" if has_synthetic else "false"
    if region is None:
        rows, flag = con.execute(f"SELECT count(*), {synthetic} FROM {relation}").fetchall()[0]
        return [_Group(None, rows, flag, split=False)]
    return [
        _Group(key, rows, flag)
        for key, rows, flag in con.execute(
            f"SELECT {_region_expression(region)} AS region, count(*), {synthetic} FROM {relation} "
            "GROUP BY ALL ORDER BY region NULLS LAST"
        ).fetchall()
    ]


def _region_expression(region: str) -> str:
    q = _quoted(region)
    # a municipality (four digits) belongs to the county of its first two; '00' Riket stands alone
    return f"CASE WHEN length({q}) = 4 THEN left({q}, 2) ELSE {q} END" if region == "area_code" else q


def _file_part(group: str | None) -> str:
    return "saknas" if group is None else re.sub(r"[^0-9A-Za-z_-]+", "-", group)


# ------------------------------------------------------------------------------------------ writing


def _sheet_rows(rows: int, max_rows: int) -> list[int]:
    """The rows of each data sheet: full sheets, then the rest (one sheet with only its header when empty)."""
    counts = [max_rows] * (rows // max_rows) + ([rows % max_rows] if rows % max_rows else [])
    return counts or [0]


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#E7EEF5"}
        )
        self.label = book.add_format({"bold": True, "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.warning = book.add_format({"bold": True, "font_color": "#B00020", "font_size": 14})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._numbers: dict[int, object] = {}

    def number(self, decimals: int | None):
        if decimals is None:
            return None
        if decimals not in self._numbers:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._numbers[decimals] = self.book.add_format({"num_format": pattern})
        return self._numbers[decimals]

    @staticmethod
    def style(cell_format) -> str:
        """The ``s`` attribute of a cell in this format ('' for none). XlsxWriter numbers a format when a cell
        first uses it and writes the styles of the numbered formats when the workbook closes; asking for the
        number here is that use, for the cells made in DuckDB."""
        return "" if cell_format is None else f' s="{cell_format._get_xf_index()}"'


def _write_one(
    con,
    relation: str,
    target: Path,
    columns: list[Column],
    where: str | None,
    params: list,
    group: _Group,
    about: dict,
    max_rows: int,
    batch_rows: int,
) -> None:
    """The workbook in two steps: XlsxWriter writes every sheet, the data sheets with their header row only; then
    the rows, made as XML in DuckDB (sql/excel/cells.sql), go into each data sheet of the package."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _install_macros(con)
    source = f"(SELECT * FROM {relation}" + (f" WHERE {where})" if where else ")")
    book = xlsxwriter.Workbook(
        str(partial),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    synthetic = group.synthetic
    try:
        book.set_properties(
            {
                "title": about["title"] or about["table"],
                "subject": about["description"],
                "comments": "SYNTETISKA DATA" if synthetic else "",
                "created": about["published"].replace(tzinfo=None),
            }
        )
        formats = _Formats(book)
        front = book.add_worksheet("Om tabellen")
        data_sheets = _add_data_sheets(book, columns, formats, _sheet_rows(group.rows, max_rows))
        texts = _texts(con, source, columns, params)
        query = _rows_query(columns, formats, texts, source, max_rows)
        _write_columns_sheet(book, columns, formats)
        _write_about(front, formats, about, group, data_sheets, texts.truncated)
        (front if synthetic else book.get_worksheet_by_name("Data")).activate()
        book.close()
        _fill_data_sheets(con, partial, query, params, data_sheets, len(columns), batch_rows)
    except BaseException:
        with contextlib.suppress(Exception):  # XlsxWriter's temporary files go with the workbook
            book.close()
        partial.unlink(missing_ok=True)
        raise
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


def _install_macros(con) -> None:
    """sql/excel/cells.sql as temporary macros of this connection (once per connection)."""
    try:  # the last macro of the file (asking duckdb_functions() costs more than a write of a small workbook)
        con.execute("SELECT xlsx_timestamp('A1', '', NULL::TIMESTAMP)").fetchall()
        return
    except (duckdb.CatalogException, duckdb.BinderException):
        pass
    temporary_macros(con, CELLS)


def _add_data_sheets(book, columns: list[Column], formats: _Formats, counts: list[int]) -> list[tuple[str, int]]:
    """The data sheets, each with its header, frozen, and a filter over the rows it will hold."""
    sheets = []
    for number, rows in enumerate(counts, start=1):
        name = "Data" if number == 1 else f"Data {number}"
        sheet = book.add_worksheet(name)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, _width(column))
            sheet.write_string(0, index, column.caption, formats.header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
        sheets.append((name, rows))
    return sheets


def _cells_sql(columns: list[Column], formats: _Formats, texts: "_Texts") -> list[str]:
    """Per column, the SQL of its cell in a row (over the columns _c0, _c1, … and the row number _r as text)."""
    cells = []
    for index, column in enumerate(columns):
        ref = f"'{xl_col_to_name(index)}' || _r"
        value = f"_c{index}"
        kind = column.kind
        if kind in ("text", "json"):
            escaped = f"xlsx_escaped({value})" if index in texts.escaped else f"xlsx_xml({value})"
            cells.append(f"xlsx_inline({ref}, {value}, {escaped})")
        elif kind == "boolean":
            cells.append(f"xlsx_boolean({ref}, {value})")
        elif kind == "date":
            cells.append(f"xlsx_date({ref}, {_literal(formats.style(formats.date))}, {value})")
        elif kind in ("datetime", "datetime_tz"):
            cells.append(f"xlsx_timestamp({ref}, {_literal(formats.style(formats.datetime))}, {value})")
        else:
            if column.decimals == "indicator":  # the format of the row's indicator's decimals
                indicator = next((f"_c{i}" for i, c in enumerate(columns) if c.name == "indicator_id"), "NULL")
                styles = {i: formats.style(formats.number(d)) for i, d in indicator_decimals().items()}
                style = (
                    f"CASE {indicator} "
                    + "".join(f"WHEN {_literal(i)} THEN {_literal(s)} " for i, s in sorted(styles.items()))
                    + "ELSE '' END"
                )
            else:
                style = _literal(formats.style(formats.number(column.decimals)))
            macro = {"integer": "xlsx_integer", "decimal": "xlsx_decimal"}.get(kind, "xlsx_double")
            cells.append(f"{macro}({ref}, {style}, {value})")
    return cells


@dataclass
class _Texts:
    """What the text columns of a workbook hold that their cells must handle: by column index, those with a
    character to write as _xHHHH_ and those with a text longer than a cell holds; how many texts are cut."""

    escaped: set[int]
    long: set[int]
    truncated: int


def _texts(con, source: str, columns: list[Column], params: list) -> _Texts:
    """One pass over the text columns (the heavier cell expressions are planned only where they are needed)."""
    texts = [i for i, c in enumerate(columns) if c.kind in ("text", "json")]
    if not texts:
        return _Texts(set(), set(), 0)
    checks = ", ".join(
        f"bool_or(xlsx_has_escapes({columns[i].value})), bool_or(length({columns[i].value}) > {CELL_CHARACTERS // 2})"
        for i in texts
    )
    found = con.execute(f"SELECT {checks} FROM {source}", params).fetchall()[0]
    escaped = {i for n, i in enumerate(texts) if found[2 * n]}
    long = {i for n, i in enumerate(texts) if found[2 * n + 1]}
    truncated = 0
    if long:
        counts = " + ".join(f"count_if(xlsx_too_long({columns[i].value}, {CELL_CHARACTERS}))" for i in sorted(long))
        truncated = con.execute(f"SELECT {counts} FROM {source}", params).fetchall()[0][0] or 0
    return _Texts(escaped, long, truncated)


def _rows_query(columns: list[Column], formats: _Formats, texts: _Texts, source: str, max_rows: int) -> str:
    """The SQL giving each row of ``source`` as a data sheet's ``<row>`` element, in the table's order (the row
    number restarts on each sheet, under its header). Texts are fitted to a cell a level below the cells, so that
    each cell's expression reads a plain column."""
    values = ", ".join(f"{c.value} AS _c{i}" for i, c in enumerate(columns))
    fitted = ", ".join(
        f"xlsx_fitted(_c{i}, {CELL_CHARACTERS}, {_literal(TRUNCATED)}) AS _c{i}" for i in sorted(texts.long)
    )
    return (
        f"SELECT concat('<row r=\"', _r, '\">', {', '.join(_cells_sql(columns, formats, texts))}, '</row>') FROM "
        f"(SELECT * {f'REPLACE ({fitted})' if fitted else ''} FROM "
        f"(SELECT ((row_number() OVER () - 1) % {max_rows} + 2)::VARCHAR AS _r, * FROM "
        f"(SELECT {values} FROM {source})))"
    )


def _fill_data_sheets(
    con, path: Path, query: str, params: list, sheets: list[tuple[str, int]], width: int, batch_rows: int
) -> None:
    """Put the rows into the data sheets of the workbook at ``path``: the package is copied member by member, and
    each data sheet (the second sheet on) gets its rows, streamed from DuckDB in Arrow batches of XML, before the
    end of its sheet data; its dimension says the range it now holds."""
    names = {f"xl/worksheets/sheet{number}.xml": rows for number, (_, rows) in enumerate(sheets, start=2)}
    filled = path.with_name(path.name + ".rows")
    reader = con.sql(query, params=params or None).to_arrow_reader(batch_rows)
    rest = None  # what is left of a batch that ran past a sheet's last row
    try:
        # the data sheets deflated at level 1: four times as fast as the default 6, the file about 30 % larger
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(filled, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
            for item in old.infolist():
                if item.filename not in names:
                    new.writestr(item, old.read(item.filename))
                    continue
                head, tail = old.read(item.filename).decode("utf-8").split("</sheetData>", 1)
                last = f"{xl_col_to_name(width - 1)}{names[item.filename] + 1}"
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
                with new.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(head.encode("utf-8"))
                    wanted = names[item.filename]
                    while wanted:
                        batch, rest = (rest if rest is not None else reader.read_next_batch().column(0)), None
                        if len(batch) > wanted:
                            batch, rest = batch.slice(0, wanted), batch.slice(wanted)
                        sheet.write(_utf8(batch))
                        wanted -= len(batch)
                    sheet.write(("</sheetData>" + tail).encode("utf-8"))
    except BaseException:
        filled.unlink(missing_ok=True)
        raise
    finally:
        reader.close()
    os.replace(filled, path)


def _utf8(strings) -> memoryview:
    """The text of an Arrow array of strings (none of them NULL) as one run of UTF-8, without a copy: an Arrow
    string array keeps its values end to end in one buffer."""
    offsets = memoryview(strings.buffers()[1]).cast("q" if pa.types.is_large_string(strings.type) else "i")
    return memoryview(strings.buffers()[2])[offsets[strings.offset] : offsets[strings.offset + len(strings)]]


def _write_text(sheet, row: int, col: int, value: str, state: dict, cell_format=None) -> None:
    if len(value) > CELL_CHARACTERS // 2 and len(value.encode("utf-16-le")) // 2 > CELL_CHARACTERS:
        keep = (CELL_CHARACTERS - len(TRUNCATED.encode("utf-16-le")) // 2) * 2
        value = value.encode("utf-16-le")[:keep].decode("utf-16-le", errors="ignore") + TRUNCATED
        state["truncated"] += 1
    if value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter's constant-memory mode passes a string shaped like its own rich-text XML through
        # unescaped; written as rich text of three plain runs it is escaped and reads back unchanged
        sheet.write_rich_string(row, col, value[:1], value[1:2], value[2:], *([cell_format] if cell_format else []))
    else:
        sheet.write_string(row, col, value, cell_format)


def _write_columns_sheet(book: xlsxwriter.Workbook, columns: list[Column], formats: _Formats) -> None:
    sheet = book.add_worksheet("Kolumner")
    for index, (title, width) in enumerate(
        [
            ("Rubrik i bladet Data", 30),
            ("Kolumn (CSV, Parquet, analyst.duckdb)", 28),
            ("Typ i Excel", 28),
            ("Beskrivning", 100),
        ]
    ):
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, title, formats.header)
    sheet.freeze_panes(1, 0)
    for row, column in enumerate(columns, start=1):
        _write_text(sheet, row, 0, column.caption, {"truncated": 0})
        _write_text(sheet, row, 1, column.name, {"truncated": 0})
        sheet.write_string(row, 2, column.excel_type)
        if column.comment:
            _write_text(sheet, row, 3, column.comment, {"truncated": 0}, formats.wrap)


def _write_about(sheet, formats: _Formats, about: dict, group: _Group, data_sheets: list, truncated: int) -> None:
    rows, synthetic = group.rows, group.synthetic
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 110)
    lines: list[tuple[str, object]] = []
    title = about["title"] or about["table"]
    lines.append(("Tabell", f"{title} ({about['table']})" if about["title"] else about["table"]))
    if synthetic:
        lines.append(
            (
                "SYNTETISKA DATA",
                "Tabellen innehåller rader som bygger på syntetiska (påhittade) data, "
                f"markerade med SANT i kolumnen {about['synthetic_caption']}. Redovisa "
                "dem aldrig som verkliga.",
            )
        )
    if about["description"]:
        lines.append(("Beskrivning", about["description"]))
    if about["note"]:
        lines.append(("Källa", about["note"]))
    if group.split:
        region = group.key if group.key is not None else "saknas"
        lines.append(
            (
                "Region",
                f"{region} (kolumnen {about['region_column']}). Tabellen har {_count(about['total'])} "
                "rader, fler än ett Excelblad rymmer, och är därför delad i en arbetsbok per region "
                f"({about['table']}_<kod>.xlsx; 00 är riket, en kommun hör till sitt län).",
            )
        )
    lines.append(("Rader", _count(rows)))
    sheet_text = "; ".join(f"{name} ({_count(count)} rader)" for name, count in data_sheets)
    if len(data_sheets) > 1:
        sheet_text += (
            f". Ett blad rymmer {_count(SHEET_DATA_ROWS)} rader under rubrikraden; raderna fortsätter i ordning."
        )
    lines.append(("Blad", sheet_text))
    lines.append(("Release", about["release"]))
    lines.append(("Publicerad (svensk tid)", about["published"].replace(tzinfo=None)))
    lines.append(
        (
            "Kolumner",
            "Bladet Kolumner: varje kolumns rubrik, dess namn i CSV, Parquet och analyst.duckdb, "
            "hur Excel lagrar den och vad den betyder.",
        )
    )
    lines.append(
        (
            "Celltyper",
            "Koder (områdeskoder, enhets-id, konton, perioder) är text och behåller inledande "
            "nollor; datum är datum, tal är tal och sant/falskt är logiska värden (SANT/FALSKT). "
            "En tom cell saknar värde (NULL), den är aldrig 0.",
        )
    )
    if truncated:
        lines.append(
            (
                "Avkortade celler",
                f"{_count(truncated)} texter var längre än de 32 767 tecken en Excelcell "
                "rymmer och är avkortade; hela värdet finns i CSV- och Parquet-filen.",
            )
        )
    moment = formats.book.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    for row, (label, value) in enumerate(lines):
        style = formats.warning if label == "SYNTETISKA DATA" else None
        sheet.write_string(row, 0, label, style or formats.label)
        if isinstance(value, dt.datetime):
            sheet.write_datetime(row, 1, value, moment)
        else:
            _write_text(sheet, row, 1, str(value), {"truncated": 0}, style or formats.wrap)


def _width(column: Column) -> float:
    typical = {
        "date": 11,
        "datetime": 19,
        "datetime_tz": 19,
        "boolean": 10,
        "integer": 10,
        "decimal": 14,
        "number": 14,
    }.get(column.kind, 18)
    return min(max(len(column.caption) * 0.9 + 2, typical), 45)


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _stockholm(moment: dt.datetime | str) -> dt.datetime:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(TIMEZONE)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
