"""Small helpers: slugs, numbers as the files write them, random draws, CSV output."""

import csv
import math
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def slugify(text: str) -> str:
    """Fold Swedish text to an ASCII slug: 'Täby kommuns hemtjänst' -> 'taby-kommuns-hemtjanst'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def clip(value: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, value))


def fmt(value: float | None, decimals: int) -> str:
    """A number as the files write it: fixed decimals, blank for none, never '-0'."""
    if value is None:
        return ""
    value = round(value, decimals)
    return f"{value + 0.0 if value else 0.0:.{decimals}f}"


def join_sv(items: Sequence[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point within about `km` of (lat, lon)."""
    dlat = clip(rng.gauss(0, km / 2), -km, km) / 111.0
    dlon = clip(rng.gauss(0, km / 2), -km, km) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def org_nr(rng: random.Random, prefix: str) -> str:
    """A ten-digit organisation number with a valid (Luhn) check digit, e.g. 556123-4567."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
    total = 0
    for i, ch in enumerate(body):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    full = body + str((10 - total % 10) % 10)
    return f"{full[:6]}-{full[6:]}"


def random_date(rng: random.Random, start: date, end: date) -> str:
    return (start + timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


class NamePool:
    """Hands out names without repeats; when the pool runs dry it adds a number."""

    def __init__(self, rng: random.Random, names: Sequence[str], need: int | None = None) -> None:
        """`need`: at most this many names will be asked for, so only as many are drawn."""
        if need is None:
            self._names = list(names)
            rng.shuffle(self._names)
        else:
            self._names = rng.sample(names, min(max(need, 1), len(names)))
        self._round = 0
        self._index = 0

    def next(self) -> str:
        if self._index == len(self._names):
            self._index, self._round = 0, self._round + 1
        name = self._names[self._index]
        self._index += 1
        return name if self._round == 0 else f"{name} {self._round + 1}"


@contextmanager
def csv_out(path: Path, columns: Sequence[str]) -> Iterator[Any]:
    """A CSV writer with the header written; rows are sequences in `columns` order."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        yield writer


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[str] | Mapping[str, str]]
) -> None:
    """Rows as sequences in `columns` order, or mappings by column name."""
    with csv_out(path, columns) as writer:
        for row in rows:
            writer.writerow([row[c] for c in columns] if isinstance(row, Mapping) else row)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
