"""Personal identity numbers (personnummer) never reach a table, an export, a log or an error message.

Staffing exports can carry personnummer (10 or 12 digits, with or without '-' or '+' before
the last four). Every value of a regional file shaped like one is replaced, inside the DuckDB
query that reads the file and before anything is written, by a keyed pseudonym: 'P' + the first
16 hex digits of SHA-256(key ':' the last ten digits), written with the letters a-p so that it
never looks like a number (sql/staging/macros.sql, deidentify). The same person gets the
same pseudonym in every file (both the 10- and the 12-digit form), and without the key the
pseudonym cannot be turned back into the number. Text that merely contains one is masked.

The key is configuration, never in the repository: VARDPULS_PSEUDONYM_KEY, or a file named by
VARDPULS_PSEUDONYM_KEY_FILE. Keep it: a new key gives every person a new pseudonym.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

KEY_VARIABLE = "VARDPULS_PSEUDONYM_KEY"
KEY_FILE_VARIABLE = "VARDPULS_PSEUDONYM_KEY_FILE"
MIN_KEY_LENGTH = 16
# A personnummer or samordningsnummer anywhere in a text: (YY)YYMMDD, optional - or +, NNNN.
PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


class PseudonymKeyError(RuntimeError):
    """The pseudonym key is needed and missing or unusable."""


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
            f"{required_for} holds values shaped like personal identity numbers (personnummer) and no "
            f"pseudonym key is configured: set {KEY_VARIABLE} to a secret of at least {MIN_KEY_LENGTH} "
            f"characters, or {KEY_FILE_VARIABLE} to a file holding one, kept outside the repository. "
            "Nothing of this file was written.")
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(f"the pseudonym key is shorter than {MIN_KEY_LENGTH} characters")
    return key


def configured_key() -> str | None:
    try:
        return pseudonym_key("")
    except PseudonymKeyError:
        return None


def scrub(text: str) -> str:
    """Mask anything shaped like a personnummer in a message before it is raised or logged."""
    return PERSONNUMMER.sub("[personnummer]", text)
