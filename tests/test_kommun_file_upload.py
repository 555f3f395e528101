"""A kommun's administrators upload the kommun's own files in the back office (issue 12),
through the same importer as `python -m ingest file`: a good file reaches the public pages
and the search index; a bad one changes nothing and names the chosen file, row and field;
another kommun's rows, an oversized or non-tabular file and a missing form token are
refused; a check ("Kontrollera filen") only counts; every stored upload is in the audit log.
"""

import csv
import io
import os
from pathlib import Path

import meilisearch
import openpyxl
import pytest
from sqlmodel import Session, select

from app.kommun_files.service import display_name
from app.main import create_app
from app.models import AuditEntry, IngestRun, Provider, ProviderSourceId, Role
from ingest.limits import LIMITS, MB
from ingest.lock import run_lock
from tests.support import accounts as acc
from tests.support import factories as f
from tests.support.snapshot import database_snapshot

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
PAGE = "/admin/taby/filer"
# Bookkeeping, not data: sign-in (touched by every signed-in request) and the page cache's
# version (an ingest run bumps it when it tidies ingest_run before writing, even if it fails).
BOOKKEEPING = {"login_session", "login_attempt", "data_version"}


def stored(engine) -> dict:
    """Everything but the bookkeeping, with the ingest runs too."""
    snapshot = database_snapshot(engine)
    with Session(engine) as s:
        snapshot["ingest_run"] = [(r.source, r.status) for r in s.exec(select(IngestRun)).all()]
    return {table: rows for table, rows in snapshot.items() if table not in BOOKKEEPING}


def template_rows(kind: str) -> list[dict[str, str]]:
    with (TEMPLATES / f"{kind}.csv").open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def providers_file(**cells: str) -> bytes:
    """The providers template with its example row (Täby's FS-03) edited."""
    rows = template_rows("providers")
    rows[0].update(cells)
    return csv_bytes(rows)


def post(client, token: str, kind: str, name: str, content: bytes, action: str = "load", **kw):
    return client.post(
        PAGE,
        data={"csrf": token, "kind": kind, "action": action},
        files={"file": (name, content, "application/octet-stream")},
        **kw,
    )


@pytest.fixture
def taby(built):
    """Täby with Förskolan Exempelgården (FS-03, the templates' unit) and the indicators the
    templates use; Danderyd with a school of its own."""
    s = built.session
    unit = f.provider(
        s, "Förskolan Exempelgården", service_type_id="forskola", origin="kommun", phone=None
    )
    s.add(ProviderSourceId(provider_id=unit.id, source="kommun", external_id="0160:FS-03"))
    f.indicator(s, "kommun-forskola-nojdhet", "forskola", min_n=5)
    school = f.provider(s, "Danderyds skola", kommun_code="0162", service_type_id="grundskola")
    s.add(ProviderSourceId(provider_id=school.id, source="skolverket", external_id="12345678"))
    s.add(ProviderSourceId(provider_id=school.id, source="kommun", external_id="0162:DS-1"))
    s.commit()
    return unit


def test_a_good_upload_reaches_the_provider_page_and_search(
    built, taby, settings, meili_client: meilisearch.Client
) -> None:
    s = built.session
    with built.client() as client:
        before = client.get(f"/utforare/{taby.slug}")
        assert "Förskolan Solgläntan" not in before.text
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        content = providers_file(name="Förskolan Solgläntan", phone="08-555 123 45")
        r = post(client, token, "providers", "forskolor 2025.csv", content)
        assert r.status_code == 200, r.text
        assert "forskolor 2025.csv är inläst" in r.text
        assert "syns nu på webbplatsen" in r.text
        after = client.get(f"/utforare/{taby.slug}")
    assert "Förskolan Solgläntan" in after.text and "08-555 123 45" in after.text
    hits = meili_client.index(settings.providers_index).search("Solgläntan")["hits"]
    assert [h["slug"] for h in hits] == [taby.slug]
    run = s.exec(select(IngestRun)).one()
    assert (run.source, run.status) == ("fil:providers", "ok")


