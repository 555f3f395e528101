"""Words for the closed vocabularies, the same on every page, in CSV files and (later) the API."""

from app.i18n import gettext as _
from app.i18n import ngettext
from app.models.vocab import Direction, Driftsform
from app.statistics import Outcome


def driftsform_label(value: str) -> str:
    return {
        Driftsform.KOMMUNAL: _("Kommunal"),
        Driftsform.PRIVAT: _("Privat"),
        Driftsform.IDEBUREN: _("Idéburen"),
        Driftsform.OKAND: _("Okänd driftsform"),
    }.get(value, value)


def direction_text(direction: str) -> str:
    return {
        Direction.HIGHER: _("Högre är bättre"),
        Direction.LOWER: _("Lägre är bättre"),
    }.get(direction, _("Varken högre eller lägre är bättre"))


def language_label(value: str) -> str:
    """Languages are stored as Swedish words; the common ones are translated for /en/."""
    known = {
        "svenska": _("Svenska"),
        "engelska": _("Engelska"),
        "finska": _("Finska"),
        "arabiska": _("Arabiska"),
        "persiska": _("Persiska"),
        "spanska": _("Spanska"),
        "polska": _("Polska"),
        "bosniska": _("Bosniska"),
        "somaliska": _("Somaliska"),
        "tigrinja": _("Tigrinja"),
        "teckenspråk": _("Teckenspråk"),
        "tyska": _("Tyska"),
        "franska": _("Franska"),
        "turkiska": _("Turkiska"),
        "kurdiska": _("Kurdiska"),
        "ryska": _("Ryska"),
    }
    return known.get(value.lower(), value[:1].upper() + value[1:])


def profile_label(value: str) -> str:
    """Profiles are stored as the kommun writes them; the common ones are translated."""
    known = {
        "demens": _("Demens"),
        "somatik": _("Somatik"),
        "psykiatri": _("Psykiatri"),
        "palliativ vård": _("Palliativ vård"),
        "hbtq-certifierad": _("HBTQ-certifierad"),
        "finskspråkig": _("Finskspråkig"),
        "finskspråkig avdelning": _("Finskspråkig avdelning"),
        "tvåspråkig": _("Tvåspråkig"),
        "språkprofil": _("Språkprofil"),
        "musikprofil": _("Musikprofil"),
        "idrottsprofil": _("Idrottsprofil"),
        "no-profil": _("NO-profil (naturorienterande ämnen)"),
    }
    return known.get(value.lower(), value[:1].upper() + value[1:])


def outcome_label(outcome: str) -> str:
    """The verdict on an alternative against the resident's current provider (app.statistics)."""
    return {
        Outcome.BETTER: _("Tydligt bättre"),
        Outcome.WORSE: _("Tydligt sämre"),
        Outcome.SIMILAR: _("Går inte att skilja åt"),
        Outcome.NOT_COMPARABLE: _("Kan inte jämföras"),
    }.get(outcome, outcome)


# --- what the units of a service are called ------------------------------------------------
# Residents choose a förskola or a skola, not an "utförare": the list, its counts, its empty
# states and its controls say what the unit is. Service types are data, so the two school
# forms are named here by id; any other type (hemtjänst, boende, new ones) keeps "utförare".
SCHOOL_SERVICES = ("forskola", "grundskola")
# Only grundskola teaches årskurser (förskoleklass = 0 through 9).
SCHOOL_YEAR_SERVICES = ("grundskola",)
SCHOOL_YEARS = tuple(range(10))


class Nouns:
    """The words for one service type's units, in the visitor's language, read when used:
    `one` "förskola", `many` "förskolor", `the_many` "förskolorna", `count(12)` "12 förskolor".
    `who_one` / `who_many` name them in a sentence without naming the service twice:
    "utförare av hemtjänst" but "förskola"."""

    def __init__(self, service_type_id: str, service_name: str = "") -> None:
        self.kind = service_type_id if service_type_id in SCHOOL_SERVICES else "utforare"
        self.service_name = service_name

    @property
    def is_school(self) -> bool:
        return self.kind != "utforare"

    @property
    def one(self) -> str:
        return self.word(1)

    @property
    def many(self) -> str:
        return self.word(2)

    @property
    def the_many(self) -> str:
        return {"forskola": _("förskolorna"), "grundskola": _("skolorna")}.get(self.kind) or _(
            "utförarna"
        )

    def word(self, n: int) -> str:
        """The noun that goes with the number n, without the number."""
        if self.kind == "forskola":
            return ngettext("förskola", "förskolor", n)
        if self.kind == "grundskola":
            return ngettext("skola", "skolor", n)
        return ngettext("utförare", "utförare", n)

    def count(self, n: int) -> str:
        """'12 förskolor', '1 skola', '3 utförare'."""
        if self.kind == "forskola":
            return ngettext("{n} förskola", "{n} förskolor", n).format(n=n)
        if self.kind == "grundskola":
            return ngettext("{n} skola", "{n} skolor", n).format(n=n)
        return ngettext("{n} utförare", "{n} utförare", n).format(n=n)

    @property
    def who_one(self) -> str:
        if self.is_school:
            return self.one
        return _("utförare av {service}").format(service=self.service_name.lower())

    @property
    def who_many(self) -> str:
        if self.is_school:
            return self.many
        return _("utförare av {service}").format(service=self.service_name.lower())


def provider_nouns(service_type_id: str, service_name: str = "") -> Nouns:
    return Nouns(service_type_id, service_name)


def shows_accepting_new(service_type_id: str) -> bool:
    """Whether "Tar emot nya" is shown and filterable for this service type.

    Not for förskola and grundskola: there a place is given by the kommun's placement when
    you apply (queue date, siblings, distance), per årskurs and term, so one yes/no per unit
    is not a true statement; neither Skolverket nor the kommun files give one, and the
    stored flag defaults to yes. For the care services the kommun's provider list states it.
    """
    return service_type_id not in SCHOOL_SERVICES


def has_school_years(service_type_id: str) -> bool:
    return service_type_id in SCHOOL_YEAR_SERVICES


def school_year_label(year: int) -> str:
    """'F' for förskoleklass, else the årskurs number."""
    return "F" if year == 0 else str(year)


def school_year_name(year: int) -> str:
    """'Förskoleklass' or 'Årskurs 3', for filters and chips."""
    return _("Förskoleklass") if year == 0 else _("Årskurs {n}").format(n=year)


def school_years_text(years: list[int] | tuple[int, ...]) -> str:
    """The span a school teaches: 'F–6', '7–9', 'F–3, 7–9'; '' when unknown."""
    known = sorted({y for y in years if y in SCHOOL_YEARS})
    runs: list[tuple[int, int]] = []
    for y in known:
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return ", ".join(
        school_year_label(a) if a == b else f"{school_year_label(a)}–{school_year_label(b)}"
        for a, b in runs
    )
