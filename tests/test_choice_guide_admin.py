"""A kommun's administrators write its choice guides in the back office (issue 12): the
form is prefilled, refuses what the public page could not show (each error by its field,
the input kept, nothing changed), saves with today's date and an audit entry, and the
public page "Så väljer du" shows the new words at once, in Swedish and in English."""

from datetime import date

import pytest
from sqlmodel import select

from app.choice_guides.service import MAX_LENGTH, MAX_STEPS
from app.clock import today_in_sweden
from app.formatting import day
from app.i18n import use_lang
from app.models import AuditEntry, ChoiceGuide, Role
from tests.support import accounts as acc
from tests.support import factories as f
from tests.test_search_page import Node, get, parse

FORM = "/admin/taby/valguider/hemtjanst"
PUBLIC = "/taby/hemtjanst/sa-valjer-du"


@pytest.fixture
def units(built):
    """Täby with two home-care units and a preschool, Vaxholm with a home-care unit."""
    s = built.session
    f.kommun(s, "0160")
    f.kommun(s, "0187")
    return {
        "angen": f.provider(s, "Ängens omsorg"),
        "bjorken": f.provider(s, "Björkens hemtjänst"),
        "preschool": f.provider(s, "Lekstugan", service_type_id="forskola"),
        "vaxholm": f.provider(s, "Vaxholms omsorg", kommun_code="0187"),
    }


def old_guide(s) -> ChoiceGuide:
    guide = ChoiceGuide(
        kommun_code="0160",
        service_type_id="hemtjanst",
        who_can_choose="Du som har hemtjänst väljer själv.",
        apply_steps=["Ring kommunen.", "Välj utförare."],
        contact_name="Kundvalskontoret",
        contact_phone="08-555 100 00",
        if_no_choice="Du får kommunens egen hemtjänst.",
        change_steps=["Ring handläggaren."],
        change_takes="Två veckor.",
        updated=date(2024, 1, 15),
    )
    s.add(guide)
    s.commit()
    return guide


def filled(token: str, **changes: str) -> dict[str, str]:
    """A complete, valid form (Swedish and English), with `changes` on top."""
    return {
        "csrf": token,
        "who_can_choose": "Alla som har fått hemtjänst beviljad väljer utförare.",
        "who_can_choose_en": "Everyone granted home care chooses a provider.",
        "apply_steps": "1. Ansök hos en handläggare.\r\n\r\n2) Välj en utförare.\r\n",
        "apply_steps_en": "Apply to a care manager.\nChoose a provider.",
        "apply_url": "https://www.taby.se/hemtjanst",
        "contact_name": "Valfrihetsenheten",
        "contact_name_en": "The choice office",
        "contact_phone": "08-555 200 00",
        "contact_email": "val@taby.se",
        "contact_hours": "Vardagar 9–11",
        "contact_hours_en": "Weekdays 9–11",
        "if_no_choice": "Du får Ängens omsorg om du inte väljer.",
        "if_no_choice_en": "Without a choice you get Ängens omsorg.",
        "default_provider_slug": "",
        "change_steps": "Ring handläggaren.\nByt.",
        "change_steps_en": "Call the care manager.\nChange.",
        "change_takes": "Bytet sker inom en vecka.",
        "change_takes_en": "The change takes a week.",
    } | changes


def section(doc: Node, heading_id: str) -> Node:
    return next(s for s in doc.all("section") if s.attrs.get("aria-labelledby") == heading_id)


def steps(node: Node) -> list[str]:
    return [li.text for li in node.one("ol", "guide-steps").all("li")]


def guide_row(s) -> ChoiceGuide | None:
    s.expire_all()
    return s.get(ChoiceGuide, ("0160", "hemtjanst"))


