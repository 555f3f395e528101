"""The service layer of issue 10: the kommun's levels summed up per provider with trend
arrows, "äldre uppgift" relative to the kommun's newest period, and reference labels that
never call a mean of units a kommun's total. Real databases, constructed data."""

from datetime import date

from sqlmodel import Session, select

from app.figures import Change, figures_for, reference_label
from app.i18n import use_lang
from app.level_summary import summarise
from app.models import Indicator, IndicatorValue, Provider
from app.models.vocab import Driftsform
from app.providers import level_summaries, provider_page
from tests.support import factories as f

TODAY = date(2025, 6, 1)


def _register(s: Session, id: str, section: int, direction: str = "higher") -> Indicator:
    return f.indicator(
        s, id, section=section, unit="percent", direction=direction, source_kind="register"
    )


def levelled_case(s: Session, driftsform: str = Driftsform.PRIVAT) -> tuple[Provider, dict]:
    """One provider with four levelled figures in two sections, 2023 and 2024."""
    utb = _register(s, "utb", 2)  # bra: >= 90, godkänt: >= 80
    tills = _register(s, "tills", 2)
    klag = f.indicator(
        s, "klag", section=3, unit="count", direction="lower", source_kind="register"
    )
    nojd = f.indicator(s, "nojd", section=5, min_n=10)  # a survey share with n
    for ind, good, approved in ((utb, 90, 80), (tills, 90, 80), (klag, 1, 3), (nojd, 90, 80)):
        f.level(s, ind, good, approved)
    p = f.provider(s, "Ängens omsorg", driftsform=driftsform)
    values = [
        # indicator, 2023, 2024
        (utb, 70, 95),  # underkänt -> bra: clearly better (beyond the 10 % tolerance)
        (tills, 85, 84),  # godkänt, unchanged
        (klag, 2, 8),  # godkänt -> underkänt: clearly worse
        (nojd, 85, 86),  # godkänt, within the survey interval: same
    ]
    for ind, before, now in values:
        n = {"n_answers": 60} if ind is nojd else {}
        f.indicator_value(s, p, ind, year=2023, value=before, **n)
        f.indicator_value(s, p, ind, year=2024, value=now, **n)
    return p, {"utb": utb, "tills": tills, "klag": klag, "nojd": nojd}


def test_summary_counts_levels_per_section_with_the_worst_as_status(built) -> None:
    s = built.session
    p, _ = levelled_case(s)
    page = provider_page(s, p.slug, today=TODAY)
    assert page is not None
    summary = page.summary
    by_section = {x.section: x.tally for x in summary.sections}
    assert set(by_section) == {2, 3, 5}  # sections without a level are not shown
    assert (by_section[2].good, by_section[2].approved, by_section[2].failed) == (1, 1, 0)
    assert by_section[2].status == "approved"
    assert by_section[3].status == "failed" and by_section[3].red_flag
    assert summary.red_flag
    assert (summary.total.good, summary.total.approved, summary.total.failed) == (1, 2, 1)
    with use_lang("sv"):
        assert summary.total.counts_text == "1 bra, 2 godkända, 1 underkänt"
        assert summary.sections[1].failed_titles == ["Indikator klag"]


def test_trend_arrows_follow_the_clearly_better_rule(built) -> None:
    s = built.session
    p, ind = levelled_case(s)
    figs = figures_for(s, [p], list(ind.values()), today=TODAY)[p.id]  # type: ignore[index]
    assert figs["utb"].change == Change.BETTER
    assert figs["tills"].change == Change.SAME
    assert figs["klag"].change == Change.WORSE
    assert figs["nojd"].change == Change.SAME  # one point with 60 answers is chance
    assert figs["klag"].previous_verdict and figs["klag"].previous_verdict.key == "approved"
    summary = summarise(figs.values())
    trends = {x.section: x.tally.trend for x in summary.sections}
    assert trends == {2: Change.BETTER, 3: Change.WORSE, 5: Change.SAME}
    assert summary.total.trend == Change.SAME  # one better, one worse
    with use_lang("sv"):
        assert summary.sections[0].tally.trend_label == "Bättre än förra perioden"
        assert summary.sections[0].tally.arrow == "↗"


