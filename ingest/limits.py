"""Hard limits for the kommun's files, checked before a file is read in full.

The CLI and the web upload use the same ones. A real file is far below each: a kommun has
hundreds of units, a survey file a few thousand rows. A file over a limit is refused with a
message saying which limit, so a hostile or broken file costs bounded time and memory.
"""

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 20 * MB  # the file as stored
    max_rows: int = 50_000  # rows below the header, blank ones included
    # A providers file: a large kommun has about 1 500 units, and each new one costs an ORM
    # object (a few ms) where a figure is a plain bulk insert.
    max_provider_rows: int = 5_000
    max_columns: int = 50  # the widest template has 26
    max_cell_chars: int = 10_000  # a presentation is a few hundred
    # An .xlsx is a zip: what its members unpack to, in all and relative to their packed size.
    max_unpacked_bytes: int = 100 * MB
    max_ratio: int = 100  # real sheets pack 5-30 times; zip bombs a thousand
    ratio_from_bytes: int = MB  # smaller members may pack as tightly as they like


LIMITS = FileLimits()


def count(n: int) -> str:
    """50000 as Swedish writes it: 50 000."""
    return f"{n:,}".replace(",", " ")


def size(n: int) -> str:
    return f"{n / MB:.1f} MB".replace(".", ",") if n % MB else f"{n // MB} MB"
