"""How DuckDB reads one delivered file of a regional source: CSV as Swedish systems export it, or Parquet.

Python looks at the first bytes (what the file is, its encoding, separator and header) and scans the
bytes once for their encoding; the rows are read by DuckDB.

Whatever must be written before de-identification lives in the warehouse's own work folder,
``<warehouse>/.work/`` (readable by the owner only): a UTF-8 copy of a Windows-1252 file holding
characters only that code page has (€, –, ”), and a copy of a Parquet file whose number column holds
identity numbers, with the leading zeros the numbers lost put back. The copy is removed as soon as
the file is read (``Delivery.cleanup``, however the read ends); a copy left by a refresh that was
killed is removed by ``sweep_work_dir`` when the next refresh starts. Nothing is written to the
machine's temporary folder.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.file_kinds import not_text, nul_byte_problem
from pipelines.privacy import personnummer_pattern, scrub
from pipelines.regional.spec import Column, Source
from pipelines.warehouse import work_dir_of

PARQUET_MAGIC = b"PAR1"
CHUNK = 1 << 20
# Parquet types that hold numbers: a personnummer can arrive as one
NUMBER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


class SourceFileError(ValueError):
    """A file that cannot be read as its source's format: names the file, row and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.reason = (
            scrub(file),
            row,
            scrub(column) if column else column,
            scrub(message),
        )
        where = (
            [self.file] + ([f"row {row}"] if row is not None else []) + ([f"column '{self.column}'"] if column else [])
        )
        super().__init__(f"{', '.join(where)}: {self.reason}")


@dataclass
class Delivery:
    """One file ready for DuckDB: the table expression to read it and the columns it delivers."""

    path: Path
    format: str  # csv or parquet
    encoding: str | None
    separator: str | None
    columns: dict[str, Column]  # delivered column name -> the format's column
    read_path: Path  # what DuckDB reads: the file, or its copy in the work folder
    first_row: int  # the line/row number of the first data row

    def table_sql(self) -> str:
        path = _literal(str(self.read_path))
        if self.format == "parquet":
            return f"read_parquet({path})"
        return (
            f"read_csv({path}, delim={_literal(self.separator)}, header=true, all_varchar=true, "
            f"quote='\"', escape='\"', encoding={_literal(self.encoding)}, strict_mode=true, "
            "auto_detect=false, columns={" + ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in self.columns) + "})"
        )

    def cleanup(self) -> None:
        if self.read_path != self.path:
            self.read_path.unlink(missing_ok=True)


def open_delivery(
    path: Path, source: Source, display: str, con: duckdb.DuckDBPyConnection, work_dir: Path | None = None
) -> Delivery:
    """What DuckDB needs to read ``path``; a copy, where one is needed, goes to ``work_dir`` (default ``<warehouse>/.work``)."""
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
    if not head.strip():
        raise SourceFileError(display, "the file is empty")
    if head.startswith(PARQUET_MAGIC):
        return _open_parquet(path, source, display, con, work_dir)
    if problem := not_text(head):
        raise SourceFileError(display, problem)
    encoding, read_path = _encoding(path, head, display, lambda: _work_folder(con, work_dir))
    try:
        if read_path != path:
            with read_path.open("rb") as handle:
                head = handle.read(CHUNK)
        text = head.decode("utf-8-sig" if encoding == "utf-8" else "latin-1", errors="replace")
        header_line = text.splitlines()[0] if text.splitlines() else ""
        separator = _separator(header_line, source, display)
        names = [cell.strip().strip('"') for cell in header_line.split(separator)]
        columns = _map_columns(names, source, display, 1)
    except BaseException:
        if read_path != path:
            read_path.unlink(missing_ok=True)
        raise
    return Delivery(path, "csv", encoding, separator, columns, read_path, 2)


def explain_read_error(delivery: Delivery, source: Source, display: str, error: duckdb.Error) -> SourceFileError:
    """DuckDB's error reading a delivery, as the file, the row and what was expected (never the line's content)."""
    message = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", message)
    row = int(line.group(1)) if line else None
    shape = (
        (f"{len(delivery.columns)} fields ({', '.join(delivery.columns)}) separated by '{delivery.separator}'")
        if delivery.format == "csv"
        else ""
    )
    if counts := re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message):
        expected, found = int(counts.group(1)), int(counts.group(2))
        why = (
            "the line ends early: it was cut off, or a value holding a line break lost its quotes"
            if found < expected
            else f"a value holds '{delivery.separator}' without quotes around it"
        )
        return SourceFileError(
            display, f"the line has {found} fields where a {source.name} row has {shape}: {why}", row=row
        )
    if "unterminated quote" in message:
        return SourceFileError(
            display,
            'a value opens a quote (") that is not closed before the file ends: the '
            'line was cut off, or a quote inside a value is not written twice ("")',
            row=row,
        )
    if size := re.search(r"Maximum line size of (\d+) bytes exceeded", message):
        return SourceFileError(
            display,
            f"the line is longer than {int(size.group(1)):,} bytes: no {source.name} "
            "row is; line breaks are missing, or a value is not text",
            row=row,
        )
    if "Invalid unicode" in message:
        return SourceFileError(
            display,
            f"the line holds bytes that are not {delivery.encoding or 'UTF-8'} text: "
            "the file mixes encodings or is damaged; export it again in one encoding",
            row=row,
        )
    if delivery.format == "parquet":
        return SourceFileError(
            display,
            f"the Parquet file cannot be read to the end ({_first_line(error, delivery)}): "
            "it is damaged or was cut off while it was copied; deliver it again",
        )
    return SourceFileError(
        display, f"cannot be read as {source.name} ({delivery.format}): {_first_line(error, delivery)}", row=row
    )


