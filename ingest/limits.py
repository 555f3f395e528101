"""Hard limits on the files an ingest reads: the one place they are set.

`LIMITS` is for the kommun's own files, checked before a file is read in full; the CLI and
the web upload use the same ones. A real file is far below each: a kommun has
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
    # A web upload's whole request, the file and the form around it, refused before it is
    # read (deploy/nginx.conf's client_max_body_size is the same): a file between this and
    # max_bytes is read in and refused with the upload page's own message.
    max_request_bytes: int = 25 * MB


LIMITS = FileLimits()

# The sample or national data directory (`python -m ingest sample --data-dir DIR`) is the
# operator's own, not an upload, and the nation is large: values.csv has some 3.5 million
# rows and 400 MB for 30 000 units and ten years. Its big files are streamed and written in
# batches (ingest.sample_figures), so these bound time, not memory; they leave five times
# headroom. Its other files are read a row at a time too; of providers.csv (the nation's is
# about 30 000 rows and 16 MB) only what the checks need is held (ingest.sample.ProviderRef).
# A cell is still capped as for the kommun's files.
SAMPLE_LIMITS = FileLimits(
    max_bytes=2048 * MB,
    max_rows=20_000_000,
    max_provider_rows=200_000,
)


def count(n: int) -> str:
    """50000 as Swedish writes it: 50 000."""
    return f"{n:,}".replace(",", " ")


def size(n: int) -> str:
    return f"{n / MB:.1f} MB".replace(".", ",") if n % MB else f"{n // MB} MB"
