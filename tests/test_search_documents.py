"""The search documents built from SQL: one per provider, denormalised, cheap to build."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import session_scope
from app.search.documents import excerpt, provider_documents
from app.search.text import fold, swedish_sort_key
from tests.support import factories as f


def test_document_carries_everything_a_result_card_and_filter_need(engine: Engine) -> None:
    with session_scope(engine) as s:
        area = f.area(s, "Gribbylund")
        org = f.organisation(s, "Ängens Omsorg AB", driftsform="privat")
        f.provider(
            s,
            "Ängen hemtjänst",
            org=org,
            areas=[area],
            street="Storgatan 1",
            postal_code="18330",
            city="Täby",
            lat=59.44,
            lon=18.07,
            languages=["svenska", "finska"],
            profiles=["demens"],
            accepting_new=False,
            capacity=40,
            started_year=2009,
            presentation="Vi är ett litet team.",
        )
    with Session(engine) as s:
        [doc] = provider_documents(s)

    assert doc["name"] == "Ängen hemtjänst"
    assert doc["name_folded"] == "Angen hemtjanst"
    assert doc["service_type"] == "hemtjanst"
    assert (doc["kommun_code"], doc["kommun_slug"], doc["kommun_name"]) == ("0160", "taby", "Täby")
    assert doc["kommun_name_folded"] == "Taby"
    assert (doc["organisation"], doc["driftsform"]) == ("Ängens Omsorg AB", "privat")
    assert doc["organisation_folded"] == "Angens Omsorg AB"
    assert (doc["street"], doc["postal_code"], doc["city"]) == ("Storgatan 1", "18330", "Täby")
    assert doc["areas"] == ["gribbylund"] and doc["area_names"] == ["Gribbylund"]
    assert doc["languages"] == ["svenska", "finska"] and doc["profiles"] == ["demens"]
    assert doc["accepting_new"] is False
    assert (doc["capacity"], doc["started_year"]) == (40, 2009)
    assert doc["presentation_excerpt"] == "Vi är ett litet team."
    assert doc["_geo"] == {"lat": 59.44, "lng": 18.07}
    assert doc["name_sort"] == swedish_sort_key("Ängen hemtjänst")


def test_provider_without_usable_coordinates_has_no_geo(engine: Engine) -> None:
    with session_scope(engine) as s:
        f.provider(s, "Utan adress")
        f.provider(s, "Fel koordinat", lat=999.0, lon=18.0)
    with Session(engine) as s:
        assert all("_geo" not in doc for doc in provider_documents(s))


def test_figures_hold_the_current_value_when_it_is_ok(engine: Engine) -> None:
    with session_scope(engine) as s:
        nojdhet = f.indicator(s, "U28532")
        trygghet = f.indicator(s, "U28533")
        bemotande = f.indicator(s, "U28534")
        other_service = f.indicator(s, "N15419", service_type_id="grundskola")
        p = f.provider(s, "Ängen")
        f.indicator_value(s, p, nojdhet, 2022, 70.0)
        f.indicator_value(s, p, nojdhet, 2023, 75.0)
        f.indicator_value(s, p, trygghet, 2023, 90.0)
        f.indicator_value(s, p, trygghet, 2024, None, status="too_few")
        f.indicator_value(s, p, bemotande, 2023, 88.0)
        f.indicator_value(s, p, bemotande, 2024, None, status="missing")
        f.indicator_value(s, p, other_service, 2024, 99.0)
    with Session(engine) as s:
        [doc] = provider_documents(s)

    # As on the card: the latest year not missing is current; when it had too few answers
    # there is no number to sort by, not 2023's. Other service types' indicators never count.
    assert doc["figures"] == {"U28532": 75.0, "U28534": 88.0}
    assert doc["figure_years"] == {"U28532": 2023, "U28534": 2023}
    # Nobody else in Täby has a newer period, so these are current.
    assert doc["figure_current"] == {"U28532": 1, "U28534": 1}


def test_figure_current_marks_a_figure_behind_the_kommuns_newest_period(engine: Engine) -> None:
    """The same rule as Figure.is_old: the newest period of the indicator among the kommun's
    providers, "too few answers" counting as published; other kommuner don't count."""
    with session_scope(engine) as s:
        ind = f.indicator(s, "U28532")
        old = f.provider(s, "Gammal")
        f.indicator_value(s, old, ind, 2022, 90.0)
        newer = f.provider(s, "Ny men för få")
        f.indicator_value(s, newer, ind, 2023, None, status="too_few")
        current = f.provider(s, "Aktuell")
        f.indicator_value(s, current, ind, 2023, 70.0)
        elsewhere = f.provider(s, "Österåker", kommun_code="0117")
        f.indicator_value(s, elsewhere, ind, 2022, 60.0)
        f.indicator_value(s, f.provider(s, "Ny i Österåker", kommun_code="0117"), ind, 2021, 1.0)
    with Session(engine) as s:
        docs = {d["name"]: d for d in provider_documents(s)}
    assert docs["Gammal"]["figure_current"] == {"U28532": 0}
    assert docs["Aktuell"]["figure_current"] == {"U28532": 1}
    assert docs["Ny men för få"]["figure_current"] == {}  # no value, nothing to sort by
    assert docs["Österåker"]["figure_current"] == {"U28532": 1}


