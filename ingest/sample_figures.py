"""The sample's two big files, values.csv and reference_values.csv, streamed in batches.

A nation has some 3.5 million figures, so they are never held at once: rows are read,
validated and handed to the writer a batch at a time, inside the run's one transaction.
Once a row is wrong no further batch is handed out; the rest of the file is still checked
(up to MAX_ERRORS) and then IngestFailed is raised, so the run rolls back and nothing is
written.

Each row is first tried on a fast path that accepts only plainly well-formed cells; any
other row goes through the file's pydantic model, so a bad cell gets exactly the message
the schema gives (ingest.sample_schema). Cross-file checks use what the small files said.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.models.vocab import ReferenceBasis, SourceKind, Unit, ValueStatus
from ingest.errors import IngestFailed, InputError
from ingest.fields import _number, field_errors
from ingest.limits import SAMPLE_LIMITS, count
from ingest.sample_schema import FigureRow, IndicatorRow, ReferenceValueRow, ValueRow
from ingest.tabular import Row, stream_table

BATCH_ROWS = 10_000
MAX_ERRORS = 1_000
FIRST_YEAR, YEARS = 1990, 2100 - 1990 + 1  # a figure's period (ingest.fields.Year)

FIGURE_FIELDS = tuple(FigureRow.model_fields)
_INT = re.compile(r"[0-9]{1,9}").fullmatch
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?").fullmatch
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*").fullmatch
_KOMMUN = re.compile(r"[0-9]{4}").fullmatch
_STATUSES = frozenset(s.value for s in ValueStatus)
_BASES = frozenset(b.value for b in ReferenceBasis)
_INVALID = object()  # a cell the fast path leaves to pydantic


@dataclass(frozen=True)
class Known:
    """What the small files define, by key: all a figure row is checked against."""

    kommuner: frozenset[str]
    providers: dict[str, tuple[int, str]]  # slug: (position, service type)
    indicators: dict[str, IndicatorRow]
    # An indicator's position among its service type's, for the duplicate bitmap.
    indicator_slots: dict[str, int]
    slots_per_provider: int


def known(kommuner, providers, indicators) -> Known:
    slots: dict[str, int] = {}
    per_service: dict[str, int] = {}
    for i in indicators:
        n = per_service.get(i.service_type, 0)
        slots[i.id], per_service[i.service_type] = n, n + 1
    return Known(
        kommuner=frozenset(kommuner),
        providers={p.slug: (n, p.service_type) for n, p in enumerate(providers)},
        indicators={i.id: i for i in indicators},
        indicator_slots=slots,
        slots_per_provider=max(per_service.values(), default=0),
    )


@dataclass
class FigureFile:
    """One big figure file; `batches()` validates it as it goes and yields plain records."""

    path: Path
    where: str  # the path as errors name it
    kind: str  # "values" or "reference_values"
    known: Known
    batch_rows: int = BATCH_ROWS
    errors: list[InputError] = field(default_factory=list)

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        check = _ValueCheck(self) if self.kind == "values" else _ReferenceCheck(self)
        model = ValueRow if self.kind == "values" else ReferenceValueRow
        required = [n for n, f in model.model_fields.items() if f.is_required()]
        _, rows = stream_table(self.path, required=required, limits=SAMPLE_LIMITS)
        batch: list[dict[str, Any]] = []
        for row in rows:
            record = check(row)
            if self.errors:
                if len(self.errors) >= MAX_ERRORS:
                    rows.close()  # type: ignore[attr-defined]
                    self.errors.append(
                        InputError(
                            self.where,
                            None,
                            None,
                            f"fler än {count(MAX_ERRORS)} fel; resten av filen kontrollerades inte",
                        )
                    )
                    break
                continue
            if record is not None:
                batch.append(record)
                if len(batch) >= self.batch_rows:
                    yield batch
                    batch = []
        if self.errors:
            check.resolve_duplicates()
            raise IngestFailed(self.errors)
        if batch:
            yield batch

    def error(self, line: int | None, field_name: str | None, message: str) -> None:
        self.errors.append(InputError(self.where, line, field_name, message))


class _Check(ABC):
    model: type[FigureRow]
    key: tuple[str, str]  # with the year, what no two rows may share

    def __init__(self, file: FigureFile, keys: int) -> None:
        """`keys`: how many values the key columns can take together (see `first`)."""
        self.file = file
        self.known = file.known
        # One bit per key and year: a few MB for the nation's millions of figures, where a
        # set of their keys would take hundreds.
        self.seen = bytearray((keys * YEARS + 7) // 8)
        self.repeated: list[tuple[int, tuple]] = []  # (line, key): first line found later

    def __call__(self, row: Row) -> dict[str, Any] | None:
        record = self.fast(row.cells)
        if record is None:
            try:
                parsed = self.model.model_validate(row.cells)
            except ValidationError as exc:
                for field_name, message in field_errors(exc):
                    self.file.error(row.line, field_name, message)
                return None
            record = self.record(parsed)
        record["source_ref"] = f"{self.file.where} rad {row.line}"
        record["revised"] = False
        return record if self.cross(row.line, record) else None

    def fast(self, cells: dict[str, str]) -> dict[str, Any] | None:
        """The row as a record if every cell is plainly fine; None sends it to pydantic."""
        return _fast_figure(cells)

    def record(self, row: FigureRow) -> dict[str, Any]:
        out = {f: getattr(row, f) for f in FIGURE_FIELDS}
        out["status"] = row.status.value
        return out

    @abstractmethod
    def cross(self, line: int, record: dict[str, Any]) -> bool:
        """The row's checks against the other files (each file kind has its own)."""

    def figure(self, line: int, record: dict[str, Any], indicator: IndicatorRow) -> bool:
        """ingest.sample's checks of a figure against its indicator."""
        ok = True
        value = record["value"]
        if indicator.unit == Unit.PERCENT and value is not None and not 0 <= value <= 100:
            self.file.error(line, "value", f"en andel ska ligga mellan 0 och 100 (fick {value:g})")
            ok = False
        n = record["n_answers"]
        if (
            indicator.source_kind == SourceKind.SURVEY
            and indicator.min_n is not None
            and n is not None
            and n < indicator.min_n
            and record["status"] == ValueStatus.OK
        ):
            self.file.error(
                line, "status", f"{n} svar är färre än {indicator.min_n}; status ska vara too_few"
            )
            ok = False
        return ok

    def need(self, line: int, field_name: str, value: str, known: Any, what: str) -> bool:
        if value not in known:
            self.file.error(line, field_name, f"okänd {what} '{value}'")
            return False
        return True

    def first(self, line: int, slot: int, record: dict[str, Any]) -> bool:
        """Whether this row is the first with its key, numbered `slot` (below `keys`)."""
        bit = slot * YEARS + (record["year"] - FIRST_YEAR)
        byte, mask = bit >> 3, 1 << (bit & 7)
        if self.seen[byte] & mask:
            self.repeated.append((line, (*(record[c] for c in self.key), record["year"])))
            self.file.error(line, "year", "")  # the message needs the first line: resolved later
            return False
        self.seen[byte] |= mask
        return True

    def resolve_duplicates(self) -> None:
        """Name the first line of each repeated key (a second pass, only when one is found)."""
        if not self.repeated:
            return
        wanted = {key for _, key in self.repeated}
        first: dict[tuple, int] = {}
        _, rows = stream_table(self.file.path, limits=SAMPLE_LIMITS)
        for row in rows:
            c = row.cells
            key = (*(c.get(column) for column in self.key), _int_or_none(c.get("year", "")))
            if key in wanted and key not in first:
                first[key] = row.line
                if len(first) == len(wanted):
                    rows.close()  # type: ignore[attr-defined]
                    break
        lines = dict(self.repeated)
        for n, e in enumerate(self.file.errors):
            if e.field == "year" and not e.message and e.row in lines:
                key = lines[e.row]
                self.file.errors[n] = InputError(
                    e.where, e.row, "year", f"'{key}' finns redan på rad {first.get(key, '?')}"
                )


