"""The provider presents itself, moderated by its kommun: submit → pending (the public page
unchanged) → approve (the page shows it, dated, as the provider's own words) or reject with
a reason the editor sees; one pending draft per unit; comments beside figures; access per
role and scope; CSRF; the audit log with before and after. Real database, real pages."""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.service import Caller
from app.clock import today_in_sweden
from app.formatting import day
from app.models import (
    AuditEntry,
    DraftKind,
    DraftStatus,
    FigureComment,
    PresentationDraft,
    Provider,
    Role,
    User,
)
from app.presentation_edits import service
from app.presentation_edits.service import EditError
from tests.support import accounts as acc
from tests.support import factories as f
from tests.support.html import dom

SERIAL = itertools.count(1)
FORM = {
    "presentation": "Vi är **små** och *nära*.\n\n- Samma personal\n- [Läs mer](https://angen.se)",
    "profiles": "demens, HBTQ-certifierad",
    "languages": "Svenska, finska",
    "phone": "08-123 456 78",
    "email": "info@angen.se",
    "website": "https://angen.se",
    "opening_hours": "Vardagar 7–22",
}


class World:
    def __init__(self, s: Session) -> None:
        f.kommun(s, "0160")
        f.kommun(s, "0162")
        self.indicator = f.indicator(s, "U28532", section=5, short_title_sv="Nöjda kunder")
        self.unit = f.provider(
            s,
            "Ängens hemtjänst",
            presentation="Gammal text om Ängen.",
            presentation_updated=date(2024, 1, 10),
            phone="08-111 111 11",
        )
        f.indicator_value(s, self.unit, self.indicator)
        self.other = f.provider(s, "Björkens omsorg")
        self.far = f.provider(s, "Danderyds omsorg", kommun_code="0162")
        s.commit()


@pytest.fixture
def world(built) -> World:
    return World(built.session)


@contextmanager
def client_as(built, monkeypatch, role: str | None = None, **scope) -> Iterator[tuple]:
    """A client of the app, signed in with one role (or anonymous); yields (client, token)."""
    with built.client() as client:
        token = ""
        if role:
            email = f"{role}-{next(SERIAL)}@exempel.se"
            _user, token = acc.sign_in(client, built.session, role=role, email=email, **scope)
        client.follow_redirects = False
        yield client, token


def editor_of(built, monkeypatch, unit: Provider):
    return client_as(built, monkeypatch, Role.PROVIDER_EDITOR, provider=unit)


def admin_of(built, monkeypatch, code: str = "0160"):
    return client_as(built, monkeypatch, Role.KOMMUN_ADMIN, kommun_code=code)


def drafts(s: Session) -> list[PresentationDraft]:
    s.expire_all()
    return list(s.exec(select(PresentationDraft).order_by(col(PresentationDraft.id))).all())


def own_words_text(html: str) -> str:
    return dom(html).with_class("own-words")[0].text


# --- the flow -----------------------------------------------------------------------------