def _work_folder(con: duckdb.DuckDBPyConnection, work_dir: Path | None) -> Path:
    folder = Path(work_dir) if work_dir is not None else work_dir_of(con)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _work_file(folder: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="reading-", suffix=suffix, dir=folder)
    os.close(handle)
    return Path(name)


def _open_parquet(
    path: Path, source: Source, display: str, con: duckdb.DuckDBPyConnection, work_dir: Path | None
) -> Delivery:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(str(path))})").fetchall()
    except duckdb.Error as error:
        raise SourceFileError(
            display,
            f"not a readable Parquet file ({_first_line(error, None, path)}): it is "
            "damaged or was cut off while it was copied; deliver it again",
        ) from None
    names = [row[0] for row in described]
    columns = _map_columns(names, source, display, 0)
    numbers = [name for name, kind, *_ in described if kind.upper().startswith(NUMBER_TYPES)]
    holding = _number_columns_holding_identities(con, path, numbers, display)
    read_path = (
        _with_zeros_restored(con, path, names, holding, _work_folder(con, work_dir), display) if holding else path
    )
    return Delivery(path, "parquet", None, None, columns, read_path, 1)


def _number_columns_holding_identities(
    con: duckdb.DuckDBPyConnection, path: Path, numbers: list[str], display: str
) -> list[str]:
    """The number columns where some value is a whole identity number (12 digits, or 10 from a year 10 on)."""
    numbers = _beyond_nine_digits(con, path, numbers)
    if not numbers:
        return []
    whole = _literal(personnummer_pattern() + r"(?:\.0+)?")
    checks = ", ".join(
        f"coalesce(bool_or(abs({_ident(n)}) >= 1e9 AND "
        f"regexp_full_match(CAST({_ident(n)} AS VARCHAR), {whole})), false)"
        for n in numbers
    )
    try:
        found = con.execute(f"SELECT {checks} FROM read_parquet({_literal(str(path))})").fetchall()[0]
    except duckdb.Error as error:
        raise SourceFileError(
            display,
            f"the Parquet file cannot be read to the end ({_first_line(error, None, path)}):"
            " it is damaged or was cut off while it was copied; deliver it again",
        ) from None
    return [name for name, holds in zip(numbers, found) if holds]


def _beyond_nine_digits(con: duckdb.DuckDBPyConnection, path: Path, numbers: list[str]) -> list[str]:
    """The number columns that may hold a value of ten digits or more: all but those whose Parquet statistics
    (minimum and maximum of every row group, where the writer kept them) say otherwise, so they need no scan."""
    if not numbers:
        return []
    try:
        bounded = {
            name
            for name, known in con.execute(
                "SELECT path_in_schema, bool_and(coalesce(abs(TRY_CAST(stats_min_value AS DOUBLE)) < 1e9 "
                "AND abs(TRY_CAST(stats_max_value AS DOUBLE)) < 1e9, false)) "
                f"FROM parquet_metadata({_literal(str(path))}) GROUP BY 1"
            ).fetchall()
            if known
        }
    except duckdb.Error:
        bounded = set()
    return [name for name in numbers if name not in bounded]


def _with_zeros_restored(
    con: duckdb.DuckDBPyConnection, path: Path, names: list[str], holding: list[str], folder: Path, display: str
) -> Path:
    """A copy where each number in ``holding`` is text, and one that lost its leading zeros has them back.

    In a column of identity numbers, a nine-digit number is a ten-digit identity number born in a year
    ending 00..09 whose leading zero the exporting system dropped: with the zero put back it is an
    identity number, and becomes the same pseudonym as its other forms.
    """
    pattern = _literal(personnummer_pattern())
    replaced = []
    for name in holding:
        column = _ident(name)
        padded = f"lpad(CAST(CAST({column} AS HUGEINT) AS VARCHAR), 10, '0')"
        replaced.append(
            f"CASE WHEN {column} IS NULL THEN NULL "
            f"WHEN abs({column}) < 1e9 AND {column} = trunc({column}) AND regexp_full_match({padded}, {pattern}) "
            f"THEN {padded} ELSE CAST({column} AS VARCHAR) END AS {column}"
        )
    copy = _work_file(folder, ".parquet")
    try:
        con.execute(
            f"COPY (SELECT * REPLACE ({', '.join(replaced)}) FROM read_parquet({_literal(str(path))})) "
            f"TO {_literal(str(copy))} (FORMAT parquet)"
        ).fetchall()
    except BaseException as error:
        copy.unlink(missing_ok=True)
        if isinstance(error, duckdb.Error):
            raise SourceFileError(
                display,
                f"the Parquet file cannot be read to the end "
                f"({_first_line(error, None, path)}): it is damaged or was cut off while "
                "it was copied; deliver it again",
            ) from None
        raise
    return copy


