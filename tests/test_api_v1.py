"""The open JSON API (issue 11): the same figures, levels and judgements as the pages, as
data; problem+json errors; ETag/304, Cache-Control, CORS and HEAD on every GET."""

from datetime import date

from sqlmodel import Session

from app.models import Indicator, Provider
from app.models.vocab import Driftsform
from tests.support import factories as f

PROBLEM = "application/problem+json"


def api_case(s: Session) -> tuple[Indicator, Provider, Provider]:
    """Two Täby providers, one the kommun's own; a levelled survey figure, two years."""
    nojd = f.indicator(
        s,
        "U21468",
        title_sv="Brukarbedömning hemtjänst - helhetssyn",
        key_rank=1,
        short_title_sv="Nöjd med hemtjänsten",
        short_title_en="Satisfied with home care",
    )
    kunder = f.indicator(
        s, "kunder", section=4, unit="count", direction="none", source_kind="register"
    )
    f.level(s, nojd, 90, 80)
    f.reference_value(s, nojd, 88)
    f.reference_value(s, kunder, 94.2, basis="unit_mean")
    a = f.provider(s, "Ängens omsorg", driftsform=Driftsform.PRIVAT)
    b = f.provider(s, "Täby kommuns hemtjänst", driftsform=Driftsform.KOMMUNAL)
    for p, before, now in ((a, 70, 95), (b, 85, 75)):
        f.indicator_value(s, p, nojd, year=2023, value=before, n_answers=200, source="Kolada")
        f.indicator_value(
            s,
            p,
            nojd,
            year=2024,
            value=now,
            n_answers=200,
            source="Kolada",
            fetched=date(2025, 3, 1),
            source_ref="https://api.kolada.se/v3/oudata/kpi/U21468",
        )
        f.indicator_value(s, p, kunder, value=100)
    return nojd, a, b


def test_provider_carries_figures_with_level_references_and_provenance(built) -> None:
    _nojd, a, _b = api_case(built.session)
    with built.client() as client:
        r = client.get(f"/api/v1/providers/{a.slug}")
    assert r.status_code == 200
    body = r.json()
    assert body["organisation"]["driftsform"] == "privat"
    assert [s["section"] for s in body["sections"]] == [1, 2, 3, 4, 5]
    fig = next(x for s in body["sections"] for x in s["figures"] if x["indicator"] == "U21468")
    assert fig["value"] == 95 and fig["period"] == "2024" and fig["n_answers"] == 200
    assert fig["level"]["key"] == "good" and "Bra: minst 90" in fig["level"]["rule_sv"]
    assert fig["change"] == "better"
    assert fig["kommun"] == {"value": 88, "period": "2024", "basis": "official"}
    assert fig["source"] == "Kolada" and fig["fetched"] == "2025-03-01"
    assert fig["source_ref"].startswith("https://api.kolada.se/")
    kunder = next(x for s in body["sections"] for x in s["figures"] if x["indicator"] == "kunder")
    assert kunder["kommun"]["basis"] == "unit_mean"  # never passed off as the kommun's total
    assert body["levels"]["good"] == 1 and body["levels"]["red_flag"] is False
    assert [k["indicator"] for k in body["key_figures"]] == ["U21468"]


def test_comparison_has_the_pages_judgements(built) -> None:
    _nojd, a, b = api_case(built.session)
    with built.client() as client:
        r = client.get(f"/api/v1/comparison?id={a.slug}&id={b.slug}")
        page = client.get(f"/jamfor?id={a.slug}&id={b.slug}")
    assert r.status_code == 200 and page.status_code == 200
    body = r.json()
    assert [p["id"] for p in body["providers"]] == [a.slug, b.slug]  # the order given
    row = next(x for x in body["rows"] if x["indicator"] == "U21468")
    assert [c["best"] for c in row["cells"]] == [True, False]  # 95 vs 75, 200 answers each
    assert row["cells"][1]["figure"]["level"]["key"] == "failed"
    assert body["providers"][1]["levels"]["red_flag"] is True
    assert "Bäst i jämförelsen" in page.text  # the page marks the same cell


