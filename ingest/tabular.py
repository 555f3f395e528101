"""Reading CSV files as people actually save them, keeping each row's line number.

Accepts UTF-8 (with or without BOM) or, when the whole file is cleanly so, Windows-1252,
comma or semicolon separators (Swedish Excel writes `;` because `,` is the decimal sign).
The limits in ingest.limits are checked before the file is read and while it is parsed, and
the header and every cell are checked here for Excel files too (ingest.spreadsheet).
"""

import codecs
import csv
import io
import os
import re
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from openpyxl.utils import get_column_letter

from app.messages import msg
from ingest.errors import IngestFailed, InputError
from ingest.limits import LIMITS, MB, FileLimits, count, size


@dataclass(frozen=True)
class Row:
    line: int  # the file line the record starts on (header is line 1)
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[Row]


# C0 and C1 controls except tab and line breaks (a presentation may have paragraphs), and the
# invisible marks that reorder or hide text (a name must read as it is stored).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
BOM = b"\xef\xbb\xbf"
# A well-formed UTF-8 sequence of two to four bytes. Windows-1252 text almost never holds
# one (it would read like "Ã¤"), so a file with one is UTF-8 and a bad byte in it is damage.
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def refuse(path: Path, line: int | None, field: str | None, message: str) -> NoReturn:
    raise IngestFailed([InputError(str(path), line, field, message)])


def column_name(index: int) -> str:
    """A 0-based column as Excel shows it (A, B, … AA), since the files are edited there."""
    return get_column_letter(index + 1) if index < 18278 else str(index + 1)


