"""Closed vocabularies. Stored as plain strings so adding a member needs no DB type change."""

from enum import IntEnum, StrEnum


class Driftsform(StrEnum):
    KOMMUNAL = "kommunal"
    PRIVAT = "privat"
    IDEBUREN = "ideburen"
    # Not yet known: a unit created from a source that says nothing about ownership (Kolada)
    # until the kommun's providers file or Skolverket names its huvudman.
    OKAND = "okand"


class Section(IntEnum):
    """The five parts of a provider page (Vårdföretagarnas modell), in page order."""

    PRESENTATION = 1  # Utföraren presenterar sig själv
    HARD_FACTS = 2  # Hårda fakta
    COMPLIANCE = 3  # Kvalitet enligt lagar och förordningar
    BASIC_FACTS = 4  # Basfakta
    PERCEIVED = 5  # Upplevd kvalitet


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    RATIO = "ratio"  # e.g. children per teacher
    POINTS = "points"  # e.g. meritvärde
    INDEX = "index"  # Skolenkäten 0–10


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    NONE = "none"  # neither: a fact, not a quality


class SourceKind(StrEnum):
    REGISTER = "register"
    INSPECTION = "inspection"
    SURVEY = "survey"
    PROVIDER = "provider"  # provider-reported


class ValueStatus(StrEnum):
    OK = "ok"
    TOO_FEW = "too_few"  # suppressed: fewer answers than the indicator's min_n
    MISSING = "missing"


class ReferenceBasis(StrEnum):
    """What a kommun or national reference value is, so its label never says more than it is."""

    OFFICIAL = "official"  # the source's own figure for the kommun or the country
    UNIT_MEAN = "unit_mean"  # a mean of the units' figures (genomsnitt per utförare)
    TOTAL = "total"  # the sum of the units' figures (summa)