def test_submit_waits_for_the_kommun_then_approval_publishes_it_dated(
    built, world, monkeypatch
) -> None:
    s, unit = built.session, world.unit
    with editor_of(built, monkeypatch, unit) as (editor, token):
        sent = editor.post(f"/utforare/{unit.slug}/redigera", data=FORM | {"csrf": token})
        assert sent.status_code == 303
        assert sent.headers["location"].endswith("?skickad=1")
        status = editor.get(f"/utforare/{unit.slug}/redigera?skickad=1")
        public = editor.get(f"/utforare/{unit.slug}")
    assert "Väntar på granskning" in status.text
    assert "Vi är **små**" in status.text  # the form shows the pending draft
    # The public page is unchanged until the kommun approves.
    assert "Gammal text om Ängen." in own_words_text(public.text)
    assert "08-111 111 11" in public.text and "08-123 456 78" not in public.text
    [draft] = drafts(s)
    assert draft.status == DraftStatus.PENDING

    with admin_of(built, monkeypatch) as (admin, token):
        queue = admin.get("/admin/taby/granskning")
        assert "Ängens hemtjänst" in queue.text
        review = admin.get(f"/admin/taby/granskning/{draft.id}")
        rows = {r.first("th").text.split(" ")[0]: r for r in dom(review.text).all("tr")[1:]}
        assert "Gammal text om Ängen." in rows["Presentation"].text
        assert "08-123 456 78" in rows["Telefon"].text and "Ändras" in rows["Telefon"].text
        done = admin.post(f"/admin/taby/granskning/{draft.id}/godkann", data={"csrf": token})
        assert done.status_code == 303 and "beslut=godkand" in done.headers["location"]
        public = admin.get(f"/utforare/{unit.slug}")
        empty = admin.get("/admin/taby/granskning")
    assert "Inga ändringar väntar" in empty.text

    words = dom(public.text).with_class("own-words")[0]
    assert "Utförarens egen text" in words.text
    assert words.first("strong").text == "små"
    link = words.first("a")
    assert link.attrs["href"] == "https://angen.se"
    assert link.attrs["rel"] == "nofollow noopener"
    assert f"Uppdaterad {day(today_in_sweden())}" in words.text
    assert "Gammal text" not in public.text
    assert "08-123 456 78" in public.text and "Finska" in public.text
    s.expire_all()
    unit = s.get(Provider, unit.id)
    assert unit.presentation_updated == today_in_sweden()
    assert unit.profiles == ["demens", "HBTQ-certifierad"]
    assert unit.languages == ["svenska", "finska"]
    assert drafts(s)[0].status == DraftStatus.APPROVED

    log = s.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    actions = [e.action for e in log if e.action.startswith("presentation.")]
    assert actions == ["presentation.submit", "presentation.approve"]
    submit, approve = [e for e in log if e.action.startswith("presentation.")]
    assert submit.kommun_code == approve.kommun_code == "0160"
    assert submit.before["presentation"] == "Gammal text om Ängen."
    assert submit.after["phone"] == "08-123 456 78"
    assert approve.before["phone"] == "08-111 111 11"
    assert approve.before["presentation_updated"] == "2024-01-10"
    assert approve.after["presentation_updated"] == today_in_sweden().isoformat()
    assert submit.user_name != approve.user_name  # the editor, then the administrator


def test_reject_needs_a_reason_and_the_editor_reads_it(built, world, monkeypatch) -> None:
    s, unit = built.session, world.unit
    with editor_of(built, monkeypatch, unit) as (editor, token):
        editor.post(f"/utforare/{unit.slug}/redigera", data=FORM | {"csrf": token})
    [draft] = drafts(s)
    with admin_of(built, monkeypatch) as (admin, token):
        url = f"/admin/taby/granskning/{draft.id}/avvisa"
        blank = admin.post(url, data={"csrf": token, "reason": "   "})
        assert blank.status_code == 422
        assert "Skriv varför ändringen inte godkänns." in blank.text
        assert drafts(s)[0].status == DraftStatus.PENDING
        done = admin.post(url, data={"csrf": token, "reason": "Länken går till en annan firma."})
        assert done.status_code == 303
        again = admin.post(f"/admin/taby/granskning/{draft.id}/godkann", data={"csrf": token})
        assert "beslut=redan" in again.headers["location"]  # decided once only
        public = admin.get(f"/utforare/{unit.slug}")
    assert "Gammal text om Ängen." in own_words_text(public.text)
    with editor_of(built, monkeypatch, unit) as (editor, _token):
        page = editor.get(f"/utforare/{unit.slug}/redigera")
    assert "Inte godkänd" in page.text
    assert "Länken går till en annan firma." in page.text
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "presentation.reject")).one()
    assert entry.before == {"draft_id": draft.id, "status": "pending"}
    assert entry.after["reason"] == "Länken går till en annan firma."


def test_only_one_draft_is_pending_per_unit(built, world) -> None:
    s = built.session
    editor = Caller(user=acc.user(s, "red@angen.se"))
    first = service.submit_presentation(s, editor, world.unit, FORM)
    second = service.submit_presentation(s, editor, world.unit, FORM | {"phone": "08-222 222 22"})
    service.submit_presentation(s, editor, world.other, FORM)
    statuses = {d.id: d.status for d in drafts(s)}
    assert statuses[first.id] == DraftStatus.REPLACED
    assert statuses[second.id] == DraftStatus.PENDING
    queue = service.queue(s, "0160")
    assert [(i.provider.name, i.draft.id) for i in queue if i.provider.id == world.unit.id] == [
        ("Ängens hemtjänst", second.id)
    ]
    assert len(queue) == 2
    assert service.queue(s, "0162") == []
    # A replaced draft cannot be approved any more.
    item = service.draft_in_kommun(s, "0160", first.id)
    assert item is not None
    with pytest.raises(service.NotPending):
        service.approve(s, Caller(user=acc.user(s, "adm@taby.se")), item)


