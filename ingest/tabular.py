"""Reading CSV files as people actually save them, keeping each row's line number.

Accepts UTF-8 (with or without BOM) and Windows-1252, comma or semicolon separators
(Swedish Excel writes `;` because `,` is the decimal sign).
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestFailed, InputError


@dataclass(frozen=True)
class Row:
    line: int  # the file line the record starts on (header is line 1)
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[Row]


def decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise IngestFailed(
            [InputError(str(path), None, None, "filen är varken UTF-8 eller Windows-1252")]
        ) from exc
    return text


def read_table(path: Path, required: list[str] | None = None) -> Table:
    text = decode(path.read_bytes(), path)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise IngestFailed([InputError(str(path), None, None, "filen är tom")]) from None
    missing = [c for c in (required or []) if c not in header]
    if missing:
        raise IngestFailed(
            [InputError(str(path), 1, c, "kolumnen saknas i rubrikraden") for c in missing]
        )
    rows: list[Row] = []
    start = reader.line_num + 1
    for record in reader:
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            raise IngestFailed(
                [
                    InputError(
                        str(path), line, None, f"{len(record)} celler men {len(header)} kolumner"
                    )
                ]
            )
        cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}
        rows.append(Row(line, cells))
    return Table(path, header, rows)
