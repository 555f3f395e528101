"""Reading the kommun's files: CSV (via ingest.tabular) or Excel (.xlsx), as one Table.

An Excel sheet is read like a CSV file saved from it: the first row is the header, and
each row keeps its Excel row number, so an error points at the row the user sees.
"""

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from ingest.errors import IngestFailed, InputError
from ingest.tabular import Row, Table, read_table

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def read_rows(path: Path, required: list[str] | None = None) -> Table:
    if not path.exists():
        raise IngestFailed([InputError(str(path), None, None, "filen saknas")])
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_xlsx(path, required)
    if path.suffix.lower() == ".xls":
        raise IngestFailed(
            [InputError(str(path), None, None, "gamla .xls stöds inte; spara som .xlsx eller CSV")]
        )
    return read_table(path, required)


def read_xlsx(path: Path, required: list[str] | None = None) -> Table:
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise IngestFailed(
            [InputError(str(path), None, None, "inte en läsbar Excel-fil (.xlsx)")]
        ) from exc
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(min_row=1, max_row=max(sheet.max_row, 1))
    try:
        header = [_text(cell) for cell in next(lines)]
    except StopIteration:
        header = []
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise IngestFailed([InputError(str(path), None, None, "filen är tom")])
    missing = [c for c in (required or []) if c not in header]
    if missing:
        raise IngestFailed(
            [InputError(str(path), 1, c, "kolumnen saknas i rubrikraden") for c in missing]
        )
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        values = [_text(cell) for cell in cells]
        if not any(values):
            continue
        if any(values[len(header) :]):
            raise IngestFailed(
                [InputError(str(path), number, None, "värden till höger om sista kolumnen")]
            )
        rows.append(
            Row(number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
        )
    return Table(path, header, rows)


def _text(cell: Any) -> str:
    """A cell as the text a CSV export of it would hold."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        # Excel keeps 89,6 % as 0.896 and shows it as a percentage.
        if "%" in (cell.number_format or ""):
            value = round(value * 100, 10)
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
