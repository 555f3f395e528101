"""Number parameters take ASCII digits only: other scripts' digits (١٢, ۵۹, fullwidth １)
and superscripts (²), which Python's int() and str.isdigit() partly accept, give the normal
400 page, never a 500. Postal codes are typed by people: those get the form's own message."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.providers import ranked_indicators
from tests.support.html import dom

ASCII = "0123456789"
# Every Unicode digit and number-like character that is not 0-9: Arabic-Indic, Persian,
# Devanagari, fullwidth, superscripts, circled digits, fractions...
ODD_DIGIT = st.characters(categories=["Nd", "No", "Nl"], exclude_characters=ASCII)
# A value with at least one odd digit among ASCII ones, as a hand-edited URL might have.
ODD_NUMBER = st.tuples(st.text(ASCII, max_size=3), ODD_DIGIT, st.text(ASCII, max_size=3)).map(
    "".join
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIXED = ["١٢", "۵۹", "１", "²", "1²", "٠", "¹²³⁴⁵", "२"]
BAD_VALUE = "Adressen innehåller ett värde som inte går att använda"


@pytest.fixture
def weight_param(sample_app) -> str:
    with Session(sample_app.state.engine) as session:
        indicator = ranked_indicators(session, "hemtjanst")[0].id
    return indicator


def assert_bad_request_page(response) -> None:
    assert response.status_code == 400, response.text[:200]
    assert response.headers["content-type"].startswith("text/html")
    assert BAD_VALUE in dom(response.text).text


@pytest.mark.parametrize("value", FIXED)
def test_page_number_in_other_digits_is_a_400_page(client, value) -> None:
    assert_bad_request_page(client.get("/taby/hemtjanst", params={"sida": value}))


@FUZZ
@given(value=ODD_NUMBER)
def test_page_number_fuzzed(client, value) -> None:
    assert_bad_request_page(client.get("/taby/hemtjanst", params={"sida": value}))


@FUZZ
@given(value=ODD_NUMBER)
def test_weight_fuzzed(client, weight_param, value) -> None:
    params = {"m": weight_param, f"vikt-{weight_param}": value}
    assert_bad_request_page(client.get("/taby/hemtjanst/prioritera", params=params))


@pytest.mark.parametrize("value", ["", "1", "02", " 3 "])
def test_ascii_numbers_still_work(client, weight_param, value) -> None:
    assert client.get("/taby/hemtjanst", params={"sida": value}).status_code == 200
    params = {"m": weight_param, f"vikt-{weight_param}": value}
    response = client.get("/taby/hemtjanst/prioritera", params=params, follow_redirects=True)
    assert response.status_code == 200


@FUZZ
@given(value=st.one_of(ODD_NUMBER, st.sampled_from(FIXED)))
def test_postal_codes_in_other_digits_get_the_forms_message(client, value) -> None:
    for path in ("/taby/hemtjanst", "/taby/hemtjanst/omval", "/taby/hemtjanst/prioritera"):
        response = client.get(path, params={"postnummer": value, "visa": "ja"})
        assert response.status_code == 200, (path, response.text[:200])
        message = dom(response.text).first("p", id="postnummer-fel").text
        assert "Vi hittar inte postnumret" in message
