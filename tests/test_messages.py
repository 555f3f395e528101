"""The importer's messages (app.messages.msg): Swedish text wherever it is printed, and in
the page's language where the catalogue has it (app.i18n.in_current_lang)."""

import copy
import pickle

from app.i18n import in_current_lang, use_lang
from app.messages import msg
from ingest.fields import describe


def test_a_message_is_its_swedish_text() -> None:
    message = msg("okänd kommun '%(code)s'", code="9999")
    assert message == "okänd kommun '9999'" and isinstance(message, str)
    assert f"rad 2: {message}" == "rad 2: okänd kommun '9999'"
    assert msg("okänd kolumn") == "okänd kolumn"
    for again in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert again == message and again.template == message.template
        assert again.params == {"code": "9999"}


def test_a_page_shows_it_in_its_language_values_and_all() -> None:
    # pydantic's error for a number that is not one: a message within a message.
    message = describe({"type": "float_parsing", "msg": "x", "input": "tolv"})
    assert message == "inte ett tal (fick 'tolv')"
    with use_lang("en"):
        assert in_current_lang(message) == ("not a number (got 'tolv')", "en")
    with use_lang("sv"):
        assert in_current_lang(message) == ("inte ett tal (fick 'tolv')", "sv")


def test_a_template_the_same_in_english_still_translates_its_values() -> None:
    """'%(id)s %(why)s' reads the same in both languages; its `why` does not."""
    message = msg("%(id)s %(why)s", id="U28532", why=msg("är ingen enkätindikator"))
    with use_lang("en"):
        assert in_current_lang(message) == ("U28532 is not a survey indicator", "en")


def test_plain_text_is_shown_as_written_in_the_language_it_says() -> None:
    with use_lang("en"):
        assert in_current_lang("filen är tom, skriv något") == ("filen är tom, skriv något", "sv")
        assert in_current_lang("the kommun code is 0162", "en") == (
            "the kommun code is 0162",
            "en",
        )
        # A message the catalogue does not have (yet) stays Swedish, and says so.
        assert in_current_lang(msg("ett nytt fel %(n)s", n=1)) == ("ett nytt fel 1", "sv")
