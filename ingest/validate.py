"""Turning a Table into typed rows, collecting every error with file, row and field."""

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from app.messages import msg
from ingest.errors import IngestFailed, InputError
from ingest.fields import field_errors
from ingest.tabular import Row, Table

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")  # a parsed row, or what is kept of it (ingest.sample.ProviderRef)


@dataclass(frozen=True)
class Parsed(Generic[R]):
    where: str
    line: int
    row: R

    @property
    def ref(self) -> str:
        return f"{self.where} rad {self.line}"


@dataclass
class Errors:
    """Collects errors across all files so one run reports everything wrong at once."""

    items: list[InputError] = field(default_factory=list)

    def add(
        self,
        where: str,
        line: int | None,
        field_name: str | None,
        message: str,
        lang: str = "sv",
    ) -> None:
        self.items.append(InputError(where, line, field_name, message, lang))

    def at(self, parsed: Parsed, field_name: str, message: str, lang: str = "sv") -> None:
        self.add(parsed.where, parsed.line, field_name, message, lang)

    def raise_if_any(self) -> None:
        if self.items:
            raise IngestFailed(self.items)


def parse_table(table: Table, model: type[M], errors: Errors, where: str) -> list[Parsed[M]]:
    return list(parse_rows(table.rows, model, errors, where))


def parse_rows(
    rows: Iterable[Row], model: type[M], errors: Errors, where: str
) -> Iterator[Parsed[M]]:
    """The rows that validate, one at a time; every other row's errors go to `errors`."""
    for row in rows:
        try:
            yield Parsed(where, row.line, model.model_validate(row.cells))
        except ValidationError as exc:
            for field_name, message in field_errors(exc):
                errors.add(where, row.line, field_name, message)


def unique(
    rows: list[Parsed[R]], key: Callable[[R], Hashable], field_name: str, errors: Errors
) -> dict[Hashable, Parsed[R]]:
    """Index rows by key; a repeated key is an error on the later row."""
    seen: dict[Hashable, Parsed[R]] = {}
    for parsed in rows:
        k = key(parsed.row)
        if k in seen:
            errors.at(
                parsed,
                field_name,
                msg("'%(value)s' finns redan på rad %(row)s", value=k, row=seen[k].line),
            )
        else:
            seen[k] = parsed
    return seen
