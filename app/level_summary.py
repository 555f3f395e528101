"""The kommun's levels summed up per provider, as the model draws it ("Bild 9"): per section,
how many figures are bra / godkänt / underkänt, a status (the red flag where something is
underkänt) and a trend arrow against the period before.

The rule, stated on "Om siffrorna":

- Only current figures with a level decided by the provider's kommun count (Figure.verdict):
  no level, no value, too few answers or a discontinued measure: not counted.
- A section's status is its worst level: underkänt if any figure is underkänt (the red
  flag), else godkänt if any is godkänt, else bra.
- A section's arrow compares each counted figure with the period before by the rule every
  verdict uses (app.statistics.judge, via Figure.change): better when more figures are
  clearly better than clearly worse, worse the other way round, same otherwise. No arrow
  when no counted figure can be compared with a period before.
- Driftsform, name or anything else about who runs the unit is never an input.

Pages, cards, comparisons and the API read summaries through `summarise`, so a provider's
summary is the same wherever it is shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.figures import Change, Figure, section_title
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models.vocab import Section

LEVEL_ORDER = ("failed", "approved", "good")  # worst first


def level_label(key: str) -> str:
    return {"good": _("Bra"), "approved": _("Godkänt"), "failed": _("Underkänt")}[key]


def change_label(change: str) -> str:
    """Words for a trend arrow: never the arrow alone."""
    return {
        Change.BETTER: _("Bättre än förra perioden"),
        Change.SAME: _("Oförändrat mot förra perioden"),
        Change.WORSE: _("Sämre än förra perioden"),
    }[change]


ARROWS = {Change.BETTER: "↗", Change.SAME: "→", Change.WORSE: "↘"}


@dataclass(frozen=True)
class Tally:
    """Counts of levels and changes over some figures (a section, or a whole provider)."""

    good: int = 0
    approved: int = 0
    failed: int = 0
    better: int = 0
    same: int = 0
    worse: int = 0

    @property
    def counted(self) -> int:
        return self.good + self.approved + self.failed

    @property
    def status(self) -> str | None:
        """'failed', 'approved' or 'good': the worst level among the figures; None if none."""
        for key in LEVEL_ORDER:
            if getattr(self, key):
                return key
        return None

    @property
    def red_flag(self) -> bool:
        return self.failed > 0

    @property
    def trend(self) -> str | None:
        if not (self.better or self.same or self.worse):
            return None
        if self.better > self.worse:
            return Change.BETTER
        if self.worse > self.better:
            return Change.WORSE
        return Change.SAME

    @property
    def status_label(self) -> str:
        return level_label(self.status) if self.status else ""

    @property
    def trend_label(self) -> str:
        return change_label(self.trend) if self.trend else ""

    @property
    def arrow(self) -> str:
        return ARROWS[self.trend] if self.trend else ""

    @property
    def counts_text(self) -> str:
        """'2 bra, 1 godkänt, 1 underkänt' (only the levels that occur)."""
        parts = []
        if self.good:
            parts.append(ngettext("{n} bra", "{n} bra", self.good).format(n=self.good))
        if self.approved:
            parts.append(
                ngettext("{n} godkänt", "{n} godkända", self.approved).format(n=self.approved)
            )
        if self.failed:
            parts.append(
                ngettext("{n} underkänt", "{n} underkända", self.failed).format(n=self.failed)
            )
        return ", ".join(parts)

    def add(self, figure: Figure) -> "Tally":
        if figure.verdict is None:
            return self
        counts = {k: getattr(self, k) for k in ("good", "approved", "failed")}
        counts[figure.verdict.key] += 1
        changes = {k: getattr(self, k) for k in ("better", "same", "worse")}
        change = figure.change
        if change is not None:
            changes[change] += 1
        return Tally(**counts, **changes)


@dataclass(frozen=True)
class SectionSummary:
    section: int
    title: str
    tally: Tally
    failed_titles: list[str]  # the short titles of the underkända figures, for the flag


@dataclass(frozen=True)
class LevelSummary:
    sections: list[SectionSummary]  # only sections with at least one counted figure
    total: Tally

    @property
    def has_levels(self) -> bool:
        return self.total.counted > 0

    @property
    def red_flag(self) -> bool:
        return self.total.red_flag

    @property
    def failed_titles(self) -> list[str]:
        return [t for s in self.sections for t in s.failed_titles]


def summarise(figures: Iterable[Figure]) -> LevelSummary:
    """The summary of one provider's figures (any order, any sections)."""
    by_section: dict[int, Tally] = {}
    failed: dict[int, list[str]] = {}
    for f in figures:
        if f.verdict is None:
            continue
        section = f.indicator.section
        by_section[section] = by_section.get(section, Tally()).add(f)
        if f.verdict.key == "failed":
            failed.setdefault(section, []).append(f.short_title)
    sections = [
        SectionSummary(s.value, section_title(s), by_section[s.value], failed.get(s.value, []))
        for s in Section
        if s.value in by_section
    ]
    return LevelSummary(sections, _sum(s.tally for s in sections))


def _sum(tallies: Iterable[Tally]) -> Tally:
    fields = ("good", "approved", "failed", "better", "same", "worse")
    out = dict.fromkeys(fields, 0)
    for t in tallies:
        for k in fields:
            out[k] += getattr(t, k)
    return Tally(**out)
