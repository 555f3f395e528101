"""Reading the kommun's files: CSV (via ingest.tabular) or Excel (.xlsx), as one Table.

An Excel sheet is read like a CSV file saved from it: the first row is the header, and
each row keeps its Excel row number, so an error points at the row the user sees.

A workbook is a zip of XML parts, so before openpyxl opens it the zip's members are checked
against what they unpack to, and each sheet's declared size (openpyxl reads a sheet that
declares none in full just to size it). The sheet is then streamed (read-only mode) and
left as soon as it passes a limit; the declared size is never trusted for that.
"""

import re
import zipfile
import zlib
from collections.abc import Collection
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, NoReturn
from xml.etree.ElementTree import ParseError, XMLPullParser

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from app.messages import msg
from ingest.limits import LIMITS, FileLimits, count, size
from ingest.tabular import Row, Table, check_file, check_header, make_row, read_table, refuse

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
# What a damaged workbook raises from zipfile, zlib, the XML parser or openpyxl's readers.
DAMAGED = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # an unknown compression method
    KeyError,
    IndexError,
    TypeError,
    ValueError,
)
UNREADABLE = msg("inte en läsbar Excel-fil (.xlsx); öppna den i Excel och spara den igen")
CHUNK = 64 * 1024
ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def read_rows(
    path: Path,
    required: Collection[str] | None = None,
    allowed: Collection[str] | None = None,
    limits: FileLimits = LIMITS,
) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        refuse(path, None, None, msg("gamla .xls stöds inte; spara som .xlsx eller CSV"))
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(path, required, allowed, limits)
    return read_table(path, required, allowed, limits)


def read_xlsx(
    path: Path,
    required: Collection[str] | None = None,
    allowed: Collection[str] | None = None,
    limits: FileLimits = LIMITS,
) -> Table:
    check_file(path, limits)
    try:
        f = path.open("rb")
    except OSError as exc:
        refuse(path, None, None, msg("filen kan inte läsas (%(why)s)", why=exc.strerror))
    with f:
        try:
            _check_archive(path, f, limits)
            f.seek(0)
            book = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except DAMAGED:
            refuse(path, None, None, UNREADABLE)
        try:
            return _read_sheet(path, book.worksheets[0], required, allowed, limits)
        except DAMAGED:
            refuse(path, None, None, msg("arket är skadat; %(what)s", what=UNREADABLE))
        finally:
            book.close()


def _check_archive(path: Path, f: IO[bytes], limits: FileLimits) -> None:
    # zipfile never unpacks a member past the size its directory declares (the CRC check
    # fails instead), so the declared sizes bound the memory openpyxl can use.
    with zipfile.ZipFile(f) as archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.max_unpacked_bytes:
            refuse(
                path,
                None,
                None,
                msg(
                    "uppackad blir Excel-filen %(size)s; högst %(max)s går att läsa in",
                    size=size(total),
                    max=size(limits.max_unpacked_bytes),
                ),
            )
        for m in members:
            ratio = m.file_size // max(m.compress_size, 1)
            if m.file_size > limits.ratio_from_bytes and ratio > limits.max_ratio:
                refuse(
                    path,
                    None,
                    None,
                    msg(
                        "delen %(part)s packas upp %(ratio)s gånger (högst %(max)s); filen ser "
                        "ut som en zip-bomb",
                        part=m.filename,
                        ratio=ratio,
                        max=limits.max_ratio,
                    ),
                )
        for m in members:
            _check_sheet_size(path, archive, m, limits)


def _check_sheet_size(
    path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: FileLimits
) -> None:
    """Refuse a sheet whose declared size, or (when it declares none) row count, is too big.

    Only the head is parsed as XML; rows are counted as bytes, at the speed of a regex.
    """
    parser = XMLPullParser(events=("start",))
    root: str | None = None
    parsing = True
    rows = 0
    tail = b""
    with archive.open(member) as src:
        while chunk := src.read(CHUNK):
            data = tail + chunk
            if root is not None and DTD.search(data):
                # Entities could make rows the count below does not see; Excel writes none.
                refuse(path, None, None, _has_dtd(member))
            rows += sum(1 for m in ROW_TAG.finditer(data) if m.end() > len(tail))
            if root is not None and rows > limits.max_rows + 1:
                _too_many_rows(path, None, limits)
            tail = data[-64:]
            if not parsing:
                continue
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except ParseError:
                if root is None:
                    return  # not XML (an image, a macro project): openpyxl parses no sheet
                raise
            for _, element in events:
                tag = element.tag.rpartition("}")[2]
                if root is None:
                    root = tag
                    if root != "worksheet":
                        return
                    if DTD.search(data):
                        refuse(path, None, None, _has_dtd(member))
                if tag == "dimension":
                    _check_dimension(path, element.get("ref") or "", limits)
                    return
                if tag == "sheetData":
                    parsing = False  # no dimension: count every row
                    break
            if rows > limits.max_rows + 1:
                _too_many_rows(path, None, limits)


def _check_dimension(path: Path, ref: str, limits: FileLimits) -> None:
    _, _, max_col, max_row = range_boundaries(ref)
    if (max_row or 0) > limits.max_rows + 1 or (max_col or 0) > limits.max_columns:
        refuse(
            path,
            None,
            None,
            msg(
                "arket anger storleken %(ref)s (%(rows)s rader, %(columns)s kolumner); högst "
                "%(max_rows)s rader under rubrikraden och %(max_columns)s kolumner går att läsa "
                "in (ta bort tomma rader och kolumner nedanför och till höger om tabellen)",
                ref=ref,
                rows=count(max_row or 0),
                columns=max_col or 0,
                max_rows=count(limits.max_rows),
                max_columns=limits.max_columns,
            ),
        )


def _too_many_rows(path: Path, row: int | None, limits: FileLimits) -> NoReturn:
    refuse(
        path,
        row,
        None,
        msg("arket har fler än %(max)s rader; dela upp filen", max=count(limits.max_rows)),
    )


def _has_dtd(member: zipfile.ZipInfo) -> str:
    return msg("delen %(part)s har en DTD; %(what)s", part=member.filename, what=UNREADABLE)


def _read_sheet(
    path: Path,
    sheet: Any,
    required: Collection[str] | None,
    allowed: Collection[str] | None,
    limits: FileLimits,
) -> Table:
    sheet.reset_dimensions()  # read the rows there are, not the ones the sheet declares
    lines = sheet.iter_rows()
    header = check_header(
        path, [_text(cell) for cell in next(lines, ())], required, allowed, limits
    )
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        if number > limits.max_rows + 1:
            _too_many_rows(path, number, limits)
        if (row := make_row(path, number, header, [_text(c) for c in cells], limits)) is not None:
            rows.append(row)
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