def test_school_years_are_in_the_document(engine: Engine) -> None:
    with session_scope(engine) as s:
        f.provider(s, "Skolan", service_type_id="grundskola", school_years=[3, 0, 1, 2])
        f.provider(s, "Hemtjänsten")
    with Session(engine) as s:
        docs = {d["name"]: d for d in provider_documents(s)}
    assert docs["Skolan"]["school_years"] == [0, 1, 2, 3]
    assert docs["Hemtjänsten"]["school_years"] == []


def test_documents_are_built_a_batch_at_a_time_in_a_handful_of_queries(engine: Engine) -> None:
    with session_scope(engine) as s:
        areas = [f.area(s, f"Område {i}") for i in range(3)]
        ind = f.indicator(s)
        for i in range(40):
            p = f.provider(s, f"Enhet {i}", areas=areas[: i % 3 + 1], lat=59.4, lon=18.0)
            f.indicator_value(s, p, ind, 2024, float(i))
            if i % 2:
                f.indicator_value(s, p, ind, 2023, float(i + 1))
    with Session(engine) as s:
        whole = list(provider_documents(s))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as s:
            documents = list(provider_documents(s, batch_size=15))
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # Across batch boundaries the documents are those of one batch, in id order.
    assert documents == whole and len(documents) == 40
    assert [d["id"] for d in documents] == sorted(d["id"] for d in documents)
    assert all(d["figures"] and d["areas"] for d in documents)
    # The newest periods once, three queries per batch, and one that finds no more.
    assert len(statements) <= 1 + 3 * 3 + 1, statements


def test_excerpt_cuts_at_a_word_boundary() -> None:
    text = "Vi erbjuder " + "trygg omsorg " * 30
    short = excerpt(text, 50)
    assert short is not None and short.endswith("…") and len(short) <= 51
    assert not short[:-1].endswith(" ")
    assert text.startswith(short[:-1])
    assert excerpt("  Kort\n text ") == "Kort text"
    assert excerpt(None) is None


def test_fold_removes_diacritics() -> None:
    assert fold("Österåker") == "Osteraker"
    assert fold("Täby Ängen Café Éclair Søren") == "Taby Angen Cafe Eclair Soren"


def test_swedish_sort_key_puts_a_ring_a_umlaut_o_umlaut_after_z() -> None:
    names = ["Öby", "Äby", "Åby", "Zeta", "alfa", "Éva", "Ebba", "ärla"]
    assert sorted(names, key=swedish_sort_key) == [
        "alfa",
        "Ebba",
        "Éva",
        "Zeta",
        "Åby",
        "Äby",
        "ärla",
        "Öby",
    ]
