"""Definitions of what the outside sources deliver: service types and indicators.

An ingest from Kolada or Skolverket can run on an empty database (no sample data), so the
rows its figures point at must be creatable. The definitions are read from the same files
the sample data uses (data/sample/service_types.csv and indicators.csv, checked by the
same row models): those follow the national sources, only the sample's *values* are
fictional. Rows are created only when missing; a definition the kommun has edited in the
database is never overwritten.
"""

from functools import cache
from pathlib import Path
from typing import Any

from ingest.sample_schema import IndicatorRow, ServiceTypeRow
from ingest.tabular import read_table
from ingest.validate import Errors, parse_table

DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"

# The Kolada KPIs we read per unit; the indicator id is the KPI id, and the indicator's
# service type in indicators.csv is the service type of a unit with values for it. The one
# list of Kolada ids: ingest.kolada reads it. Checked against Kolada's v3 catalogue
# (has_ou_data, and auspice T/X: every provider); see ../shared/INDICATORS.md.
KOLADA_KPIS = (
    # hemtjänst: Socialstyrelsen's survey of older people
    "U21468", "U21504", "U21505", "U21463", "U21477", "U21465", "U21481",
    # särskilt boende: the same survey, and the enhetsundersökning (discontinued after 2023)
    "U23471", "U23520", "U23467", "U23521", "U23461", "U23470", "U23481",
    "U23493", "U23496",
    # förskola, lägeskommun (all providers in the kommun)
    "N11811", "N11808", "N11102", "N11701",
)  # fmt: skip

# The indicators the Kolada and Skolverket clients fill: Kolada KPI ids and Skolverket's
# own field names (statistics and Skolenkäten).
SOURCE_INDICATORS = (
    *KOLADA_KPIS,
    "averageGradesMeritRating9thGrade",
    "ratioOfPupilsIn9thGradeWithAllSubjectsPassed",
    "ratioOfPupils9thGradeEligibleForNationalProgramYR",
    "certifiedTeachersQuota",
    "studentsPerTeacherQuota",
    "totalNumberOfPupils",
    "custodiansgr.satisfactionAverage",
    "custodiansgr.securityAverage",
    "pupilsgr.securityAverage",
    "pupilsgr.workingEnvironmentAverage",
    "pupilsgr.inspirationAverage",
    "skolverket-salsa-meritvarde-avvikelse",
    # anpassad grundskola (gran): its own indicators, compared only with each other
    "skolverket-gran-certifiedTeachersQuota",
    "skolverket-gran-studentsPerTeacherQuota",
    "skolverket-gran-totalNumberOfPupils",
    "skolverket-gran-custodians.satisfactionAverage",
    "skolverket-gran-custodians.securityAverage",
)  # fmt: skip


@cache
def service_types() -> dict[str, dict[str, Any]]:
    """Every service type, as records for the ServiceType table, by id."""
    return {p.row.id: p.row.record() for p in _parse("service_types.csv", ServiceTypeRow)}


@cache
def indicators() -> dict[str, dict[str, Any]]:
    """The source-delivered indicators, as records for the Indicator table, by id."""
    rows = {p.row.id: p.row for p in _parse("indicators.csv", IndicatorRow)}
    missing = [i for i in SOURCE_INDICATORS if i not in rows]
    if missing:
        raise RuntimeError(f"{DEFINITIONS_DIR / 'indicators.csv'} lacks {', '.join(missing)}")
    return {i: rows[i].record() for i in SOURCE_INDICATORS}


def _parse(filename: str, model: type) -> list:
    errors = Errors()
    path = DEFINITIONS_DIR / filename
    parsed = parse_table(read_table(path), model, errors, str(path))
    errors.raise_if_any()
    return parsed
