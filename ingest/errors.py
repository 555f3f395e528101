"""The one way an ingest reports bad input: where (file and row, or request) and what."""

from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    where: str  # a file path, or a request URL
    row: int | None  # line number in the file (header = 1); None for a whole file/request
    field: str | None
    message: str
    # The language `message` is in: the importer writes Swedish; the back office passes its
    # own language for the messages it translates, so a page in another one can say which.
    lang: str = "sv"

    def __str__(self) -> str:
        parts = [self.where]
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.field:
            parts.append(f"fält '{self.field}'")
        return ", ".join(parts) + f": {self.message}"


class IngestFailed(Exception):
    """Raised before anything is written; carries every error that was found."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:50])
        more = f"\n  ... och {len(errors) - 50} till" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} fel, inget har ändrats:\n{shown}{more}")
