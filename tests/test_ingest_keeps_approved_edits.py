"""What the back office changed outlives older files (ingest/approved_edits.py): a provider
file (the kommun's, or the sample) does not put back a presentation the kommun approved
later, and the sample does not put back a choice guide saved later. A newer file still
replaces them. Real database, the real services, the real ingest."""

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from app.accounts.service import Caller
from app.choice_guides.service import GuideForm, save_guide
from app.models import ChoiceGuide, Kommun, Provider, ServiceType
from app.presentation_edits import service
from ingest.approved_edits import KEPT
from ingest.kommun_files import Kind, ingest_file
from ingest.runs import run_job
from ingest.sample import read_sample
from ingest.sample_loader import GUIDE_KEPT, write_sample
from tests.support import accounts as acc
from tests.support import factories as f
from tests.test_ingest_kommun_files import TEMPLATES, edited

OWN_WORDS = {
    "presentation": "Vår egen text, godkänd av kommunen.",
    "languages": "svenska, finska",
    "phone": "08-222 222 22",
}
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def approve_own_words(s: Session, unit: Provider, at: datetime) -> None:
    """An editor of the unit submits its own words and the kommun approves them at `at`."""
    editor = Caller(user=acc.user(s, f"red{unit.id}@exempel.se"))
    draft = service.submit_presentation(s, editor, unit, OWN_WORDS)
    item = service.draft_in_kommun(s, unit.kommun_code, draft.id)
    assert item is not None
    service.approve(s, Caller(user=acc.user(s, f"adm{unit.id}@taby.se")), item, at=at)


def test_an_older_kommun_file_keeps_the_approved_presentation(settings, engine, tmp_path):
    with Session(engine) as s:
        f.kommun(s, "0160")
        s.commit()
    providers = TEMPLATES / "providers.csv"  # its presentation is dated 2025-01-15
    ingest_file(settings, providers, Kind.PROVIDERS, reindex=False)
    with Session(engine) as s:
        unit = s.exec(select(Provider)).one()
        approve_own_words(s, unit, datetime(2025, 3, 1, 9, 0, tzinfo=UTC))

    again = edited(tmp_path, Kind.PROVIDERS, capacity="70")
    result = ingest_file(settings, again, Kind.PROVIDERS, reindex=False)

    with Session(engine) as s:
        unit = s.exec(select(Provider)).one()
        assert unit.presentation == OWN_WORDS["presentation"]
        assert (unit.languages, unit.phone) == (["svenska", "finska"], "08-222 222 22")
        assert unit.presentation_updated == date(2025, 3, 1)
        assert unit.capacity == 70  # the rest of the row is read as always
    assert result.rejected == {KEPT: 1}

    # The kommun's newer word replaces it, as any newer file does.
    newer = edited(
        tmp_path,
        Kind.PROVIDERS,
        presentation="Kommunens nya text.",
        presentation_updated="2025-04-01",
    )
    result = ingest_file(settings, newer, Kind.PROVIDERS, reindex=False)
    with Session(engine) as s:
        unit = s.exec(select(Provider)).one()
        assert unit.presentation == "Kommunens nya text."
        assert unit.presentation_updated == date(2025, 4, 1)
        assert unit.languages == ["svenska", "engelska"]
    assert result.rejected == {}


def test_reloading_the_sample_keeps_what_the_back_office_changed(settings, engine) -> None:
    def load(s: Session):
        return write_sample(s, read_sample(SAMPLE))

    run_job(settings, "sample", load, reindex=False)
    later = datetime.now(UTC)
    with Session(engine) as s:
        unit = s.exec(
            select(Provider).where(Provider.kommun_code == "0160").order_by(Provider.slug)
        ).first()
        assert unit is not None
        approve_own_words(s, unit, later)
        kommun, home_care = s.get(Kommun, "0160"), s.get(ServiceType, "hemtjanst")
        form = GuideForm(
            who_can_choose="Alla med beslut om hemtjänst.",
            apply_steps="Ring kundvalskontoret.",
            contact_name="Kundvalskontoret",
            if_no_choice="Du får kommunens egen hemtjänst.",
            change_steps="Ring kundvalskontoret igen.",
            change_takes="Två veckor.",
        )
        saved = save_guide(s, Caller(user=acc.user(s, "guide@taby.se")), kommun, home_care, form)
        assert saved is not None, form.errors
        unit_id = unit.id

    result = run_job(settings, "sample", load, reindex=False)

    with Session(engine) as s:
        unit = s.get(Provider, unit_id)
        assert unit is not None and unit.presentation == OWN_WORDS["presentation"]
        guide = s.get(ChoiceGuide, ("0160", "hemtjanst"))
        assert guide is not None and guide.who_can_choose == "Alla med beslut om hemtjänst."
    assert result.rejected == {KEPT: 1, GUIDE_KEPT: 1}