class _ValueCheck(_Check):
    model = ValueRow
    key = ("provider_slug", "indicator_id")

    def __init__(self, file: FigureFile) -> None:
        k = file.known
        # A provider's indicators are those of its service type.
        super().__init__(file, len(k.providers) * k.slots_per_provider)

    def fast(self, cells: dict[str, str]) -> dict[str, Any] | None:
        slug, indicator = cells["provider_slug"], cells["indicator_id"]
        if not (_SLUG(slug) and indicator):
            return None
        record = _fast_figure(cells)
        if record is not None:
            record["provider_slug"], record["indicator_id"] = slug, indicator
        return record

    def record(self, row: FigureRow) -> dict[str, Any]:
        assert isinstance(row, ValueRow)
        return super().record(row) | {
            "provider_slug": row.provider_slug,
            "indicator_id": row.indicator_id,
        }

    def cross(self, line: int, record: dict[str, Any]) -> bool:
        k = self.known
        slug, indicator_id = record["provider_slug"], record["indicator_id"]
        provider = k.providers.get(slug)
        indicator = k.indicators.get(indicator_id)
        ok = True
        if provider is not None and indicator is not None:
            if provider[1] == indicator.service_type:
                slot = provider[0] * k.slots_per_provider + k.indicator_slots[indicator_id]
                ok = self.first(line, slot, record)
            else:
                self.file.error(
                    line,
                    "indicator_id",
                    f"indikatorn gäller {indicator.service_type}, inte {provider[1]}",
                )
                ok = False
        ok = self.need(line, "provider_slug", slug, k.providers, "utförare") and ok
        if not self.need(line, "indicator_id", indicator_id, k.indicators, "indikator"):
            return False
        return self.figure(line, record, indicator) and ok  # type: ignore[arg-type]


