"""Read SCB population files in any of SCB's formats into one long table of labels.

Recognises the format by content (never by file name):

- ``jsonstat2``        JSON-stat 2.0 dataset (PxWeb API v1 ``json-stat2``, PxWebApi v2 ``json-stat2``)
- ``pxweb_web_export`` PxWeb web export "med rubrik": title line, blank line, header, rows
- ``pxwebapi_v2_csv``  PxWebApi v2 ``csv``: codes only, e.g. age ``100+1``, civil status ``SC``,
                       value header ``000007ME 2025``
- ``pxweb_v1_csv``     PxWeb API v1 ``csv``: labels such as ``19 Västmanlands län``, ``0 år``, ``män``

The output keeps the labels exactly as delivered (strings); turning them into codes
is the staging SQL's job (``sql/staging/population_parsed.sql``), so that raw stays
a faithful copy of what the source sent. Two exceptions: anything shaped like a personal
identity number is masked (pipelines/privacy.py), in values, labels, the title and
every message; and footnotes are not data.

Footnotes: SCB's downloads and the sheets saved from them end with notes below the table
("Fotnot: ...", "Källa: SCB", "Senast uppdaterad: ...", the footnotes of a variable or a value).
The table ends where they begin: a line starting with such a word, or, after a blank line, a line
with text in one cell only. Everything from there on is kept as the file's notes, never read as
data, even where a note holds a number ("Folkmängd 2023: 280 813"); a line after the notes that has
the table's shape (every column, a number last) refuses the file, since a file holds one table.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.file_kinds import not_text, nul_byte_problem
from pipelines.privacy import MASK, personnummer_pattern, scrub

# The long shape every format is read into (all strings, as delivered).
LABEL_COLUMNS = ["area_label", "civil_status_label", "age_label", "sex_label", "period_label"]
RAW_SCHEMA = pa.schema(
    [("source_row", pa.int64()), ("source_column", pa.string())]
    + [(c, pa.string()) for c in LABEL_COLUMNS]
    + [("value_text", pa.string())]
)

# Header names (Swedish and English labels, PxWeb codes) of the dimensions we understand.
DIMENSION_NAMES = {
    "area_label": {"region", "område", "omrade", "area"},
    "civil_status_label": {"civilstånd", "civilstand", "marital status", "civil status"},
    "age_label": {"ålder", "alder", "age"},
    "sex_label": {"kön", "kon", "sex"},
    "period_label": {"år", "ar", "tid", "year", "period"},
}
CONTENT_NAMES = {"tabellinnehåll", "tabellinnehall", "contentscode", "table content", "contents"}
# Value columns: a year at the end, optionally after a content label or code
# ("2023", "Folkmängd 2023", "000007ME 2025").
YEAR_COLUMN = re.compile(r"^(?:(?P<content>.*\S)\s+)?(?P<year>\d{4})$")
POPULATION_CONTENT = re.compile(r"folkmängd|folkmangd|population|BE0101N1|000007ME", re.IGNORECASE)
SYNTHETIC_MARK = re.compile(r"syntetisk|synthetic", re.IGNORECASE)

SNIFF_BYTES = 64 * 1024
# The first words of a note below the table (SCB's downloads, and sheets saved from them)
FOOTNOTE_START = re.compile(
    r"^\s*\"?\s*(fotnot(?:er)?|footnotes?|anm(?:ärkning(?:ar)?)?\b|not(?:e|er|es)?\s*:|källa|source\s*:|"
    r"senast\s+uppdaterad|uppdaterad\s*:|last\s+updated|kontakt(?:person)?\s*:|contact\s*:|"
    r"(?:tecken)?förklaring|copyright|upphovsrätt)",
    re.IGNORECASE,
)
# the last cell of a table row: a number, SCB's ".." (missing) or "-" (nothing)
BLANK = ' \t;,"\u00a0'  # what a line holds when it has no value (Excel saves an empty row as ";;;")
AREA_LABEL = re.compile(r"^\s*[0-9]{2,4}(\s|$)")
TABLE_VALUE = re.compile(r"^\s*(?:\.\.|-|[0-9][0-9 \u00a0]*)\s*$")


class PopulationFormatError(ValueError):
    """A population file that cannot be read: says which file, row, column and what was wrong."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        # whatever a file holds may be shown here (a header, a label): never an identity number
        self.file, self.row, self.reason = scrub(file), row, scrub(message)
        self.column = scrub(column) if column is not None else None
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        super().__init__(f"{', '.join(where)}: {self.reason}")


