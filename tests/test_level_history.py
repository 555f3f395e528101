"""Level history (issue 12): a kommun's level applies from a period, and every figure is
judged by the level in force for its own period, on constructed data; the migration that
gave existing levels a history; the sample file's checks."""

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session, select

from app.db import make_engine
from app.figures import Change, figures_for, level_in_force
from app.level_summary import summarise
from app.models import Level
from app.models.indicators import LEVELS_SINCE
from ingest.errors import IngestFailed
from ingest.sample import read_sample
from tests.conftest import DATA_DIR
from tests.support import factories as f
from tests.support.csvedit import copy_sample
from tests.support.databases import ROOT, fresh_database, migrate
from tests.support.html import dom


def level_from(
    session: Session,
    indicator,
    valid_from: int,
    good: float,
    approved: float,
    kommun_code: str = "0160",
    decided_on: date | None = None,
) -> Level:
    f.kommun(session, kommun_code)
    row = Level(
        kommun_code=kommun_code,
        indicator_id=indicator.id,
        valid_from=valid_from,
        good=good,
        approved=approved,
        decided_by="Vård- och omsorgsnämnden",
        decided_on=decided_on,
    )
    session.add(row)
    session.flush()
    return row


def test_the_level_in_force_is_the_newest_from_the_period_or_before() -> None:
    def lv(year: int) -> Level:
        return Level(kommun_code="0160", indicator_id="x", valid_from=year, good=1, approved=0)

    history = [lv(2000), lv(2022), lv(2024)]  # oldest first
    assert level_in_force(history, 1999) is None
    assert level_in_force(history, 2000) is history[0]
    assert level_in_force(history, 2021) is history[0]
    assert level_in_force(history, 2022) is history[1]
    assert level_in_force(history, 2023) is history[1]
    assert level_in_force(history, 2024) is history[2]
    assert level_in_force(history, 2030) is history[2]
    assert level_in_force(history, None) is None
    assert level_in_force([], 2024) is None


@pytest.fixture
def raised(built):
    """Täby raises its bar for overall satisfaction from 2024: bra ≥ 90 / godkänt ≥ 80 until
    then, bra ≥ 94 / godkänt ≥ 86 from 2024 on; and a level decided for 2026 already."""
    s = built.session
    ind = f.indicator(s, "U21468", source_kind="register", source_name="Kolada")
    level_from(s, ind, LEVELS_SINCE, 90, 80, decided_on=date(2023, 3, 15))
    level_from(s, ind, 2024, 94, 86, decided_on=date(2023, 11, 22))
    level_from(s, ind, 2026, 97, 90, decided_on=date(2025, 11, 20))
    # Ängen: 91 in 2023 (bra by the old bar), 92 in 2024 (only godkänt by the new one).
    angen = f.provider(s, "Ängen", slug="angen")
    f.indicator_value(s, angen, ind, 2023, 91)
    f.indicator_value(s, angen, ind, 2024, 92)
    # Björken: its newest figure is from 2023 (85: godkänt by the bar of 2023).
    bjorken = f.provider(s, "Björken", slug="bjorken", driftsform="kommunal")
    f.indicator_value(s, bjorken, ind, 2022, 70)
    f.indicator_value(s, bjorken, ind, 2023, 85)
    # Cedern: 60 in 2023 (underkänt), 88 in 2024 (godkänt by the new bar).
    cedern = f.provider(s, "Cedern", slug="cedern")
    f.indicator_value(s, cedern, ind, 2023, 60)
    f.indicator_value(s, cedern, ind, 2024, 88)
    s.flush()
    return built, ind, {"angen": angen, "bjorken": bjorken, "cedern": cedern}


