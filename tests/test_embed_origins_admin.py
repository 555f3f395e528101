"""A kommun's administrators register the websites that may frame its widgets (issues 11
and 12): normalised, refused with a clear message, audited, and in force at once."""

from sqlmodel import select

from app.models import AuditEntry, EmbedOrigin, Role
from tests.support import accounts as acc
from tests.support import factories as f


def test_admin_adds_and_removes_a_website_and_the_policy_follows(built) -> None:
    s = built.session
    unit = f.provider(s, "Ängens omsorg")
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        before = client.get(f"/embed/utforare/{unit.slug}")
        assert "https://www.taby.se" not in before.headers["content-security-policy"]
        added = client.post(
            "/admin/taby/webbplatser",
            data={"csrf": token, "origin": " HTTPS://www.Taby.se/ "},
            follow_redirects=False,
        )
        assert added.status_code == 303
        page = client.get("/admin/taby/webbplatser")
        assert "https://www.taby.se" in page.text
        framed = client.get(f"/embed/utforare/{unit.slug}")
        assert (
            "frame-ancestors 'self' https://www.taby.se"
            in framed.headers["content-security-policy"]
        )
        client.post(
            "/admin/taby/webbplatser/ta-bort",
            data={"csrf": token, "origin": "https://www.taby.se"},
        )
        after = client.get(f"/embed/utforare/{unit.slug}")
    assert "https://www.taby.se" not in after.headers["content-security-policy"]
    actions = [e.action for e in s.exec(select(AuditEntry)).all()]
    assert "embed_origin.add" in actions and "embed_origin.remove" in actions


def test_a_bad_address_is_refused_and_nothing_is_stored(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        for bad in (
            "http://www.taby.se",
            "https://www.taby.se/omsorg",
            "javascript:alert(1)",
            "https://*.se",
            '"><script>alert(1)</script>',
        ):
            r = client.post("/admin/taby/webbplatser", data={"csrf": token, "origin": bad})
            assert r.status_code == 400
            assert "Skriv webbplatsens adress som https://www.kommun.se" in r.text
            assert "<script>alert(1)</script>" not in r.text
    assert s.exec(select(EmbedOrigin)).all() == []
