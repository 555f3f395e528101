"""Schools on /prioritera and omval: a school place is given by the kommun's placement, so
no page says a school "tar (inte) emot nya" or filters by it (app.labels.shows_accepting_new)."""

from tests.support import factories as f


def school_case(s) -> tuple:
    merit = f.indicator(
        s,
        "merit",
        service_type_id="grundskola",
        unit="points",
        source_kind="register",
        section=2,
    )
    open_ = f.provider(s, "Ängsskolan", service_type_id="grundskola", accepting_new=True)
    full = f.provider(s, "Backeskolan", service_type_id="grundskola", accepting_new=False)
    for p, v in ((open_, 230), (full, 250)):
        f.indicator_value(s, p, merit, value=v)
    return open_, full


def test_prioritera_neither_offers_nor_applies_accepting_new_for_schools(built) -> None:
    school_case(built.session)
    with built.client() as client:
        page = client.get("/taby/grundskola/prioritera?m=merit")
        asked = client.get("/taby/grundskola/prioritera?m=merit&nya=ja")
    assert page.status_code == 200
    assert "Bara utförare som tar emot nya" not in page.text
    assert "Tar inte emot nya" not in page.text
    # A `nya=ja` left in an address changes nothing: both schools are still ranked.
    assert "Backeskolan" in asked.text and "Ängsskolan" in asked.text
    assert "tar emot nya" not in asked.text


def test_prioritera_still_filters_home_care_by_accepting_new(built) -> None:
    s = built.session
    nojd = f.indicator(s, "nojd", section=5)
    a = f.provider(s, "Ängens omsorg", accepting_new=True)
    b = f.provider(s, "Bäckens omsorg", accepting_new=False)
    for p in (a, b):
        f.indicator_value(s, p, nojd, value=80, n_answers=100)
    with built.client() as client:
        page = client.get("/taby/hemtjanst/prioritera?m=nojd")
        asked = client.get("/taby/hemtjanst/prioritera?m=nojd&nya=ja")
    assert "Bara utförare som tar emot nya" in page.text
    assert "Tar inte emot nya just nu" in page.text
    assert "tar emot nya" in asked.text  # the must-have is stated
