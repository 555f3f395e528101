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

# The indicators the Kolada and Skolverket clients fill: Kolada KPI ids and Skolverket's
# own field names (statistics and Skolenkäten).
SOURCE_INDICATORS = (
    "U21468", "U23471", "U23463", "U23468", "U23493", "U23496",
    "N11811", "N11808", "N11102", "N11702",
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