class _ReferenceCheck(_Check):
    model = ReferenceValueRow
    key = ("indicator_id", "municipality_code")

    def __init__(self, file: FigureFile) -> None:
        k = file.known
        self.indicators = {i: n for n, i in enumerate(k.indicators)}
        self.places = {c: n for n, c in enumerate(["0000", *sorted(k.kommuner)])}  # 0000: Sweden
        super().__init__(file, len(self.indicators) * len(self.places))

    def fast(self, cells: dict[str, str]) -> dict[str, Any] | None:
        indicator, code = cells["indicator_id"], cells["municipality_code"]
        basis = cells.get("basis") or ReferenceBasis.OFFICIAL.value
        if not (indicator and _KOMMUN(code) and basis in _BASES):
            return None
        record = _fast_figure(cells)
        if record is not None:
            record |= {"indicator_id": indicator, "municipality_code": code, "basis": basis}
        return record

    def record(self, row: FigureRow) -> dict[str, Any]:
        assert isinstance(row, ReferenceValueRow)
        return super().record(row) | {
            "indicator_id": row.indicator_id,
            "municipality_code": row.municipality_code,
            "basis": row.basis.value,
        }

    def cross(self, line: int, record: dict[str, Any]) -> bool:
        indicator_id, code = record["indicator_id"], record["municipality_code"]
        ok = self.need(line, "municipality_code", code, self.places, "kommun")
        if not self.need(line, "indicator_id", indicator_id, self.indicators, "indikator"):
            return False
        if ok:
            slot = self.indicators[indicator_id] * len(self.places) + self.places[code]
            ok = self.first(line, slot, record)
        return self.figure(line, record, self.known.indicators[indicator_id]) and ok


def _fast_figure(c: dict[str, str]) -> dict[str, Any] | None:
    """FigureRow's fields from plainly well-formed cells, or None to let pydantic decide.

    Accepts a subset of what FigureRow accepts and gives the same values for it.
    """
    year, period, status, source, fetched = (
        c["year"],
        c["period"],
        c["status"],
        c["source"],
        c["fetched"],
    )
    if not (_INT(year) and period and source and status in _STATUSES and _DATE(fetched)):
        return None
    y = int(year)
    if not 1990 <= y <= 2100:
        return None
    value: Any = _decimal(c.get("value", ""))
    if value is _INVALID or (status == ValueStatus.OK) != (value is not None):
        return None
    n_answers: Any = None
    if n := c.get("n_answers", ""):
        n = _number(n)
        if not _INT(n):
            return None
        n_answers = int(n)
    rate = _decimal(c.get("response_rate", ""))
    if rate is _INVALID or (rate is not None and not 0 <= rate <= 100):
        return None
    published: Any = None
    try:
        fetched_on = date.fromisoformat(fetched)
        if p := c.get("published", ""):
            if not _DATE(p):
                return None
            published = date.fromisoformat(p)
    except ValueError:
        return None
    return {
        "year": y,
        "period": period,
        "value": value,
        "n_answers": n_answers,
        "response_rate": rate,
        "status": status,
        "source": source,
        "published": published,
        "fetched": fetched_on,
    }


def _decimal(text: str) -> Any:
    """A plain decimal as a float, None for blank, _INVALID for anything else."""
    if not text:
        return None
    text = _number(text)
    return float(text) if _DECIMAL(text) else _INVALID


def _int_or_none(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None
