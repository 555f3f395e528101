"""Sweden's 290 kommuner, shipped as data (data/kommuner.csv: SCB code, name, slug).

Any ingest for a kommun takes its row from here, so a kommun needs no other run first.
Slugs are the name folded to ASCII (ingest.external.slugify), except 0305 Håbo: folded it
would collide with 0643 Habo, so it is written `haabo` (å as "aa", the old transcription).
"""

import csv
from functools import cache
from pathlib import Path

from sqlmodel import Session

from app.models import Kommun
from ingest.errors import IngestFailed, InputError

KOMMUNER_CSV = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"


@cache
def kommuner() -> dict[str, dict[str, str]]:
    """Code -> {code, name, slug}, in the file's (SCB) order."""
    with KOMMUNER_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def ensure_kommun(session: Session, code: str) -> Kommun:
    """The kommun's row, created (staged in `session`) from the shipped data if missing.

    An existing row is left as it is: the sample's five, or a kommun the kommun renamed.
    """
    kommun = session.get(Kommun, code)
    if kommun is not None:
        return kommun
    known = kommuner().get(code)
    if known is None:
        raise IngestFailed(
            [
                InputError(
                    str(KOMMUNER_CSV.relative_to(KOMMUNER_CSV.parent.parent)),
                    None,
                    "code",
                    f"kommunkoden {code} finns inte bland Sveriges 290 kommuner",
                )
            ]
        )
    kommun = Kommun(**known)
    session.add(kommun)
    session.flush()  # the units written next refer to it
    return kommun
