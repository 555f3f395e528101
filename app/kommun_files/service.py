"""A kommun's own files, uploaded from the back office through the same importer as
`python -m ingest file` (ingest.kommun_files): the same checks, the same all-or-nothing
write, the same errors naming file, row and field, and the file named as the person chose
it, never by the temporary copy.

The command line is an operator's, for any kommun; an upload is an administrator's, for
one. So beyond the importer's own rules, every row must be about the administrator's
kommun, and a huvudman that also has units in other kommuner keeps its stored name and
driftsform (changing them would change those kommuners' pages too).
"""

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path, PureWindowsPath
from typing import BinaryIO, NoReturn

from sqlmodel import Session, col, select

from app.accounts import audit
from app.accounts.audit import Actor
from app.clock import today_in_sweden
from app.i18n import current_lang
from app.i18n import gettext as _
from app.models import AuditEntry, Kommun, Organisation, Provider
from app.settings import ROOT, Settings
from ingest.errors import IngestFailed, InputError
from ingest.kommun_files import (
    Kind,
    KommunFile,
    ProviderFileRow,
    read_kommun_file,
    write_kommun_file,
)
from ingest.limits import LIMITS, size
from ingest.runs import RunResult, run_job
from ingest.spreadsheet import EXCEL_SUFFIXES
from ingest.validate import Errors
from ingest.writer import Writer

TEMPLATES_DIR = ROOT / "data" / "templates"
AUDIT_ACTION = "kommun_file.upload"
CSV_SUFFIXES = {".csv", ".txt"}
ACCEPTED_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | {".xls"}  # .xls: the importer says why not
MAX_NAME_BYTES = 200
CHUNK = 64 * 1024
# What no file name should carry into a page or onto a disk: controls, and the marks that
# reorder text (as ingest.tabular refuses in cells).
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


class FileTooLarge(IngestFailed):
    """The upload is larger than a file may be (LIMITS.max_bytes); refused before it is parsed."""


def template_path(kind: Kind) -> Path:
    """The template with a header row and one example row (data/templates/)."""
    return TEMPLATES_DIR / f"{kind.value}.csv"


def display_name(raw: str | None) -> str:
    """The file's name as the person chose it, without any folder, safe to show and to
    use as a file name of its own ("" when there is none)."""
    # PureWindowsPath splits on both / and \ (an old browser sends C:\\fakepath\\x.csv).
    name = _UNSAFE_NAME.sub("", PureWindowsPath(raw or "").name).strip()
    if name in ("", ".", ".."):
        return ""
    suffix = Path(name).suffix[:10]
    stem = name[: len(name) - len(Path(name).suffix)]
    # A file system takes 255 bytes in a name; ä is two of them.
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


@contextmanager
def received_file(source: BinaryIO, name: str) -> Iterator[Path]:
    """The upload copied, at most LIMITS.max_bytes of it, into a directory of its own
    under the person's file name (so errors and each value's source name it); removed
    afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="kommunfil-"))
    try:
        path = directory / name
        written = 0
        with path.open("wb") as out:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > LIMITS.max_bytes:
                    raise FileTooLarge(
                        [
                            InputError(
                                name,
                                None,
                                None,
                                _(
                                    "filen är större än %(size)s, det mesta som går att "
                                    "läsa in; dela upp den i flera filer"
                                )
                                % {"size": size(LIMITS.max_bytes)},
                                lang=current_lang.get(),
                            )
                        ]
                    )
                out.write(chunk)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def load_upload(
    settings: Settings,
    caller: Actor,
    kommun: Kommun,
    kind: Kind,
    path: Path,
    *,
    dry_run: bool,
    reindex: bool = True,
    today: date | None = None,
) -> RunResult:
    """Check the file and, unless `dry_run`, store it in one transaction and rebuild the
    search index (ingest.runs.run_job). A dry run writes and rolls back, to count.

    Raises IngestFailed naming the file by `path.name` (nothing written), or
    ingest.lock.RunLocked when another run is writing.
    """
    try:
        _check_type(path)
        data = read_kommun_file(path, kind)
        _only_own_kommun(data, kommun)
        day = today or today_in_sweden()

        def write(session: Session) -> Writer:
            _shared_huvudman_kept(session, data, kommun.code)
            writer = write_kommun_file(session, data, day)
            if not dry_run:
                # In the ingest's own transaction: the entry is stored if and only if the data is.
                total = writer.total()
                audit.record(
                    session,
                    caller,
                    AUDIT_ACTION,
                    "kommun_file",
                    path.name,
                    kommun.code,
                    after={
                        "file": path.name,
                        "kind": kind.value,
                        "created": total.created,
                        "updated": total.updated,
                        "unchanged": total.unchanged,
                        "deleted": total.deleted,
                    },
                )
            return writer

        return run_job(settings, f"fil:{kind.value}", write, dry_run=dry_run, reindex=reindex)
    except IngestFailed as exc:
        raise _named(exc, path) from None


def recent_uploads(session: Session, kommun_code: str, limit: int = 10) -> list[AuditEntry]:
    """The kommun's latest stored uploads, newest first (from the audit log)."""
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.kommun_code == kommun_code, AuditEntry.action == AUDIT_ACTION)
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .limit(limit)
        ).all()
    )