def test_a_bad_value_names_the_chosen_file_row_and_field_and_changes_nothing(
    built, taby, engine
) -> None:
    s = built.session
    rows = template_rows("providers")
    rows.append(rows[0] | {"unit_id": "FS-04", "name": "Förskolan Två", "org_nr": "55600"})
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        r = post(client, token, "providers", "providers.csv", csv_bytes(rows))
    assert r.status_code == 400
    assert "providers.csv lästes inte in" in r.text
    assert "providers.csv, rad 3, fält org_nr:" in r.text
    assert "kommunfil-" not in r.text and "/tmp" not in r.text  # never the temporary copy
    assert 'aria-invalid="true"' not in r.text  # the form itself was filled in right
    assert stored(engine) == snapshot


def test_rows_about_another_kommun_are_refused_and_change_nothing(built, taby, engine) -> None:
    s = built.session
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        # Danderyd's own unit, named as Danderyd.
        other = post(
            client,
            token,
            "providers",
            "danderyd.csv",
            providers_file(
                kommun_code="0162", unit_id="DS-1", name="Övertagen", service_type="grundskola"
            ),
        )
        # Danderyd's school by its skolenhetskod, under Täby's code.
        survey = template_rows("surveys")[0] | {"unit_id": "", "skolverket_code": "12345678"}
        disguised = post(client, token, "surveys", "enkat.csv", csv_bytes([survey]))
        assert stored(engine) == snapshot
    assert other.status_code == 400
    assert "danderyd.csv, rad 2, fält kommun_code:" in other.text
    assert "men här läser du bara in uppgifter om Täby (0160)" in other.text
    assert disguised.status_code == 400
    assert "enkat.csv, rad 2, fält kommun_code:" in disguised.text
    assert "ligger i 0162" in disguised.text
    assert s.get(Provider, taby.id).name == "Förskolan Exempelgården"


def test_on_the_english_page_the_importers_messages_are_in_english(built, taby) -> None:
    """The importer writes Swedish. A page in English shows its messages in English from the
    catalogue (app.messages; one not there yet would be marked as Swedish, WCAG 3.1.2, see
    tests/test_messages.py); the back office's own checks are translated as they are made."""
    s = built.session
    rows = template_rows("providers")
    rows.append(rows[0] | {"unit_id": "FS-04", "name": "Förskolan Två", "org_nr": "55600"})
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")

        def upload(name: str, content: bytes, lang: str = "/en"):
            return client.post(
                lang + PAGE,
                data={"csrf": token, "kind": "providers", "action": "load"},
                files={"file": (name, content, "text/csv")},
            )

        bad = upload("providers.csv", csv_bytes(rows))
        swedish = upload("providers.csv", csv_bytes(rows), lang="")
        other = upload("danderyd.csv", providers_file(kommun_code="0162"))
        utf16 = upload("utf16.csv", "unit_id;name\r\nA;B\r\n".encode("utf-16"))
    assert {r.status_code for r in (bad, swedish, other, utf16)} == {400}
    assert '<html lang="en">' in bad.text
    assert "providers.csv, row 3, field org_nr: wrong format (got &#39;55600&#39;)</li>" in bad.text
    assert "providers.csv, rad 3, fält org_nr: fel format (fick &#39;55600&#39;)</li>" in (
        swedish.text
    )
    assert "danderyd.csv, row 2, field kommun_code: the kommun code is 0162" in other.text
    assert "<li>utf16.csv: the file is saved as UTF-16; save it as CSV UTF-8</li>" in utf16.text
    assert not any('<span lang="sv">' in r.text for r in (bad, other, utf16))


def test_a_huvudman_with_units_elsewhere_keeps_its_name(built, taby, engine) -> None:
    s = built.session
    shared = f.organisation(s, "Exempel Förskolor AB", org_nr="556000-0000")
    f.provider(s, "Danderyds förskola", kommun_code="0162", service_type_id="forskola", org=shared)
    s.commit()
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        renamed = post(
            client,
            token,
            "providers",
            "providers.csv",
            providers_file(organisation_name="Täbys Eget Namn AB"),
        )
        assert stored(engine) == snapshot
        same = post(client, token, "providers", "providers.csv", providers_file())
    assert renamed.status_code == 400
    assert "providers.csv, rad 2, fält organisation_name:" in renamed.text
    assert "skriv Exempel Förskolor AB" in renamed.text
    assert same.status_code == 200, same.text
    s.expire_all()
    assert s.get(Provider, taby.id).organisation_id == shared.id