def test_each_period_is_judged_by_the_level_in_force_for_it(raised) -> None:
    built, ind, units = raised
    figures = figures_for(built.session, list(units.values()), [ind])

    angen = figures[units["angen"].id][ind.id]
    assert angen.current.year == 2024
    assert angen.verdict.key == "approved"  # 92 < 94: the new bar, not the old one
    assert "Bra: minst 94\u00a0%. Godkänt: minst 86\u00a0%." in angen.verdict.rule
    assert "De gäller från 2024." in angen.verdict.rule
    assert "den 22 november 2023" in angen.verdict.rule
    assert angen.previous_verdict.key == "good"  # 91 in 2023 by the bar of 2023
    assert "minst 90\u00a0%" in angen.previous_verdict.rule

    bjorken = figures[units["bjorken"].id][ind.id]
    assert bjorken.current.year == 2023 and bjorken.is_old
    assert bjorken.verdict.key == "approved"  # 85 by 90/80, not failed by 94/86
    assert "minst 90\u00a0%" in bjorken.verdict.rule
    assert "gäller från" not in bjorken.verdict.rule  # the first level has no start to name
    assert bjorken.previous_verdict.key == "failed"  # 70 in 2022

    cedern = figures[units["cedern"].id][ind.id]
    assert (cedern.previous_verdict.key, cedern.verdict.key) == ("failed", "approved")


def test_trend_arrows_follow_the_values_across_a_level_change(raised) -> None:
    """The arrow compares the values: a raised bar does not make a unit look worse."""
    built, ind, units = raised
    figures = figures_for(built.session, list(units.values()), [ind])

    # Ängen: bra → godkänt only because the bar rose; its value did not fall.
    angen = figures[units["angen"].id][ind.id]
    assert angen.change == Change.SAME
    summary = summarise([angen])
    assert summary.total.status == "approved"
    assert summary.total.trend_label == "Oförändrat mot förra perioden"
    assert summary.total.arrow == "→"

    cedern = summarise(figures[units["cedern"].id].values())
    assert cedern.total.trend_label == "Bättre än förra perioden"
    assert cedern.total.arrow == "↗"
    assert not cedern.red_flag

    bjorken = summarise(figures[units["bjorken"].id].values())
    assert bjorken.total.trend_label == "Bättre än förra perioden"


def test_a_period_before_any_level_has_no_verdict(built) -> None:
    s = built.session
    ind = f.indicator(s, "U21468", source_kind="register", source_name="Kolada")
    level_from(s, ind, 2024, 90, 80)
    unit = f.provider(s, "Ängen", slug="angen")
    f.indicator_value(s, unit, ind, 2023, 70)
    f.indicator_value(s, unit, ind, 2024, 85)
    fig = figures_for(s, [unit], [ind])[unit.id][ind.id]
    assert fig.verdict.key == "approved"
    assert fig.previous_verdict is None  # no level was decided for 2023


def test_another_kommuns_level_is_never_used(built) -> None:
    s = built.session
    ind = f.indicator(s, "U21468", source_kind="register", source_name="Kolada")
    level_from(s, ind, LEVELS_SINCE, 99, 98, kommun_code="0117")
    unit = f.provider(s, "Ängen", slug="angen")
    f.indicator_value(s, unit, ind, 2024, 85)
    assert figures_for(s, [unit], [ind])[unit.id][ind.id].verdict is None


def test_the_provider_page_shows_the_level_in_force_for_its_figure(raised) -> None:
    built, ind, _units = raised
    client = built.client()
    angen = dom(client.get("/utforare/angen").text)
    figure = angen.first("article", **{"data-indicator": ind.id}).text.replace("\u00a0", " ")
    assert "Kommunens nivå: Godkänt" in figure
    assert "Bra: minst 94 %. Godkänt: minst 86 %." in figure
    assert "De gäller från 2024." in figure

    bjorken = dom(client.get("/utforare/bjorken").text)
    figure = bjorken.first("article", **{"data-indicator": ind.id}).text.replace("\u00a0", " ")
    assert "Kommunens nivå: Godkänt" in figure
    assert "Bra: minst 90 %. Godkänt: minst 80 %." in figure
    assert "den 15 mars 2023" in figure


# --- the migration --------------------------------------------------------------------