def test_the_database_keeps_one_pending_draft_per_unit_and_figure(built, world) -> None:
    s = built.session
    editor = Caller(user=acc.user(s, "red@angen.se"))
    service.submit_presentation(s, editor, world.unit, FORM)
    service.submit_comment(s, editor, world.unit, world.indicator.id, "Vi har bytt arbetssätt.")

    def another(
        indicator_id: str | None, unit: Provider = world.unit, status: str = DraftStatus.PENDING
    ) -> PresentationDraft:
        return PresentationDraft(
            provider_id=unit.id,  # type: ignore[arg-type]
            kind=DraftKind.COMMENT if indicator_id else DraftKind.PRESENTATION,
            indicator_id=indicator_id,
            status=status,
            data={"text": "x"},
            submitted_at=datetime.now(UTC),
            submitted_by_name="Någon",
        )

    for indicator_id in (None, world.indicator.id):
        s.add(another(indicator_id))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
    # Another unit, and decided drafts, are not held back.
    s.add(another(None, unit=world.other))
    s.add(another(None, status=DraftStatus.REJECTED))
    s.commit()


def test_a_submission_racing_another_replaces_it(built, world, monkeypatch) -> None:
    """Two editors submit at once: the one that read before the other committed is refused
    by the database, and tries once more, replacing the other's draft as usual."""
    s = built.session
    editor = Caller(user=acc.user(s, "red@angen.se"))
    theirs = service.submit_presentation(s, editor, world.unit, FORM)
    pending = service._pending
    reads: list[int] = []

    def read_too_early(*args):
        reads.append(1)
        return [] if len(reads) == 1 else pending(*args)

    monkeypatch.setattr(service, "_pending", read_too_early)
    ours = service.submit_presentation(s, editor, world.unit, FORM | {"phone": "08-222 222 22"})
    statuses = {d.id: d.status for d in drafts(s)}
    assert statuses == {theirs.id: DraftStatus.REPLACED, ours.id: DraftStatus.PENDING}
    assert len(reads) == 2


def test_contact_fields_follow_the_file_rules(built, world, monkeypatch) -> None:
    unit = world.unit
    bad = {"phone": "ring mig", "email": "info@", "website": "javascript:alert(1)"}
    with editor_of(built, monkeypatch, unit) as (editor, token):
        page = editor.post(f"/utforare/{unit.slug}/redigera", data=FORM | bad | {"csrf": token})
    assert page.status_code == 422
    summary = dom(page.text).with_class("error-summary")[0]
    assert {a.attrs["href"] for a in summary.all("a")} == {"#phone", "#email", "#website"}
    assert dom(page.text).first("input", id="phone").attrs["aria-invalid"] == "true"
    assert drafts(built.session) == []
    # Empty contact fields are allowed: the page then says "Uppgift saknas".
    data = service.read_presentation({"presentation": "", "phone": "", "email": "", "website": ""})
    assert data["phone"] is None and data["presentation"] is None and data["profiles"] == []
    with pytest.raises(EditError) as too_long:
        service.read_presentation({"presentation": "x" * 5001, "opening_hours": "y" * 501})
    assert {e.field for e in too_long.value.errors} == {"presentation", "opening_hours"}


# --- comments beside figures ---------------------------------------------------------------