def test_a_file_over_the_size_limit_is_refused(built, taby, engine) -> None:
    s = built.session
    header = b"kommun_code;unit_id;name\r\n"
    big = header + b"0160;FS-03;" + b"x" * (LIMITS.max_bytes + MB) + b"\r\n"
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        over = post(client, token, "providers", "stor.csv", big)
        # A request larger than any allowed file makes is refused before it is read (its
        # form token too), and so is one that does not say how large it is.
        huge = client.post(
            PAGE,
            content=b"x" * (LIMITS.max_request_bytes + 1),
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        unknown = client.post(
            PAGE,
            content=iter([b"x" * 100]),
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        assert stored(engine) == snapshot
    assert over.status_code == 413
    assert "stor.csv: filen är större än 20 MB" in over.text
    assert huge.status_code == 413
    assert "Filen är för stor: högst 20 MB går att läsa in." in huge.text
    assert unknown.status_code == 411 and "Filen kom inte fram hel." in unknown.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bild.png", b"\x89PNG\r\n\x1a\n" + os.urandom(200), "filer av typen .png går inte"),
        ("data.csv", b"\x00\x01\x02binary\x00" + os.urandom(200), "filen är ingen textfil"),
        ("ark.csv", b"PK\x03\x04" + os.urandom(200), "filen är packad"),
        ("ark.xlsx", os.urandom(300), "inte en läsbar Excel-fil (.xlsx)"),
        ("tom.csv", b"", "filen är tom"),
    ],
)
def test_what_is_no_csv_or_excel_file_gets_a_clear_message(
    built, taby, engine, name, content, message
) -> None:
    s = built.session
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        r = post(client, token, "providers", name, content)
        assert stored(engine) == snapshot
    assert r.status_code == 400
    assert f"{name}: {message}" in r.text


def test_without_the_form_token_nothing_is_read(built, taby, engine) -> None:
    s = built.session
    with built.client() as client:
        acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        missing = post(client, "", "providers", "providers.csv", providers_file(name="Ny"))
        assert stored(engine) == snapshot
    assert missing.status_code == 403
    assert "Formuläret har gått ut" in missing.text


def test_a_form_without_a_file_or_kind_says_what_is_missing(built, taby) -> None:
    s = built.session
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        no_file = client.post(PAGE, data={"csrf": token, "kind": "providers"})
        no_kind = post(client, token, "", "providers.csv", providers_file())
        unknown_kind = post(client, token, "../../etc", "providers.csv", providers_file())
    assert no_file.status_code == 400 and "Välj filen du vill läsa in." in no_file.text
    assert no_kind.status_code == 400 and "Välj vilken sorts fil det är." in no_kind.text
    assert unknown_kind.status_code == 400 and "Välj vilken sorts fil det är." in unknown_kind.text


def test_a_check_changes_nothing_but_shows_what_would_change(built, taby, engine) -> None:
    s = built.session
    rows = template_rows("providers")
    rows.append(rows[0] | {"unit_id": "FS-04", "name": "Förskolan Två", "org_nr": ""})
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        snapshot = stored(engine)
        r = post(client, token, "providers", "providers.csv", csv_bytes(rows), action="check")
        assert stored(engine) == snapshot
    assert r.status_code == 200, r.text
    assert "providers.csv går att läsa in" in r.text and "Inget är ändrat än" in r.text
    # FS-03 is updated, FS-04 is new: one of each among the units.
    assert '<th scope="row">Utförare</th><td>1</td><td>1</td><td>0</td><td>0</td>' in r.text