def test_a_saved_guide_shows_on_the_public_page_at_once_in_swedish_and_english(
    built, units
) -> None:
    s = built.session
    old_guide(s)
    angen = units["angen"]
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        assert "Du som har hemtjänst väljer själv." in client.get(PUBLIC).text

        form = get(client, FORM)
        # Prefilled with the stored guide, steps one per line.
        assert form.one("textarea", id="apply_steps").text == "Ring kommunen. Välj utförare."
        assert "Ring kommunen.\nVälj utförare." in client.get(FORM).text
        assert form.one("input", id="contact_name").attrs["value"] == "Kundvalskontoret"
        options = [o.attrs["value"] for o in form.one("select").all("option")]
        assert options[0] == ""  # none
        assert set(options[1:]) == {units["bjorken"].slug, angen.slug}  # Täby's home care only
        english = form.one("label", for_="who_can_choose_en").text
        assert english == "Vem kan välja, på engelska (valfritt)"

        saved = client.post(
            FORM, data=filled(token, default_provider_slug=angen.slug), follow_redirects=False
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == "/admin/taby/valguider?sparad=hemtjanst"
        listing = get(client, saved.headers["location"])
        assert "Valguiden för hemtjanst är sparad." in listing.one("div", "notice-info").text

        sv_page = client.get(PUBLIC)
        en_page = client.get("/en" + PUBLIC)

    # Not an old copy from the page cache (app/web/page_cache.py): the new words at once.
    for page in (sv_page, en_page):
        assert page.status_code == 200
        assert "Du som har hemtjänst väljer själv." not in page.text, page.headers
    sv, en = parse(sv_page.text), parse(en_page.text)
    today = today_in_sweden()
    assert section(sv, "vem-kan-valja").one("p").text == (
        "Alla som har fått hemtjänst beviljad väljer utförare."
    )
    # Typed numbers and blank lines are not steps; the page numbers them itself.
    assert steps(section(sv, "sa-ansoker-du")) == ["Ansök hos en handläggare.", "Välj en utförare."]
    assert steps(section(sv, "byta")) == ["Ring handläggaren.", "Byt."]
    contact = section(sv, "sa-ansoker-du")
    assert "https://www.taby.se/hemtjanst" in {a.attrs["href"] for a in contact.all("a")}
    assert "Valfrihetsenheten" in contact.text and "mailto:val@taby.se" in str(
        [a.attrs["href"] for a in contact.all("a")]
    )
    default = section(sv, "om-du-inte-valjer")
    assert {a.attrs["href"] for a in default.all("a")} == {f"/utforare/{angen.slug}"}
    with use_lang("sv"):
        assert f"uppdaterade dem senast {day(today)}" in sv.one("p", "guide-source").text

    assert section(en, "vem-kan-valja").one("p").text == (
        "Everyone granted home care chooses a provider."
    )
    assert steps(section(en, "sa-ansoker-du")) == ["Apply to a care manager.", "Choose a provider."]
    assert steps(section(en, "byta")) == ["Call the care manager.", "Change."]
    assert section(en, "byta").one("p", "guide-text").text == "The change takes a week."
    assert "The choice office" in section(en, "sa-ansoker-du").text
    assert not en.all("p", "guide-lang-note")  # everything has its English

    guide = guide_row(s)
    assert guide is not None and guide.updated == today
    assert guide.apply_steps_en == ["Apply to a care manager.", "Choose a provider."]
    assert guide.default_provider_slug == angen.slug
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "choice_guide.update")).one()
    assert entry.kommun_code == "0160" and entry.object_id == "hemtjanst"
    assert entry.before is not None and entry.after is not None
    assert entry.before["who_can_choose"] == "Du som har hemtjänst väljer själv."
    assert entry.before["updated"] == "2024-01-15"
    assert entry.after["who_can_choose"] == "Alla som har fått hemtjänst beviljad väljer utförare."
    assert entry.after["updated"] == today.isoformat()


def test_a_guide_is_created_where_there_was_none_and_english_may_be_left_out(built, units) -> None:
    s = built.session
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        assert client.get(PUBLIC).status_code == 404
        listing = get(client, "/admin/taby/valguider")
        rows = {r.one("th").text: r for r in listing.one("tbody").all("tr")}
        assert set(rows) == {"Forskola", "Hemtjanst"}  # the types Täby has units of
        assert "Saknas" in rows["Hemtjanst"].text
        assert rows["Hemtjanst"].one("a").attrs["href"] == FORM
        swedish_only = {k: v for k, v in filled(token).items() if not k.endswith("_en")}
        saved = client.post(FORM, data=swedish_only, follow_redirects=False)
        assert saved.status_code == 303
        en = get(client, "/en" + PUBLIC)
        after = get(client, "/admin/taby/valguider")
    # Without English the English page shows the Swedish, marked as Swedish.
    shown = section(en, "vem-kan-valja").one("p")
    assert shown.text == "Alla som har fått hemtjänst beviljad väljer utförare."
    assert shown.attrs.get("lang") == "sv"
    row = next(r for r in after.one("tbody").all("tr") if r.one("th").text == "Hemtjanst")
    with use_lang("sv"):
        assert day(today_in_sweden()) in row.text
    guide = guide_row(s)
    assert guide is not None and guide.apply_steps_en is None and guide.who_can_choose_en is None
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "choice_guide.create")).one()
    assert entry.before is None and entry.after["contact_name"] == "Valfrihetsenheten"  # type: ignore[index]


