"""Hostile and broken kommun files are refused with a short message naming the file (and the
row and field where there is one), in bounded time and memory, and change nothing.

Each file is built here, small: a zip bomb is a few KB, a cell at row 1 048 576 a tiny sheet.
"""

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.models import Provider
from ingest.errors import IngestFailed
from ingest.kommun_files import Kind, read_kommun_file
from ingest.limits import LIMITS, FileLimits
from ingest.spreadsheet import read_rows
from tests.support import factories
from tests.support.snapshot import database_snapshot
from tests.test_ingest_kommun_files import (  # noqa: F401  (fixtures)
    TEMPLATES,
    load,
    preschool,
    rows_of,
    write_rows,
)

SHEET = "xl/worksheets/sheet1.xml"


def refused(path: Path, kind: Kind = Kind.SURVEYS) -> list:
    with pytest.raises(IngestFailed) as failure:
        read_kommun_file(path, kind)
    return failure.value.errors


def survey_file(tmp_path: Path, name: str = "enkat.csv", **cells: str) -> Path:
    rows = rows_of(TEMPLATES / "surveys.csv")
    rows[0].update(cells)
    return write_rows(tmp_path / name, rows)


def provider_file(tmp_path: Path, **cells: str) -> Path:
    rows = rows_of(TEMPLATES / "providers.csv")
    rows[0].update(cells)
    return write_rows(tmp_path / "utforare.csv", rows)


def xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def with_sheet(path: Path, edit) -> Path:
    """The workbook with its first sheet's XML replaced by edit(xml)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts[SHEET] = edit(parts[SHEET])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


SURVEY_HEADER = ["kommun_code", "unit_id", "indicator_id", "year", "value"]
SURVEY_ROW = ["0160", "FS-03", "kommun-forskola-nojdhet", 2024, 91.5]


# --- encoding: one per file, strictly --------------------------------------------------


def test_a_utf8_file_with_one_stray_windows_byte_changes_no_stored_name(settings, engine, tmp_path):
    with Session(engine) as s:
        factories.kommun(s, "0160")
        s.commit()
    load(settings, TEMPLATES / "providers.csv", Kind.PROVIDERS)
    before = database_snapshot(engine)
    lines = (TEMPLATES / "providers.csv").read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace("Täby".encode(), b"T\xe4by")  # one cp1252 'ä' among UTF-8 ones
    path = tmp_path / "utforare.csv"
    path.write_bytes(b"".join(lines))

    with pytest.raises(IngestFailed) as failure:
        load(settings, path, Kind.PROVIDERS)

    [error] = failure.value.errors
    assert (error.where, error.row) == (str(path), 2)
    assert "byte 0xE4" in error.message and "spara den som UTF-8" in error.message
    assert database_snapshot(engine) == before
    with Session(engine) as s:
        assert s.exec(select(Provider.name)).one() == "Förskolan Exempelgården"


def test_a_windows_1252_file_with_an_undefined_byte_names_its_row(tmp_path):
    rows = rows_of(TEMPLATES / "surveys.csv")
    path = write_rows(tmp_path / "enkat.csv", rows * 3, encoding="cp1252")
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"Kommunens", b"Kommun\x81ens")
    path.write_bytes(b"".join(lines))

    [error] = refused(path)

    assert error.row == 4
    assert "byte 0x81" in error.message and "varken UTF-8 eller Windows-1252" in error.message


def test_a_utf16_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "enkat.csv"
    path.write_bytes((TEMPLATES / "surveys.csv").read_text(encoding="utf-8-sig").encode("utf-16"))
    [error] = refused(path)
    assert "UTF-16" in error.message and "UTF-8" in error.message


# --- the header ------------------------------------------------------------------------


def test_a_repeated_column_is_named_with_both_positions(tmp_path):
    path = tmp_path / "enkat.csv"
    path.write_text(
        "kommun_code;unit_id;indicator_id;year;value;value\n"
        "0160;FS-03;kommun-forskola-nojdhet;2024;91,5;12\n",
        encoding="utf-8",
    )
    [error] = refused(path)
    assert (error.row, error.field) == (1, "value")
    assert error.message == "kolumnen finns två gånger (kolumn E och F)"


def test_an_unknown_column_is_refused_with_the_allowed_ones(tmp_path):
    rows = [{**r, "telefon": "08-123 456 78"} for r in rows_of(TEMPLATES / "providers.csv")]
    path = write_rows(tmp_path / "utforare.csv", rows)

    unknown, allowed = refused(path, Kind.PROVIDERS)

    assert (unknown.row, unknown.field, unknown.message) == (1, "telefon", "okänd kolumn")
    assert allowed.message.startswith("tillåtna kolumner: ")
    assert {"phone", "email", "presentation", "kolada_id"} <= set(
        allowed.message.removeprefix("tillåtna kolumner: ").split(", ")
    )


def test_a_value_under_a_blank_header_cell_is_refused_but_an_empty_column_is_not(tmp_path):
    path = tmp_path / "enkat.csv"
    path.write_text(
        "kommun_code;unit_id;;indicator_id;year;value\n"
        "0160;FS-03;;kommun-forskola-nojdhet;2024;91,5\n",
        encoding="utf-8",
    )
    assert len(read_kommun_file(path, Kind.SURVEYS).rows) == 1

    path.write_text(path.read_text() + "0160;FS-03;anteckning;kommun-forskola-nojdhet;2023;90\n")
    [error] = refused(path)
    assert (error.row, error.message) == (3, "värde i kolumn C, som saknar rubrik")


# --- cells -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [("Kommunens\x00enkät", "U+0000"), ("Kommunens\x1benkät", "U+001B"), ("a\u202eb", "U+202E")],
)
def test_a_control_character_is_refused_by_row_and_field(tmp_path, text, code):
    [error] = refused(survey_file(tmp_path, source=text))
    assert (error.row, error.field) == (2, "source")
    assert error.message.startswith(f"otillåtet kontrolltecken {code}")


def test_a_presentation_may_have_paragraphs(tmp_path):
    path = provider_file(tmp_path, presentation="Första stycket.\r\n\r\nAndra\tstycket.")
    [row] = read_kommun_file(path, Kind.PROVIDERS).rows
    assert row.row.presentation == "Första stycket.\r\n\r\nAndra\tstycket."


def test_a_control_character_in_an_excel_cell_is_refused(tmp_path):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, ["0160", "FS\u0085-03", *SURVEY_ROW[2:]]])
    [error] = refused(path)
    assert (error.row, error.field) == (2, "unit_id") and "U+0085" in error.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "ring växeln", "inte ett telefonnummer"),
        ("phone", "=HYPERLINK(1)", "inte ett telefonnummer"),
        ("phone", "123", "inte ett telefonnummer"),
        ("email", "info(at)exempel.se", "inte en e-postadress"),
        ("email", "info@exempel", "inte en e-postadress"),
    ],
)
def test_a_phone_number_or_email_that_is_not_one_is_refused(tmp_path, field, value, message):
    [error] = refused(provider_file(tmp_path, **{field: value}), Kind.PROVIDERS)
    assert (error.row, error.field) == (2, field)
    assert message in error.message and f"(fick '{value}')" in error.message


@pytest.mark.parametrize(
    ("phone", "email"),
    [
        ("08-123 456 78", "info@exempel.se"),
        ("+46 8 123 456 78", "Forskolan.Exempel@exempel.se"),
        ("070-123 45 67", "kontakt@förskolan-exempel.se"),
        ("+46 (0)8-123 45 67", "a.b+c@kommun.exempel.se"),
    ],
)
def test_swedish_phone_numbers_and_email_addresses_are_read(tmp_path, phone, email):
    [row] = read_kommun_file(provider_file(tmp_path, phone=phone, email=email), Kind.PROVIDERS).rows
    assert (row.row.phone, row.row.email) == (phone, email)


# --- limits: refused before the file is read in full -----------------------------------


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "enkat.csv"
    with path.open("wb") as f:
        f.truncate(LIMITS.max_bytes + 1)  # sparse: costs nothing to make, much to read
    [error] = refused(path)
    assert (error.where, error.row) == (str(path), None)
    assert "högst 20 MB" in error.message


def test_a_csv_file_over_the_row_limit_is_refused_at_the_first_row_too_many(tmp_path):
    path = survey_file(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" * (LIMITS.max_rows + 10))
    [error] = refused(path)
    assert error.row == LIMITS.max_rows + 2  # the header is row 1
    assert "fler än 50 000 rader" in error.message


def test_a_providers_file_has_a_lower_row_limit(tmp_path):
    path = provider_file(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write(";\n" * LIMITS.max_provider_rows)
    [error] = refused(path, Kind.PROVIDERS)
    assert error.row == LIMITS.max_provider_rows + 2 and "fler än 5 000 rader" in error.message


@pytest.mark.parametrize("length", [LIMITS.max_cell_chars + 1, 128 * 1024 + 1])
def test_a_cell_over_the_length_limit_is_refused(tmp_path, length):
    [error] = refused(survey_file(tmp_path, source="x" * length))
    assert error.row == 2
    assert "10 000 tecken" in error.message


def test_an_unclosed_quote_does_not_swallow_the_file(tmp_path):
    path = survey_file(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write('0160;FS-03;;;kommun-forskola-nojdhet;2023;2023;"90\n' + "x;" * 70_000 + "\n")
    [error] = refused(path)
    assert error.row == 3 and "citattecken" in error.message


def test_an_excel_sheet_declaring_a_million_rows_is_refused_unread(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(SURVEY_HEADER)
    book.active.cell(row=1_048_576, column=1, value="0160")
    book.save(tmp_path / "enkat.xlsx")

    [error] = refused(tmp_path / "enkat.xlsx")

    assert "1 048 576 rader" in error.message and "A1:E1048576" in error.message


@pytest.mark.parametrize("dimension", [b'<dimension ref="A1:E2"/>', b""])
def test_an_excel_sheet_lying_about_its_size_is_left_at_the_row_limit(tmp_path, dimension):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, SURVEY_ROW])
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>0160</t></is></c></row>'

    with_sheet(
        path,
        lambda xml: re.sub(rb"<dimension [^>]*/>", dimension, xml).replace(
            b"</sheetData>", far + b"</sheetData>"
        ),
    )

    [error] = refused(path)
    assert error.row == LIMITS.max_rows + 2 and "fler än 50 000 rader" in error.message


def test_an_excel_sheet_without_a_size_is_counted_before_openpyxl_reads_it(tmp_path):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, SURVEY_ROW])
    rows = b"".join(b'<row r="%d"/>' % n for n in range(3, LIMITS.max_rows + 10))
    with_sheet(
        path,
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml).replace(
            b"</sheetData>", rows + b"</sheetData>"
        ),
    )
    [error] = refused(path)
    assert error.row is None and "fler än 50 000 rader" in error.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, SURVEY_ROW])
    with_sheet(path, lambda xml: xml.replace(b"</sheetData>", b" " * 50_000_000 + b"</sheetData>"))
    assert path.stat().st_size < 200_000

    [error] = refused(path)

    assert SHEET in error.message and "zip-bomb" in error.message


def test_an_excel_file_unpacking_past_the_limit_is_refused(tmp_path):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, SURVEY_ROW])
    with pytest.raises(IngestFailed) as failure:
        read_rows(path, limits=FileLimits(max_unpacked_bytes=1000))
    assert "uppackad blir Excel-filen" in failure.value.errors[0].message


# --- damaged files and odd paths: a message, never a traceback --------------------------


def _bad_deflate(path: Path) -> None:
    # Overwrite the middle of the sheet's packed data, keeping the zip directory intact.
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: with_sheet(p, lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>")),
        lambda p: with_sheet(p, lambda xml: xml[: len(xml) // 2]),
        _bad_deflate,
    ],
    ids=["bad-xml", "cut-xml", "bad-deflate"],
)
def test_a_damaged_excel_file_is_refused(tmp_path, damage):
    path = xlsx(tmp_path / "enkat.xlsx", [SURVEY_HEADER, SURVEY_ROW])
    damage(path)
    [error] = refused(path)
    assert error.where == str(path) and "inte en läsbar Excel-fil" in error.message


def test_a_directory_is_refused(tmp_path):
    [error] = refused(tmp_path)
    assert (error.where, error.message) == (str(tmp_path), "är en katalog, inte en fil")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_that_may_not_be_read_is_refused(tmp_path):
    path = survey_file(tmp_path)
    path.chmod(0)
    [error] = refused(path)
    assert "behörighet saknas" in error.message


@pytest.mark.parametrize("name", ["katalog", "enkat.xlsx"])
@pytest.mark.usefixtures("preschool")
def test_the_cli_reports_a_damaged_file_in_one_line_and_changes_nothing(
    settings, engine, tmp_path, monkeypatch, name
):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    path = tmp_path / name
    if name == "katalog":
        path.mkdir()
    else:
        with_sheet(xlsx(path, [SURVEY_HEADER, SURVEY_ROW]), lambda xml: xml[:-20])

    before = database_snapshot(engine)

    result = CliRunner().invoke(cli_module.cli, ["file", str(path), "--kind", "surveys"])

    assert result.exit_code == 1
    assert str(path) in result.output and "Traceback" not in result.output
    assert database_snapshot(engine) == before
