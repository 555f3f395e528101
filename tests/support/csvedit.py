"""Copy the sample data and break one cell, to test how bad input is reported."""

import csv
import shutil
from pathlib import Path

from ingest.tabular import read_table


def copy_sample(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def set_cell(path: Path, index: int, column: str, value: str) -> int:
    """Set one cell of data row `index` (0-based); return that row's line number."""
    line = read_table(path).rows[index].line
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0].keys())
    rows[index][column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return line


def drop_column(path: Path, column: str) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = [c for c in rows[0] if c != column]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def cell(path: Path, index: int, column: str) -> str:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))[index][column]