def test_list_pages_with_hsds_page_object_and_link_header(built) -> None:
    api_case(built.session)
    with built.client() as client:
        r = client.get("/api/v1/providers?municipality=0160&service_type=hemtjanst")
        by_slug = client.get("/api/v1/providers?municipality=taby&service_type=hemtjanst")
    assert r.status_code == 200
    body = r.json()
    assert body["page"] == {
        "total_items": 2,
        "total_pages": 1,
        "page_number": 1,
        "size": 20,
        "first_page": True,
        "last_page": True,
        "empty": False,
    }
    assert {p["name"] for p in body["contents"]} == {"Ängens omsorg", "Täby kommuns hemtjänst"}
    assert 'rel="first"' in r.headers["link"] and 'rel="next"' not in r.headers["link"]
    assert by_slug.json()["contents"] == body["contents"]


def test_errors_are_problem_details_that_never_echo_the_input(built) -> None:
    api_case(built.session)
    with built.client() as client:
        missing = client.get("/api/v1/providers/finns-inte")
        bad = client.get("/api/v1/providers?municipality=0160&service_type=hemtjanst&page=0")
        hostile = client.get("/api/v1/providers?municipality=%3Cscript%3E&service_type=x")
        unknown_sort = client.get(
            "/api/v1/providers?municipality=0160&service_type=hemtjanst&sort=kunder"
        )
        one = client.get("/api/v1/comparison?id=a-b")
        unknown_route = client.get("/api/v1/nothing-here")
    for r in (missing, bad, hostile, unknown_sort, one, unknown_route):
        assert r.headers["content-type"] == PROBLEM, r.url
        assert r.json()["status"] == r.status_code
        assert r.headers["cache-control"] == "no-store"
    assert missing.status_code == 404 and unknown_route.status_code == 404
    assert bad.status_code == 422
    assert bad.json()["invalid_params"] == [
        {"loc": ["query", "page"], "msg": "Input should be greater than or equal to 1"}
    ]
    assert "<script>" not in hostile.text
    assert unknown_sort.status_code == 422  # a fact, not a quality: nothing to sort by
    assert one.status_code == 422


def test_etag_gives_304_and_changes_with_the_data(built) -> None:
    nojd, a, _b = api_case(built.session)
    url = f"/api/v1/providers/{a.slug}"
    with built.client() as client:
        first = client.get(url)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        assert first.headers["cache-control"] == "public, max-age=300"
        again = client.get(url, headers={"If-None-Match": f'"other", {etag}'})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag and "content-type" not in again.headers
        assert (
            client.get(url, headers={"If-None-Match": etag.removeprefix("W/")}).status_code == 304
        )
    f.indicator_value(built.session, a, nojd, year=2025, value=60, n_answers=200)
    with built.client() as client:
        changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_cors_is_open_for_reading_without_credentials(built) -> None:
    api_case(built.session)
    with built.client() as client:
        r = client.get("/api/v1/service-types", headers={"Origin": "https://www.taby.se"})
        pre = client.options(
            "/api/v1/providers",
            headers={
                "Origin": "https://www.taby.se",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "if-none-match",
            },
        )
        page = client.get("/", headers={"Origin": "https://www.taby.se"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in r.headers
    assert pre.status_code == 204 and "GET" in pre.headers["access-control-allow-methods"]
    assert "If-None-Match" in pre.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in page.headers  # pages are not an API


def test_head_answers_like_get_without_a_body(built) -> None:
    _nojd, a, _b = api_case(built.session)
    with built.client() as client:
        get = client.get(f"/api/v1/providers/{a.slug}")
        head = client.head(f"/api/v1/providers/{a.slug}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_pages_get_etags_and_revalidate(built) -> None:
    _nojd, a, _b = api_case(built.session)
    with built.client() as client:
        page = client.get(f"/utforare/{a.slug}")
        assert page.headers["cache-control"] == "private, no-cache"
        again = client.get(f"/utforare/{a.slug}", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304


def test_the_schema_lists_the_api_only(client) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert "/api/v1/providers/{slug}" in paths and "/api/v1/comparison" in paths
    assert not any(p.startswith(("/utforare", "/jamfor", "/{kommun")) for p in paths)
    problem = schema["paths"]["/api/v1/providers/{slug}"]["get"]["responses"]["404"]
    assert PROBLEM in problem["content"]