def _named(exc: IngestFailed, path: Path) -> IngestFailed:
    """The same errors with the temporary path replaced by the person's file name."""
    where = str(path)
    errors = [replace(e, where=path.name) if e.where == where else e for e in exc.errors]
    return type(exc)(errors)


def _refuse(path: Path, message: str) -> NoReturn:
    raise IngestFailed([InputError(str(path), None, None, message, current_lang.get())])


def _check_type(path: Path) -> None:
    """A clear word for what is no CSV or Excel file at all, before the importer tries it
    as CSV (the command line reads any other file as CSV)."""
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        _refuse(
            path,
            _(
                "filer av typen %(type)s går inte att läsa in; spara filen som CSV (.csv) "
                "eller Excel (.xlsx)"
            )
            % {"type": suffix or _("utan filändelse")},
        )
    if suffix not in CSV_SUFFIXES:
        return  # the Excel reader checks workbooks thoroughly (ingest.spreadsheet)
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        _refuse(
            path,
            _(
                "filen är packad (till exempel en Excel-fil), inte CSV; är det en "
                "Excel-fil, ge den ändelsen .xlsx"
            ),
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 has a message of its own in the importer; other NULs mean binary data.
        _refuse(
            path,
            _("filen är ingen textfil; spara den som CSV UTF-8 eller som Excel (.xlsx)"),
        )


def _only_own_kommun(data: KommunFile, kommun: Kommun) -> None:
    errors = Errors()
    for p in data.rows:
        if p.row.kommun_code != kommun.code:
            errors.at(
                p,
                "kommun_code",
                _(
                    "kommunkoden är %(code)s, men här läser du bara in uppgifter om "
                    "%(kommun)s (%(own)s)"
                )
                % {"code": p.row.kommun_code, "kommun": kommun.name, "own": kommun.code},
                lang=current_lang.get(),
            )
    errors.raise_if_any()


def _shared_huvudman_kept(session: Session, data: KommunFile, kommun_code: str) -> None:
    """Refuse rows that would rename (or change the driftsform of) a huvudman with units in
    other kommuner. The importer finds a huvudman by its org.nr, as here."""
    if data.kind != Kind.PROVIDERS:
        return
    numbers = {p.row.org_nr for p in data.rows if p.row.org_nr}
    if not numbers:
        return
    keys = {f"orgnr-{n.replace('-', '')}": n for n in numbers}
    stored: dict[str, Organisation] = {}
    for org in session.exec(
        select(Organisation).where(
            col(Organisation.key).in_(list(keys)) | col(Organisation.org_nr).in_(list(numbers))
        )
    ).all():
        number = keys.get(org.key) or org.org_nr
        # The importer prefers the key match, as this does.
        if number and (number not in stored or org.key in keys):
            stored[number] = org
    shared = set(
        session.exec(
            select(Provider.organisation_id).where(
                col(Provider.organisation_id).in_([o.id for o in stored.values()]),
                Provider.kommun_code != kommun_code,
            )
        ).all()
    )
    errors = Errors()
    for p in data.rows:
        r: ProviderFileRow = p.row
        org = stored.get(r.org_nr or "")
        if org is None or org.id not in shared:
            continue
        if org.name != r.organisation_name:
            errors.at(
                p,
                "organisation_name",
                _(
                    "huvudmannen med org.nr %(org_nr)s har enheter även i andra kommuner, så "
                    "namnet ändras inte härifrån; skriv %(name)s"
                )
                % {"org_nr": r.org_nr, "name": org.name},
                lang=current_lang.get(),
            )
        elif org.driftsform != r.driftsform.value:
            errors.at(
                p,
                "driftsform",
                _(
                    "huvudmannen med org.nr %(org_nr)s har enheter även i andra kommuner, så "
                    "driftsformen ändras inte härifrån; skriv %(driftsform)s"
                )
                % {"org_nr": r.org_nr, "driftsform": org.driftsform},
                lang=current_lang.get(),
            )
    errors.raise_if_any()