def test_missing_required_fields_are_named_and_nothing_changes(built, units) -> None:
    s = built.session
    old_guide(s)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        blank = {name: "" for name in filled(token) if name != "csrf"}
        typed = {"csrf": token, "contact_phone": "08-123 456 78", "apply_steps": "\n \n"}
        r = client.post(FORM, data=blank | typed)
    assert r.status_code == 400
    doc = parse(r.text)
    assert doc.one("title").text.startswith("Fel:")
    summary = doc.one("div", "error-summary")
    links = {a.attrs["href"]: a.text for a in summary.all("a")}
    expected = {
        "who_can_choose": "Skriv vem som kan välja.",
        "apply_steps": "Skriv minst ett steg för hur man ansöker.",
        "contact_name": "Skriv vem man kan kontakta, till exempel Kundvalskontoret.",
        "if_no_choice": "Skriv vad som händer om man inte väljer.",
        "change_steps": "Skriv minst ett steg för hur man byter.",
        "change_takes": "Skriv hur lång tid ett byte tar.",
    }
    assert links == {f"#{name}": message for name, message in expected.items()}
    for name, message in expected.items():
        control = next(n for n in doc.all() if n.attrs.get("id") == name)
        assert control.attrs["aria-invalid"] == "true"
        assert f"{name}-fel" in control.attrs["aria-describedby"].split()
        assert doc.one("p", "field-error", id=f"{name}-fel").text == f"Fel: {message}"
    # What was typed is kept; optional fields are not marked.
    assert doc.one("input", id="contact_phone").attrs["value"] == "08-123 456 78"
    assert "aria-invalid" not in doc.one("input", id="contact_phone").attrs
    guide = guide_row(s)
    assert guide is not None and guide.who_can_choose == "Du som har hemtjänst väljer själv."
    assert guide.updated == date(2024, 1, 15)
    assert s.exec(select(AuditEntry).where(AuditEntry.action.startswith("choice"))).all() == []  # type: ignore[attr-defined]


def test_wrong_shapes_and_lengths_are_refused_by_their_fields(built, units) -> None:
    s = built.session
    too_many = "\n".join(f"Steg {n}" for n in range(MAX_STEPS + 1))
    cases = {
        "apply_url": ("javascript:alert(1)", "Skriv en webbadress som börjar med https://"),
        "contact_email": ("inte en adress", "Skriv en e-postadress"),
        "contact_phone": ("ring oss", "Skriv ett telefonnummer"),
        "who_can_choose": ("x" * (MAX_LENGTH["who_can_choose"] + 1), "Skriv högst 2000 tecken"),
        "contact_name_en": ("x" * (MAX_LENGTH["contact_name"] + 1), "Skriv högst 200 tecken"),
        "change_steps": (too_many, f"Skriv högst {MAX_STEPS} steg"),
        "apply_steps": ("y" * (MAX_LENGTH["apply_steps"] + 1), "Skriv högst 500 tecken per steg"),
        # The English steps must be as many as the Swedish, so the numbers agree.
        "change_steps_en": ("Only one step.", "Skriv lika många steg på engelska som på svenska"),
    }
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        for name, (value, message) in cases.items():
            r = client.post(FORM, data=filled(token, **{name: value}))
            assert r.status_code == 400, name
            doc = parse(r.text)
            summary = doc.one("div", "error-summary")
            assert [a.attrs["href"] for a in summary.all("a")] == [f"#{name}"], name
            assert message in doc.one("p", "field-error", id=f"{name}-fel").text, name
        # A control character is never stored (PostgreSQL refuses NUL): it is dropped.
        ok = client.post(
            FORM, data=filled(token, contact_name="Kund\x00val"), follow_redirects=False
        )
        assert ok.status_code == 303
    guide = guide_row(s)
    assert guide is not None and guide.contact_name == "Kundval"


