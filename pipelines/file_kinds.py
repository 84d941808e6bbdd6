"""What a landed file's bytes say it is, when it is not a text export the readers take.

The readers recognise formats by content. Before they try, these checks name the common wrong
deliveries in words an operator can act on: a spreadsheet workbook or another binary format saved
into a landing folder, text in UTF-16 or UTF-32 (Excel's "Unicode text"), and NUL bytes, which no
text export holds.
"""

from __future__ import annotations

import codecs

# first bytes -> what the file is
SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls) or another Office document"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
UNICODE_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
SAVE_AS = "save it again as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (kommaavgränsad)')"


def not_text(head: bytes) -> str | None:
    """Why a file whose first bytes are ``head`` is not a text export, or None when it may be one."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return f"is {kind}, not a text export: {SAVE_AS}"
    for bom, encoding in UNICODE_BOMS:
        if head.startswith(bom):
            return f"is {encoding} text (it starts with the {encoding} byte order mark): {SAVE_AS}"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        # ASCII letters with a NUL byte beside each: UTF-16 (or UTF-32) without a byte order mark
        return f"is UTF-16 or UTF-32 text without a byte order mark (every other byte is 0): {SAVE_AS}"
    return None


def nul_byte_problem(chunk: bytes, offset: int, lines_before: int) -> str | None:
    """A sentence naming the line of the first NUL byte in ``chunk`` (read from byte ``offset``), or None."""
    at = chunk.find(b"\x00")
    if at < 0:
        return None
    line = lines_before + chunk.count(b"\n", 0, at) + 1
    return (
        f"holds a NUL byte (byte {offset + at:,}, line {line:,}): a text export never does, so the file is "
        "damaged or not text; export it again"
    )