def _encoding(path: Path, head: bytes, display: str, folder) -> tuple[str, Path]:
    """UTF-8 (with or without BOM) is read as is; cp1252 as latin-1 where the two agree, else transcoded."""
    if _is_utf8(path, display):
        return "utf-8", path
    if _holds_utf8_letters(path):
        # UTF-8 å, ä, ö beside bytes that are not UTF-8: read either way, some text would come out wrong
        raise SourceFileError(
            display,
            "mixes encodings: it holds UTF-8 letters (such as ä written as two "
            "bytes) and bytes that are not UTF-8; export it again in one encoding "
            "(UTF-8, or Windows-1252)",
        )
    if not _has_cp1252_only_bytes(path):
        return "latin-1", path  # identical to cp1252 outside 0x80-0x9F
    copy = _work_file(folder(), ".csv")
    try:
        with (
            path.open("r", encoding="cp1252", newline="") as source,
            copy.open("w", encoding="utf-8", newline="") as out,
        ):
            shutil.copyfileobj(source, out, CHUNK)
    except UnicodeDecodeError as error:  # bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are not cp1252 characters
        copy.unlink(missing_ok=True)
        raise SourceFileError(
            display,
            f"is neither UTF-8 nor Windows-1252 (cp1252) text: byte "
            f"0x{error.object[error.start]:02X} is not a character in either",
        ) from None
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return "utf-8", copy


def _is_utf8(path: Path, display: str) -> bool:
    """Whether the whole file is UTF-8; a NUL byte anywhere refuses it (one pass over the bytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid, offset, lines = True, 0, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if problem := nul_byte_problem(chunk, offset, lines):
                raise SourceFileError(display, problem)
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    return valid


# å ä ö é Å Ä Ö É in UTF-8: in a Windows-1252 file these pairs would read as "Ã¥" and the like, which
# no Swedish export writes
UTF8_LETTERS = (b"\xc3\xa5", b"\xc3\xa4", b"\xc3\xb6", b"\xc3\xa9", b"\xc3\x85", b"\xc3\x84", b"\xc3\x96", b"\xc3\x89")


def _holds_utf8_letters(path: Path) -> bool:
    with path.open("rb") as handle:
        previous = b""
        while chunk := handle.read(CHUNK):
            window = previous + chunk
            if any(letter in window for letter in UTF8_LETTERS):
                return True
            previous = chunk[-1:]
    return False


def _has_cp1252_only_bytes(path: Path) -> bool:
    special = bytes(range(0x80, 0xA0))
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if any(b in chunk for b in special):
                return True
    return False


def _separator(header_line: str, source: Source, display: str) -> str:
    for separator in (";", "\t", ","):
        cells = [c.strip().strip('"') for c in header_line.split(separator)]
        if len(cells) > 1 and sum(source.match(c) is not None for c in cells) >= 2:
            return separator
    raise SourceFileError(
        display,
        f"the first line is not a {source.name} header: expected columns such as "
        + ", ".join(c.header for c in source.columns[:4])
        + " separated by ';'",
        row=1,
    )


def _map_columns(names: list[str], source: Source, display: str, header_row: int) -> dict[str, Column]:
    mapped: dict[str, Column] = {}
    for name in names:
        column = source.match(name)
        if column is None:
            raise SourceFileError(
                display,
                f"unexpected column: {source.name} files have " + ", ".join(c.header for c in source.columns),
                row=header_row or None,
                column=name,
            )
        if column in mapped.values():
            raise SourceFileError(display, f"two columns mean {column.header}", row=header_row or None, column=name)
        mapped[name] = column
    missing = [c.header for c in source.columns if not c.optional and c not in mapped.values()]
    if missing:
        raise SourceFileError(display, f"required column(s) missing: {', '.join(missing)}", row=header_row or None)
    return mapped


def _first_line(error: Exception, delivery: Delivery | None, path: Path | None = None) -> str:
    """DuckDB's first line, without the file's path (the message names the file already)."""
    text = str(error).strip().splitlines()[0]
    for location in filter(None, [path, delivery and delivery.read_path, delivery and delivery.path]):
        text = text.replace(f" '{location}'", "").replace(f' "{location}"', "").replace(str(location), "the file")
    return scrub(text.removeprefix("Invalid Input Error: ").removeprefix("IO Error: "))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