def test_the_default_unit_must_be_the_kommuns_own_of_the_same_service(built, units) -> None:
    s = built.session
    old_guide(s)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        for other in (units["vaxholm"], units["preschool"]):
            r = client.post(FORM, data=filled(token, default_provider_slug=other.slug))
            assert r.status_code == 400
            doc = parse(r.text)
            error = doc.one("p", "field-error", id="default_provider_slug-fel")
            assert "Välj en av kommunens enheter i listan" in error.text
            select_box = doc.one("select", id="default_provider_slug")
            assert select_box.attrs["aria-invalid"] == "true"
            assert other.slug not in {o.attrs["value"] for o in select_box.all("option")}
    guide = guide_row(s)
    assert guide is not None and guide.default_provider_slug is None
    assert guide.who_can_choose == "Du som har hemtjänst väljer själv."


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_markup_in_every_text_is_shown_as_text_on_the_public_and_admin_pages(built, units) -> None:
    s = built.session
    texts = [
        "who_can_choose",
        "apply_steps",
        "contact_name",
        "contact_hours",
        "if_no_choice",
        "change_steps",
        "change_takes",
    ]
    data = {}
    for name in texts:
        data[name] = f"{name} {XSS}"
        data[f"{name}_en"] = f"{name}_en {XSS}"
    url = 'https://www.taby.se/"><script>alert(2)</script>'
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        saved = client.post(FORM, data=filled(token, apply_url=url, **data), follow_redirects=False)
        assert saved.status_code == 303
        pages = {
            "sv": client.get(PUBLIC).text,
            "en": client.get("/en" + PUBLIC).text,
            "admin": client.get(FORM).text,
            "log": client.get("/admin/taby/logg").text,
        }
        # A refused form shows the markup back as text too.
        refused = client.post(FORM, data=filled(token, who_can_choose="", **{"change_takes": XSS}))
        assert refused.status_code == 400
        pages["refused"] = refused.text
    for where, html in pages.items():
        assert "<script>alert" not in html, where
        assert "<img src=x" not in html, where
        assert "alert(2)</script>" not in html, where
    for name in texts:
        assert f"{name} {ESCAPED}" in pages["sv"], name
        assert f"{name}_en {ESCAPED}" in pages["en"], name
        assert f"{name} {ESCAPED}" in pages["admin"], name
        assert f"{name}_en {ESCAPED}" in pages["admin"], name
    assert ESCAPED in pages["refused"]
    href = 'href="https://www.taby.se/&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"'
    assert href in pages["sv"]


def test_a_post_without_the_form_token_is_refused(built, units) -> None:
    s = built.session
    old_guide(s)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        missing = client.post(FORM, data={k: v for k, v in filled(token).items() if k != "csrf"})
        wrong = client.post(FORM, data=filled("x" * 43))
        foreign = client.post(FORM, data=filled(token), headers={"Origin": "https://evil.example"})
    for r in (missing, wrong, foreign):
        assert r.status_code == 403
    guide = guide_row(s)
    assert guide is not None and guide.who_can_choose == "Du som har hemtjänst väljer själv."


def test_only_the_kommuns_own_administrators_reach_its_guides(built, units) -> None:
    s = built.session
    old_guide(s)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0187")
        assert client.get("/admin/vaxholm/valguider").status_code == 200
        for path in ("/admin/taby/valguider", FORM):
            assert client.get(path).status_code == 404, path
        assert client.post(FORM, data=filled(token)).status_code == 404
        # Their own kommun has no preschools: no such guide to write.
        assert client.get("/admin/vaxholm/valguider/forskola").status_code == 404
        assert client.get("/admin/vaxholm/valguider/tandvard").status_code == 404
    guide = guide_row(s)
    assert guide is not None and guide.who_can_choose == "Du som har hemtjänst väljer själv."


def test_the_form_in_english_labels_each_field(built, units) -> None:
    s = built.session
    old_guide(s)
    with built.client() as client:
        acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        doc = get(client, "/en" + FORM)
    assert doc.one("html").attrs["lang"] == "en"
    assert doc.one("form", "guide-form").attrs["action"] == "/en" + FORM
    # The Swedish texts say they are Swedish; the English ones are the page's language.
    assert doc.one("textarea", id="who_can_choose").attrs["lang"] == "sv"
    assert "lang" not in doc.one("textarea", id="who_can_choose_en").attrs
    form = doc.one("form", "guide-form")
    labels = {n.attrs["for"] for n in form.all("label")}
    controls = [
        n.attrs.get("id")
        for n in form.all()
        if n.tag in ("input", "textarea", "select") and n.attrs.get("type") != "hidden"
    ]
    assert len(controls) == 18 and set(controls) <= labels  # every field has its label
