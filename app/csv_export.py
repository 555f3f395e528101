"""CSV for spreadsheets. Every export writes through `csv_text`, so no cell can run.

A spreadsheet runs a cell starting with = + - @ (and a tab or CR before one) as a formula:
a provider named `=HYPERLINK("https://evil.example";"Klicka")` would become a link, and
worse. Such text cells get a leading apostrophe, which spreadsheets show as text (OWASP's
rule). Plain numbers such as `-1,5` or `-3 %` cannot call anything and stay numbers.
"""

import csv
import io
import re
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number as we write it: sign, digits in groups, decimals, maybe a percent sign.
NUMBER = re.compile(r"[-+]?[0-9]+(?:[ \u00a0\u202f,.][0-9]+)*(?:[ \u00a0]?%)?")


def spreadsheet_cell(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula."""
    # Leading spaces too: some importers trim them, and then the cell would start with '='.
    start = text.lstrip(" \u00a0")
    if start.startswith(FORMULA_START) and not NUMBER.fullmatch(start):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable[str]]) -> str:
    """Rows as Swedish Excel opens them: ';' between cells, CRLF between rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()
