"""CSV that Swedish Excel opens as it should: semicolons, decimal commas, UTF-8 with a BOM.

Excel in a Swedish locale reads a double-clicked ``.csv`` with ``;`` as the list separator and ``,``
as the decimal mark, and takes the file as UTF-8 only when it starts with a byte order mark (else
å, ä and ö come out garbled). DuckDB writes the rows (``COPY ... TO``); numbers are written as text
with a decimal comma by the query (DuckDB's CSV writer has no decimal-separator option), without
thousands separators or exponents; dates as ISO ``YYYY-MM-DD``, which Excel recognises; NULL as an
empty cell. Python only writes the three BOM bytes and appends DuckDB's file to them.

Nothing in a cell is a formula. Excel (and LibreOffice, Google Sheets) runs a cell that begins with
'=', '+', '-' or '@' as a formula, and a tab or carriage return before it hides one; a value from a
delivered file (an id, a name, a voucher text, the value a quarantined row held) can begin so. Such
a text cell is written with a single quote before it, as OWASP's rule for CSV injection says
(https://owasp.org/www-community/attacks/CSV_Injection): Excel shows the text and runs nothing.
Numbers stay numbers (-1,5 is a number, not a formula): only text columns are neutralised.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

BOM = b"\xef\xbb\xbf"
NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
TEXT = {"VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "JSON"}  # text columns (not lists of text)
# a text cell starting so is a formula to a spreadsheet (OWASP: CSV injection): = + - @ tab CR
FORMULA_START = r"'^[=+\-@\t\r]'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def excel_select(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """A SELECT over ``relation`` (a table name): fractional numbers as text with a decimal comma, and each
    text cell a spreadsheet would run as a formula written with a single quote before it."""
    columns = con.execute(f"DESCRIBE {relation}").fetchall()
    parts = []
    for name, column_type, *_ in columns:
        q = _quoted(name)
        if column_type.upper().startswith(NUMERIC):
            # fixed notation, at most ten decimals, trailing zeros dropped: 0.1 -> 0,1; 1234567.0 -> 1234567
            text = f"regexp_replace(printf('%.10f', {q}::DOUBLE), '\\.?0+$', '')"
            parts.append(f"replace(CASE WHEN {text} IN ('-0', '') THEN '0' ELSE {text} END, '.', ',') AS {q}")
        elif column_type.upper() in TEXT:
            parts.append(f"CASE WHEN regexp_matches({q}, {FORMULA_START}) THEN chr(39) || {q} ELSE {q} END AS {q}")
        else:
            parts.append(q)
    return f"SELECT {', '.join(parts)} FROM {relation}"


def write_excel_csv(con: duckdb.DuckDBPyConnection, relation: str, path: Path) -> None:
    """``relation`` as a Swedish-Excel CSV at ``path`` (written beside it, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = path.with_name(f".{path.name}.body")
    partial = path.with_name(f".{path.name}.partial")
    literal = str(body).replace("'", "''")
    con.execute(
        f"COPY ({excel_select(con, relation)}) TO '{literal}' "
        "(FORMAT csv, HEADER, DELIMITER ';', QUOTE '\"', NULLSTR '')"
    ).fetchall()
    with open(partial, "wb") as out, open(body, "rb") as rows:
        out.write(BOM)
        shutil.copyfileobj(rows, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    body.unlink()
    os.replace(partial, path)