def test_a_comment_beside_a_figure_is_moderated_and_shown_dated(built, world, monkeypatch) -> None:
    s, unit = built.session, world.unit
    url = f"/utforare/{unit.slug}/redigera/kommentarer"
    with editor_of(built, monkeypatch, unit) as (editor, token):
        page = editor.get(url)
        assert "Nöjda kunder" in page.text
        long = editor.post(f"{url}/U28532", data={"csrf": token, "text": "x" * 501})
        assert long.status_code == 422 and "högst 500 tecken" in long.text
        missing = editor.post(f"{url}/N00000", data={"csrf": token, "text": "Hej"})
        assert missing.status_code == 404
        sent = editor.post(
            f"{url}/U28532", data={"csrf": token, "text": "Vi har anställt fler sedan mätningen."}
        )
        assert sent.status_code == 303
        assert "Väntar på granskning" in editor.get(url).text
        before = editor.get(f"/utforare/{unit.slug}")
    assert "Utförarens kommentar" not in before.text
    [draft] = drafts(s)
    with admin_of(built, monkeypatch) as (admin, token):
        queue = admin.get("/admin/taby/granskning")
        assert "Kommentar till Nöjda kunder" in queue.text
        admin.post(f"/admin/taby/granskning/{draft.id}/godkann", data={"csrf": token})
        public = admin.get(f"/utforare/{unit.slug}")
    figure = dom(public.text).first("article", **{"data-indicator": "U28532"})
    comment = figure.with_class("fig-comment")[0]
    assert "Utförarens kommentar" in comment.text
    assert day(today_in_sweden()) in comment.text
    assert "Vi har anställt fler sedan mätningen." in comment.text
    assert "egna ord" in comment.text
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "comment.approve")).one()
    assert entry.before == {"draft_id": draft.id}
    assert entry.after["text"] == "Vi har anställt fler sedan mätningen."

    # An empty comment asks for removal, through the same queue.
    editor_caller = Caller(
        user=s.exec(select(User).where(User.email.like("provider_editor%"))).first()
    )  # type: ignore[attr-defined]
    removal = service.submit_comment(s, editor_caller, unit, "U28532", "  ")
    assert removal is not None
    item = service.draft_in_kommun(s, "0160", removal.id)  # type: ignore[arg-type]
    service.approve(s, Caller(user=acc.user(s, "adm2@taby.se")), item)  # type: ignore[arg-type]
    assert s.exec(select(FigureComment)).all() == []


# --- access -------------------------------------------------------------------------------

# The routes the access test below covers (the meta-test in tests/test_accounts.py requires
# every back-office route to be in a matrix).
ACCESS_ROUTES = [
    ("GET", "/utforare/{slug}/redigera"),
    ("POST", "/utforare/{slug}/redigera"),
    ("GET", "/utforare/{slug}/redigera/kommentarer"),
    ("POST", "/utforare/{slug}/redigera/kommentarer/{indicator_id}"),
    ("GET", "/admin/{kommun_slug}/granskning"),
    ("GET", "/admin/{kommun_slug}/granskning/{draft_id}"),
    ("POST", "/admin/{kommun_slug}/granskning/{draft_id}/godkann"),
    ("POST", "/admin/{kommun_slug}/granskning/{draft_id}/avvisa"),
]


def test_editors_reach_only_their_units_and_admins_only_their_kommun(
    built, world, monkeypatch
) -> None:
    s = built.session
    editor = Caller(user=acc.user(s, "red@far.se"))
    far_draft = service.submit_presentation(s, editor, world.far, FORM)
    own_draft = service.submit_presentation(s, editor, world.other, FORM)
    with editor_of(built, monkeypatch, world.unit) as (client, token):
        assert client.get(f"/utforare/{world.unit.slug}/redigera").status_code == 200
        for slug in (world.other.slug, world.far.slug, "finns-inte"):
            assert client.get(f"/utforare/{slug}/redigera").status_code == 404
            assert client.get(f"/utforare/{slug}/redigera/kommentarer").status_code == 404
            post = client.post(f"/utforare/{slug}/redigera", data=FORM | {"csrf": token})
            assert post.status_code == 404
            comment = client.post(
                f"/utforare/{slug}/redigera/kommentarer/U28532",
                data={"csrf": token, "text": "Vi har anställt fler."},
            )
            assert comment.status_code == 404
        # An editor is not an administrator.
        assert client.get("/admin/taby/granskning").status_code == 404
        assert client.get(f"/admin/taby/granskning/{own_draft.id}").status_code == 404
    with admin_of(built, monkeypatch, "0162") as (client, token):
        assert client.get("/admin/danderyd/granskning").status_code == 200
        assert "Danderyds omsorg" in client.get("/admin/danderyd/granskning").text
        assert client.get("/admin/taby/granskning").status_code == 404
        # Another kommun's draft does not exist here, not even through this kommun's URL.
        for base in ("/admin/taby/granskning", "/admin/danderyd/granskning"):
            assert client.get(f"{base}/{own_draft.id}").status_code == 404
            approve = client.post(f"{base}/{own_draft.id}/godkann", data={"csrf": token})
            reject = client.post(
                f"{base}/{own_draft.id}/avvisa", data={"csrf": token, "reason": "Nej"}
            )
            assert approve.status_code == reject.status_code == 404
        # Nor may an administrator edit a unit's words directly.
        assert client.get(f"/utforare/{world.far.slug}/redigera").status_code == 404
    assert {d.id: d.status for d in drafts(s)} == {
        far_draft.id: DraftStatus.PENDING,
        own_draft.id: DraftStatus.PENDING,
    }
    with client_as(built, monkeypatch) as (anonymous, _token):
        for path in (
            f"/utforare/{world.unit.slug}/redigera",
            f"/utforare/{world.unit.slug}/redigera/kommentarer",
            "/admin/taby/granskning",
            f"/admin/taby/granskning/{own_draft.id}",
        ):
            r = anonymous.get(path, follow_redirects=False)
            assert r.status_code == 303
            assert r.headers["location"].startswith("/konto/logga-in?nasta=")


