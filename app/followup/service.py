"""The overview of one service type in one kommun: a row per unit, a cell per section and
one for the whole, each the level summary the public pages show (app.level_summary via
app.providers.level_summaries), with its trend arrow in words.

Only the kommun's own units are read, so the page does not grow with the nation. Rows are
in name order (Swedish alphabet): never by driftsform or anything else about who runs the
unit, so no kind of provider is put first or last by the page itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from app.csv_export import csv_text
from app.figures import section_title
from app.i18n import current_lang
from app.i18n import gettext as _
from app.level_summary import LevelSummary, Tally
from app.models import Kommun, Provider, ServiceType
from app.models.vocab import Section
from app.providers import level_summaries
from app.search.text import swedish_sort_key


@dataclass(frozen=True)
class Cell:
    """One level with its trend: a section of a unit, or the unit as a whole."""

    tally: Tally | None  # None: no figure of this section has a level

    @property
    def status(self) -> str | None:
        return self.tally.status if self.tally else None

    @property
    def label(self) -> str:
        return self.tally.status_label if self.tally and self.tally.status else _("Ingen nivå")

    @property
    def arrow(self) -> str:
        return self.tally.arrow if self.tally else ""

    @property
    def trend_label(self) -> str:
        return self.tally.trend_label if self.tally else ""

    @property
    def counts_text(self) -> str:
        return self.tally.counts_text if self.tally else ""


@dataclass(frozen=True)
class Row:
    provider: Provider
    summary: LevelSummary
    cells: list[Cell]  # one per Overview.sections, in order
    total: Cell

    @property
    def poor(self) -> bool:
        """Part of the poor tail: some section is underkänt (the red flag)."""
        return self.summary.red_flag

    @property
    def failed_titles(self) -> list[str]:
        return self.summary.failed_titles


@dataclass(frozen=True)
class Overview:
    kommun: Kommun
    service_type: ServiceType
    sections: list[tuple[int, str]]  # (section, title): the columns, in page order
    rows: list[Row]  # the rows shown (all, or only the poor tail)
    unit_count: int  # all units of the service type in the kommun
    poor_count: int  # of which below godkänt somewhere
    poor_only: bool

    @property
    def service_name(self) -> str:
        st = self.service_type
        return st.name_en if current_lang.get() == "en" else st.name_sv


def service_types_of(session: Session, kommun: Kommun) -> list[ServiceType]:
    """The service types the kommun has units of, in the site's order."""
    ids = set(
        session.exec(select(Provider.service_type_id).where(Provider.kommun_code == kommun.code))
    )
    types = session.exec(select(ServiceType).order_by(ServiceType.sort_order, ServiceType.id)).all()
    return [st for st in types if st.id in ids]


def units_of(
    session: Session, kommun: Kommun, service_type_id: str | None = None
) -> list[Provider]:
    """The kommun's units (of one service type), in Swedish name order."""
    query = select(Provider).where(Provider.kommun_code == kommun.code)
    if service_type_id is not None:
        query = query.where(Provider.service_type_id == service_type_id)
    return sorted(session.exec(query).all(), key=lambda p: (swedish_sort_key(p.name), p.slug))


def overview(
    session: Session,
    kommun: Kommun,
    service_type: ServiceType,
    *,
    poor_only: bool = False,
    today: date | None = None,
) -> Overview:
    units = units_of(session, kommun, service_type.id)
    summaries = level_summaries(session, units, today=today)
    present = {s.section for p in units for s in summaries[p.id].sections}  # type: ignore[index]
    sections = [(s.value, section_title(s)) for s in Section if s.value in present]
    rows = []
    for p in units:
        summary = summaries[p.id]  # type: ignore[index]
        by_section = {s.section: s.tally for s in summary.sections}
        rows.append(
            Row(
                provider=p,
                summary=summary,
                cells=[Cell(by_section.get(number)) for number, _title in sections],
                total=Cell(summary.total if summary.has_levels else None),
            )
        )
    poor = [r for r in rows if r.poor]
    return Overview(
        kommun=kommun,
        service_type=service_type,
        sections=sections,
        rows=poor if poor_only else rows,
        unit_count=len(rows),
        poor_count=len(poor),
        poor_only=poor_only,
    )


def overview_csv(view: Overview) -> str:
    """The overview's rows as CSV (through app.csv_export, so no cell can run as a formula):
    per section and for the whole the level, the trend in words and the counts."""
    header = [_("Enhet")]
    for _number, title in view.sections:
        header += [
            _("{section}: nivå").format(section=title),
            _("{section}: trend").format(section=title),
            _("{section}: antal").format(section=title),
        ]
    header += [_("Sammanfattning: nivå"), _("Sammanfattning: trend"), _("Sammanfattning: antal")]
    header += [_("Underkända mått")]
    return "\ufeff" + csv_text([header, *_csv_rows(view)])


def _csv_rows(view: Overview) -> Iterable[list[str]]:
    for row in view.rows:
        out = [row.provider.name]
        for cell in [*row.cells, row.total]:
            out += [cell.label, cell.trend_label, cell.counts_text]
        out.append("; ".join(row.failed_titles))
        yield out
