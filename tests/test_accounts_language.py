"""What the account rules refuse is said in the page's language (issue 12): the sign-in,
invitation and users pages in English under /en, in Swedish otherwise. The messages come
from app.accounts.service, written with app.i18n's gettext as other services write theirs."""

import re

import pytest
from sqlmodel import select

from app.models import Invitation, Membership, Role
from tests.support import accounts as acc
from tests.support import factories as f
from tests.test_search_page import parse


def error_text(html: str) -> str:
    return parse(html).one("div", "error-summary").text


def log_in(client, prefix: str, email: str, password: str):
    page = client.get(f"{prefix}/konto/logga-in")
    return client.post(
        f"{prefix}/konto/logga-in",
        data={"email": email, "password": password, "csrf": acc.form_token(page.text)},
    )


@pytest.mark.parametrize(
    ("prefix", "wrong", "locked"),
    [
        ("", "E-postadressen eller lösenordet stämmer inte.", "För många misslyckade försök."),
        (
            "/en",
            "The e-mail address or the password is wrong.",
            "Too many failed attempts.",
        ),
    ],
)
def test_sign_in_refusals_are_in_the_pages_language(built, prefix, wrong, locked) -> None:
    acc.user(built.session, "anna@taby.se")
    with built.client() as client:
        first = log_in(client, prefix, "anna@taby.se", "fel lösenord här")
        assert first.status_code == 400
        assert wrong in error_text(first.text)
        for _ in range(4):
            log_in(client, prefix, "anna@taby.se", "fel lösenord här")
        lockout = log_in(client, prefix, "anna@taby.se", acc.PASSWORD)
    assert lockout.status_code == 400
    assert locked in error_text(lockout.text)


@pytest.mark.parametrize(
    ("prefix", "bad_email", "no_unit", "short", "roles"),
    [
        (
            "",
            "Skriv en e-postadress, till exempel namn@kommun.se.",
            "Välj en av kommunens utförare.",
            "Lösenordet behöver minst 12 tecken.",
            ("Administratör", "Redaktör: Ängens omsorg"),
        ),
        (
            "/en",
            "Enter an e-mail address, for example namn@kommun.se.",
            "Choose one of the municipality's providers.",
            "The password needs at least 12 characters.",
            ("Administrator", "Editor: Ängens omsorg"),
        ),
    ],
)
def test_invitation_refusals_are_in_the_pages_language(
    built, prefix, bad_email, no_unit, short, roles
) -> None:
    s = built.session
    unit = f.provider(s, "Ängens omsorg")
    invite = f"{prefix}/admin/taby/anvandare/bjud-in"
    with built.client() as admin:
        _u, token = acc.sign_in(admin, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        no_address = admin.post(
            invite, data={"csrf": token, "email": "inte en adress", "role": Role.KOMMUN_ADMIN}
        )
        no_provider = admin.post(
            invite, data={"csrf": token, "email": "eva@angen.se", "role": Role.PROVIDER_EDITOR}
        )
        made = admin.post(
            invite,
            data={
                "csrf": token,
                "email": "eva@angen.se",
                "role": Role.PROVIDER_EDITOR,
                "provider": unit.slug,
            },
        )
        assert no_address.status_code == no_provider.status_code == 400
        assert bad_email in error_text(no_address.text)
        assert no_unit in error_text(no_provider.text)
        found = re.search(r'value="http://testserver(/konto/inbjudan/[^"]+)"', made.text)
        assert found, "the invitation link is shown"
        path = prefix + found.group(1)
        with built.client() as eva:
            form = eva.get(path)
            refused = eva.post(
                path, data={"name": "Eva", "password": "kort", "csrf": acc.form_token(form.text)}
            )
            assert refused.status_code == 400
            assert short in error_text(refused.text)
            done = eva.post(
                path,
                data={"name": "Eva", "password": acc.PASSWORD, "csrf": acc.form_token(form.text)},
                follow_redirects=False,
            )
            assert done.status_code == 303
        # The users page names the roles in the page's language too.
        users = parse(admin.get(f"{prefix}/admin/taby/anvandare").text)
    assert s.exec(select(Invitation)).one().used_at is not None
    cells = [row.all("td")[1].text for row in users.one("tbody").all("tr")]
    assert sorted(cells) == sorted(roles)


def test_a_stale_form_is_refused_in_the_pages_language(built) -> None:
    f.kommun(built.session, "0160")
    with built.client() as client:
        acc.sign_in(client, built.session, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        data = {"csrf": "x" * 43, "email": "ny@taby.se", "role": Role.KOMMUN_ADMIN}
        sv = client.post("/admin/taby/anvandare/bjud-in", data=data)
        en = client.post("/en/admin/taby/anvandare/bjud-in", data=data)
    assert sv.status_code == en.status_code == 403
    assert "Formuläret har gått ut. Ladda om sidan och försök igen." in sv.text
    assert "The form has expired. Reload the page and try again." in en.text


def test_the_account_page_names_the_back_office_pages_in_english(built) -> None:
    s = built.session
    unit = f.provider(s, "Ängens omsorg")
    f.service_type(s, "hemtjanst").name_en = "Home care"
    user = acc.user(s, "editor@taby.se", role=Role.PROVIDER_EDITOR, provider=unit)
    s.add(Membership(user_id=user.id, role=Role.KOMMUN_ADMIN, kommun_code="0160"))  # type: ignore[arg-type]
    with built.client() as client:
        acc.log_in(client, "editor@taby.se")
        sv = parse(client.get("/konto").text)
        en = parse(client.get("/en/konto").text)
    sv_links = {a.text: a.attrs["href"] for a in sv.all("a")}
    en_links = {a.text: a.attrs["href"] for a in en.all("a")}
    assert sv_links["Redigera presentationen"] == f"/utforare/{unit.slug}/redigera"
    assert en_links["Edit the presentation"] == f"/en/utforare/{unit.slug}/redigera"
    assert sv_links["Valguider"] == "/admin/taby/valguider"
    assert en_links["Choice guides"] == "/en/admin/taby/valguider"
    assert en_links["Follow-up: Home care"] == "/en/admin/taby/uppfoljning/hemtjanst"
