"""The kommun's follow-up services on constructed data (issue 12): the overview's cells and
trend arrows, the poor-tail filter, the CSV, completeness with its ages, and adding a level
with its validation and audit entry."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from app.accounts.service import Caller, caller_for
from app.followup.completeness import completeness
from app.followup.levels import LevelForm, add_level, bars_in_order, kommun_levels
from app.followup.service import overview, overview_csv
from app.models import AuditEntry, Level, Role
from tests.support import accounts
from tests.support import factories as f

TODAY = date.today()


@dataclass
class World:
    session: Session
    taby: object
    hemtjanst: object
    ind: dict
    units: dict


@pytest.fixture
def world(built) -> World:
    """Täby's hemtjänst with four units (three driftsformer) and levels on two figures, a
    Danderyd unit and a Täby preschool that must never show up in it."""
    s = built.session
    nojd = f.indicator(
        s,
        "nojd",
        section=5,
        short_title_sv="Nöjd med hemtjänsten",
        source_kind="register",
        decimals=1,
    )
    kontinuitet = f.indicator(
        s,
        "kontinuitet",
        section=2,
        short_title_sv="Antal personal på 14 dagar",
        unit="count",
        direction="lower",
        source_kind="register",
    )
    f.indicator(s, "fakta", section=4, direction="none", source_kind="register")
    f.indicator(s, "gammal", section=5, source_kind="register", discontinued_after=2021)
    f.level(s, nojd, good=90, approved=80)
    f.level(s, kontinuitet, good=10, approved=15)
    f.level(s, nojd, good=50, approved=40, kommun_code="0162")  # Danderyd's, never Täby's

    recent = TODAY - timedelta(days=30)
    angen = f.provider(
        s,
        "Ängen",
        slug="angen",
        presentation="Vi är ett litet team.",
        presentation_updated=recent,
        phone="08-123 45 67",
        email="angen@exempel.se",
    )
    bjorken = f.provider(s, "Björken", slug="bjorken", driftsform="kommunal", phone="08-765 43 21")
    cedern = f.provider(
        s,
        "Cedern",
        slug="cedern",
        driftsform="ideburen",
        presentation="Gammal text.",
        presentation_updated=date(TODAY.year - 2, 1, 15),
    )
    adel = f.provider(s, "Ädel", slug="adel", presentation="Hej.", presentation_updated=recent)
    # Ängen: satisfaction 80 → 92 (bra, clearly better); continuity 12 (godkänt, no earlier).
    f.indicator_value(s, angen, nojd, 2023, 80)
    f.indicator_value(s, angen, nojd, 2024, 92)
    f.indicator_value(s, angen, kontinuitet, 2024, 12)
    # Björken: satisfaction 90 → 60 (underkänt, worse); continuity last reported for 2022.
    f.indicator_value(s, bjorken, nojd, 2023, 90)
    f.indicator_value(s, bjorken, nojd, 2024, 60)
    f.indicator_value(s, bjorken, kontinuitet, 2022, 11)
    # Cedern: continuity 14 → 25 (underkänt, worse); satisfaction never reported.
    f.indicator_value(s, cedern, kontinuitet, 2023, 14)
    f.indicator_value(s, cedern, kontinuitet, 2024, 25)
    # Ädel: too few answers for 2024 counts as reported; nothing else.
    f.indicator_value(s, adel, nojd, 2024, None, status="too_few")

    f.provider(s, "Annat håll", slug="danderyd-unit", kommun_code="0162")
    f.provider(s, "Förskolan Solen", slug="solen", service_type_id="forskola")
    s.commit()
    return World(
        s,
        f.kommun(s, "0160"),
        f.service_type(s, "hemtjanst"),
        {"nojd": nojd, "kontinuitet": kontinuitet},
        {"angen": angen, "bjorken": bjorken, "cedern": cedern, "adel": adel},
    )


# --- overview ---------------------------------------------------------------------------


def test_overview_has_a_row_per_unit_of_the_kommun_in_name_order(world) -> None:
    view = overview(world.session, world.taby, world.hemtjanst)
    # Swedish order (a … z å ä ö), never by driftsform; only Täby's hemtjänst.
    assert [r.provider.name for r in view.rows] == ["Björken", "Cedern", "Ädel", "Ängen"]
    assert view.unit_count == 4
    assert view.poor_count == 2
    assert [title for _n, title in view.sections] == ["Hårda fakta", "Upplevd kvalitet"]


def test_overview_cells_are_levels_with_trend_arrows_in_words(world) -> None:
    rows = {r.provider.slug: r for r in overview(world.session, world.taby, world.hemtjanst).rows}

    angen = rows["angen"]
    hard, perceived = angen.cells
    assert (hard.label, hard.arrow, hard.trend_label) == ("Godkänt", "", "")
    assert (perceived.label, perceived.arrow) == ("Bra", "↗")
    assert perceived.trend_label == "Bättre än förra perioden"
    assert angen.total.label == "Godkänt"  # the worst level of the unit
    assert angen.total.counts_text == "1 bra, 1 godkänt"
    assert not angen.poor

    bjorken = rows["bjorken"]
    # Its continuity figure is from 2022 (äldre uppgift), still its current one: godkänt.
    assert (bjorken.cells[0].label, bjorken.cells[0].arrow) == ("Godkänt", "")
    assert (bjorken.cells[1].label, bjorken.cells[1].trend_label) == (
        "Underkänt",
        "Sämre än förra perioden",
    )
    assert bjorken.poor and bjorken.failed_titles == ["Nöjd med hemtjänsten"]

    cedern = rows["cedern"]
    assert (cedern.cells[0].label, cedern.cells[0].arrow) == ("Underkänt", "↘")
    assert cedern.cells[1].label == "Ingen nivå"
    assert cedern.total.label == "Underkänt"

    adel = rows["adel"]
    assert [c.label for c in [*adel.cells, adel.total]] == ["Ingen nivå"] * 3


def test_poor_tail_filter_keeps_only_units_below_godkant(world) -> None:
    view = overview(world.session, world.taby, world.hemtjanst, poor_only=True)
    assert [r.provider.slug for r in view.rows] == ["bjorken", "cedern"]
    assert (view.unit_count, view.poor_count) == (4, 2)


def test_overview_csv_has_the_same_cells_in_words(world) -> None:
    text = overview_csv(overview(world.session, world.taby, world.hemtjanst))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Enhet",
        "Hårda fakta: nivå",
        "Hårda fakta: trend",
        "Hårda fakta: antal",
        "Upplevd kvalitet: nivå",
        "Upplevd kvalitet: trend",
        "Upplevd kvalitet: antal",
        "Sammanfattning: nivå",
        "Sammanfattning: trend",
        "Sammanfattning: antal",
        "Underkända mått",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert list(by_name) == ["Björken", "Cedern", "Ädel", "Ängen"]
    assert by_name["Ängen"][4:7] == ["Bra", "Bättre än förra perioden", "1 bra"]
    assert by_name["Cedern"][1:3] == ["Underkänt", "Sämre än förra perioden"]
    assert by_name["Björken"][-1] == "Nöjd med hemtjänsten"

    poor = overview_csv(overview(world.session, world.taby, world.hemtjanst, poor_only=True))
    assert [r[0] for r in csv.reader(io.StringIO(poor.lstrip("\ufeff")), delimiter=";")][1:] == [
        "Björken",
        "Cedern",
    ]


def test_overview_csv_cells_never_run_as_formulas(world) -> None:
    f.provider(world.session, '=HYPERLINK("https://ond.example";"Klicka")', slug="ond")
    world.session.commit()
    text = overview_csv(overview(world.session, world.taby, world.hemtjanst))
    names = [r[0] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")]
    assert '\'=HYPERLINK("https://ond.example";"Klicka")' in names


# --- completeness -----------------------------------------------------------------------


def test_completeness_lists_gaps_with_their_ages(world) -> None:
    services = completeness(world.session, world.taby, today=TODAY)
    assert [s.service_type.id for s in services] == ["forskola", "hemtjanst"]
    hemtjanst = services[1]
    assert hemtjanst.unit_count == 4
    gaps = {u.provider.slug: u for u in hemtjanst.units}
    assert list(gaps) == ["bjorken", "cedern", "adel"]  # Ängen has everything

    bjorken = gaps["bjorken"]
    assert [(m.indicator.id, m.last_year, m.newest_year) for m in bjorken.figures] == [
        ("kontinuitet", 2022, 2024)
    ]
    assert bjorken.figures[0].age_text == "Senaste uppgift 2022, 2 år efter"
    assert bjorken.figures_text == "1 av 2 saknar senaste perioden"
    assert bjorken.presentation_text == "Ingen presentation"
    assert bjorken.contact_text == "E-post saknas"

    cedern = gaps["cedern"]
    assert [(m.indicator.id, m.age_text) for m in cedern.figures] == [
        ("nojd", "Aldrig rapporterad")
    ]
    assert cedern.presentation_gap
    assert cedern.presentation_text.endswith("mer än ett år sedan")
    assert str(TODAY.year - 2) in cedern.presentation_text
    assert cedern.contact_text == "Telefon saknas, e-post saknas"

    # Too few answers for 2024 counts as reported; continuity was never reported.
    adel = gaps["adel"]
    assert [m.indicator.id for m in adel.figures] == ["kontinuitet"]
    assert not adel.presentation_gap


def test_completeness_reads_only_the_kommuns_units(world) -> None:
    slugs = {u.provider.slug for s in completeness(world.session, world.taby) for u in s.units}
    assert "danderyd-unit" not in slugs
    assert "solen" in slugs  # Täby's preschool has no contacts


# --- levels -----------------------------------------------------------------------------


def test_bars_are_read_in_the_indicators_direction() -> None:
    assert bars_in_order("higher", 90, 80) and bars_in_order("higher", 80, 80)
    assert not bars_in_order("higher", 70, 80)
    assert bars_in_order("lower", 10, 15) and not bars_in_order("lower", 20, 15)
    assert not bars_in_order("none", 1, 1)


@pytest.fixture
def admin(world) -> Caller:
    user = accounts.user(
        world.session, "admin@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160", name="Åsa Admin"
    )
    return caller_for(world.session, user)


def _form(**fields: str) -> LevelForm:
    values = {
        "indicator_id": "nojd",
        "good": "94",
        "approved": "86",
        "valid_from": "2025",
        "decided_by": "Vård- och omsorgsnämnden",
        "decided_on": "2024-11-20",
    }
    return LevelForm(**(values | fields))


def test_add_level_keeps_the_history_and_writes_the_audit_log(world, admin) -> None:
    level = add_level(world.session, admin, world.taby, _form(good="94,5"))
    assert level is not None
    rows = world.session.exec(
        select(Level).where(Level.kommun_code == "0160", Level.indicator_id == "nojd")
    ).all()
    assert sorted((r.valid_from, r.good) for r in rows) == [(2000, 90.0), (2025, 94.5)]
    entry = world.session.exec(select(AuditEntry)).one()
    assert (entry.user_name, entry.action, entry.kommun_code) == ("Åsa Admin", "level.add", "0160")
    assert entry.object_id == "nojd@2025"
    assert entry.before is None
    assert entry.after == {
        "indicator_id": "nojd",
        "valid_from": 2025,
        "good": 94.5,
        "approved": 86.0,
        "decided_by": "Vård- och omsorgsnämnden",
        "decided_on": "2024-11-20",
    }
    services = kommun_levels(world.session, world.taby, today=date(2025, 6, 1))
    nojd = next(i for s in services for i in s.indicators if i.indicator.id == "nojd")
    assert [lv.valid_from for lv in nojd.history] == [2025, 2000]  # newest first
    assert nojd.in_force.valid_from == 2025


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"good": "70"}, "good", "lika med eller högre än nivån för godkänt"),
        (
            {"indicator_id": "kontinuitet", "good": "20", "approved": "15"},
            "good",
            "lika med eller lägre än nivån för godkänt",
        ),
        ({"good": "mycket"}, "good", "som ett tal"),
        ({"good": "94,55"}, "good", "högst 1 decimal,"),
        (
            {"indicator_id": "kontinuitet", "good": "9,5", "approved": "15"},
            "good",
            "utan decimaler",
        ),
        ({"approved": ""}, "approved", "som ett tal"),
        ({"good": "nan"}, "good", "som ett tal"),
        ({"indicator_id": "fakta"}, "indicator_id", "Välj ett mått"),
        ({"indicator_id": "gammal"}, "indicator_id", "Välj ett mått"),
        ({"indicator_id": "finns-inte"}, "indicator_id", "Välj ett mått"),
        ({"valid_from": "1889"}, "valid_from", "Skriv ett år"),
        ({"valid_from": "nästa år"}, "valid_from", "Skriv ett år"),
        ({"valid_from": "2000"}, "valid_from", "Det finns redan en nivå från 2000"),
        ({"decided_by": "   "}, "decided_by", "vilken nämnd"),
        ({"decided_on": "20 november"}, "decided_on", "år-månad-dag"),
        (
            {"decided_on": (TODAY + timedelta(days=1)).isoformat()},
            "decided_on",
            "kan inte ligga i framtiden",
        ),
    ],
)
def test_a_refused_level_changes_nothing(world, admin, fields, field, message) -> None:
    form = _form(**fields)
    assert add_level(world.session, admin, world.taby, form) is None
    assert message in form.errors[field]
    world.session.rollback()
    assert world.session.exec(select(func.count()).select_from(Level)).one() == 3
    assert world.session.exec(select(func.count()).select_from(AuditEntry)).one() == 0


def test_levels_page_lists_only_service_types_of_the_kommun(world) -> None:
    services = kommun_levels(world.session, world.taby)
    assert [s.service_type.id for s in services] == ["hemtjanst"]  # förskola has no indicators
    ids = [i.indicator.id for i in services[0].indicators]
    assert ids == ["kontinuitet", "nojd"]  # no fact, no discontinued measure
    nojd = services[0].indicators[1]
    assert [(lv.kommun_code, lv.good) for lv in nojd.history] == [("0160", 90.0)]
