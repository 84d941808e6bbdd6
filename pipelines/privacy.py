"""Personal identity numbers (personnummer) never reach a table, an export, a log or an error message.

The forms recognised are those of Skatteverket (folkbokföringslagen 1991:481, 18 § and 18 a §;
Skatteverket's rättsliga vägledning, "Personnummer" and "Samordningsnummer",
https://www4.skatteverket.se/rattsligvagledning/edition/2020.9/330245.html and
https://www4.skatteverket.se/rattsligvagledning/edition/2016.5/330251.html):

- a personnummer is a birth date YYMMDD, a three-digit birth number and a check digit; the birth
  date and the number are separated by '-', or by '+' the year a person turns 100. Registers keep
  the date with eight digits (YYYYMMDD, century 18, 19 or 20);
- a samordningsnummer (coordination number) is written the same way with 60 added to the day
  (born the 3rd: 63; Skatteverket's example 701063-2391).

People and systems write them with '-', '+', an en dash or another dash, a space or a no-break
space between date and number, or with nothing, as 10 or 12 digits. All of these are recognised,
anywhere in a value, a file name or a header (the pattern is sql/staging/macros.sql,
personnummer_pattern, read from there by this module: one definition for DuckDB and Python). The
check digit (Luhn) is not checked: a mistyped identity number is still personal data.

Every value of a regional file is passed through ``deidentify`` inside the DuckDB query that reads
the file, before anything is written: a value that is an identity number becomes a keyed pseudonym,
'P' + the first 16 hex digits of SHA-256(key ':' the last ten digits), written with the letters a-p
so that it never looks like a number (the same person gets the same pseudonym in every file and
every form); text that merely contains one has it masked. A Parquet column of numbers that holds
identity numbers is recognised too: a whole number keeps its 12 digits or its 10 (written 198111112361
or 198111112361.0), but those born 2000-2009 (and 1900-1909) lose the leading zero of the 10-digit
form; in a column that holds identity numbers such a 7-9-digit number gets its zeros back before it
is pseudonymised (pipelines/regional/reader.py). Not recognised: a CSV value that a spreadsheet turned
into a number without its leading zero (7-9 digits cannot be told from an employee number: most
7-digit numbers would pass for one), and a number column holding only such numbers. Export identity
columns as text.

Messages are scrubbed with ``scrub`` before they are raised, logged or shown (the terminal, the
Python log, Dagster's event log and run storage): every identity number in them becomes
'[personnummer]', in file names and headers too.

The key is configuration, never in the repository: VARDPULS_PSEUDONYM_KEY, or a file named by
VARDPULS_PSEUDONYM_KEY_FILE. Keep it: a new key gives every person a new pseudonym.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from pipelines import settings

KEY_VARIABLE = "VARDPULS_PSEUDONYM_KEY"
KEY_FILE_VARIABLE = "VARDPULS_PSEUDONYM_KEY_FILE"
MIN_KEY_LENGTH = 16
MASK = "[personnummer]"
MACROS = settings.SQL_DIR / "staging" / "macros.sql"
_PATTERN_MACRO = re.compile(r"CREATE OR REPLACE MACRO personnummer_pattern\(\) AS\s*'((?:[^']|'')*)'")


class PseudonymKeyError(RuntimeError):
    """The pseudonym key is needed and missing or unusable."""


@cache
def personnummer_pattern() -> str:
    """The regular expression of an identity number (no boundaries), as sql/staging/macros.sql defines it."""
    found = _PATTERN_MACRO.search(MACROS.read_text(encoding="utf-8"))
    if not found:
        raise RuntimeError(f"{MACROS} has no macro personnummer_pattern(): the de-identification needs it")
    return found.group(1).replace("''", "'")


@cache
def _anywhere() -> re.Pattern[str]:
    # not inside a longer run of digits (a 14-digit number is not an identity number)
    return re.compile(r"(?<![0-9])" + personnummer_pattern() + r"(?![0-9])")


def holds_identity(text: str) -> bool:
    """Whether the text holds something shaped like a personnummer or samordningsnummer anywhere."""
    return _anywhere().search(text) is not None


def scrub(text: str) -> str:
    """``text`` with every identity number masked: call it on anything raised, logged or shown."""
    return _anywhere().sub(MASK, str(text))


def pseudonym_key(required_for: str) -> str:
    """The configured key; a clear error naming what needs it when there is none."""
    key = os.environ.get(KEY_VARIABLE)
    key_file = os.environ.get(KEY_FILE_VARIABLE)
    if not key and key_file:
        path = Path(key_file)
        if not path.is_file():
            raise PseudonymKeyError(f"{KEY_FILE_VARIABLE} names {path}, which does not exist")
        key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise PseudonymKeyError(
            scrub(
                f"{required_for} holds values shaped like personal identity numbers (personnummer) and no "
                f"pseudonym key is configured: set {KEY_VARIABLE} to a secret of at least {MIN_KEY_LENGTH} "
                f"characters, or {KEY_FILE_VARIABLE} to a file holding one, kept outside the repository. "
                "Nothing of this file was written."
            )
        )
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(f"the pseudonym key is shorter than {MIN_KEY_LENGTH} characters")
    return key


def configured_key() -> str | None:
    try:
        return pseudonym_key("")
    except PseudonymKeyError:
        return None