def test_no_arrow_without_a_comparable_previous_period(built) -> None:
    s = built.session
    nojd = f.indicator(s, "U21468", min_n=10)
    f.level(s, nojd, 90, 80)
    p = f.provider(s, "Bäckens omsorg")
    # Kolada gives no n per unit: no "clearly" anything, so no arrow.
    f.indicator_value(s, p, nojd, year=2023, value=50, n_answers=None)
    f.indicator_value(s, p, nojd, year=2024, value=95, n_answers=None)
    q = f.provider(s, "Åkerns omsorg")
    f.indicator_value(s, q, nojd, year=2021, value=50, n_answers=100)  # years apart
    f.indicator_value(s, q, nojd, year=2024, value=95, n_answers=100)
    figs = figures_for(s, [p, q], [nojd], today=TODAY)
    assert figs[p.id]["U21468"].change is None  # type: ignore[index]
    assert figs[q.id]["U21468"].change is None  # type: ignore[index]
    summary = summarise(figs[p.id].values())  # type: ignore[index]
    assert summary.total.good == 1 and summary.total.trend is None


def test_driftsform_is_never_an_input(built) -> None:
    s = built.session
    private, _ = levelled_case(s, Driftsform.PRIVAT)
    own = f.provider(s, "Kommunens omsorg", driftsform=Driftsform.KOMMUNAL)
    # The same figures for the kommun's own unit.
    for v in s.exec(select(IndicatorValue).where(IndicatorValue.provider_id == private.id)).all():
        ind = s.get(Indicator, v.indicator_id)
        assert ind is not None
        f.indicator_value(s, own, ind, year=v.year, value=v.value, n_answers=v.n_answers)
    summaries = level_summaries(s, [private, own], today=TODAY)
    assert summaries[private.id] == summaries[own.id]  # type: ignore[index]
    assert summaries[own.id].has_levels  # type: ignore[index]


def test_old_means_behind_the_newest_period_in_the_same_kommun(built) -> None:
    s = built.session
    ind = _register(s, "utb", 2)
    a = f.provider(s, "Ängens omsorg")
    b = f.provider(s, "Bäckens omsorg")
    elsewhere = f.provider(s, "Vaxholms omsorg", kommun_code="0187")
    f.indicator_value(s, a, ind, year=2024, value=80)
    f.indicator_value(s, b, ind, year=2022, value=80)
    f.indicator_value(s, elsewhere, ind, year=2022, value=80)
    f.indicator_value(s, f.provider(s, "Tyst"), ind, year=2025, value=None, status="missing")
    figs = figures_for(s, [a, b, elsewhere], [ind], today=TODAY)
    assert not figs[a.id]["utb"].is_old  # type: ignore[index]
    assert figs[b.id]["utb"].is_old  # type: ignore[index]
    with use_lang("sv"):
        assert figs[b.id]["utb"].old_text == "Äldre uppgift (2022)"  # type: ignore[index]
    # Vaxholm's newest is 2022: current there, whatever other kommuner have.
    assert not figs[elsewhere.id]["utb"].is_old  # type: ignore[index]


def test_reference_labels_say_what_the_value_is(built) -> None:
    s = built.session
    kunder = f.indicator(
        s, "kunder", section=4, unit="count", direction="none", source_kind="register"
    )
    nojd = f.indicator(s, "nojd", section=5)
    p = f.provider(s, "Ängens omsorg")
    f.indicator_value(s, p, kunder, value=114)
    f.indicator_value(s, p, nojd, value=80, n_answers=50)
    f.reference_value(s, kunder, 94.24, basis="unit_mean")
    f.reference_value(s, kunder, 62, municipality_code="0000", basis="unit_mean")
    f.reference_value(s, nojd, 88)
    f.reference_value(s, nojd, 86, municipality_code="0000")
    with use_lang("sv"):
        figs = figures_for(s, [p], [kunder, nojd], today=TODAY)[p.id]  # type: ignore[index]
        assert figs["kunder"].kommun.label == "Genomsnitt per utförare i Täby"  # type: ignore[union-attr]
        assert figs["kunder"].kommun.text == "94,2"  # type: ignore[union-attr]  # a mean keeps a decimal
        assert figs["kunder"].country.label == "Genomsnitt per utförare i Sverige"  # type: ignore[union-attr]
        assert figs["nojd"].kommun.label == "Hela Täby"  # type: ignore[union-attr]
        assert figs["nojd"].country.label == "Hela Sverige"  # type: ignore[union-attr]
        assert reference_label("total", "Täby") == "Summa för Täby"
    with use_lang("en"):
        assert reference_label("unit_mean", "Täby") == "Average per provider in Täby"