def test_a_stored_upload_is_in_the_audit_log_and_on_the_page(built, taby) -> None:
    s = built.session
    with built.client() as client:
        user, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        post(client, token, "providers", "providers.csv", providers_file(), action="check")
        r = post(client, token, "providers", "providers.csv", providers_file())
        assert r.status_code == 200, r.text
        page = client.get(PAGE)
        log = client.get("/admin/taby/logg")
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "kommun_file.upload")).one()
    assert (entry.user_id, entry.kommun_code, entry.object_id) == (user.id, "0160", "providers.csv")
    assert entry.after["kind"] == "providers" and entry.after["updated"] >= 1
    assert "Senaste inläsningarna" in page.text
    assert '<th scope="row">providers.csv</th>' in page.text
    assert "kommun_file.upload" in log.text


def test_an_excel_survey_file_is_stored_with_the_chosen_name(built, taby) -> None:
    from app.models import IndicatorValue

    s = built.session
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kommun_code", "unit_id", "indicator_id", "year", "value", "n_answers"])
    sheet.append(["0160", "FS-03", "kommun-forskola-nojdhet", 2024, 91.5, 48])
    sheet.append(["0160", "FS-03", "kommun-forskola-nojdhet", 2023, "bra", 40])
    bad = io.BytesIO()
    book.save(bad)
    sheet.delete_rows(3)
    good = io.BytesIO()
    book.save(good)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        refused = post(client, token, "surveys", "Enkät 2024.xlsx", bad.getvalue())
        ok = post(client, token, "surveys", "Enkät 2024.xlsx", good.getvalue())
    assert refused.status_code == 400
    assert "Enkät 2024.xlsx, rad 3, fält value:" in refused.text
    assert ok.status_code == 200, ok.text
    value = s.exec(select(IndicatorValue)).one()
    assert (value.value, value.source_ref) == (91.5, "Enkät 2024.xlsx rad 2")


def test_while_another_ingest_writes_the_upload_is_refused_at_once(built, taby, settings) -> None:
    s = built.session
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        with run_lock(settings):
            busy = post(client, token, "providers", "providers.csv", providers_file(name="Ny"))
            check = post(client, token, "providers", "providers.csv", providers_file(), "check")
    assert busy.status_code == 409
    assert "En inläsning pågår redan. Försök igen om en stund." in busy.text
    assert check.status_code == 200  # a check writes nothing, so it needs no lock
    s.expire_all()
    assert s.get(Provider, taby.id).name == "Förskolan Exempelgården"


def test_if_search_cannot_be_rebuilt_the_data_is_stored_and_the_page_says_so(
    built, taby, settings
) -> None:
    s = built.session
    s.commit()
    no_search = settings.model_copy(update={"meili_url": "http://127.0.0.1:9"})
    app = create_app(no_search)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        r = post(client, token, "providers", "providers.csv", providers_file(name="Solgläntan"))
    app.state.engine.dispose()
    assert r.status_code == 200, r.text
    assert "Uppgifterna är sparade, men sökningen visar dem först senare." in r.text
    s.expire_all()
    assert s.get(Provider, taby.id).name == "Solgläntan"
    assert s.exec(select(IngestRun)).one().status == "index_failed"


def test_the_templates_are_served_to_the_kommuns_administrators(built, taby) -> None:
    s = built.session
    with built.client() as client:
        _u, _token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        page = client.get(PAGE)
        template = client.get(f"{PAGE}/mall/surveys.csv")
        unknown = client.get(f"{PAGE}/mall/passwd.csv")
    assert page.status_code == 200
    for kind in ("providers", "surveys", "inspections", "complaints"):
        assert f'href="{PAGE}/mall/{kind}.csv"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")
    assert "attachment" in template.headers["content-disposition"]
    assert template.content == (TEMPLATES / "surveys.csv").read_bytes()
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("providers.csv", "providers.csv"),
        ("C:\\fakepath\\Enkät 2024.xlsx", "Enkät 2024.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("a\x00b\u202e.csv", "ab.csv"),
        ("..", ""),
        ("", ""),
        ("ä" * 300 + ".csv", "ä" * 98 + ".csv"),
    ],
)
def test_the_chosen_name_is_kept_without_folders_or_hidden_marks(sent, shown) -> None:
    assert display_name(sent) == shown