def _alembic(url: str, action: str, revision: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
    engine.dispose()


def test_migration_gives_existing_levels_a_start_and_their_decision_day(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrated=False) as url:
        migrate(url, "0007")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO kommun (code, name, slug) VALUES ('0160','Täby','taby')")
            )
            conn.execute(
                text(
                    "INSERT INTO service_type (id, name_sv, name_en, description_sv, "
                    "description_en, capacity_label_sv, capacity_label_en, choice_basis, "
                    "sort_order) VALUES ('hemtjanst','Hemtjänst','Home care','','','Platser',"
                    "'Places','area',0)"
                )
            )
            for ind in ("a", "b"):
                conn.execute(
                    text(
                        "INSERT INTO indicator (id, service_type_id, section, title_sv, title_en,"
                        " short_title_sv, short_title_en, description_sv, description_en, unit,"
                        " direction, source_kind, source_name, sort_order, decimals) VALUES "
                        f"('{ind}','hemtjanst',5,'A','A','','','','','percent','higher',"
                        "'register','Kolada',0,0)"
                    )
                )
            conn.execute(
                text(
                    "INSERT INTO level (kommun_code, indicator_id, good, approved, decided_by) "
                    "VALUES ('0160','a',90,80,'Socialnämnden 2023-03-15'),"
                    "('0160','b',90,80,'Socialnämnden')"
                )
            )
        engine.dispose()

        # Then to the newest schema, which today's models (used below) expect; the later
        # revisions leave levels alone.
        _alembic(url, "upgrade", "head")
        engine = make_engine(url)
        with Session(engine) as s:
            rows = {lv.indicator_id: lv for lv in s.exec(select(Level)).all()}
            assert rows["a"].valid_from == LEVELS_SINCE
            assert (rows["a"].decided_by, rows["a"].decided_on) == (
                "Socialnämnden",
                date(2023, 3, 15),
            )
            assert (rows["b"].decided_by, rows["b"].decided_on) == ("Socialnämnden", None)
            # The new key: a second level for the same indicator from a later period.
            s.add(
                Level(
                    kommun_code="0160",
                    indicator_id="a",
                    valid_from=2024,
                    good=95,
                    approved=85,
                    decided_by="Socialnämnden",
                    decided_on=date(2023, 11, 22),
                )
            )
            s.commit()
        engine.dispose()

        # Down again: one level per indicator, the one in force now, its day back in the text.
        _alembic(url, "downgrade", "0007")
        engine = make_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT indicator_id, good, decided_by FROM level ORDER BY indicator_id")
            ).all()
        engine.dispose()
        assert [tuple(r) for r in rows] == [
            ("a", 95.0, "Socialnämnden 2023-11-22"),
            ("b", 90.0, "Socialnämnden"),
        ]


# --- the sample file ------------------------------------------------------------------


def _levels_file(tmp_path: Path, extra: str) -> Path:
    data = copy_sample(DATA_DIR, tmp_path / "data")
    with (data / "levels.csv").open("a", encoding="utf-8") as out:
        out.write(extra)
    return data


def test_sample_levels_have_history() -> None:
    data = read_sample(DATA_DIR)
    taby = [
        p.row for p in data.levels if (p.row.kommun_code, p.row.indicator_id) == ("0160", "U21468")
    ]
    assert sorted(r.valid_from for r in taby) == [LEVELS_SINCE, 2024]
    assert all(r.decided_on for r in taby)


def test_two_levels_from_the_same_period_are_refused(tmp_path: Path) -> None:
    data = _levels_file(tmp_path, "0160,U21468,2024,95,88,Vård- och omsorgsnämnden,2024-01-10\n")
    with pytest.raises(IngestFailed) as failed:
        read_sample(data)
    message = str(failed.value)
    assert "levels.csv" in message and "valid_from" in message and "finns redan" in message


def test_bra_below_godkant_is_refused_in_the_indicators_direction(tmp_path: Path) -> None:
    data = _levels_file(tmp_path, "0160,U21468,2025,80,90,Vård- och omsorgsnämnden,2024-01-10\n")
    with pytest.raises(IngestFailed) as failed:
        read_sample(data)
    assert "nivån för bra måste vara bättre än nivån för godkänt" in str(failed.value)