def check_file(path: Path, limits: FileLimits = LIMITS) -> None:
    """Refuse what is not a readable regular file within the size limit, before opening it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        refuse(path, None, None, msg("filen saknas"))
    except OSError as exc:
        refuse(path, None, None, msg("filen kan inte läsas (%(why)s)", why=exc.strerror))
    if stat.S_ISDIR(info.st_mode):
        refuse(path, None, None, msg("är en katalog, inte en fil"))
    if not stat.S_ISREG(info.st_mode):
        refuse(path, None, None, msg("är ingen vanlig fil"))
    if info.st_size > limits.max_bytes:
        refuse(
            path,
            None,
            None,
            msg(
                "filen är %(size)s; högst %(max)s går att läsa in (dela upp den)",
                size=size(info.st_size),
                max=size(limits.max_bytes),
            ),
        )
    if not os.access(path, os.R_OK):
        refuse(path, None, None, msg("filen får inte läsas (behörighet saknas)"))


def read_bytes(path: Path, limits: FileLimits = LIMITS) -> bytes:
    check_file(path, limits)
    try:
        with path.open("rb") as f:
            raw = f.read(limits.max_bytes + 1)  # never more, even if the file grows meanwhile
    except PermissionError:
        refuse(path, None, None, msg("filen får inte läsas (behörighet saknas)"))
    except OSError as exc:
        refuse(path, None, None, msg("filen kan inte läsas (%(why)s)", why=exc.strerror))
    if len(raw) > limits.max_bytes:
        refuse(path, None, None, msg("filen är större än %(max)s", max=size(limits.max_bytes)))
    return raw


def decode(raw: bytes, path: Path) -> str:
    """The whole file in one encoding: UTF-8, or else Windows-1252 when that reads cleanly."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        refuse(path, None, None, msg("filen är sparad som UTF-16; spara den som CSV UTF-8"))
    start = len(BOM) if raw.startswith(BOM) else 0
    try:
        return str(memoryview(raw)[start:], "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = start + exc.start
    if UTF8_MULTIBYTE.search(raw):
        _bad_byte(raw, first_bad, path, msg("filen är UTF-8 men har ett tecken i en annan kodning"))
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        _bad_byte(raw, exc.start, path, msg("filen är varken UTF-8 eller Windows-1252"))


def _bad_byte(raw: bytes, at: int, path: Path, why: str) -> NoReturn:
    line = raw.count(b"\n", 0, at) + 1
    byte = f"0x{raw[at]:02X}"
    refuse(
        path,
        line,
        None,
        msg("ogiltigt tecken (byte %(byte)s); %(why)s — spara den som UTF-8", byte=byte, why=why),
    )


def check_header(
    path: Path,
    cells: Sequence[str],
    required: Collection[str] | None,
    allowed: Collection[str] | None,
    limits: FileLimits = LIMITS,
) -> list[str]:
    """The header's column names ("" for a blank cell); every fault in it at once.

    `allowed` None takes any other column (and ignores it); a list refuses the rest, so a
    misspelt optional column is not silently dropped.
    """
    header = [c.strip() for c in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        refuse(path, None, None, msg("filen är tom"))
    if len(header) > limits.max_columns:
        refuse(
            path,
            1,
            None,
            msg(
                "%(n)s kolumner; högst %(max)s går att läsa in",
                n=len(header),
                max=limits.max_columns,
            ),
        )
    for index, name in enumerate(header):
        _check_cell(path, 1, column_name(index), name, limits)
    errors: list[InputError] = []
    first: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in first:
            errors.append(
                InputError(
                    str(path),
                    1,
                    name,
                    msg(
                        "kolumnen finns två gånger (kolumn %(first)s och %(second)s)",
                        first=column_name(first[name]),
                        second=column_name(index),
                    ),
                )
            )
        elif name:
            first[name] = index
    errors += [
        InputError(str(path), 1, c, msg("kolumnen saknas i rubrikraden"))
        for c in (required or [])
        if c not in first
    ]
    unknown = [c for c in first if allowed is not None and c not in allowed]
    errors += [InputError(str(path), 1, c, msg("okänd kolumn")) for c in unknown]
    if unknown and allowed is not None:
        columns = ", ".join(allowed)
        errors.append(
            InputError(str(path), 1, None, msg("tillåtna kolumner: %(columns)s", columns=columns))
        )
    if errors:
        raise IngestFailed(errors)
    return header


def make_row(
    path: Path, line: int, header: list[str], values: Sequence[str], limits: FileLimits = LIMITS
) -> Row | None:
    """One record as a Row, or None when it is blank; refuses a bad cell by row and column."""
    # The common case at C speed: every value under a named column, no control character
    # and no overlong cell anywhere in the raw record (so none in a stripped cell either).
    # Anything else takes the cell-by-cell way below, which names the cell at fault.
    if (
        len(values) <= len(header)
        and "" not in header[: len(values)]
        and max(map(len, values), default=0) <= limits.max_cell_chars
        and not CONTROL.search("\n".join(values))
    ):
        stripped = [v.strip() for v in values]
        if not any(stripped):
            return None
        cells = dict(zip(header, stripped, strict=False))
        for name in header[len(values) :]:
            if name:
                cells.setdefault(name, "")
        return Row(line, cells)
    cells = {}
    blank = True
    for index, raw in enumerate(values):
        value = raw.strip()
        if not value:
            if index < len(header) and header[index]:
                cells[header[index]] = ""
            continue
        name = header[index] if index < len(header) else ""
        if not name:
            refuse(
                path,
                line,
                None,
                msg("värde i kolumn %(column)s, som saknar rubrik", column=column_name(index)),
            )
        _check_cell(path, line, name, value, limits)
        cells[name] = value
        blank = False
    if blank:
        return None
    for name in header:
        if name:
            cells.setdefault(name, "")
    return Row(line, cells)


def _check_cell(path: Path, line: int, field: str, value: str, limits: FileLimits) -> None:
    if len(value) > limits.max_cell_chars:
        refuse(
            path,
            line,
            field,
            msg(
                "cellen har %(n)s tecken; högst %(max)s tecken",
                n=count(len(value)),
                max=count(limits.max_cell_chars),
            ),
        )
    if bad := CONTROL.search(value):
        refuse(
            path,
            line,
            field,
            msg(
                "otillåtet kontrolltecken %(char)s (tecken %(at)s)",
                char=f"U+{ord(bad.group()):04X}",
                at=bad.start() + 1,
            ),
        )


def read_table(
    path: Path,
    required: Collection[str] | None = None,
    allowed: Collection[str] | None = None,
    limits: FileLimits = LIMITS,
) -> Table:
    text = decode(read_bytes(path, limits), path)
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, rows = _parse(path, reader, required, allowed, limits)
    return Table(path, header, list(rows))


def stream_table(
    path: Path,
    required: Collection[str] | None = None,
    allowed: Collection[str] | None = None,
    limits: FileLimits = LIMITS,
) -> tuple[list[str], Iterator[Row]]:
    """The header (checked now) and the rows one at a time, for files too big to hold.

    The same checks and messages as read_table. The encoding is settled by a first pass over
    the bytes, so a bad byte is refused before any row is handed out; only a file that is not
    UTF-8 is read whole to tell Windows-1252 from damage.
    """
    check_file(path, limits)
    encoding = _encoding(path, limits)
    handle = path.open(encoding=encoding, newline="")
    try:
        first_line = handle.readline()
        handle.seek(0)
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header, rows = _parse(path, reader, required, allowed, limits)
    except BaseException:
        handle.close()
        raise

    def closing() -> Iterator[Row]:
        with handle:
            yield from rows

    return header, closing()


def _encoding(path: Path, limits: FileLimits) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else cp1252 if decode() allows it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            head = f.read(4)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                refuse(path, None, None, msg("filen är sparad som UTF-16; spara den som CSV UTF-8"))
            decoder.decode(head)
            while chunk := f.read(MB):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        decode(read_bytes(path, limits), path)  # refuses, or reads cleanly as cp1252
        return "cp1252"
    except OSError as exc:
        refuse(path, None, None, msg("filen kan inte läsas (%(why)s)", why=exc.strerror))
    return "utf-8-sig"


def _parse(
    path: Path,
    reader: "csv._reader",
    required: Collection[str] | None,
    allowed: Collection[str] | None,
    limits: FileLimits,
) -> tuple[list[str], Iterator[Row]]:
    try:
        first = next(reader, None)
    except csv.Error as exc:
        _csv_error(path, 1, exc, limits)
    if first is None:
        refuse(path, None, None, msg("filen är tom"))
    header = check_header(path, first, required, allowed, limits)
    return header, _rows(path, reader, header, limits)


def _rows(
    path: Path, reader: "csv._reader", header: list[str], limits: FileLimits
) -> Iterator[Row]:
    start = reader.line_num + 1
    try:
        for number, record in enumerate(reader, start=1):
            line, start = start, reader.line_num + 1
            if number > limits.max_rows:
                refuse(
                    path,
                    line,
                    None,
                    msg(
                        "filen har fler än %(max)s rader; dela upp den",
                        max=count(limits.max_rows),
                    ),
                )
            if (row := make_row(path, line, header, record, limits)) is not None:
                yield row
    except csv.Error as exc:
        _csv_error(path, start, exc, limits)


def _csv_error(path: Path, line: int, exc: csv.Error, limits: FileLimits) -> NoReturn:
    # The csv module's own cap on a cell (128 KB) is far above ours; an unclosed quote
    # is the usual way a file reaches it.
    if "field larger than field limit" in str(exc):
        refuse(
            path,
            line,
            None,
            msg(
                "en cell har fler än %(max)s tecken (saknas ett avslutande citattecken?)",
                max=count(limits.max_cell_chars),
            ),
        )
    refuse(path, line, None, msg("kan inte läsas som CSV (%(why)s)", why=str(exc)))