def test_every_form_needs_its_token(built, world, monkeypatch) -> None:
    unit = world.unit
    with editor_of(built, monkeypatch, unit) as (client, token):
        page = dom(client.get(f"/utforare/{unit.slug}/redigera").text)
        assert page.first("input", name="csrf").attrs["value"] == token
        assert client.post(f"/utforare/{unit.slug}/redigera", data=FORM).status_code == 403
        wrong = client.post(f"/utforare/{unit.slug}/redigera", data=FORM | {"csrf": "x" * 43})
        assert wrong.status_code == 403
        comment = client.post(f"/utforare/{unit.slug}/redigera/kommentarer/U28532", data={})
        assert comment.status_code == 403
    [draft] = drafts(built.session) or [
        service.submit_presentation(
            built.session, Caller(user=acc.user(built.session, "r@x.se")), unit, FORM
        )
    ]
    with admin_of(built, monkeypatch) as (client, token):
        review = dom(client.get(f"/admin/taby/granskning/{draft.id}").text)
        assert len(review.all("input", name="csrf")) == 3  # log out, approve, reject
        assert client.post(f"/admin/taby/granskning/{draft.id}/godkann").status_code == 403
        assert client.post(f"/admin/taby/granskning/{draft.id}/avvisa").status_code == 403
    assert drafts(built.session)[0].status == DraftStatus.PENDING


def test_the_kommuns_own_units_use_the_same_form_and_queue(built, world, monkeypatch) -> None:
    s = built.session
    own = f.provider(s, "Täby kommuns hemtjänst", driftsform="kommunal")
    s.commit()
    with editor_of(built, monkeypatch, own) as (client, token):
        sent = client.post(f"/utforare/{own.slug}/redigera", data=FORM | {"csrf": token})
    assert sent.status_code == 303
    assert [i.provider.name for i in service.queue(s, "0160")] == ["Täby kommuns hemtjänst"]


def test_control_characters_never_reach_the_database(built, world, monkeypatch) -> None:
    """A NUL or other control character pasted into a field is dropped, as the choice
    guide form does (PostgreSQL refuses NUL in text: approving such a draft was a 500)."""
    s, unit = built.session, world.unit
    hostile = FORM | {
        "presentation": "Vi är\x00 små\x07 och nära.\r\n\r\nSamma\tpersonal.",
        "opening_hours": "Vardagar\x00 7–22\x1b",
    }
    base = "/admin/taby/granskning"
    with editor_of(built, monkeypatch, unit) as (editor, token):
        sent = editor.post(f"/utforare/{unit.slug}/redigera", data=hostile | {"csrf": token})
        comment = editor.post(
            f"/utforare/{unit.slug}/redigera/kommentarer/U28532",
            data={"csrf": token, "text": "Fler\x00 anställda\x08."},
        )
    assert sent.status_code == comment.status_code == 303
    presentation, remark = drafts(s)
    with admin_of(built, monkeypatch) as (admin, token):
        for draft in (presentation, remark):
            approved = admin.post(f"{base}/{draft.id}/godkann", data={"csrf": token})
            assert approved.status_code == 303
    s.expire_all()
    published = s.get(Provider, unit.id)
    assert published.presentation == "Vi är små och nära.\n\nSamma\tpersonal."  # type: ignore[union-attr]
    assert published.opening_hours == "Vardagar 7–22"  # type: ignore[union-attr]
    assert [c.text for c in s.exec(select(FigureComment)).all()] == ["Fler anställda."]

    with editor_of(built, monkeypatch, unit) as (editor, token):
        editor.post(f"/utforare/{unit.slug}/redigera", data=FORM | {"csrf": token})
    with admin_of(built, monkeypatch) as (admin, token):
        rejected = admin.post(
            f"{base}/{drafts(s)[-1].id}/avvisa", data={"csrf": token, "reason": "Fel\x00 länk."}
        )
    assert rejected.status_code == 303
    assert drafts(s)[-1].reason == "Fel länk."
