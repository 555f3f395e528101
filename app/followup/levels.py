"""The kommun's levels and their history: what is in force, what was, and adding a new one.

A level is decided by a nämnd on a day and applies from a period (valid_from) until a later
decision for the same indicator. Figures are judged by the level in force for their own
period (app.figures.level_in_force); a new level never rewrites an older verdict.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from app.accounts.audit import Actor, record
from app.clock import today_in_sweden
from app.figures import level_in_force, short_title, still_published
from app.form_text import one_line
from app.formatting import with_unit
from app.i18n import current_lang, ngettext
from app.i18n import gettext as _
from app.models import Indicator, Kommun, Level, Provider, ServiceType
from app.models.indicators import LEVELS_SINCE
from app.models.vocab import Direction

FIRST_YEAR = 1990  # the earliest period any figure has (ingest.fields.Year)
YEARS_AHEAD = 5  # a level may be decided for a few periods ahead, not for ever
MAX_DECIDED_BY = 200


def bars_in_order(direction: str, good: float, approved: float) -> bool:
    """Bra must be at least as good as godkänt, read in the indicator's direction (the rule
    ingest/sample.py applies to levels.csv too)."""
    if direction == Direction.HIGHER:
        return good >= approved
    if direction == Direction.LOWER:
        return good <= approved
    return False


def can_have_level(indicator: Indicator) -> bool:
    """A level needs a direction (better is higher or lower) and a measure still published."""
    return indicator.direction != Direction.NONE and still_published(indicator)


@dataclass(frozen=True)
class IndicatorLevels:
    indicator: Indicator
    history: list[Level]  # newest first
    in_force: Level | None  # for the current year

    @property
    def title(self) -> str:
        return short_title(self.indicator)

    def bar(self, value: float) -> str:
        return with_unit(value, self.indicator.unit, self.indicator.decimals)

    @property
    def direction_text(self) -> str:
        if self.indicator.direction == Direction.LOWER:
            return _("Lägre är bättre")
        return _("Högre är bättre")


@dataclass(frozen=True)
class ServiceLevels:
    service_type: ServiceType
    indicators: list[IndicatorLevels]

    @property
    def name(self) -> str:
        st = self.service_type
        return st.name_en if current_lang.get() == "en" else st.name_sv


def kommun_levels(
    session: Session, kommun: Kommun, *, today: date | None = None
) -> list[ServiceLevels]:
    """Every indicator a level can be set for, per service type the kommun has units of (or
    levels for), with the history of its levels. A fixed number of queries."""
    year = (today or today_in_sweden()).year
    levels = session.exec(
        select(Level).where(Level.kommun_code == kommun.code).order_by(col(Level.valid_from).desc())
    ).all()
    by_indicator: dict[str, list[Level]] = {}
    for lv in levels:
        by_indicator.setdefault(lv.indicator_id, []).append(lv)
    with_units = set(
        session.exec(select(Provider.service_type_id).where(Provider.kommun_code == kommun.code))
    )
    indicators = session.exec(
        select(Indicator).order_by(Indicator.section, Indicator.sort_order, Indicator.id)
    ).all()
    per_type: dict[str, list[IndicatorLevels]] = {}
    for ind in indicators:
        history = by_indicator.get(ind.id, [])
        if not (can_have_level(ind) or history):
            continue
        if ind.service_type_id not in with_units and not history:
            continue
        in_force = level_in_force(list(reversed(history)), year)
        per_type.setdefault(ind.service_type_id, []).append(IndicatorLevels(ind, history, in_force))
    types = session.exec(
        select(ServiceType)
        .where(col(ServiceType.id).in_(list(per_type)))
        .order_by(ServiceType.sort_order, ServiceType.id)
    ).all()
    return [ServiceLevels(st, per_type[st.id]) for st in types]


@dataclass
class LevelForm:
    """What an administrator typed, kept as text so a refused form is shown back as typed."""

    indicator_id: str = ""
    good: str = ""
    approved: str = ""
    valid_from: str = ""
    decided_by: str = ""
    decided_on: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float | None:
    """'87', '87,5', '0.70', '1 200' as a number; None when it is not one."""
    cleaned = "".join(text.split()).replace("\u2212", "-").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None  # no NaN, no inf


def add_level(
    session: Session,
    caller: Actor,
    kommun: Kommun,
    form: LevelForm,
    *,
    today: date | None = None,
) -> Level | None:
    """Validate the form and add the level (audit-logged); None with `form.errors` set when
    something needs correcting. The level and its audit entry are committed together."""
    today = today or today_in_sweden()
    errors = form.errors
    errors.clear()

    indicator = session.get(Indicator, form.indicator_id.strip()) if form.indicator_id else None
    if indicator is None or not can_have_level(indicator):
        errors["indicator_id"] = _("Välj ett mått i listan.")

    good = _number(form.good)
    approved = _number(form.approved)
    if good is None:
        errors["good"] = _("Skriv nivån för bra som ett tal, till exempel 90 eller 0,7.")
    if approved is None:
        errors["approved"] = _("Skriv nivån för godkänt som ett tal, till exempel 80 eller 0,55.")
    if indicator is not None:
        # The public rule shows the bar as the indicator's figures are shown: a bar with more
        # decimals would be printed rounded, and "minst 97 %" would not be the rule applied.
        for name, value in (("good", good), ("approved", approved)):
            if value is not None and round(value, indicator.decimals) != value:
                errors[name] = (
                    _("Skriv nivån utan decimaler, som måttets siffror.")
                    if indicator.decimals == 0
                    else ngettext(
                        "Skriv nivån med högst {n} decimal, som måttets siffror.",
                        "Skriv nivån med högst {n} decimaler, som måttets siffror.",
                        indicator.decimals,
                    ).format(n=indicator.decimals)
                )
    in_order = (
        indicator is None
        or good is None
        or approved is None
        or bars_in_order(indicator.direction, good, approved)
    )
    if not in_order and "good" not in errors and "approved" not in errors:
        assert indicator is not None
        if indicator.direction == Direction.LOWER:
            errors["good"] = _(
                "Nivån för bra måste vara lika med eller lägre än nivån för godkänt, "
                "eftersom lägre är bättre för det här måttet."
            )
        else:
            errors["good"] = _(
                "Nivån för bra måste vara lika med eller högre än nivån för godkänt, "
                "eftersom högre är bättre för det här måttet."
            )

    valid_from = int(form.valid_from) if form.valid_from.strip().isdigit() else None
    last_year = today.year + YEARS_AHEAD
    if valid_from is None or not FIRST_YEAR <= valid_from <= last_year:
        errors["valid_from"] = _("Skriv ett år mellan {first} och {last}.").format(
            first=FIRST_YEAR, last=last_year
        )

    decided_by = one_line(form.decided_by)
    if not decided_by:
        errors["decided_by"] = _("Skriv vilken nämnd som beslutade nivån.")
    elif len(decided_by) > MAX_DECIDED_BY:
        errors["decided_by"] = _("Skriv högst {n} tecken.").format(n=MAX_DECIDED_BY)

    decided_on: date | None = None
    try:
        decided_on = date.fromisoformat(form.decided_on.strip())
    except ValueError:
        errors["decided_on"] = _("Skriv beslutsdagen som år-månad-dag, till exempel 2024-02-20.")
    if decided_on is not None and decided_on > today:
        errors["decided_on"] = _("Beslutsdagen kan inte ligga i framtiden.")
        decided_on = None

    taken = (
        indicator is not None
        and valid_from is not None
        and "valid_from" not in errors
        and session.get(Level, (kommun.code, indicator.id, valid_from)) is not None
    )
    if taken:
        errors["valid_from"] = _(
            "Det finns redan en nivå från {year} för det här måttet. Välj ett annat år; "
            "tidigare beslut ändras inte i efterhand."
        ).format(year=valid_from)

    if errors:
        return None
    assert indicator is not None and good is not None and approved is not None
    assert valid_from is not None and decided_on is not None
    level = Level(
        kommun_code=kommun.code,
        indicator_id=indicator.id,
        valid_from=valid_from,
        good=good,
        approved=approved,
        decided_by=decided_by,
        decided_on=decided_on,
    )
    session.add(level)
    record(
        session,
        caller,
        "level.add",
        "level",
        f"{indicator.id}@{valid_from}",
        kommun.code,
        None,
        level_record(level),
    )
    session.commit()
    return level


def level_record(level: Level) -> dict:
    """The level as the audit log stores it (plain JSON)."""
    return {
        "indicator_id": level.indicator_id,
        "valid_from": level.valid_from,
        "good": level.good,
        "approved": level.approved,
        "decided_by": level.decided_by,
        "decided_on": level.decided_on.isoformat() if level.decided_on else None,
    }


def first_period_text(level: Level) -> str:
    """'Från 2024', or 'Sedan tidigare' for a level older than its recorded history."""
    if level.valid_from <= LEVELS_SINCE:
        return _("Sedan tidigare")
    return _("Från {year}").format(year=level.valid_from)