@dataclass
class ParsedFile:
    """One population file read into the long label shape, with what was learnt about it."""

    format: str
    encoding: str
    separator: str | None
    title: str | None
    synthetic: bool
    table: pa.Table
    notes: list[str] = field(default_factory=list)


def read_population_file(path: Path, display_name: str | None = None) -> ParsedFile:
    """Read one population file, whatever SCB format it is in."""
    name = display_name or path.name
    data = path.read_bytes()
    if not data.strip():
        raise PopulationFormatError(name, "the file is empty")
    if problem := not_text(data[:SNIFF_BYTES]) or nul_byte_problem(data, 0, 0):
        raise PopulationFormatError(name, problem)
    text, encoding = _decode(data, name)
    parsed = _read_jsonstat2(text, encoding, name) if text.lstrip().startswith("{") else _read_csv(text, encoding, name)
    parsed.table = _masked(parsed.table)
    parsed.title = scrub(parsed.title) if parsed.title is not None else None
    return parsed


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 with or without BOM, else cp1252 (what Swedish Windows exports use)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise PopulationFormatError(
                name,
                f"starts with the UTF-8 byte order mark but byte {error.start + 3:,} "
                "is not UTF-8: the file mixes encodings; export it again",
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252", errors="strict"), "cp1252"
    except UnicodeDecodeError as error:  # bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are not cp1252 characters
        raise PopulationFormatError(
            name,
            f"is neither UTF-8 nor Windows-1252 (cp1252) text: byte "
            f"0x{data[error.start]:02X} is not a character in either",
        ) from None


def _masked(table: pa.Table) -> pa.Table:
    """Every label and value shaped like a personal identity number masked, before anything is written."""
    around = "(^|[^0-9])" + personnummer_pattern() + "([^0-9]|$)"
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_string(column.type):
            for _ in range(2):  # two numbers side by side share a boundary
                column = pc.replace_substring_regex(column, pattern=around, replacement=r"\1" + MASK + r"\2")
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


# --------------------------------------------------------------------------- CSV


def _read_csv(text: str, encoding: str, name: str) -> ParsedFile:
    lines = text.splitlines()
    title, header_index = _find_header(lines, name)
    header_line = lines[header_index]
    separator = _detect_separator(header_line, name, header_index + 1)
    end, notes = _footnotes(lines, header_index, separator, name)
    body = "\n".join(lines[header_index:end])
    try:
        frame = pl.read_csv(
            io.StringIO(body),
            separator=separator,
            infer_schema=False,  # everything as delivered, as strings
            quote_char='"',
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as error:
        raise PopulationFormatError(name, f"not a readable CSV with separator '{separator}': {error}".splitlines()[0])
    header = [str(c).strip() for c in frame.columns]
    frame.columns = header
    dims, value_columns, period_column, content_column = _classify_columns(header, name, header_index + 1)
    first_data_row = header_index + 2  # 1-based line number of the first data row
    frame = frame.with_row_index("source_row", offset=first_data_row)
    frame = _drop_blank_trailing_rows(frame, [c for c in header])

    if value_columns:  # wide: one column per year
        long = frame.unpivot(
            index=["source_row", *dims.values()],
            on=value_columns,
            variable_name="source_column",
            value_name="value_text",
        ).with_columns(pl.col("source_column").alias("period_label"))
    else:  # long: a period column and one value column
        value_column = [c for c in header if c not in dims.values() and c not in (period_column, content_column)]
        if len(value_column) != 1:
            raise PopulationFormatError(
                name,
                f"expected one value column beside {sorted(dims.values())}, found {value_column}",
                row=header_index + 1,
            )
        long = frame.with_columns(
            pl.col(period_column).alias("period_label"),
            pl.col(value_column[0]).alias("value_text"),
            pl.lit(value_column[0]).alias("source_column"),
        )
        if content_column:
            long = _keep_population_content(long, content_column, name)
    rename = {column: label for label, column in dims.items()}
    long = long.rename(rename)
    for label in LABEL_COLUMNS:
        if label not in long.columns:
            long = long.with_columns(pl.lit(None, dtype=pl.String).alias(label))
    long = (
        long.with_columns(pl.col("source_row").cast(pl.Int64))
        .select(RAW_SCHEMA.names)
        .sort(["source_row", "source_column"])
    )
    fmt = _csv_flavour(title, long)
    return ParsedFile(
        format=fmt,
        encoding=encoding,
        separator=separator,
        title=title,
        synthetic=bool(title and SYNTHETIC_MARK.search(title)),
        table=long.to_arrow().cast(RAW_SCHEMA),
        notes=notes,
    )


def _find_header(lines: list[str], name: str) -> tuple[str | None, int]:
    """Return (title, index of the header line). A web export "med rubrik" has a title, then a blank line.

    A line of separators alone (";;;", as Excel saves an empty row) is blank too, and the title cell
    is read without the empty cells Excel puts after it.
    """
    non_blank = [i for i, line in enumerate(lines) if line.strip(BLANK)]
    if not non_blank:
        raise PopulationFormatError(name, "the file has no header line")
    first = non_blank[0]
    if len(non_blank) > 1 and non_blank[1] > first + 1:
        return lines[first].strip().rstrip(";,\t").strip().strip('"').strip(), non_blank[1]
    return None, first


def _footnotes(lines: list[str], header_index: int, separator: str, name: str) -> tuple[int, list[str]]:
    """(index of the first line after the table, the notes below it); see the module's docstring.

    Notes are at the end: the lines are looked at from the last one back to the table's last row.
    """
    width = len(_cells(lines[header_index], separator))
    tail: list[tuple[int, str]] = []
    for index in range(len(lines) - 1, header_index, -1):
        kind = _line_kind(lines[index], separator, width)
        if kind == "row":
            break
        tail.insert(0, (index, kind))
    start = next(
        (
            index
            for position, (index, kind) in enumerate(tail)
            if kind == "marker" or (kind == "note" and position > 0 and tail[position - 1][1] == "blank")
        ),
        None,
    )
    if start is None:
        return len(lines), []
    for index, kind in tail:
        if (
            index > start
            and kind == "other"
            and len(_cells(lines[index], separator)) == width
            and sum(bool(cell.strip()) for cell in _cells(lines[index], separator)) > 1
        ):
            raise PopulationFormatError(
                name,
                f"a line with the table's {width} columns after the notes that begin on row {start + 1}: "
                "a file holds one table, with its notes below it",
                row=index + 1,
            )
    end = start
    while end > header_index + 1 and not lines[end - 1].strip(separator + ' "\t'):
        end -= 1
    notes = [
        scrub(" ".join(cell.strip() for cell in _cells(line, separator) if cell.strip())) for line in lines[start:]
    ]
    return end, [note for note in notes if note]


def _cells(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator, quotechar='"'), [])


def _line_kind(line: str, separator: str, width: int) -> str:
    """blank, marker (a note's first words), row (the table's shape), note (text in one cell) or other."""
    cells = _cells(line, separator)
    filled = [cell for cell in cells if cell.strip()]
    if not filled:
        return "blank"
    if FOOTNOTE_START.match(filled[0]):
        return "marker"
    if len(cells) == width and len(filled) == width and TABLE_VALUE.match(cells[-1]):
        return "row"
    # text in one cell is a note, unless it is a label of the table's own (SCB's "0980 Gotland")
    return "note" if len(filled) == 1 and not AREA_LABEL.match(filled[0]) else "other"


def _detect_separator(header_line: str, name: str, row: int) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    sep, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        raise PopulationFormatError(
            name, "the header has no separator: expected a comma, semicolon or tab between columns", row=row
        )
    return sep


def _normalise(header: str) -> str:
    return header.strip().strip('"').strip().lower()


def _classify_columns(header: list[str], name: str, row: int):
    dims: dict[str, str] = {}
    value_columns: list[str] = []
    contents: dict[str, str] = {}
    content_column = None
    for column in header:
        key = _normalise(column)
        label = next((lab for lab, names in DIMENSION_NAMES.items() if key in names), None)
        if label:
            if label in dims:
                raise PopulationFormatError(
                    name, f"two columns mean {label.removesuffix('_label')}", row=row, column=column
                )
            dims[label] = column
        elif key in CONTENT_NAMES:
            content_column = column
        elif match := YEAR_COLUMN.match(column.strip()):
            value_columns.append(column)
            contents[column] = match.group("content") or ""
        else:
            raise PopulationFormatError(
                name,
                "unexpected column: expected region, civilstånd, ålder, kön, år/tid or a year such as "
                "'2023' or 'Folkmängd 2023' (another breakdown would be summed over and count people twice)",
                row=row,
                column=column,
            )
    period_column = dims.pop("period_label", None)
    if "area_label" not in dims:
        raise PopulationFormatError(name, f"no region column among {header}", row=row)
    if "age_label" not in dims:
        raise PopulationFormatError(name, f"no age (ålder) column among {header}", row=row)
    if value_columns and period_column:
        raise PopulationFormatError(name, "both a period column and year columns", row=row, column=period_column)
    if not value_columns and not period_column:
        raise PopulationFormatError(name, "no year: expected year columns ('2023') or an år/tid column", row=row)
    if value_columns:
        kinds = sorted(set(contents.values()))
        if len(kinds) > 1:
            wanted = [k for k in kinds if POPULATION_CONTENT.search(k)]
            if len(wanted) != 1:
                raise PopulationFormatError(
                    name, f"several contents in year columns {kinds}; expected one of them to be Folkmängd", row=row
                )
            value_columns = [c for c in value_columns if contents[c] == wanted[0]]
    return dims, value_columns, period_column, content_column


def _keep_population_content(long: pl.DataFrame, content_column: str, name: str) -> pl.DataFrame:
    kinds = long.get_column(content_column).unique().to_list()
    if len(kinds) <= 1:
        return long
    wanted = [k for k in kinds if k and POPULATION_CONTENT.search(k)]
    if len(wanted) != 1:
        raise PopulationFormatError(
            name, f"several contents {sorted(map(str, kinds))}; expected one Folkmängd", column=content_column
        )
    return long.filter(pl.col(content_column) == wanted[0])


def _drop_blank_trailing_rows(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """PxWeb exports may end with blank lines or a footnote line; keep every row that has any value."""
    blank = pl.all_horizontal([(pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")) for c in columns])
    return frame.filter(~blank)


def _csv_flavour(title: str | None, long: pl.DataFrame) -> str:
    if title is not None:
        return "pxweb_web_export"
    codes_only = long.select(
        pl.col("area_label").str.contains(r"^\s*\d{2,4}\s*$").all() & pl.col("sex_label").is_in(["1", "2", "1+2"]).all()
    ).item()
    return "pxwebapi_v2_csv" if codes_only else "pxweb_v1_csv"


# --------------------------------------------------------------------- JSON-stat


def _read_jsonstat2(text: str, encoding: str, name: str) -> ParsedFile:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise PopulationFormatError(name, f"not valid JSON: {error.msg}", row=error.lineno)
    if doc.get("class") != "dataset" or "dimension" not in doc or "value" not in doc:
        raise PopulationFormatError(
            name,
            "JSON but not a JSON-stat 2.0 dataset (expected class 'dataset', 'dimension', 'id', 'size' and 'value')",
        )
    ids, sizes = doc.get("id"), doc.get("size")
    if not ids or not sizes or len(ids) != len(sizes):
        raise PopulationFormatError(name, "JSON-stat 'id' and 'size' are missing or of different lengths")
    total = int(np.prod(sizes))
    values = _jsonstat_values(doc.get("value"), total, name)
    status = _jsonstat_status(doc.get("status"), total)

    columns: dict[str, np.ndarray] = {}
    labels_for: dict[str, str] = {}
    content_dim = None
    stride = total
    for dim_id, size in zip(ids, sizes):
        dim = doc["dimension"][dim_id]
        category = dim.get("category", {})
        codes = _jsonstat_codes(category, size, name, dim_id)
        cat_labels = category.get("label", {})
        stride //= size
        label_key = _jsonstat_dimension(dim_id, dim.get("label", ""), doc, name)
        # Region and other labelled dimensions: "code label", so staging sees what CSVs carry.
        shown = np.array([_jsonstat_shown(label_key, code, cat_labels.get(code)) for code in codes], dtype=object)
        positions = (np.arange(total) // stride) % size
        if label_key == "content":
            content_dim = (dim_id, codes, positions)
            continue
        if label_key:
            columns[label_key] = shown[positions]
            labels_for[label_key] = dim_id
    keep = np.ones(total, dtype=bool)
    if content_dim:
        dim_id, codes, positions = content_dim
        if len(codes) > 1:
            labels = doc["dimension"][dim_id].get("category", {}).get("label", {})
            wanted = [i for i, c in enumerate(codes) if POPULATION_CONTENT.search(f"{c} {labels.get(c, '')}")]
            if len(wanted) != 1:
                raise PopulationFormatError(name, f"several contents {codes}; expected one Folkmängd", column=dim_id)
            keep = positions == wanted[0]
    for required in ("area_label", "age_label", "period_label"):
        if required not in columns:
            raise PopulationFormatError(
                name, f"JSON-stat dataset has no {required.removesuffix('_label')} dimension among {ids}"
            )
    value_text = _value_or_status(values, status)
    arrays = {
        "source_row": pa.array(np.arange(1, total + 1)[keep], type=pa.int64()),
        "source_column": pa.array(np.full(keep.sum(), "value", dtype=object), type=pa.string()),
    }
    for label in LABEL_COLUMNS:
        col = columns.get(label)
        arrays[label] = (
            pa.array(None if col is None else col[keep], type=pa.string())
            if col is not None
            else pa.nulls(int(keep.sum()), type=pa.string())
        )
    arrays["value_text"] = pa.array(value_text[keep], type=pa.string())
    table = pa.table(arrays, schema=RAW_SCHEMA)
    marks = " ".join(str(doc.get(k, "")) for k in ("label", "source", "note", "extension"))
    return ParsedFile(
        format="jsonstat2",
        encoding=encoding,
        separator=None,
        title=doc.get("label"),
        synthetic=bool(SYNTHETIC_MARK.search(marks)) or bool((doc.get("extension") or {}).get("synthetic")),
        table=table,
    )


def _jsonstat_values(value, total: int, name: str) -> np.ndarray:
    out = np.full(total, None, dtype=object)
    if isinstance(value, list):
        if len(value) != total:
            raise PopulationFormatError(name, f"JSON-stat 'value' has {len(value)} cells, size says {total}")
        out[:] = value
    elif isinstance(value, dict):  # sparse form: {"position": value}
        for position, v in value.items():
            out[int(position)] = v
    else:
        raise PopulationFormatError(name, "JSON-stat 'value' is neither a list nor an object")
    return out


def _jsonstat_status(status, total: int) -> np.ndarray:
    """Status symbols (SCB writes '..' for missing) replace a null value so staging can tell why."""
    out = np.full(total, None, dtype=object)
    if isinstance(status, dict):
        for position, symbol in status.items():
            out[int(position)] = symbol
    elif isinstance(status, list) and len(status) == total:
        out[:] = status
    elif isinstance(status, str):
        out[:] = status
    return out


def _jsonstat_codes(category: dict, size: int, name: str, dim_id: str) -> list[str]:
    index = category.get("index")
    if isinstance(index, dict):
        codes = [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    elif isinstance(index, list):
        codes = list(index)
    else:
        codes = list(category.get("label", {}).keys())
    if len(codes) != size:
        raise PopulationFormatError(name, f"dimension has {len(codes)} categories, size says {size}", column=dim_id)
    return [str(c) for c in codes]


def _jsonstat_dimension(dim_id: str, label: str, doc: dict, name: str) -> str | None:
    key_id, key_label = _normalise(dim_id), _normalise(label)
    if key_id in CONTENT_NAMES or key_label in CONTENT_NAMES:
        return "content"
    for lab, names in DIMENSION_NAMES.items():
        if key_id in names or key_label in names:
            return lab
    role = doc.get("role", {})
    if dim_id in role.get("time", []):
        return "period_label"
    if dim_id in role.get("metric", []):
        return "content"
    raise PopulationFormatError(
        name,
        "unexpected dimension: expected region, civilstånd, ålder, kön, tid (another breakdown would "
        "be summed over and count people twice)",
        column=dim_id,
    )


def _jsonstat_shown(label_key: str | None, code: str, label: str | None) -> str:
    if label_key == "area_label" and label and not label.startswith(code):
        return f"{code} {label}"
    return code


def _value_or_status(values: np.ndarray, status: np.ndarray) -> np.ndarray:
    """The value as text; where it is null, the status symbol instead ('..' = missing), so staging can tell why."""
    chosen = np.where(np.equal(values, None), status, values)
    return np.array([None if v is None else _number_text(v) for v in chosen], dtype=object)


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
