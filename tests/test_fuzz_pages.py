"""Property-based fuzzing of every page's parameters: whatever a URL or a form carries, the
answer is a page (2xx, 3xx or 4xx), never a server error.

Values are drawn from what breaks parsers in practice: digits of other scripts (Python's
int() accepts Arabic-Indic and fullwidth digits, str.isdigit() also superscripts), control
characters and NUL (PostgreSQL refuses NUL in text), very long strings, percent signs and
slashes, and plain valid values, so the fuzzer also reaches the code behind the validation.
The budget is fixed and the examples derandomised, so the suite costs the same on each run
and a failure reproduces.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.search

BUDGET = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Digits Python treats as digits although no Swedish resident types them.
ODD_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９²³¹⁰߀०१"
CONTROL = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, 0x85, 0x9D, 0x2028, 0xFEFF])

odd_numbers = st.text(alphabet=ODD_DIGITS + "0123456789", min_size=1, max_size=6)
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL + "ab/%\\.", min_size=1, max_size=12),
    odd_numbers,
    st.sampled_from(["-1", "0", "1e9", "NaN", "inf", "99999999999999999999", "1.5", " 2 ", ""]),
    st.just("å" * 1000),
    st.sampled_from(["//evil.example", "/\\evil.example", "https://evil.example", "javascript:x"]),
)

KOMMUNER = ["taby", "osteraker", "danderyd", "vaxholm", "upplands-vasby"]
SERVICES = ["hemtjanst", "sarskilt-boende", "forskola", "grundskola"]
SEARCH_PARAMS = [
    "q", "driftsform", "sprak", "inriktning", "nya", "omrade", "sortera", "fran",
    "postnummer", "sida",
]  # fmt: skip
PRIORITY_PARAMS = ["m", "sprak", "inriktning", "nya", "postnummer", "omrade"]
RECHOOSE_PARAMS = ["nuvarande", "postnummer", "omrade", "visa"]
COMPARE_PARAMS = ["id", "full", "tillbaka"]


def query(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """A list of (name, value) pairs: known names, repeated or not, and some unknown ones."""
    name = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=8))
    return st.lists(st.tuples(name, hostile_text), max_size=6)


def path_segment() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(KOMMUNER + SERVICES), hostile_text.filter(bool))


def assert_a_page(response, url: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {url!r}"
    if response.status_code >= 400:
        # A person gets a page in their language, not a JSON body or a traceback.
        assert "text/html" in response.headers["content-type"], url
        assert "Traceback" not in response.text


def get(client, path: str, pairs: list[tuple[str, str]]) -> None:
    response = client.get(path, params=pairs, follow_redirects=False)
    assert_a_page(response, f"{path}?{pairs}")


@BUDGET
@given(kommun=path_segment(), tjanst=path_segment(), pairs=query(SEARCH_PARAMS))
@example(kommun="taby", tjanst="hemtjanst", pairs=[("sida", "²")])
@example(kommun="taby", tjanst="hemtjanst", pairs=[("sida", "١٢")])
@example(kommun="taby\x00", tjanst="hemtjanst", pairs=[("q", "a\x00b")])
def test_search_page_never_fails(client, kommun, tjanst, pairs):
    get(client, f"/{quote(kommun, safe='')}/{quote(tjanst, safe='')}", pairs)


@BUDGET
@given(
    kommun=st.sampled_from(KOMMUNER),
    tjanst=st.sampled_from(SERVICES),
    pairs=query(PRIORITY_PARAMS),
    weights=st.lists(st.tuples(st.text(max_size=30), hostile_text), max_size=3),
)
@example(
    kommun="taby",
    tjanst="hemtjanst",
    pairs=[("m", "sos-hemtjanst-personalkontinuitet")],
    weights=[("sos-hemtjanst-personalkontinuitet", "²")],
)
def test_priorities_page_never_fails(client, kommun, tjanst, pairs, weights):
    weighted = [(f"vikt-{name}", value) for name, value in weights]
    get(client, f"/{kommun}/{tjanst}/prioritera", pairs + weighted)


@BUDGET
@given(kommun=st.sampled_from(KOMMUNER), tjanst=path_segment(), pairs=query(RECHOOSE_PARAMS))
def test_rechoose_page_never_fails(client, kommun, tjanst, pairs):
    get(client, f"/{kommun}/{quote(tjanst, safe='')}/omval", pairs)


@BUDGET
@given(pairs=query(COMPARE_PARAMS), lang=st.sampled_from(["", "/en"]))
def test_compare_pages_never_fail(client, pairs, lang):
    get(client, f"{lang}/jamfor", pairs)
    response = client.get(f"{lang}/jamfor.csv", params=pairs, follow_redirects=False)
    assert response.status_code < 500, pairs


@BUDGET
@given(slug=hostile_text.filter(bool), pairs=query(["q"]))
def test_provider_and_simple_pages_never_fail(client, slug, pairs):
    get(client, f"/utforare/{quote(slug, safe='')}", pairs)
    get(client, "/valj", [("kommun", slug), ("tjanst", slug), *pairs])
    get(client, "/", pairs)
    get(client, "/om-siffrorna", pairs)
    get(client, f"/{quote(slug, safe='')}/hemtjanst/sa-valjer-du", pairs)


@BUDGET
@given(
    slug=hostile_text,
    action=st.one_of(st.sampled_from(["add", "remove", "clear"]), hostile_text),
    next_url=hostile_text,
)
def test_basket_form_never_fails_and_never_leaves_the_site(client, slug, action, next_url):
    response = client.post(
        "/jamfor/korg",
        data={"slug": slug, "action": action, "next": next_url},
        follow_redirects=False,
    )
    assert_a_page(response, f"POST /jamfor/korg next={next_url!r}")
    location = response.headers.get("location", "/")
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize(
    ("path", "pairs"),
    [
        ("/taby%00/hemtjanst", []),
        ("/taby/hemtjanst", [("q", "omsorg\x00")]),
        ("/utforare/x%01y", []),
        ("/taby/hemtjanst/omval", [("nuvarande\x00", "x")]),
    ],
)
def test_control_characters_in_an_address_are_a_400_page(client, path, pairs):
    """NUL would reach PostgreSQL, which refuses it in text: refused before any route runs."""
    response = client.get(path, params=pairs)
    assert response.status_code == 400
    assert "Adressen innehåller ett värde som inte går att använda" in response.text
