"""Generate the fictional sample data in data/sample/.

Everything this script writes is invented: providers, organisations, people, phone
numbers, e-mail addresses and every figure. Only the five kommuner (0114 Upplands
Väsby, 0117 Österåker, 0160 Täby, 0162 Danderyd, 0187 Vaxholm), their district
names, rough postal-code ranges and centre coordinates are real, and indicator
ids, titles and units follow the real national ones (Kolada, Skolverket,
Socialstyrelsen, Skolinspektionen). The files follow the contract in
data/README.md.

The output is deterministic: one `random.Random(seed)` drives every choice, so
the same seed and scale always give byte-identical files.

Regenerate from the repository root with:

    uv run python scripts/generate_sample_data.py

or, for larger synthetic data (more units per kommun, e.g. for benchmarks):

    uv run python scripts/generate_sample_data.py --scale 20 --out /tmp/big

From Python: `generate(Path("data/sample"), scale=1, seed=2024)`.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

YEARS = (2020, 2021, 2022, 2023, 2024)
FIRST_YEAR, LAST_YEAR = YEARS[0], YEARS[-1]
RIKET = "0000"

# ---------------------------------------------------------------------------
# Geography: the five real kommuner, their districts and postal codes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSpec:
    slug: str
    name: str
    lat: float
    lon: float
    locality: str
    postal_codes: tuple[str, ...]
    outer: bool = False  # sparsely populated: few units, few home-care providers


@dataclass(frozen=True)
class KommunSpec:
    code: str
    name: str
    slug: str
    org_name: str  # the kommun as huvudman of its own units
    lat: float
    lon: float
    areas: tuple[AreaSpec, ...]
    # units per service type: (total, kommunal, idéburen); the rest are privat
    plan: dict[str, tuple[int, int, int]]
    capacity_factor: float = 1.0


def slugify(text: str) -> str:
    """Fold Swedish text to an ASCII slug: 'Täby kommuns hemtjänst' -> 'taby-kommuns-hemtjanst'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _areas(table: str) -> tuple[AreaSpec, ...]:
    """Parse 'name | lat | lon | postort | postal codes | outer' lines; slug = name in ASCII."""
    areas = []
    for line in table.strip().splitlines():
        name, lat, lon, locality, codes, outer = (c.strip() for c in line.split("|"))
        areas.append(
            AreaSpec(
                slug=slugify(name),
                name=name,
                lat=float(lat),
                lon=float(lon),
                locality=locality,
                postal_codes=tuple(codes.split()),
                outer=outer == "outer",
            )
        )
    return tuple(areas)


# plan: units per service type as (total, kommunal, idéburen); the rest are privat.
# Roughly in proportion to population; about 40 % of all units are the kommun's own.
KOMMUNER: tuple[KommunSpec, ...] = (
    KommunSpec(
        code="0114",
        name="Upplands Väsby",
        slug="upplands-vasby",
        org_name="Upplands Väsby kommun",
        lat=59.5185,
        lon=17.9115,
        areas=_areas("""
            Väsby centrum | 59.5185 | 17.9115 | Upplands Väsby | 19430 19431 19432 19433 19435 |
            Runby         | 59.5250 | 17.8880 | Upplands Väsby | 19440 19441 19442 19443 19445 |
            Fresta        | 59.5450 | 17.9450 | Upplands Väsby | 19490 19491 19492 19493 | outer
            Vilunda       | 59.5060 | 17.9260 | Upplands Väsby | 19460 19461 19462 19463 19464 |
            Bollstanäs    | 59.4970 | 17.9500 | Upplands Väsby | 19470 19471 19472 19473 19476 |
        """),
        plan={
            "hemtjanst": (10, 2, 1),
            "sarskilt-boende": (5, 2, 1),
            "forskola": (15, 7, 1),
            "grundskola": (9, 5, 0),
        },
    ),
    KommunSpec(
        code="0117",
        name="Österåker",
        slug="osteraker",
        org_name="Österåkers kommun",
        lat=59.4800,
        lon=18.3000,
        areas=_areas("""
            Åkersberga    | 59.4800 | 18.3000 | Åkersberga | 18430 18431 18432 18433 18434 18435 |
            Österskär     | 59.4610 | 18.3120 | Åkersberga | 18450 18451 18452 18453 |
            Svinninge     | 59.4560 | 18.2760 | Åkersberga | 18460 18461 18462 18463 18464 |
            Roslags-Kulla | 59.5560 | 18.4990 | Åkersberga | 18491 18492 18493 | outer
            Ljusterö      | 59.5180 | 18.6050 | Ljusterö   | 18495 18496 18497 | outer
        """),
        plan={
            "hemtjanst": (10, 2, 1),
            "sarskilt-boende": (5, 2, 0),
            "forskola": (14, 6, 1),
            "grundskola": (9, 5, 1),
        },
    ),
    KommunSpec(
        code="0160",
        name="Täby",
        slug="taby",
        org_name="Täby kommun",
        lat=59.4435,
        lon=18.0700,
        areas=_areas("""
            Täby centrum  | 59.4435 | 18.0700 | Täby | 18330 18331 18332 18334 18335 18336 |
            Näsby Park    | 59.4290 | 18.0960 | Täby | 18350 18351 18352 18353 18354 18356 18357 |
            Gribbylund    | 59.4610 | 18.0420 | Täby | 18731 18732 18733 18734 18735 |
            Viggbyholm    | 59.4480 | 18.1040 | Täby | 18360 18362 18363 18364 18365 18366 |
            Arninge-Ullna | 59.4630 | 18.1300 | Täby | 18760 18761 18762 18763 18766 18770 |
            Skarpäng      | 59.4720 | 18.0860 | Täby | 18740 18741 18742 18743 18745 |
        """),
        plan={
            "hemtjanst": (12, 2, 1),
            "sarskilt-boende": (6, 2, 1),
            "forskola": (18, 7, 1),
            "grundskola": (11, 6, 0),
        },
    ),
    KommunSpec(
        code="0162",
        name="Danderyd",
        slug="danderyd",
        org_name="Danderyds kommun",
        lat=59.4000,
        lon=18.0300,
        areas=_areas("""
            Djursholm        | 59.3975 | 18.0860 | Djursholm | 18260 18261 18262 18263 18264 18268 |
            Stocksund        | 59.3850 | 18.0460 | Stocksund | 18274 18275 18276 18277 18278 |
            Enebyberg        | 59.4260 | 18.0530 | Enebyberg | 18245 18246 18247 18248 18249 |
            Danderyds kyrkby | 59.4090 | 18.0290 | Danderyd  | 18230 18231 18232 18233 18234 |
            Mörby            | 59.3980 | 18.0350 | Danderyd  | 18211 18212 18213 18217 |
        """),
        plan={
            "hemtjanst": (8, 1, 1),
            "sarskilt-boende": (4, 2, 1),
            "forskola": (12, 6, 1),
            "grundskola": (7, 4, 0),
        },
    ),
    KommunSpec(
        code="0187",
        name="Vaxholm",
        slug="vaxholm",
        org_name="Vaxholms stad",
        lat=59.4025,
        lon=18.3520,
        areas=_areas("""
            Vaxholm centrum | 59.4025 | 18.3520 | Vaxholm | 18530 18531 18532 18533 |
            Kullö           | 59.4120 | 18.3300 | Vaxholm | 18534 18535 18536 18537 |
            Rindö           | 59.3950 | 18.4000 | Vaxholm | 18541 18542 18543 | outer
            Resarö          | 59.4280 | 18.3350 | Vaxholm | 18594 18595 18596 | outer
        """),
        plan={
            "hemtjanst": (2, 1, 0),
            "sarskilt-boende": (1, 1, 0),
            "forskola": (6, 3, 1),
            "grundskola": (3, 2, 0),
        },
        capacity_factor=0.55,  # a small kommun: smaller units
    ),
)

# ---------------------------------------------------------------------------
# Service types
# ---------------------------------------------------------------------------

SERVICE_TYPES: tuple[dict[str, str], ...] = (
    {
        "id": "hemtjanst",
        "name_sv": "Hemtjänst",
        "name_en": "Home care",
        "description_sv": (
            "Hjälp hemma med till exempel personlig omsorg, städning och inköp. "
            "Du väljer själv vilken utförare som ska hjälpa dig."
        ),
        "description_en": (
            "Help at home with personal care, cleaning and shopping, for example. "
            "You choose which provider helps you."
        ),
        "capacity_label_sv": "Antal kunder",
        "capacity_label_en": "Number of clients",
        "choice_basis": "area",
        "sort_order": "1",
    },
    {
        "id": "sarskilt-boende",
        "name_sv": "Särskilt boende",
        "name_en": "Nursing home",
        "description_sv": (
            "Ett eget boende med personal dygnet runt, för dig som inte längre kan bo "
            "kvar hemma. Kallas också vård- och omsorgsboende."
        ),
        "description_en": (
            "A home of your own with staff around the clock, for when you can no "
            "longer live at home."
        ),
        "capacity_label_sv": "Antal platser",
        "capacity_label_en": "Number of places",
        "choice_basis": "distance",
        "sort_order": "2",
    },
    {
        "id": "forskola",
        "name_sv": "Förskola",
        "name_en": "Preschool",
        "description_sv": (
            "Lek och lärande för barn från ett års ålder tills de börjar förskoleklass."
        ),
        "description_en": "Play and learning for children from age one until they start school.",
        "capacity_label_sv": "Antal inskrivna barn",
        "capacity_label_en": "Number of children enrolled",
        "choice_basis": "distance",
        "sort_order": "3",
    },
    {
        "id": "grundskola",
        "name_sv": "Grundskola",
        "name_en": "Compulsory school",
        "description_sv": (
            "Skola från förskoleklass till årskurs 9. Du kan välja skola för ditt barn."
        ),
        "description_en": (
            "School from the preschool class to year 9. You can choose a school for your child."
        ),
        "capacity_label_sv": "Antal elever",
        "capacity_label_en": "Number of pupils",
        "choice_basis": "distance",
        "sort_order": "4",
    },
)
SERVICE_TYPE_IDS = tuple(st["id"] for st in SERVICE_TYPES)

# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gen:
    """How a provider's yearly values are invented.

    kind: "normal" (mean/sd, clipped to lo..hi), "capacity" (the unit's size),
    "per_size" (a Poisson count scaled by size, `mean` per 100 of capacity),
    "rolling3" (events over the last three years, `mean` = yearly chance of one),
    "hours" (the unit's weekly opening hours).
    """

    kind: str = "normal"
    mean: float = 0.0
    sd: float = 0.0
    lo: float = 0.0
    hi: float = 100.0
    trend: float = 0.0  # sd of a provider's yearly slope
    noise: float = 0.0  # sd of year-to-year noise
    national: float | None = None  # riket's value in 2022; None = no national figure
    national_trend: float = 0.0


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    service_type: str
    section: int
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    unit: str
    direction: str
    source_kind: str
    source_name: str
    value_source: str  # the `source` column of values.csv
    gen: Gen
    decimals: int = 0
    min_n: int | None = None
    key_rank: int | None = None
    period: str = "year"  # "year" -> "2024"; "school" -> "2023/24"
    published: tuple[int, int, int] = (1, 2, 28)  # (years after `year`, month, day)
    fetched: str = "2025-03-15"
    first_year: int = FIRST_YEAR  # provider-reported figures only exist for recent years
    respondents: str | None = None  # survey population, see SURVEY_POPULATION
    grade9: bool = False  # only for schools with year 9
    p_missing: float = 0.025
    # The source stopped publishing it after this year: no later values (history only).
    discontinued_after: int | None = None


# Share of a unit's capacity that is asked in a survey (before the response rate).
SURVEY_POPULATION = {
    "hemtjanst": 0.5,  # clients aged 65+ who got the questionnaire
    "boende": 0.75,
    "foraldrar": 0.9,
    "vardnadshavare": 0.45,  # guardians of the surveyed year groups
    "elever": 0.22,  # pupils in years 5 and 8
}

SOS_SURVEY = "Socialstyrelsen, Vad tycker de äldre om äldreomsorgen?"
SOS_VIA_KOLADA = "Socialstyrelsen via Kolada"
KOMMUN_FOLLOWUP = "Kommunens uppföljning"
PROVIDER = "Utföraren"
SKOLENKATEN = "Skolinspektionen, Skolenkäten"


def _sos_hemtjanst(
    slug: str,
    aspect_sv: str,
    aspect_en: str,
    question_sv: str,
    question_en: str,
    mean: float,
    key_rank: int | None = None,
) -> IndicatorSpec:
    return IndicatorSpec(
        id=slug,
        service_type="hemtjanst",
        section=5,
        title_sv=f"Brukarbedömning hemtjänst äldreomsorg - {aspect_sv}, andel (%)",
        title_en=f"Client assessment, home care for older people – {aspect_en}, share (%)",
        description_sv=(
            f"Andel av de svarande som {question_sv}. "
            "Från Socialstyrelsens årliga enkät till personer 65 år och äldre."
        ),
        description_en=(
            f"Share of respondents who {question_en}. "
            "From Socialstyrelsen's yearly survey of people aged 65 and over."
        ),
        unit="percent",
        direction="higher",
        source_kind="survey",
        source_name=SOS_SURVEY,
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=mean, sd=4.5, lo=40, hi=100, trend=0.8, noise=2.0, national=mean - 1),
        min_n=10,
        key_rank=key_rank,
        published=(0, 10, 22),
        respondents="hemtjanst",
    )


def _sos_boende(
    slug: str,
    aspect_sv: str,
    aspect_en: str,
    question_sv: str,
    question_en: str,
    mean: float,
    direction: str = "higher",
    key_rank: int | None = None,
) -> IndicatorSpec:
    return IndicatorSpec(
        id=slug,
        service_type="sarskilt-boende",
        section=5,
        title_sv=f"Brukarbedömning särskilt boende äldreomsorg - {aspect_sv}, andel (%)",
        title_en=f"Client assessment, nursing homes for older people – {aspect_en}, share (%)",
        description_sv=(
            f"Andel av de svarande som {question_sv}. "
            "Från Socialstyrelsens årliga enkät till personer 65 år och äldre."
        ),
        description_en=(
            f"Share of respondents who {question_en}. "
            "From Socialstyrelsen's yearly survey of people aged 65 and over."
        ),
        unit="percent",
        direction=direction,
        source_kind="survey",
        source_name=SOS_SURVEY,
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=mean, sd=5.5, lo=20, hi=100, trend=0.9, noise=2.5, national=mean - 1),
        min_n=10,
        key_rank=key_rank,
        published=(0, 10, 22),
        respondents="boende",
    )


def _multilingual_staff(service_type: str, mean: float) -> IndicatorSpec:
    return IndicatorSpec(
        id=f"utforare-{service_type}-flersprakig-personal",
        service_type=service_type,
        section=1,
        title_sv="Andel personal som talar fler än ett språk",
        title_en="Share of staff who speak more than one language",
        description_sv="Utförarens egen uppgift om hur många i personalen som talar flera språk.",
        description_en="The provider's own figure for how many staff speak several languages.",
        unit="percent",
        direction="none",
        source_kind="provider",
        source_name=PROVIDER,
        value_source=PROVIDER,
        gen=Gen(mean=mean, sd=14, lo=0, hi=95, trend=1.0, noise=2.0),
        published=(1, 1, 20),
        first_year=2022,
        p_missing=0.06,
    )


def _skolenkaten(
    slug: str, title_sv: str, title_en: str, question_sv: str, mean: float, respondents: str
) -> IndicatorSpec:
    who_en = "guardians" if respondents == "vardnadshavare" else "pupils in years 5 and 8"
    return IndicatorSpec(
        id=slug,
        service_type="grundskola",
        section=5,
        title_sv=title_sv,
        title_en=title_en,
        description_sv=(
            f"Medelvärde 0–10 på frågan ”{question_sv}” i Skolinspektionens Skolenkät."
        ),
        description_en=f"Average on a 0–10 scale in Skolinspektionen's school survey of {who_en}.",
        unit="index",
        direction="higher",
        source_kind="survey",
        source_name=SKOLENKATEN,
        value_source="Skolverket",
        gen=Gen(mean=mean, sd=0.55, lo=3.5, hi=9.8, trend=0.08, noise=0.2, national=mean - 0.2),
        decimals=1,
        min_n=5,
        period="school",
        published=(0, 6, 14),
        respondents=respondents,
    )


HEMTJANST: tuple[IndicatorSpec, ...] = (
    _multilingual_staff("hemtjanst", 45),
    IndicatorSpec(
        id="sos-hemtjanst-personalkontinuitet",
        service_type="hemtjanst",
        section=2,
        title_sv=(
            "Personalkontinuitet, antal personal som en hemtjänsttagare med minst två "
            "besök dagligen möter under 14 dagar"
        ),
        title_en=(
            "Staff continuity: number of staff a home-care client with at least two "
            "visits a day meets in 14 days"
        ),
        description_sv="Medianen för utförarens kunder. Färre olika personer är bättre.",
        description_en="The median over the provider's clients. Fewer different people is better.",
        unit="count",
        direction="lower",
        source_kind="register",
        source_name="Socialstyrelsen, kommunens mätning av personalkontinuitet",
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=15, sd=3.2, lo=6, hi=28, trend=0.5, noise=1.2, national=16),
        key_rank=2,
        published=(1, 3, 5),
    ),
    IndicatorSpec(
        id="kommun-hemtjanst-adekvat-utbildning",
        service_type="hemtjanst",
        section=2,
        title_sv="Andel omsorgspersonal med adekvat utbildning",
        title_en="Share of care staff with adequate training",
        description_sv=(
            "Andel av omsorgspersonalen som har undersköterskeutbildning eller "
            "motsvarande. Räknat på tillsvidareanställda."
        ),
        description_en="Share of care staff with nursing-assistant training or equivalent.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(mean=72, sd=9, lo=35, hi=100, trend=1.2, noise=2.5, national=70),
    ),
    IndicatorSpec(
        id="kommun-hemtjanst-tillsvidareanstallda",
        service_type="hemtjanst",
        section=2,
        title_sv="Andel tillsvidareanställd omsorgspersonal",
        title_en="Share of care staff on permanent contracts",
        description_sv="Andel av omsorgspersonalen som har en fast anställning.",
        description_en="Share of care staff employed on a permanent contract.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(mean=70, sd=10, lo=30, hi=100, trend=1.0, noise=3.0),
    ),
    IndicatorSpec(
        id="kommun-hemtjanst-genomforandeplan",
        service_type="hemtjanst",
        section=3,
        title_sv="Andel kunder med aktuell genomförandeplan",
        title_en="Share of clients with an up-to-date care plan",
        description_sv=(
            "Andel kunder som har en genomförandeplan som är upprättad eller följd upp "
            "de senaste sex månaderna."
        ),
        description_en=(
            "Share of clients whose care plan was made or reviewed in the last 6 months."
        ),
        unit="percent",
        direction="higher",
        source_kind="inspection",
        source_name="Kommunens uppföljning (granskning av genomförandeplaner)",
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(mean=86, sd=8, lo=40, hi=100, trend=1.5, noise=3.0),
    ),
    IndicatorSpec(
        id="kommun-hemtjanst-klagomal",
        service_type="hemtjanst",
        section=3,
        title_sv="Klagomål och lex Sarah-rapporter, antal per år",
        title_en="Complaints and lex Sarah reports per year",
        description_sv=(
            "Antal klagomål från kunder och anhöriga och antal rapporter om missförhållanden "
            "enligt lex Sarah under året."
        ),
        description_en=(
            "Number of complaints and lex Sarah reports of shortcomings during the year."
        ),
        unit="count",
        direction="lower",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(kind="per_size", mean=2.5),
    ),
    IndicatorSpec(
        id="ivo-hemtjanst-beslut-kritik",
        service_type="hemtjanst",
        section=3,
        title_sv="IVO-beslut med kritik, senaste tre åren",
        title_en="IVO decisions with criticism, last three years",
        description_sv="Antal beslut där Inspektionen för vård och omsorg har riktat kritik.",
        description_en=(
            "Number of decisions in which the Health and Social Care Inspectorate criticised the "
            "unit."
        ),
        unit="count",
        direction="lower",
        source_kind="inspection",
        source_name="IVO",
        value_source="IVO",
        gen=Gen(kind="rolling3", mean=0.12, national=0.4),
        published=(1, 1, 31),
        p_missing=0.0,
    ),
    IndicatorSpec(
        id="kommun-hemtjanst-antal-kunder",
        service_type="hemtjanst",
        section=4,
        title_sv="Antal kunder",
        title_en="Number of clients",
        description_sv="Antal personer som fick hemtjänst av utföraren i oktober.",
        description_en="Number of people who received home care from the provider in October.",
        unit="count",
        direction="none",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(kind="capacity", national=62),
        p_missing=0.0,
    ),
    _sos_hemtjanst(
        "U21468",
        "helhetssyn",
        "overall satisfaction",
        "är mycket eller ganska nöjda med sin hemtjänst som helhet",
        "are very or fairly satisfied with their home care as a whole",
        87,
        key_rank=1,
    ),
    _sos_hemtjanst(
        "U21504",
        "alltid eller oftast bra bemötande",
        "always or usually treated well",
        "alltid eller oftast blir bra bemötta av personalen",
        "are always or usually treated well by the staff",
        95,
    ),
    _sos_hemtjanst(
        "U21505",
        "mycket eller ganska trygga",
        "feeling very or fairly safe",
        "känner sig mycket eller ganska trygga hemma med hemtjänst",
        "feel very or fairly safe at home with home care",
        86,
        key_rank=3,
    ),
    _sos_hemtjanst(
        "U21463",
        "hänsyn till åsikter och önskemål",
        "regard for views and wishes",
        "anser att personalen alltid eller oftast tar hänsyn till deras åsikter och önskemål",
        "say staff always or usually take their views and wishes into account",
        82,
    ),
    _sos_hemtjanst(
        "U21477",
        "förtroende för personalen",
        "trust in the staff",
        "känner förtroende för all eller de flesta i personalen",
        "trust all or most of the staff",
        87,
    ),
    _sos_hemtjanst(
        "U21465",
        "information om förändringar",
        "information about changes",
        "alltid eller oftast får veta i förväg om tillfälliga förändringar",
        "are always or usually told about temporary changes",
        63,
    ),
    _sos_hemtjanst(
        "U21481",
        "få kontakt med hemtjänstpersonalen",
        "contacting the home-care staff",
        "tycker att det är mycket eller ganska lätt att få kontakt med personalen",
        "find it very or fairly easy to contact the staff",
        76,
    ),
)

SARSKILT_BOENDE: tuple[IndicatorSpec, ...] = (
    _multilingual_staff("sarskilt-boende", 50),
    IndicatorSpec(
        id="utforare-sarskilt-boende-aktiviteter",
        service_type="sarskilt-boende",
        section=1,
        title_sv="Gemensamma aktiviteter, antal per vecka",
        title_en="Group activities per week",
        description_sv="Utförarens egen uppgift om hur många gemensamma aktiviteter som erbjuds.",
        description_en="The provider's own figure for how many group activities it offers.",
        unit="count",
        direction="higher",
        source_kind="provider",
        source_name=PROVIDER,
        value_source=PROVIDER,
        gen=Gen(mean=8, sd=3, lo=2, hi=20, trend=0.4, noise=1.0),
        published=(1, 1, 20),
        first_year=2022,
        p_missing=0.06,
    ),
    IndicatorSpec(
        id="U23493",
        service_type="sarskilt-boende",
        section=2,
        title_sv="Omsorgspersonal per plats, helgdag",
        title_en="Care staff per place, weekend day",
        description_sv="Antal omsorgspersonal i tjänst en helgdag, delat med antal platser.",
        description_en="Care staff on duty on a weekend day, divided by the number of places.",
        unit="ratio",
        direction="higher",
        source_kind="register",
        source_name="Socialstyrelsen, enhetsundersökningen",
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=0.62, sd=0.08, lo=0.38, hi=0.95, trend=0.01, noise=0.02, national=0.6),
        decimals=2,
        published=(0, 11, 30),
        discontinued_after=2023,  # Kolada U23493 "(-2023)"; so not a key figure
    ),
    IndicatorSpec(
        id="U23496",
        service_type="sarskilt-boende",
        section=2,
        title_sv="Andel omsorgspersonal med adekvat utbildning, helgdag",
        title_en="Share of care staff with adequate training, weekend day",
        description_sv="Andel av omsorgspersonalen i tjänst en helgdag som har adekvat utbildning.",
        description_en="Share of care staff on duty on a weekend day who have adequate training.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Socialstyrelsen, enhetsundersökningen",
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=74, sd=9, lo=35, hi=100, trend=1.2, noise=3.0, national=71),
        published=(0, 11, 30),
        discontinued_after=2023,  # Kolada U23496 "(-2023)"
    ),
    IndicatorSpec(
        id="kommun-sarskilt-boende-tillsvidareanstallda",
        service_type="sarskilt-boende",
        section=2,
        title_sv="Andel tillsvidareanställd omsorgspersonal",
        title_en="Share of care staff on permanent contracts",
        description_sv="Andel av omsorgspersonalen som har en fast anställning.",
        description_en="Share of care staff employed on a permanent contract.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(mean=74, sd=9, lo=35, hi=100, trend=1.0, noise=2.5),
    ),
    IndicatorSpec(
        id="sos-sarskilt-boende-lakemedelsgenomgang",
        service_type="sarskilt-boende",
        section=3,
        title_sv="Andel boende med läkemedelsgenomgång senaste året",
        title_en="Share of residents with a medication review in the last year",
        description_sv=(
            "Andel av de boende som har fått en läkemedelsgenomgång de senaste 12 månaderna."
        ),
        description_en="Share of residents whose medicines were reviewed in the last 12 months.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Socialstyrelsen, enhetsundersökningen",
        value_source=SOS_VIA_KOLADA,
        gen=Gen(mean=88, sd=7, lo=40, hi=100, trend=1.0, noise=3.0, national=85),
        published=(0, 11, 30),
    ),
    IndicatorSpec(
        id="senioralert-sarskilt-boende-riskbedomning",
        service_type="sarskilt-boende",
        section=3,
        title_sv="Andel boende med riskbedömning för fall, trycksår och undernäring",
        title_en=(
            "Share of residents with a risk assessment for falls, pressure ulcers and malnutrition"
        ),
        description_sv=(
            "Andel av de boende som har en aktuell riskbedömning registrerad i Senior alert."
        ),
        description_en=(
            "Share of residents with a current risk assessment recorded in Senior alert."
        ),
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Senior alert",
        value_source="Senior alert",
        gen=Gen(mean=82, sd=10, lo=30, hi=100, trend=1.5, noise=3.5, national=78),
        published=(1, 2, 15),
    ),
    IndicatorSpec(
        id="ivo-sarskilt-boende-beslut-kritik",
        service_type="sarskilt-boende",
        section=3,
        title_sv="IVO-beslut med kritik, senaste tre åren",
        title_en="IVO decisions with criticism, last three years",
        description_sv="Antal beslut där Inspektionen för vård och omsorg har riktat kritik.",
        description_en=(
            "Number of decisions in which the Health and Social Care Inspectorate criticised the "
            "unit."
        ),
        unit="count",
        direction="lower",
        source_kind="inspection",
        source_name="IVO",
        value_source="IVO",
        gen=Gen(kind="rolling3", mean=0.18, national=0.6),
        published=(1, 1, 31),
        p_missing=0.0,
    ),
    IndicatorSpec(
        id="kommun-sarskilt-boende-antal-platser",
        service_type="sarskilt-boende",
        section=4,
        title_sv="Antal platser",
        title_en="Number of places",
        description_sv="Antal lägenheter för permanent boende.",
        description_en="Number of flats for permanent residents.",
        unit="count",
        direction="none",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(kind="capacity", national=48),
        p_missing=0.0,
    ),
    _sos_boende(
        "U23471",
        "helhetssyn",
        "overall satisfaction",
        "är mycket eller ganska nöjda med sitt boende som helhet",
        "are very or fairly satisfied with their nursing home as a whole",
        81,
        key_rank=1,
    ),
    _sos_boende(
        "U23520",
        "alltid eller oftast bra bemötande",
        "always or usually treated well",
        "alltid eller oftast blir bra bemötta av personalen",
        "are always or usually treated well by the staff",
        91,
        key_rank=3,
    ),
    _sos_boende(
        "U23467",
        "maten",
        "the food",
        "tycker att maten smakar mycket eller ganska bra",
        "think the food tastes very or fairly good",
        71,
    ),
    _sos_boende(
        "U23521",
        "mycket eller ganska trygga",
        "feeling very or fairly safe",
        "känner sig mycket eller ganska trygga på sitt boende",
        "feel very or fairly safe in their nursing home",
        85,
        key_rank=2,
    ),
    _sos_boende(
        "U23461",
        "hänsyn till åsikter och önskemål",
        "regard for views and wishes",
        "anser att personalen alltid eller oftast tar hänsyn till deras åsikter och önskemål",
        "say staff always or usually take their views and wishes into account",
        77,
    ),
    _sos_boende(
        "U23470",
        "sociala aktiviteter",
        "social activities",
        "är mycket eller ganska nöjda med de aktiviteter som erbjuds",
        "are very or fairly satisfied with the activities offered",
        62,
    ),
    _sos_boende(
        "U23481",
        "besväras ofta av ensamhet",
        "often troubled by loneliness",
        "svarar att de ofta besväras av ensamhet (lägre är bättre)",
        "answer that they are often troubled by loneliness (lower is better)",
        44,
        direction="lower",
    ),
)

FORSKOLA: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        id="utforare-forskola-oppettid",
        service_type="forskola",
        section=1,
        title_sv="Öppettider, antal timmar per vecka",
        title_en="Opening hours per week",
        description_sv="Hur många timmar i veckan förskolan har öppet, enligt förskolan själv.",
        description_en="How many hours a week the preschool is open, as reported by the preschool.",
        unit="count",
        direction="none",
        source_kind="provider",
        source_name=PROVIDER,
        value_source=PROVIDER,
        gen=Gen(kind="hours"),
        decimals=1,
        published=(1, 1, 20),
        first_year=2022,
        p_missing=0.0,
    ),
    _multilingual_staff("forskola", 38),
    IndicatorSpec(
        id="N11811",
        service_type="forskola",
        section=2,
        title_sv="Barn per lärare med förskollärarlegitimation",
        title_en="Children per teacher with a preschool teacher certificate",
        description_sv="Antal inskrivna barn per heltidstjänst med förskollärarlegitimation.",
        description_en=(
            "Enrolled children per full-time post held by a certified preschool teacher."
        ),
        unit="ratio",
        direction="lower",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket via Kolada",
        gen=Gen(mean=13.0, sd=2.6, lo=7, hi=28, trend=0.3, noise=0.7, national=12.6),
        decimals=1,
        published=(1, 4, 25),
        fetched="2025-05-20",
    ),
    IndicatorSpec(
        id="N11808",
        service_type="forskola",
        section=2,
        title_sv="Andel heltidstjänster med förskollärarlegitimation",
        title_en="Share of full-time posts held by certified preschool teachers",
        description_sv=(
            "Andel av personalens heltidstjänster som innehas av legitimerade förskollärare."
        ),
        description_en="Share of full-time staff posts held by certified preschool teachers.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket via Kolada",
        gen=Gen(mean=42, sd=9, lo=12, hi=80, trend=1.0, noise=2.5, national=41),
        published=(1, 4, 25),
        fetched="2025-05-20",
    ),
    IndicatorSpec(
        id="N11102",
        service_type="forskola",
        section=2,
        title_sv="Inskrivna barn per årsarbetare",
        title_en="Enrolled children per full-time employee",
        description_sv=(
            "Antal inskrivna barn per heltidsarbetande i personalen. Färre barn per vuxen är "
            "bättre."
        ),
        description_en=(
            "Enrolled children per full-time staff member. Fewer children per adult is better."
        ),
        unit="ratio",
        direction="lower",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket via Kolada",
        gen=Gen(mean=5.2, sd=0.45, lo=3.6, hi=7.5, trend=0.06, noise=0.15, national=5.1),
        decimals=1,
        key_rank=2,
        published=(1, 4, 25),
        fetched="2025-05-20",
    ),
    IndicatorSpec(
        id="N11701",
        service_type="forskola",
        section=2,
        title_sv="Barn per barngrupp",
        title_en="Children per group",
        description_sv="Genomsnittligt antal barn i förskolans barngrupper.",
        description_en="Average number of children in the preschool's groups.",
        unit="ratio",
        direction="lower",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket via Kolada",
        gen=Gen(mean=15.0, sd=1.8, lo=9, hi=22, trend=0.2, noise=0.5, national=15.2),
        decimals=1,
        published=(1, 4, 25),
        fetched="2025-05-20",
        p_missing=0.2,  # sparse in Kolada
    ),
    IndicatorSpec(
        id="skolinspektionen-forskola-brister",
        service_type="forskola",
        section=3,
        title_sv="Tillsynsbeslut med brister, senaste tre åren",
        title_en="Inspection decisions finding shortcomings, last three years",
        description_sv=(
            "Antal beslut efter tillsyn där Skolinspektionen eller kommunen har funnit brister."
        ),
        description_en="Number of inspection decisions that found shortcomings.",
        unit="count",
        direction="lower",
        source_kind="inspection",
        source_name="Skolinspektionen",
        value_source="Skolinspektionen",
        gen=Gen(kind="rolling3", mean=0.08, national=0.3),
        published=(1, 1, 31),
        p_missing=0.0,
    ),
    IndicatorSpec(
        id="kommun-forskola-klagomal",
        service_type="forskola",
        section=3,
        title_sv="Klagomål till huvudmannen, antal per år",
        title_en="Complaints to the responsible body per year",
        description_sv="Antal skriftliga klagomål från vårdnadshavare under året.",
        description_en="Number of written complaints from guardians during the year.",
        unit="count",
        direction="lower",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(kind="per_size", mean=1.6),
    ),
    IndicatorSpec(
        id="kommun-forskola-antal-barn",
        service_type="forskola",
        section=4,
        title_sv="Antal inskrivna barn",
        title_en="Number of children enrolled",
        description_sv="Antal barn inskrivna den 15 oktober.",
        description_en="Number of children enrolled on 15 October.",
        unit="count",
        direction="none",
        source_kind="register",
        source_name=KOMMUN_FOLLOWUP,
        value_source=KOMMUN_FOLLOWUP,
        gen=Gen(kind="capacity", national=70),
        p_missing=0.0,
    ),
    *(
        IndicatorSpec(
            id=f"kommun-forskola-{slug}",
            service_type="forskola",
            section=5,
            title_sv=f"Föräldraenkät: {title_sv}",
            title_en=f"Parent survey: {title_en}",
            description_sv=(
                "Andel vårdnadshavare som instämmer helt eller till stor del, "
                "i kommunens årliga föräldraenkät."
            ),
            description_en=(
                "Share of guardians who agree fully or largely, in the kommun's yearly parent "
                "survey."
            ),
            unit="percent",
            direction="higher",
            source_kind="survey",
            source_name="Kommunens föräldraenkät",
            value_source="Kommunens föräldraenkät",
            gen=Gen(mean=mean, sd=4.5, lo=45, hi=100, trend=0.8, noise=2.5),
            min_n=5,
            key_rank=rank,
            published=(0, 6, 10),
            respondents="foraldrar",
        )
        for slug, title_sv, title_en, mean, rank in (
            (
                "nojdhet",
                "nöjd med förskolan som helhet",
                "satisfied with the preschool overall",
                92,
                1,
            ),
            ("trygghet", "mitt barn känner sig tryggt", "my child feels safe", 94, 3),
            (
                "utveckling",
                "förskolan stimulerar mitt barns utveckling",
                "the preschool stimulates my child's development",
                88,
                None,
            ),
            (
                "information",
                "jag får bra information om mitt barns utveckling",
                "I get good information about my child's development",
                81,
                None,
            ),
        )
    ),
)

GRUNDSKOLA: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        id="utforare-grundskola-fritids-oppettid",
        service_type="grundskola",
        section=1,
        title_sv="Fritidshemmets öppettider, antal timmar per vecka",
        title_en="After-school centre opening hours per week",
        description_sv="Hur många timmar i veckan fritidshemmet har öppet, enligt skolan själv.",
        description_en=(
            "How many hours a week the after-school centre is open, as reported by the school."
        ),
        unit="count",
        direction="none",
        source_kind="provider",
        source_name=PROVIDER,
        value_source=PROVIDER,
        gen=Gen(kind="hours"),
        decimals=1,
        published=(1, 1, 20),
        first_year=2022,
        p_missing=0.0,
    ),
    _multilingual_staff("grundskola", 35),
    IndicatorSpec(
        id="averageGradesMeritRating9thGrade",
        service_type="grundskola",
        section=2,
        title_sv="Genomsnittligt meritvärde i årskurs 9",
        title_en="Average merit rating in year 9",
        description_sv=(
            "Summan av elevernas 16 eller 17 bästa betyg, i genomsnitt. Högst 340 poäng."
        ),
        description_en="The sum of pupils' 16 or 17 best grades, on average. At most 340 points.",
        unit="points",
        direction="higher",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(mean=246, sd=16, lo=170, hi=300, trend=2.0, noise=5.0, national=229),
        decimals=1,
        key_rank=1,
        period="school",
        published=(0, 9, 26),
        grade9=True,
    ),
    IndicatorSpec(
        id="ratioOfPupilsIn9thGradeWithAllSubjectsPassed",
        service_type="grundskola",
        section=2,
        title_sv="Andel elever i årskurs 9 som uppnått kunskapskraven i alla ämnen",
        title_en="Share of pupils in year 9 who passed all subjects",
        description_sv="Andel av eleverna i årskurs 9 som fått lägst betyget E i alla ämnen.",
        description_en="Share of year 9 pupils with at least grade E in every subject.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(mean=85, sd=6, lo=50, hi=100, trend=0.8, noise=2.5, national=73),
        decimals=1,
        period="school",
        published=(0, 9, 26),
        grade9=True,
    ),
    IndicatorSpec(
        id="ratioOfPupils9thGradeEligibleForNationalProgramYR",
        service_type="grundskola",
        section=2,
        title_sv="Andel elever i årskurs 9 som är behöriga till yrkesprogram",
        title_en="Share of year 9 pupils eligible for a vocational programme",
        description_sv=(
            "Andel av eleverna i årskurs 9 som är behöriga till ett yrkesprogram på gymnasiet."
        ),
        description_en=(
            "Share of year 9 pupils eligible for a vocational upper-secondary programme."
        ),
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(mean=92, sd=4, lo=65, hi=100, trend=0.5, noise=1.5, national=84.5),
        decimals=1,
        period="school",
        published=(0, 9, 26),
        grade9=True,
    ),
    IndicatorSpec(
        id="skolverket-salsa-meritvarde-avvikelse",
        service_type="grundskola",
        section=2,
        title_sv="SALSA: meritvärde, avvikelse från modellberäknat värde",
        title_en="SALSA: merit rating, deviation from the modelled value",
        description_sv=(
            "Skillnaden mellan skolans meritvärde och det värde som kan förväntas utifrån "
            "elevernas bakgrund. Över noll betyder bättre än väntat."
        ),
        description_en=(
            "The school's merit rating minus the value expected from its pupils' background. "
            "Above zero is better than expected."
        ),
        unit="points",
        direction="higher",
        source_kind="register",
        source_name="Skolverket, SALSA",
        value_source="Skolverket",
        gen=Gen(mean=2, sd=9, lo=-35, hi=40, trend=1.0, noise=3.0, national=0),
        period="school",
        published=(0, 12, 10),
        grade9=True,
        p_missing=0.05,
    ),
    IndicatorSpec(
        id="certifiedTeachersQuota",
        service_type="grundskola",
        section=2,
        title_sv="Andel lärare med lärarlegitimation och behörighet i minst ett ämne",
        title_en="Share of teachers with a teaching certificate qualified in at least one subject",
        description_sv="Andel av lärarna (heltidstjänster) som har legitimation och är behöriga.",
        description_en="Share of teachers (full-time posts) who are certified and qualified.",
        unit="percent",
        direction="higher",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(mean=80, sd=8, lo=40, hi=100, trend=1.0, noise=2.5, national=71.5),
        decimals=1,
        period="school",
        published=(0, 3, 20),
    ),
    IndicatorSpec(
        id="studentsPerTeacherQuota",
        service_type="grundskola",
        section=2,
        title_sv="Antal elever per lärare (heltidstjänst)",
        title_en="Pupils per teacher (full-time post)",
        description_sv=(
            "Antal elever per heltidsarbetande lärare. Färre elever per lärare är bättre."
        ),
        description_en="Pupils per full-time teacher. Fewer pupils per teacher is better.",
        unit="ratio",
        direction="lower",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(mean=12.8, sd=1.3, lo=8.5, hi=18, trend=0.15, noise=0.4, national=12.0),
        decimals=1,
        key_rank=3,
        period="school",
        published=(0, 3, 20),
    ),
    IndicatorSpec(
        id="skolinspektionen-grundskola-brister",
        service_type="grundskola",
        section=3,
        title_sv="Skolinspektionen: beslut med brister, senaste tre åren",
        title_en="Skolinspektionen: decisions finding shortcomings, last three years",
        description_sv=(
            "Antal beslut efter tillsyn eller anmälan där Skolinspektionen funnit brister."
        ),
        description_en=(
            "Number of decisions after inspection or complaint in which shortcomings were found."
        ),
        unit="count",
        direction="lower",
        source_kind="inspection",
        source_name="Skolinspektionen",
        value_source="Skolinspektionen",
        gen=Gen(kind="rolling3", mean=0.15, national=0.5),
        published=(1, 1, 31),
        p_missing=0.0,
    ),
    IndicatorSpec(
        id="totalNumberOfPupils",
        service_type="grundskola",
        section=4,
        title_sv="Antal elever",
        title_en="Number of pupils",
        description_sv="Antal elever på skolan den 15 oktober.",
        description_en="Number of pupils at the school on 15 October.",
        unit="count",
        direction="none",
        source_kind="register",
        source_name="Skolverket",
        value_source="Skolverket",
        gen=Gen(kind="capacity", national=260),
        period="school",
        published=(0, 3, 20),
        p_missing=0.0,
    ),
    _skolenkaten(
        "custodiansgr.satisfactionAverage",
        "Skolenkäten vårdnadshavare: nöjdhet med skolan",
        "School survey, guardians: satisfaction with the school",
        "Hur nöjd är du med ditt barns skola?",
        7.7,
        "vardnadshavare",
    ),
    _skolenkaten(
        "custodiansgr.securityAverage",
        "Skolenkäten vårdnadshavare: mitt barn känner sig tryggt",
        "School survey, guardians: my child feels safe",
        "Upplever du att ditt barn känner sig tryggt i skolan?",
        8.2,
        "vardnadshavare",
    ),
    replace(
        _skolenkaten(
            "pupilsgr.securityAverage",
            "Skolenkäten elever: trygghet",
            "School survey, pupils: feeling safe",
            "Känner du dig trygg i skolan?",
            7.9,
            "elever",
        ),
        key_rank=2,
    ),
    _skolenkaten(
        "pupilsgr.workingEnvironmentAverage",
        "Skolenkäten elever: studiero",
        "School survey, pupils: calm to study",
        "Hur ofta är det arbetsro på lektionerna?",
        6.3,
        "elever",
    ),
    _skolenkaten(
        "pupilsgr.inspirationAverage",
        "Skolenkäten elever: stimulans",
        "School survey, pupils: stimulation",
        "Hur ofta får lärarna dig att bli intresserad av skolarbetet?",
        6.4,
        "elever",
    ),
)

INDICATORS: tuple[IndicatorSpec, ...] = HEMTJANST + SARSKILT_BOENDE + FORSKOLA + GRUNDSKOLA
INDICATORS_BY_TYPE: dict[str, tuple[IndicatorSpec, ...]] = {
    st: tuple(i for i in INDICATORS if i.service_type == st) for st in SERVICE_TYPE_IDS
}

# Levels (bra / godkänt) that some kommuner have decided: indicator -> (good, approved).
LEVEL_DEFAULTS: dict[str, tuple[float, float]] = {
    "U21468": (90, 80),
    "U21505": (90, 80),
    "U21504": (97, 90),
    "sos-hemtjanst-personalkontinuitet": (12, 16),
    "kommun-hemtjanst-genomforandeplan": (95, 85),
    "kommun-hemtjanst-adekvat-utbildning": (80, 65),
    "U23471": (85, 75),
    "U23521": (90, 80),
    "U23467": (80, 65),
    "U23493": (0.7, 0.55),
    "sos-sarskilt-boende-lakemedelsgenomgang": (95, 85),
    "senioralert-sarskilt-boende-riskbedomning": (90, 75),
    "kommun-forskola-nojdhet": (95, 85),
    "kommun-forskola-trygghet": (96, 88),
    "N11102": (5.0, 5.8),
    "N11808": (50, 35),
    "N11811": (11, 15),
    "averageGradesMeritRating9thGrade": (260, 230),
    "certifiedTeachersQuota": (85, 70),
    "pupilsgr.securityAverage": (8.3, 7.3),
    "studentsPerTeacherQuota": (12, 14),
    "ratioOfPupilsIn9thGradeWithAllSubjectsPassed": (90, 80),
    "custodiansgr.satisfactionAverage": (8.0, 7.0),
}

# How much one step of a kommun's `shift` moves a threshold, per unit.
LEVEL_STEP = {"percent": 1.0, "count": 1.0, "points": 5.0, "index": 0.1, "ratio": 0.1}

# kommun code -> [(decided_by, indicator ids, shift)]; shift nudges both thresholds
# (in the indicator's unit) so that kommuner do not all use identical bars.
LEVEL_DECISIONS: dict[str, list[tuple[str, tuple[str, ...], float]]] = {
    "0160": [
        (
            "Vård- och omsorgsnämnden 2023-03-15",
            (
                "U21468",
                "U21505",
                "sos-hemtjanst-personalkontinuitet",
                "kommun-hemtjanst-genomforandeplan",
                "kommun-hemtjanst-adekvat-utbildning",
                "U23471",
                "U23521",
                "U23493",
                "sos-sarskilt-boende-lakemedelsgenomgang",
                "senioralert-sarskilt-boende-riskbedomning",
            ),
            0,
        ),
        (
            "Barn- och grundskolenämnden 2022-11-30",
            (
                "kommun-forskola-nojdhet",
                "kommun-forskola-trygghet",
                "N11102",
                "N11808",
                "averageGradesMeritRating9thGrade",
                "certifiedTeachersQuota",
                "pupilsgr.securityAverage",
                "studentsPerTeacherQuota",
                "ratioOfPupilsIn9thGradeWithAllSubjectsPassed",
            ),
            0,
        ),
    ],
    "0117": [
        (
            "Vård- och omsorgsnämnden 2023-04-19",
            (
                "U21468",
                "U21504",
                "sos-hemtjanst-personalkontinuitet",
                "kommun-hemtjanst-genomforandeplan",
                "U23471",
                "U23467",
                "U23493",
                "sos-sarskilt-boende-lakemedelsgenomgang",
            ),
            -1,
        ),
        (
            "Skolnämnden 2022-12-07",
            (
                "kommun-forskola-nojdhet",
                "N11102",
                "N11811",
                "N11808",
                "averageGradesMeritRating9thGrade",
                "custodiansgr.satisfactionAverage",
                "pupilsgr.securityAverage",
                "certifiedTeachersQuota",
            ),
            -1,
        ),
    ],
    "0114": [
        (
            "Socialnämnden 2024-02-21",
            ("U21468", "U21505", "U23471"),
            0,
        ),
        (
            "Utbildningsnämnden 2023-06-13",
            ("kommun-forskola-nojdhet", "averageGradesMeritRating9thGrade"),
            -2,
        ),
    ],
    "0162": [
        (
            "Socialnämnden 2023-09-27",
            (
                "U21468",
                "sos-hemtjanst-personalkontinuitet",
                "U23471",
                "U23521",
            ),
            1,
        ),
    ],
}

# ---------------------------------------------------------------------------
# Organisations and names
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """A non-kommunal organisation and how its units are named."""

    key: str
    name: str
    driftsform: str
    service_type: str
    unit_name: str  # "{place}" is the kommun or area name, "{base}" a name from the pool
    profiles: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    small: bool = False  # runs small units


BRANDS: tuple[Brand, ...] = (
    # hemtjänst
    Brand(
        "trygga-hander", "Trygga Händer Omsorg AB", "privat", "hemtjanst", "Trygga Händer {place}"
    ),
    Brand(
        "vardagshjalpen",
        "Vardagshjälpen i Norrort AB",
        "privat",
        "hemtjanst",
        "Vardagshjälpen {place}",
    ),
    Brand(
        "omsorgshuset-roslagen",
        "Omsorgshuset Roslagen AB",
        "privat",
        "hemtjanst",
        "Omsorgshuset {place}",
        profiles=("demens",),
    ),
    Brand(
        "aurora-hemtjanst",
        "Aurora Hemtjänst AB",
        "privat",
        "hemtjanst",
        "Aurora finskspråkig hemtjänst {place}",
        profiles=("finskspråkig",),
        languages=("finska",),
    ),
    Brand("kavat-omsorg", "Kavat Omsorg AB", "privat", "hemtjanst", "Kavat Omsorg {place}"),
    Brand(
        "linnea-hemtjanst",
        "Linnea Hemtjänst & Service AB",
        "privat",
        "hemtjanst",
        "Linnea Hemtjänst {place}",
    ),
    Brand(
        "sjobris-hemtjanst",
        "Sjöbris Hemtjänst AB",
        "privat",
        "hemtjanst",
        "Sjöbris Hemtjänst {place}",
        small=True,
    ),
    Brand(
        "salam-omsorg",
        "Salam Omsorg AB",
        "privat",
        "hemtjanst",
        "Salam Omsorg {place}",
        languages=("arabiska", "persiska"),
    ),
    Brand(
        "regnbagsomsorgen",
        "Regnbågsomsorgen i Stockholms län AB",
        "privat",
        "hemtjanst",
        "Regnbågsomsorgen {place}",
        profiles=("HBTQ-certifierad",),
    ),
    Brand(
        "omtanke-kooperativ",
        "Omtanke Hemtjänst ekonomisk förening",
        "ideburen",
        "hemtjanst",
        "Omtanke Hemtjänst {place}",
    ),
    Brand(
        "stiftelsen-vardkasen",
        "Stiftelsen Vårdkasen",
        "ideburen",
        "hemtjanst",
        "Vårdkasens hemtjänst {place}",
        profiles=("palliativ vård",),
    ),
    # särskilt boende
    Brand(
        "silverhojden-vard",
        "Silverhöjden Vård AB",
        "privat",
        "sarskilt-boende",
        "{base} (Silverhöjden)",
    ),
    Brand("aspnas-omsorg", "Aspnäs Omsorg AB", "privat", "sarskilt-boende", "{base}"),
    Brand(
        "nordanvind-aldreomsorg",
        "Nordanvind Äldreomsorg AB",
        "privat",
        "sarskilt-boende",
        "{base}",
    ),
    Brand(
        "stiftelsen-vardkasen",
        "Stiftelsen Vårdkasen",
        "ideburen",
        "sarskilt-boende",
        "{base}",
    ),
    Brand(
        "ljusbararen",
        "Diakonistiftelsen Ljusbäraren",
        "ideburen",
        "sarskilt-boende",
        "{base}",
    ),
    # förskola
    Brand("lekstugan", "Lekstugan Förskolor AB", "privat", "forskola", "Lekstugan {base}"),
    Brand("smafotter", "Småfötter Förskolor AB", "privat", "forskola", "Småfötter {base}"),
    Brand(
        "montessori-norrort",
        "Montessoriförskolor i Norrort AB",
        "privat",
        "forskola",
        "Montessoriförskolan {base}",
        profiles=("Montessori",),
    ),
    Brand(
        "skogsglantan",
        "Naturförskolan Skogsgläntan AB",
        "privat",
        "forskola",
        "Skogsgläntans förskola {base}",
        profiles=("I Ur och Skur",),
    ),
    Brand(
        "sprakforskolan-babel",
        "Språkförskolan Babel AB",
        "privat",
        "forskola",
        "Babel språkförskola {base}",
        profiles=("språkprofil",),
        languages=("engelska", "spanska"),
    ),
    Brand(
        "ateljeforskolan",
        "Ateljéförskolan i Roslagen AB",
        "privat",
        "forskola",
        "Ateljéförskolan {base}",
        profiles=("Reggio Emilia",),
    ),
    Brand(
        "foraldrakooperativ",
        "Föräldrakooperativet {base} ekonomisk förening",
        "ideburen",
        "forskola",
        "Föräldrakooperativet {base}",
        small=True,
    ),
    # grundskola
    Brand(
        "kunskapsbrunnen",
        "Kunskapsbrunnen Skolor AB",
        "privat",
        "grundskola",
        "Kunskapsbrunnen {place}",
    ),
    Brand(
        "montessoriskolan-vingen",
        "Montessoriskolan Vingen AB",
        "privat",
        "grundskola",
        "Montessoriskolan Vingen {place}",
        profiles=("Montessori",),
    ),
    Brand(
        "idrottsskolan-norrort",
        "Idrottsskolan Norrort AB",
        "privat",
        "grundskola",
        "Idrottsskolan {place}",
        profiles=("idrottsprofil",),
    ),
    Brand(
        "brobyggarskolan",
        "Internationella Brobyggarskolan AB",
        "privat",
        "grundskola",
        "Brobyggarskolan {place}",
        profiles=("tvåspråkig",),
        languages=("engelska",),
    ),
    Brand(
        "klangskolan",
        "Klangskolan AB",
        "privat",
        "grundskola",
        "Klangskolan {place}",
        profiles=("musikprofil",),
    ),
    Brand(
        "stiftelsen-skargardsskolan",
        "Stiftelsen Skärgårdsskolan",
        "ideburen",
        "grundskola",
        "Skärgårdsskolan {place}",
        small=True,
    ),
)

BOENDE_NAMES = (
    "Björkbackens vård- och omsorgsboende",
    "Ekängsgården",
    "Sjöglimtens vård- och omsorgsboende",
    "Tallhöjdens äldreboende",
    "Solvändans vård- och omsorgsboende",
    "Lindängens vårdboende",
    "Havsutsiktens äldreboende",
    "Kastanjegården",
    "Ängsgårdens demensboende",
    "Fyrbåkens vård- och omsorgsboende",
    "Lärkbackens äldreboende",
    "Rönnbärets vårdboende",
    "Hagtornsgården",
    "Sjörosens vård- och omsorgsboende",
    "Klöverbackens äldreboende",
    "Ljungåsens vårdboende",
    "Vitsippans demensboende",
    "Granbackens vård- och omsorgsboende",
    "Strandängens äldreboende",
    "Almgården",
    "Kvarnbackens vårdboende",
    "Näckrosens vård- och omsorgsboende",
    "Äppelgårdens äldreboende",
    "Ekbackens demensboende",
)

FORSKOLA_NAMES = (
    "Humlan", "Myrstacken", "Solstrålen", "Ekorren", "Kotten", "Trollskogen", "Blåklockan",
    "Lärkan", "Vitsippan", "Äppelgården", "Snäckan", "Fyren", "Tallkotten", "Ängsliljan",
    "Regnbågen", "Skattkistan", "Pärlan", "Stjärnan", "Lönnen", "Hasselnöten", "Kastanjen",
    "Rönnbäret", "Sjöstjärnan", "Måsen", "Tärnan", "Vågen", "Ugglan", "Räven", "Grodan",
    "Nyckelpigan", "Fjärilen", "Äventyret", "Björken", "Lingonet", "Blåbäret", "Smultronet",
    "Bäcken", "Källan", "Klövern", "Maskrosen", "Gläntan", "Stigen", "Kullen", "Åsen",
    "Bryggan", "Kompassen", "Kojan", "Sälgen", "Göken", "Hackspetten", "Vårfrun", "Ängen",
    "Mossan", "Ekollonet", "Nypon", "Snöklockan", "Trasten", "Igelkotten", "Bävern", "Skrattet",
    "Sagoträdet", "Fröet", "Tussilagon", "Svalan", "Ängsknarren", "Rödhaken", "Havtornet",
    "Snigeln", "Ljuset", "Tranan", "Drakflygaren", "Myran", "Lövet", "Vattendroppen",
)  # fmt: skip

GRUNDSKOLA_NAMES = (
    "Lärkängsskolan", "Havsörnsskolan", "Stjärnbackeskolan", "Mossängsskolan",
    "Glimmerskolan", "Solvändans skola", "Tranbärsskolan", "Kompassrosens skola",
    "Ljungbackeskolan", "Fyrtornsskolan", "Måsklippans skola", "Ugglebo skola",
    "Vindrosskolan", "Ekorrbackens skola", "Granhöjdens skola", "Blåsippans skola",
    "Kvarnbäcksskolan", "Sjöstensskolan", "Hagtornsskolan", "Björnbärsskolan",
    "Lodjursskolan", "Älvkvarnsskolan", "Trastbackens skola", "Stensötaskolan",
    "Ängsvikens skola", "Kastanjeskolan", "Hasselbackeskolan", "Gökottans skola",
    "Tärnvikens skola", "Fågelsångens skola", "Vårdträdets skola", "Rosenbuskens skola",
)  # fmt: skip

FIRST_NAMES = (
    "Anna", "Maria", "Karin", "Eva", "Lena", "Sara", "Emma", "Johanna", "Fatima", "Leila",
    "Aino", "Marja", "Sofia", "Ingrid", "Helena", "Amina", "Elin", "Petra", "Ulla", "Malin",
    "Lars", "Anders", "Johan", "Erik", "Per", "Mikael", "Ahmed", "Omid", "Jukka", "Tomas",
    "Kristian", "Daniel", "Goran", "Samir", "Björn", "Mats", "Jonas", "Henrik", "Ali", "Oskar",
)  # fmt: skip

LAST_NAMES = (
    "Lindqvist", "Eklund", "Bergström", "Sandberg", "Holm", "Åberg", "Sjöberg", "Lundgren",
    "Öberg", "Nyström", "Hedlund", "Virtanen", "Korhonen", "Haddad", "Rahimi", "Karlsson",
    "Wallin", "Blomqvist", "Ström", "Jovanović", "Nowak", "Abdi", "Tesfaye", "Fernández",
    "Engström", "Dahlberg", "Forsberg", "Håkansson", "Mäkinen", "Söderlund",
)  # fmt: skip

STREETS = (
    "Storgatan", "Skolvägen", "Björkvägen", "Ekvägen", "Kyrkvägen", "Stationsvägen",
    "Tallvägen", "Ängsvägen", "Backvägen", "Parkvägen", "Strandvägen", "Granvägen",
    "Lönnvägen", "Sjövägen", "Hagvägen", "Kvarnvägen", "Lärkvägen", "Ringvägen",
    "Centrumvägen", "Furuvägen", "Syrenvägen", "Allévägen", "Bäckvägen", "Åkervägen",
)  # fmt: skip

EXTRA_LANGUAGES = (
    ("engelska", 0.35),
    ("finska", 0.12),
    ("arabiska", 0.18),
    ("persiska", 0.14),
    ("spanska", 0.12),
    ("polska", 0.1),
    ("bosniska", 0.07),
    ("somaliska", 0.07),
    ("tigrinja", 0.06),
    ("teckenspråk", 0.05),
)

OPTIONAL_PROFILES: dict[str, tuple[tuple[str, float], ...]] = {
    "hemtjanst": (("demens", 0.3), ("palliativ vård", 0.1), ("HBTQ-certifierad", 0.08)),
    "sarskilt-boende": (("HBTQ-certifierad", 0.1), ("finskspråkig avdelning", 0.1)),
    "forskola": (
        ("Reggio Emilia", 0.12),
        ("I Ur och Skur", 0.08),
        ("språkprofil", 0.06),
        ("Montessori", 0.05),
        ("musikprofil", 0.05),
    ),
    "grundskola": (
        ("musikprofil", 0.1),
        ("idrottsprofil", 0.1),
        ("NO-profil", 0.08),
        ("Montessori", 0.04),
    ),
}

BOENDE_MAIN_PROFILES = (("demens",), ("somatik",), ("demens", "somatik"), ("psykiatri",))

# PTS has set aside 08-465 004 00 to 08-465 004 99 for fiction, so no real line rings.
PHONE_PREFIX = "08-465 004 "
EMAIL_DOMAIN = "exempel.se"

# ---------------------------------------------------------------------------
# Records that are written out
# ---------------------------------------------------------------------------


@dataclass
class Organisation:
    key: str
    name: str
    org_nr: str
    driftsform: str


@dataclass
class Provider:
    slug: str
    name: str
    service_type: str
    kommun: KommunSpec
    organisation: Organisation
    area: AreaSpec
    street: str
    postal_code: str
    lat: float
    lon: float
    capacity: int
    languages: list[str]
    profiles: list[str]
    areas: list[str]
    started_year: int
    opening_hours: str
    weekly_hours: float
    phone: str
    email: str
    website: str
    grades: str = ""  # grundskola: "F–6", "F–9" or "7–9"
    accepting_new: bool = True
    presentation: str = ""
    presentation_updated: str = ""
    quality: float = 0.0  # hidden: shifts every quality indicator a little
    capacity_by_year: dict[int, int] = field(default_factory=dict)


@dataclass
class Figure:
    """One value row before it is written: the true value is kept for kommun averages."""

    year: int
    true_value: float
    n_answers: int | None = None
    response_rate: float | None = None
    status: str = "ok"


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def org_nr(rng: random.Random, prefix: str) -> str:
    """A ten-digit organisation number with a valid check digit, e.g. 556123-4567."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
    full = body + str(luhn_digit(body))
    return f"{full[:6]}-{full[6:]}"


def clip(value: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, value))


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point within about `km` of (lat, lon)."""
    dlat = clip(rng.gauss(0, km / 2), -km, km) / 111.0
    dlon = clip(rng.gauss(0, km / 2), -km, km) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def fmt_number(value: float | None, decimals: int) -> str:
    if value is None:
        return ""
    value = round(value, decimals)
    return f"{value + 0.0 if value else 0.0:.{decimals}f}"  # never "-0"


def period_label(spec: IndicatorSpec, year: int) -> str:
    return f"{year - 1}/{str(year)[2:]}" if spec.period == "school" else str(year)


def published_date(spec: IndicatorSpec, year: int) -> str:
    offset, month, day = spec.published
    return date(year + offset, month, day).isoformat()


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def join_sv(items: Sequence[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


class NamePool:
    """Hands out names without repeats; when the pool runs dry it adds a number."""

    def __init__(self, rng: random.Random, names: Sequence[str]) -> None:
        self._names = list(names)
        rng.shuffle(self._names)
        self._round = 0
        self._index = 0

    def next(self) -> str:
        if self._index == len(self._names):
            self._index, self._round = 0, self._round + 1
        name = self._names[self._index]
        self._index += 1
        return name if self._round == 0 else f"{name} {self._round + 1}"


# ---------------------------------------------------------------------------
# Building the world
# ---------------------------------------------------------------------------


def build_areas_and_postal_codes(
    rng: random.Random,
) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, tuple[float, float]]]:
    areas: list[dict[str, str]] = []
    postal: list[dict[str, str]] = []
    postal_coords: dict[str, tuple[float, float]] = {}
    for kommun in KOMMUNER:
        for area in kommun.areas:
            areas.append(
                {
                    "kommun_code": kommun.code,
                    "slug": area.slug,
                    "name": area.name,
                    "lat": f"{area.lat:.4f}",
                    "lon": f"{area.lon:.4f}",
                }
            )
            for code in area.postal_codes:
                lat, lon = jitter(rng, area.lat, area.lon, 1.2)
                postal_coords[code] = (lat, lon)
                postal.append(
                    {
                        "code": code,
                        "kommun_code": kommun.code,
                        "area_slug": area.slug,
                        "locality": area.locality,
                        "lat": f"{lat:.5f}",
                        "lon": f"{lon:.5f}",
                    }
                )
    return areas, postal, postal_coords


def place_units(rng: random.Random, kommun: KommunSpec, count: int) -> list[AreaSpec]:
    """Areas for `count` units: every area gets one when there are enough, the
    rest go mostly to the central areas."""
    areas = list(kommun.areas)
    placed: list[AreaSpec] = []
    if count >= len(areas):
        placed.extend(areas)
    weights = [0.35 if a.outer else 1.0 for a in areas]
    while len(placed) < count:
        placed.append(rng.choices(areas, weights)[0])
    rng.shuffle(placed)
    return placed


def hemtjanst_areas(
    rng: random.Random, kommun: KommunSpec, driftsform: str, index: int
) -> list[str]:
    """Which areas a home-care unit serves. The kommun's first unit serves every
    area (it is also the default for those who do not choose); private providers
    mostly keep to the central areas, so outer areas have few to choose from."""
    central = [a.slug for a in kommun.areas if not a.outer]
    outer = [a.slug for a in kommun.areas if a.outer]
    if driftsform == "kommunal":
        if index == 0:
            return [a.slug for a in kommun.areas]
        return central[: max(1, (len(central) + 1) // 2)]
    if rng.random() < 0.35:
        chosen = list(central)
    else:
        chosen = rng.sample(central, k=min(len(central), rng.randint(1, 3)))
    chosen += [slug for slug in outer if rng.random() < 0.15]
    order = [a.slug for a in kommun.areas]
    return sorted(set(chosen), key=order.index)


def nearest_postal_code(
    area: AreaSpec, lat: float, lon: float, coords: dict[str, tuple[float, float]]
) -> str:
    return min(
        area.postal_codes,
        key=lambda c: (coords[c][0] - lat) ** 2 + ((coords[c][1] - lon) * 0.5) ** 2,
    )


def pick_languages(rng: random.Random, service_type: str, brand: Brand | None) -> list[str]:
    langs = ["svenska"]
    if brand:
        langs += [lang for lang in brand.languages if lang not in langs]
    # Care staff are more often multilingual than school staff.
    boost = 1.2 if service_type in {"hemtjanst", "sarskilt-boende"} else 0.6
    for lang, p in EXTRA_LANGUAGES:
        if lang not in langs and rng.random() < p * boost:
            langs.append(lang)
    return langs


def pick_profiles(rng: random.Random, service_type: str, brand: Brand | None) -> list[str]:
    profiles: list[str] = list(brand.profiles) if brand else []
    if service_type == "sarskilt-boende":
        profiles = list(rng.choice(BOENDE_MAIN_PROFILES)) + profiles
    if service_type in {"forskola", "grundskola"} and profiles:
        return profiles  # a chain's pedagogy is its profile
    for profile, p in OPTIONAL_PROFILES[service_type]:
        if profile not in profiles and rng.random() < p and len(profiles) < 3:
            profiles.append(profile)
    return profiles


def base_capacity(rng: random.Random, service_type: str, driftsform: str, grades: str) -> int:
    if service_type == "hemtjanst":
        return rng.randint(120, 240) if driftsform == "kommunal" else rng.randint(25, 140)
    if service_type == "sarskilt-boende":
        return rng.choice((24, 32, 36, 40, 45, 54, 60, 64, 72, 80, 90))
    if service_type == "forskola":
        return rng.randint(35, 160)
    return {"F–6": rng.randint(180, 460), "F–9": rng.randint(350, 880)}.get(
        grades, rng.randint(260, 520)
    )


def opening_hours(rng: random.Random, service_type: str, grades: str) -> tuple[str, float]:
    """The opening-hours text and, where it makes sense, hours per week."""
    if service_type == "hemtjanst":
        close = rng.choice(("22.00", "22.00", "23.00"))
        return f"Alla dagar 07.00–{close}. Kontoret vardagar 08.00–16.00.", 0.0
    if service_type == "sarskilt-boende":
        return "Dygnet runt. Besökstider: alla dagar, gärna 10.00–20.00.", 0.0
    if grades == "7–9":
        return "Skoldag 08.15–15.30", 0.0  # no fritidshem for years 7–9
    start = rng.choice((6.5, 6.5, 6.75, 7.0))
    end = rng.choice((17.5, 18.0, 18.0, 18.5))
    label = f"{_clock(start)}–{_clock(end)}"
    if service_type == "forskola":
        return f"Måndag–fredag {label}", (end - start) * 5
    return f"Skoldag 08.15–14.30. Fritidshem måndag–fredag {label}", (end - start) * 5


def _clock(hours: float) -> str:
    return f"{int(hours):02d}.{round((hours % 1) * 60):02d}"


def random_date(rng: random.Random, start: date, end: date) -> str:
    return (start + timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


@dataclass(frozen=True)
class UnitPlan:
    """Where one unit goes before it is fleshed out."""

    kommun: KommunSpec
    service_type: str
    driftsform: str
    area: AreaSpec
    index: int  # position among the kommun's units of this type; kommunal units come first


class World:
    """Organisations and providers, built in one deterministic pass."""

    def __init__(
        self, rng: random.Random, scale: int, postal_coords: dict[str, tuple[float, float]]
    ) -> None:
        self.rng = rng
        self.scale = scale
        self.postal_coords = postal_coords
        self.organisations: dict[str, Organisation] = {}
        self.providers: list[Provider] = []
        self._slugs: set[str] = set()
        self._names: set[str] = set()
        self._used: set[tuple[str, str]] = set()  # (kommun code, brand key)
        self._boende_names = NamePool(rng, BOENDE_NAMES)
        self._forskola_names = NamePool(rng, FORSKOLA_NAMES)
        self._skola_names = NamePool(rng, GRUNDSKOLA_NAMES)
        self._brand_cursor: dict[tuple[str, str], int] = defaultdict(int)

    # -- organisations ---------------------------------------------------------

    def organisation(self, key: str, name: str, driftsform: str) -> Organisation:
        if key not in self.organisations:
            prefix = {"kommunal": "212000", "privat": "559", "ideburen": "769"}[driftsform]
            if driftsform == "ideburen" and name.startswith(("Stiftelse", "Diakoni")):
                prefix = "802"
            self.organisations[key] = Organisation(key, name, org_nr(self.rng, prefix), driftsform)
        return self.organisations[key]

    def kommun_org(self, kommun: KommunSpec) -> Organisation:
        return self.organisation(slugify(kommun.org_name), kommun.org_name, "kommunal")

    def next_brand(self, unit: UnitPlan) -> Brand:
        """Brands take turns so that chains appear in several kommuner."""
        brands = [
            b
            for b in BRANDS
            if b.service_type == unit.service_type and b.driftsform == unit.driftsform
        ]
        if unit.kommun.capacity_factor < 1:
            # A small kommun is served by a small local firm where there is one.
            local = [b for b in brands if b.small and (unit.kommun.code, b.key) not in self._used]
            if local:
                self._used.add((unit.kommun.code, local[0].key))
                return local[0]
        cursor_key = (unit.service_type, unit.driftsform)
        # Each kommun starts at a different brand so they do not all get the same mix.
        offset = KOMMUNER.index(unit.kommun) * 2
        brand = brands[(self._brand_cursor[cursor_key] + offset) % len(brands)]
        self._brand_cursor[cursor_key] += 1
        return brand

    # -- providers ---------------------------------------------------------------

    def unique_slug(self, name: str, kommun: KommunSpec) -> str:
        slug = slugify(name)
        if slug in self._slugs:
            slug = f"{slug}-{kommun.slug}"
        candidate, n = slug, 2
        while candidate in self._slugs:
            candidate, n = f"{slug}-{n}", n + 1
        self._slugs.add(candidate)
        return candidate

    def build(self) -> None:
        for kommun in KOMMUNER:
            for service_type in SERVICE_TYPE_IDS:
                total, n_kommunal, n_ideburen = (n * self.scale for n in kommun.plan[service_type])
                forms = (
                    ["kommunal"] * n_kommunal
                    + ["ideburen"] * n_ideburen
                    + ["privat"] * (total - n_kommunal - n_ideburen)
                )
                areas = place_units(self.rng, kommun, total)
                for index, (driftsform, area) in enumerate(zip(forms, areas, strict=True)):
                    unit = UnitPlan(kommun, service_type, driftsform, area, index)
                    self.providers.append(self.make_provider(unit))

    def unit_name(self, unit: UnitPlan, brand: Brand | None) -> str:
        kommun, service_type = unit.kommun, unit.service_type
        if brand is None:  # the kommun's own unit
            if service_type == "hemtjanst":
                owner = kommun.org_name.replace(" kommun", " kommuns").replace(" stad", " stads")
                name = f"{owner} hemtjänst"
                if kommun.plan["hemtjanst"][1] * self.scale > 1:
                    parts = (", norra", ", södra", ", västra", ", östra")
                    i = unit.index
                    name += parts[i] if i < len(parts) else f", team {i + 1}"
                return name
            if service_type == "sarskilt-boende":
                return self._boende_names.next()
            if service_type == "forskola":
                return f"Förskolan {self._forskola_names.next()}"
            return self._skola_names.next()
        if service_type == "forskola":
            return brand.unit_name.format(base=self._forskola_names.next())
        if service_type == "sarskilt-boende":
            return brand.unit_name.format(base=self._boende_names.next())
        # Chains name their units after the kommun, or the area when there are several.
        name = brand.unit_name.format(place=kommun.name)
        if name in self._names:
            name = brand.unit_name.format(place=unit.area.name)
        return name

    def organisation_for(self, unit: UnitPlan, brand: Brand | None, name: str) -> Organisation:
        if brand is None:
            return self.kommun_org(unit.kommun)
        if brand.key == "foraldrakooperativ":  # each parent co-operative is its own body
            base = name.removeprefix("Föräldrakooperativet ")
            return self.organisation(
                slugify(f"foraldrakooperativet-{base}-{unit.kommun.slug}"),
                brand.name.format(base=base),
                brand.driftsform,
            )
        return self.organisation(brand.key, brand.name, brand.driftsform)

    def make_provider(self, unit: UnitPlan) -> Provider:
        rng = self.rng
        kommun, service_type, driftsform = unit.kommun, unit.service_type, unit.driftsform
        brand = None if driftsform == "kommunal" else self.next_brand(unit)
        name = self.unit_name(unit, brand)
        self._names.add(name)
        org = self.organisation_for(unit, brand, name)
        slug = self.unique_slug(name, kommun)

        area = unit.area
        if service_type == "hemtjanst" and area.outer:
            area = next(a for a in kommun.areas if not a.outer)  # offices sit centrally
        grades = ""
        if service_type == "grundskola":
            # Every kommun has at least one school with year 9.
            grades = "F–9" if unit.index == 0 else rng.choice(("F–6", "F–6", "F–9", "7–9"))
        capacity = base_capacity(rng, service_type, driftsform, grades)
        capacity = round(capacity * kommun.capacity_factor * (0.45 if area.outer else 1.0))
        if brand and brand.small:
            capacity = round(capacity * 0.4)
        capacity = max(capacity, {"hemtjanst": 12, "sarskilt-boende": 24}.get(service_type, 14))

        lat, lon = jitter(rng, area.lat, area.lon, 1.0)
        hours_text, weekly_hours = opening_hours(rng, service_type, grades)
        # Start years stay >= 1990: the loader reads started_year with its Year type.
        if service_type == "hemtjanst":
            areas = hemtjanst_areas(rng, kommun, driftsform, unit.index)
            # Private home care came with LOV in 2009; the kommun's own is older.
            started = (
                rng.randint(1990, 2008) if driftsform == "kommunal" else rng.randint(2009, 2021)
            )
        else:
            areas = [area.slug]
            started = (
                rng.randint(1990, 2021) if driftsform == "kommunal" else rng.randint(1992, 2021)
            )
        return Provider(
            slug=slug,
            name=name,
            service_type=service_type,
            kommun=kommun,
            organisation=org,
            area=area,
            street=f"{rng.choice(STREETS)} {rng.randint(1, 48)}",
            postal_code=nearest_postal_code(area, lat, lon, self.postal_coords),
            lat=lat,
            lon=lon,
            capacity=capacity,
            languages=pick_languages(rng, service_type, brand),
            profiles=pick_profiles(rng, service_type, brand),
            areas=areas,
            started_year=started,
            opening_hours=hours_text,
            weekly_hours=weekly_hours,
            phone=f"{PHONE_PREFIX}{len(self.providers) % 100:02d}",
            email=f"{slug[:40].rstrip('-')}@{EMAIL_DOMAIN}",
            website=f"https://{EMAIL_DOMAIN}/{slug}" if rng.random() < 0.8 else "",
            grades=grades,
            quality=rng.gauss(0, 1),
        )

    def mark_special_cases(self) -> None:
        """The awkward cases the sample must show, chosen by rule, not by chance."""
        new = next(
            p
            for p in self.providers
            if p.kommun.code == "0160"
            and p.service_type == "forskola"
            and p.organisation.driftsform == "privat"
        )
        new.started_year = 2023
        closed = next(
            p
            for p in self.providers
            if p.kommun.code == "0117"
            and p.service_type == "hemtjanst"
            and p.organisation.driftsform == "privat"
        )
        closed.accepting_new = False

    def finish(self) -> None:
        """Capacity history, presentations: everything that needs the final flags."""
        for i, provider in enumerate(self.providers):
            provider.capacity_by_year = capacity_history(self.rng, provider)
            if i % 29 == 11:
                continue  # a few providers have written no presentation
            provider.presentation = presentation(self.rng, provider)
            first = max(date(2022, 1, 10), date(provider.started_year, 3, 1))
            provider.presentation_updated = random_date(self.rng, first, date(2026, 10, 30))


def capacity_history(rng: random.Random, provider: Provider) -> dict[int, int]:
    """Yearly size, ending at the current capacity in the last year."""
    growth = rng.gauss(0.02, 0.05)
    if provider.service_type == "sarskilt-boende":
        growth = 0.0  # places change only when the building does
    history = {LAST_YEAR: provider.capacity}
    value = float(provider.capacity)
    for year in reversed(YEARS[:-1]):
        value = value / (1 + growth + rng.gauss(0, 0.03 if growth else 0.0))
        history[year] = max(5, round(value))
    if provider.started_year >= FIRST_YEAR:
        # A new unit grows into its size.
        history[provider.started_year] = max(5, round(provider.capacity * 0.6))
    return dict(sorted(history.items()))


# ---------------------------------------------------------------------------
# Presentations (the provider's own words)
# ---------------------------------------------------------------------------

PROFILE_SENTENCES = {
    "demens": "Flera av oss har vidareutbildning i demensvård.",
    "finskspråkig": (
        "Vi talar finska och svenska och firar gärna finska högtider tillsammans med dig."
    ),
    "HBTQ-certifierad": (
        "Vi är HBTQ-certifierade och vill att alla ska känna sig välkomna och sedda."
    ),
    "palliativ vård": "Vi har särskild kunskap om vård i livets slutskede.",
    "somatik": "Hos oss bor personer som behöver mycket stöd på grund av fysisk sjukdom.",
    "psykiatri": "Vi har lång erfarenhet av att ge stöd till äldre med psykisk ohälsa.",
    "finskspråkig avdelning": "En av våra avdelningar är finskspråkig.",
    "Montessori": (
        "Vi arbetar med Montessoripedagogik, där varje barn får utvecklas i sin egen takt."
    ),
    "Reggio Emilia": (
        "Vi är inspirerade av Reggio Emilia och arbetar i projekt utifrån barnens egna frågor."
    ),
    "I Ur och Skur": "Vi är en I Ur och Skur-förskola och är ute i skogen nästan varje dag.",
    "språkprofil": "Vi har en språkprofil och använder både svenska och engelska i vardagen.",
    "musikprofil": "Musik är en del av varje dag, och alla får sjunga och spela tillsammans.",
    "idrottsprofil": "Vi har rörelse varje dag och samarbetar med föreningar i närheten.",
    "tvåspråkig": "Undervisningen sker på både svenska och engelska.",
    "NO-profil": "Vi har extra tid för naturvetenskap och teknik, med eget labb.",
}

GENERAL_SENTENCES = {
    "hemtjanst": (
        "Du får ett litet och fast team som lär känna dig och dina vanor.",
        "Vi planerar besöken tillsammans med dig och dina närstående.",
        "Du har alltid en kontaktperson som du kan ringa direkt.",
        "Vi lagar gärna mat tillsammans med dig och tar en promenad när vädret tillåter.",
    ),
    "sarskilt-boende": (
        "Vi lagar maten i eget kök varje dag.",
        "Varje vecka har vi sångstund, promenadgrupp och gudstjänst.",
        "Närstående är alltid välkomna att äta med oss.",
        "Alla lägenheter har egen uteplats eller balkong.",
    ),
    "forskola": (
        "Vi lagar all mat själva med mycket grönsaker.",
        "Vi har nära till skogen och går på utflykt varje vecka.",
        "Inskolningen gör vi tillsammans med er vårdnadshavare under tre dagar.",
        "Vi arbetar i små grupper så att alla barn blir sedda.",
    ),
    "grundskola": (
        "Trygghet och studiero är våra viktigaste mål.",
        "Vi har skolbibliotek och elevhälsa på plats varje dag.",
        "Alla elever har en mentor som följer dem genom skolåren.",
        "Vi lagar skollunchen i eget kök.",
    ),
}


def presentation(rng: random.Random, p: Provider) -> str:
    areas_by_slug = {a.slug: a.name for a in p.kommun.areas}
    if p.service_type == "hemtjanst":
        served = [areas_by_slug[s] for s in p.areas]
        where = f"hela {p.kommun.name}" if len(served) == len(p.kommun.areas) else join_sv(served)
        opening = f"Vi ger hemtjänst i {where}."
    elif p.service_type == "sarskilt-boende":
        opening = f"Vårt boende har {p.capacity} lägenheter i {p.area.name}."
    elif p.service_type == "forskola":
        opening = f"Vi är en förskola i {p.area.name} med omkring {p.capacity} barn."
    else:
        opening = f"Vi är en {p.grades}-skola i {p.area.name} med cirka {p.capacity} elever."
    sentences = [opening]
    sentences += [PROFILE_SENTENCES[x] for x in p.profiles if x in PROFILE_SENTENCES][:1]
    extra_langs = [lang for lang in p.languages if lang != "svenska"]
    if extra_langs and len(sentences) < 2:
        sentences.append(f"I personalgruppen talar vi också {join_sv(extra_langs[:3])}.")
    if not p.accepting_new:
        sentences.append("Just nu tar vi inte emot nya kunder.")
    if p.started_year >= 2023:
        sentences.append(f"Vi öppnade {p.started_year} och har fortfarande platser kvar.")
    if len(sentences) < 4 and rng.random() < 0.7:
        sentences.append(rng.choice(GENERAL_SENTENCES[p.service_type]))
    title = "rektor" if p.service_type in {"forskola", "grundskola"} else "enhetschef"
    if len(sentences) < 4:
        sentences.append(f"Välkommen att höra av dig! {person(rng)}, {title}")
    return " ".join(sentences[:4])


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def direction_sign(spec: IndicatorSpec) -> int:
    return {"higher": 1, "lower": -1}.get(spec.direction, 0)


def provider_years(p: Provider, spec: IndicatorSpec) -> list[int]:
    if spec.grade9 and p.grades == "F–6":
        return []
    if spec.gen.kind == "hours" and not p.weekly_hours:
        return []
    first = max(spec.first_year, p.started_year)
    return [y for y in YEARS if y >= first]


def true_series(
    rng: random.Random,
    p: Provider,
    spec: IndicatorSpec,
    years: list[int],
    kommun_shift: float,
) -> dict[int, float]:
    """The provider's real (unpublished) value per year."""
    g = spec.gen
    if g.kind == "capacity":
        return {y: float(p.capacity_by_year[y]) for y in years}
    if g.kind == "hours":
        return {y: p.weekly_hours for y in years}
    if g.kind == "per_size":
        # Better units get fewer complaints, but size matters most.
        rate = g.mean * math.exp(-0.25 * p.quality)
        return {y: float(poisson(rng, p.capacity_by_year[y] / 100 * rate)) for y in years}
    if g.kind == "rolling3":
        chance = g.mean * math.exp(-0.4 * p.quality)
        events = {y: int(rng.random() < chance) for y in range(FIRST_YEAR - 2, LAST_YEAR + 1)}
        return {y: float(events[y] + events[y - 1] + events[y - 2]) for y in years}
    sign = direction_sign(spec)
    base = g.mean + sign * p.quality * g.sd * 0.55 + kommun_shift * g.sd + rng.gauss(0, g.sd * 0.75)
    slope = rng.gauss(0, g.trend)
    return {y: clip(base + slope * (y - 2022) + rng.gauss(0, g.noise), g.lo, g.hi) for y in years}


def survey_sample(
    rng: random.Random, p: Provider, spec: IndicatorSpec, year: int
) -> tuple[int, float]:
    """Number of answers and response rate for one provider and year."""
    assert spec.respondents
    asked = p.capacity_by_year[year] * SURVEY_POPULATION[spec.respondents]
    rate = clip(rng.gauss(66, 10), 45, 85)
    n = max(0, round(asked * rate / 100) - rng.randint(0, 2))
    return n, round(rate, 1)


def few_pupils_in_year9(p: Provider, year: int) -> bool:
    """Skolverket withholds year-9 results based on few pupils."""
    return p.grades != "F–6" and p.capacity_by_year[year] / (9 if p.grades == "F–9" else 3) < 15


def build_figures(
    rng: random.Random, providers: list[Provider]
) -> dict[tuple[str, str], list[Figure]]:
    """Every provider × indicator series, with status decided."""
    shifts = {(k.code, st): rng.gauss(0, 0.3) for k in KOMMUNER for st in SERVICE_TYPE_IDS}
    figures: dict[tuple[str, str], list[Figure]] = {}
    for p in providers:
        # One survey sample per provider and year; questions lose a few answers each.
        samples: dict[tuple[str, int], tuple[int, float]] = {}
        for spec in INDICATORS_BY_TYPE[p.service_type]:
            years = provider_years(p, spec)
            truth = true_series(rng, p, spec, years, shifts[(p.kommun.code, p.service_type)])
            series: list[Figure] = []
            for year in years:
                fig = Figure(year=year, true_value=truth[year])
                if spec.source_kind == "survey":
                    assert spec.respondents and spec.min_n
                    key = (spec.respondents, year)
                    if key not in samples:
                        samples[key] = survey_sample(rng, p, spec, year)
                    n, rate = samples[key]
                    fig.n_answers = max(0, n - rng.randint(0, 1))
                    fig.response_rate = rate
                    if fig.n_answers < spec.min_n:
                        fig.status = "too_few"
                roll = rng.random()
                if fig.status == "ok" and spec.grade9 and few_pupils_in_year9(p, year):
                    fig.status = "too_few"
                elif fig.status == "ok" and roll < spec.p_missing:
                    fig.status = "missing"
                elif spec.gen.kind == "normal" and roll > 0.99:
                    continue  # no row at all: the source simply has nothing
                series.append(fig)
            figures[(p.slug, spec.id)] = series
    return figures


def value_rows(
    providers: list[Provider], figures: dict[tuple[str, str], list[Figure]]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for p in providers:
        for spec in INDICATORS_BY_TYPE[p.service_type]:
            for fig in figures[(p.slug, spec.id)]:
                if not published_in(spec, fig.year):
                    continue
                ok = fig.status == "ok"
                rows.append(
                    {
                        "provider_slug": p.slug,
                        "indicator_id": spec.id,
                        "year": str(fig.year),
                        "period": period_label(spec, fig.year),
                        "value": fmt_number(fig.true_value if ok else None, spec.decimals),
                        "n_answers": "" if fig.n_answers is None else str(fig.n_answers),
                        "response_rate": fmt_number(fig.response_rate, 1),
                        "status": fig.status,
                        "source": spec.value_source,
                        "published": ""
                        if fig.status == "missing"
                        else published_date(spec, fig.year),
                        "fetched": spec.fetched,
                    }
                )
    return rows


def reference_rows(
    rng: random.Random,
    providers: list[Provider],
    figures: dict[tuple[str, str], list[Figure]],
) -> list[dict[str, str]]:
    """Kommun values near the mean of their units; Sweden from the indicator's national level."""
    by_kommun_and_type: dict[tuple[str, str], list[Provider]] = defaultdict(list)
    for p in providers:
        by_kommun_and_type[(p.kommun.code, p.service_type)].append(p)
    rows: list[dict[str, str]] = []
    for spec in INDICATORS:
        # A kommun average of counts keeps one decimal: 0.4 complaints per unit.
        decimals = max(spec.decimals, 1) if spec.unit == "count" else spec.decimals
        for year in YEARS:
            for kommun in KOMMUNER:
                members = [
                    fig
                    for p in by_kommun_and_type[(kommun.code, spec.service_type)]
                    for fig in figures[(p.slug, spec.id)]
                    if fig.year == year
                ]
                row = kommun_reference(rng, spec, kommun.code, year, members, decimals)
                rows.extend([row] if published_in(spec, year) else [])
            row = national_reference(rng, spec, year, decimals)
            rows.extend([row] if published_in(spec, year) else [])
    return rows


def published_in(spec: IndicatorSpec, year: int) -> bool:
    """Whether the source published the indicator for `year`. Figures for later years are
    still drawn (and dropped) so that every other figure stays the same for a given seed."""
    return spec.discontinued_after is None or year <= spec.discontinued_after


def _reference_row(
    spec: IndicatorSpec,
    code: str,
    year: int,
    value: float | None,
    decimals: int,
    status: str,
    n: int | None = None,
    rate: float | None = None,
) -> dict[str, str]:
    if spec.unit == "percent" and value is not None:
        value = clip(value, 0, 100)
    return {
        "indicator_id": spec.id,
        "municipality_code": code,
        "year": str(year),
        "period": period_label(spec, year),
        "value": fmt_number(value if status == "ok" else None, decimals),
        "n_answers": "" if n is None else str(n),
        "response_rate": fmt_number(rate, 1),
        "status": status,
        "source": spec.value_source,
        "published": "" if status == "missing" else published_date(spec, year),
        "fetched": spec.fetched,
        "basis": reference_basis(spec),
    }


def reference_basis(spec: IndicatorSpec) -> str:
    """What a drawn reference is: the source's own figure (surveys weighted by answers, the
    national registers), or a mean of the units' figures (the kommun's follow-up,
    inspections, the providers' own figures), labelled so on the pages."""
    official = spec.source_kind == "survey" or (
        spec.source_kind == "register" and not spec.source_name.startswith("Kommunens")
    )
    return "official" if official else "unit_mean"


def kommun_reference(
    rng: random.Random,
    spec: IndicatorSpec,
    code: str,
    year: int,
    members: list[Figure],
    decimals: int,
) -> dict[str, str]:
    if not members:
        return _reference_row(spec, code, year, None, decimals, "missing")
    if spec.source_kind == "survey":
        n = sum(f.n_answers or 0 for f in members)
        if n == 0:
            return _reference_row(spec, code, year, None, decimals, "missing")
        value = sum(f.true_value * (f.n_answers or 0) for f in members) / n
        rate = sum((f.response_rate or 0) * (f.n_answers or 0) for f in members) / n
        status = "too_few" if spec.min_n and n < spec.min_n else "ok"
        return _reference_row(spec, code, year, value, decimals, status, n, rate)
    value = sum(f.true_value for f in members) / len(members)
    if spec.gen.kind == "normal":
        value += rng.gauss(0, spec.gen.noise * 0.3)  # the kommun also counts units not listed here
        value = clip(value, spec.gen.lo, spec.gen.hi)
    return _reference_row(spec, code, year, value, decimals, "ok")


def national_reference(
    rng: random.Random, spec: IndicatorSpec, year: int, decimals: int
) -> dict[str, str]:
    g = spec.gen
    if g.national is None:
        # Kommun follow-up, the kommun's own survey and providers' own figures
        # have no national counterpart.
        return _reference_row(spec, RIKET, year, None, decimals, "missing")
    value = g.national + g.national_trend * (year - 2022) + rng.gauss(0, g.noise * 0.25)
    n = rate = None
    if spec.source_kind == "survey":
        n = {"hemtjanst": 78000, "boende": 24000, "vardnadshavare": 95000, "elever": 180000}[
            spec.respondents or ""
        ] + rng.randint(-3000, 3000)
        rate = round(rng.uniform(52, 64), 1)
    return _reference_row(spec, RIKET, year, value, decimals, "ok", n, rate)


def level_rows() -> list[dict[str, str]]:
    by_id = {spec.id: spec for spec in INDICATORS}
    rows: list[dict[str, str]] = []
    for code, decisions in LEVEL_DECISIONS.items():
        for decided_by, ids, shift in decisions:
            for indicator_id in ids:
                spec = by_id[indicator_id]
                good, approved = LEVEL_DEFAULTS[indicator_id]
                step = shift * LEVEL_STEP[spec.unit] / (5 if spec.decimals == 2 else 1)
                # Shift in the indicator's direction: positive is stricter.
                sign = direction_sign(spec)
                good, approved = good + sign * step, approved + sign * step
                # "Socialnämnden 2024-02-21": the body, and the day it decided.
                body, _, day = decided_by.rpartition(" ")
                rows.append(
                    {
                        "kommun_code": code,
                        "indicator_id": indicator_id,
                        "valid_from": "",
                        "good": fmt_number(good, spec.decimals),
                        "approved": fmt_number(approved, spec.decimals),
                        "decided_by": body,
                        "decided_on": day,
                    }
                )
                for valid_from, decided_on, good_then, approved_then in LEVEL_CHANGES.get(
                    (code, indicator_id), []
                ):
                    rows.append(
                        rows[-1]
                        | {
                            "valid_from": str(valid_from),
                            "good": fmt_number(good_then, spec.decimals),
                            "approved": fmt_number(approved_then, spec.decimals),
                            "decided_on": decided_on,
                        }
                    )
    return rows


# Levels a kommun later raised, so the history shows (app.figures.level_in_force):
# (kommun, indicator) -> [(from year, decided on, good, approved)].
LEVEL_CHANGES: dict[tuple[str, str], list[tuple[int, str, float, float]]] = {
    ("0160", "U21468"): [(2024, "2023-11-22", 94, 86)],
}


# ---------------------------------------------------------------------------
# Rows for the simple files
# ---------------------------------------------------------------------------


def kommun_rows() -> list[dict[str, str]]:
    return [{"code": k.code, "name": k.name, "slug": k.slug} for k in KOMMUNER]


def organisation_rows(organisations: Iterable[Organisation]) -> list[dict[str, str]]:
    return [
        {"key": o.key, "name": o.name, "org_nr": o.org_nr, "driftsform": o.driftsform}
        for o in organisations
    ]


def provider_rows(providers: list[Provider]) -> list[dict[str, str]]:
    return [
        {
            "slug": p.slug,
            "name": p.name,
            "service_type": p.service_type,
            "kommun_code": p.kommun.code,
            "organisation_key": p.organisation.key,
            "street": p.street,
            "postal_code": p.postal_code,
            "city": p.area.locality,
            "lat": f"{p.lat:.5f}",
            "lon": f"{p.lon:.5f}",
            "capacity": str(p.capacity),
            "languages": "|".join(p.languages),
            "profiles": "|".join(p.profiles),
            "areas": "|".join(p.areas),
            "school_years": p.grades.replace("–", "-"),
            "accepting_new": "ja" if p.accepting_new else "nej",
            "started_year": str(p.started_year),
            "opening_hours": p.opening_hours,
            "phone": p.phone,
            "email": p.email,
            "website": p.website,
            "presentation": p.presentation,
            "presentation_updated": p.presentation_updated,
        }
        for p in providers
    ]


# Plain short titles for cards and table rows (issue 10), by indicator id: (sv, en).
SHORT_TITLES: dict[str, tuple[str, str]] = {
    "utforare-hemtjanst-flersprakig-personal": (
        "Personal som talar flera språk",
        "Staff who speak several languages",
    ),
    "sos-hemtjanst-personalkontinuitet": (
        "Antal personal kunden möter på 14 dagar",
        "Staff a client meets in 14 days",
    ),
    "kommun-hemtjanst-adekvat-utbildning": (
        "Personal med rätt utbildning",
        "Staff with the right training",
    ),
    "kommun-hemtjanst-tillsvidareanstallda": (
        "Personal med fast anställning",
        "Staff on permanent contracts",
    ),
    "kommun-hemtjanst-genomforandeplan": (
        "Kunder med aktuell genomförandeplan",
        "Clients with an up-to-date care plan",
    ),
    "kommun-hemtjanst-klagomal": (
        "Klagomål och lex Sarah per år",
        "Complaints and lex Sarah reports a year",
    ),
    "ivo-hemtjanst-beslut-kritik": (
        "Kritik från IVO, senaste tre åren",
        "Criticism from IVO, last three years",
    ),
    "kommun-hemtjanst-antal-kunder": ("Antal kunder", "Number of clients"),
    "U21468": ("Nöjd med hemtjänsten som helhet", "Satisfied with home care overall"),
    "U21504": ("Bra bemötande från personalen", "Treated well by the staff"),
    "U21505": ("Känner sig trygg med hemtjänsten", "Feels safe with home care"),
    "U21463": ("Personalen tar hänsyn till åsikter", "Staff consider views and wishes"),
    "U21477": ("Förtroende för personalen", "Trust in the staff"),
    "U21465": ("Får veta om förändringar i förväg", "Told about changes in advance"),
    "U21481": ("Lätt att få kontakt med personalen", "Easy to reach the staff"),
    "utforare-sarskilt-boende-flersprakig-personal": (
        "Personal som talar flera språk",
        "Staff who speak several languages",
    ),
    "utforare-sarskilt-boende-aktiviteter": (
        "Gemensamma aktiviteter per vecka",
        "Group activities a week",
    ),
    "U23493": ("Personal per plats en helgdag", "Staff per place on a weekend day"),
    "U23496": ("Personal med rätt utbildning, helgdag", "Staff with the right training, weekend"),
    "kommun-sarskilt-boende-tillsvidareanstallda": (
        "Personal med fast anställning",
        "Staff on permanent contracts",
    ),
    "sos-sarskilt-boende-lakemedelsgenomgang": (
        "Boende vars läkemedel gåtts igenom i år",
        "Residents with a medication review",
    ),
    "senioralert-sarskilt-boende-riskbedomning": (
        "Boende med riskbedömning för fall m.m.",
        "Residents assessed for falls and more",
    ),
    "ivo-sarskilt-boende-beslut-kritik": (
        "Kritik från IVO, senaste tre åren",
        "Criticism from IVO, last three years",
    ),
    "kommun-sarskilt-boende-antal-platser": ("Antal platser", "Number of places"),
    "U23471": ("Nöjd med boendet som helhet", "Satisfied with the home overall"),
    "U23520": ("Bra bemötande från personalen", "Treated well by the staff"),
    "U23467": ("Nöjd med maten", "Satisfied with the food"),
    "U23521": ("Känner sig trygg på boendet", "Feels safe in the home"),
    "U23461": ("Personalen tar hänsyn till åsikter", "Staff consider views and wishes"),
    "U23470": ("Nöjd med aktiviteterna", "Satisfied with the activities"),
    "U23481": ("Besväras ofta av ensamhet", "Often troubled by loneliness"),
    "utforare-forskola-oppettid": ("Öppet antal timmar per vecka", "Hours open a week"),
    "utforare-forskola-flersprakig-personal": (
        "Personal som talar flera språk",
        "Staff who speak several languages",
    ),
    "N11811": ("Barn per legitimerad förskollärare", "Children per certified preschool teacher"),
    "N11808": ("Andel legitimerade förskollärare", "Share of certified preschool teachers"),
    "N11102": ("Barn per anställd", "Children per employee"),
    "N11701": ("Barn per barngrupp", "Children per group"),
    "skolinspektionen-forskola-brister": (
        "Brister vid tillsyn, senaste tre åren",
        "Inspection shortcomings, last three years",
    ),
    "kommun-forskola-klagomal": ("Klagomål per år", "Complaints a year"),
    "kommun-forskola-antal-barn": ("Antal barn", "Number of children"),
    "kommun-forskola-nojdhet": (
        "Föräldrar nöjda med förskolan",
        "Parents satisfied with the preschool",
    ),
    "kommun-forskola-trygghet": (
        "Barnet känner sig tryggt, enligt föräldrar",
        "The child feels safe, say parents",
    ),
    "kommun-forskola-utveckling": (
        "Förskolan stimulerar barnets utveckling",
        "Stimulates the child's development",
    ),
    "kommun-forskola-information": (
        "Bra information om barnets utveckling",
        "Good information on the child's progress",
    ),
    "utforare-grundskola-fritids-oppettid": (
        "Fritids öppet antal timmar per vecka",
        "After-school centre hours a week",
    ),
    "utforare-grundskola-flersprakig-personal": (
        "Personal som talar flera språk",
        "Staff who speak several languages",
    ),
    "averageGradesMeritRating9thGrade": ("Meritvärde i årskurs 9", "Merit rating in year 9"),
    "ratioOfPupilsIn9thGradeWithAllSubjectsPassed": (
        "Godkända i alla ämnen i årskurs 9",
        "Passed all subjects in year 9",
    ),
    "ratioOfPupils9thGradeEligibleForNationalProgramYR": (
        "Behöriga till gymnasiets yrkesprogram",
        "Eligible for vocational programmes",
    ),
    "skolverket-salsa-meritvarde-avvikelse": (
        "Meritvärde jämfört med väntat (SALSA)",
        "Merit rating against expected (SALSA)",
    ),
    "certifiedTeachersQuota": (
        "Legitimerade och behöriga lärare",
        "Certified and qualified teachers",
    ),
    "studentsPerTeacherQuota": ("Elever per lärare", "Pupils per teacher"),
    "skolinspektionen-grundskola-brister": (
        "Brister vid tillsyn, senaste tre åren",
        "Inspection shortcomings, last three years",
    ),
    "totalNumberOfPupils": ("Antal elever", "Number of pupils"),
    "custodiansgr.satisfactionAverage": (
        "Vårdnadshavare nöjda med skolan",
        "Guardians satisfied with the school",
    ),
    "custodiansgr.securityAverage": (
        "Barnet känner sig tryggt, enligt föräldrar",
        "The child feels safe, say guardians",
    ),
    "pupilsgr.securityAverage": ("Eleverna känner sig trygga", "Pupils feel safe"),
    "pupilsgr.workingEnvironmentAverage": ("Studiero på lektionerna", "Calm to work in lessons"),
    "pupilsgr.inspirationAverage": ("Eleverna känner sig stimulerade", "Pupils feel stimulated"),
    "skolverket-gran-certifiedTeachersQuota": (
        "Anpassad grundskola: behöriga lärare",
        "Adapted school: qualified teachers",
    ),
    "skolverket-gran-studentsPerTeacherQuota": (
        "Anpassad grundskola: elever per lärare",
        "Adapted school: pupils per teacher",
    ),
    "skolverket-gran-totalNumberOfPupils": (
        "Anpassad grundskola: antal elever",
        "Adapted school: number of pupils",
    ),
    "skolverket-gran-custodians.satisfactionAverage": (
        "Anpassad grundskola: nöjda föräldrar",
        "Adapted school: guardians satisfied",
    ),
    "skolverket-gran-custodians.securityAverage": (
        "Anpassad grundskola: barnet är tryggt",
        "Adapted school: the child feels safe",
    ),
}


def indicator_rows() -> list[dict[str, str]]:
    rows = []
    for order, spec in enumerate(INDICATORS, start=1):
        rows.append(
            {
                "id": spec.id,
                "service_type": spec.service_type,
                "section": str(spec.section),
                "title_sv": spec.title_sv,
                "title_en": spec.title_en,
                "short_title_sv": SHORT_TITLES.get(spec.id, ("", ""))[0],
                "short_title_en": SHORT_TITLES.get(spec.id, ("", ""))[1],
                "description_sv": spec.description_sv,
                "description_en": spec.description_en,
                "unit": spec.unit,
                "direction": spec.direction,
                "source_kind": spec.source_kind,
                "source_name": spec.source_name,
                "min_n": "" if spec.min_n is None else str(spec.min_n),
                "key_rank": "" if spec.key_rank is None else str(spec.key_rank),
                "sort_order": str(order * 10),
                "decimals": str(spec.decimals),
                "discontinued_after": ""
                if spec.discontinued_after is None
                else str(spec.discontinued_after),
            }
        )
    return rows


# ---------------------------------------------------------------------------
# Choice guides: how choosing works in each kommun, in its own (invented) words
# ---------------------------------------------------------------------------

NUMBER_WORDS = {
    "sv": {2: "två", 3: "tre", 4: "fyra", 5: "fem", 7: "sju", 10: "tio"},
    "en": {2: "two", 3: "three", 4: "four", 5: "five", 7: "seven", 10: "ten"},
}


def in_words(n: int, lang: str) -> str:
    return NUMBER_WORDS[lang].get(n, str(n))


@dataclass(frozen=True)
class Contact:
    name_sv: str
    name_en: str
    phone: str  # the last two digits after PHONE_PREFIX
    email: str  # the part before @
    hours_sv: str
    hours_en: str


@dataclass(frozen=True)
class ChoiceSpec:
    """How one kommun runs choice. The kommuner differ on purpose, as real ones do."""

    care: Contact  # hemtjänst and särskilt boende
    school: Contact  # förskola and grundskola
    # Home care for those who do not choose: "egenregi" (the kommun's own home care)
    # or "turordning" (the kommun takes turns between the providers of the area).
    home_care_default: str
    home_care_change_days: int
    boende_choices: int
    boende_answer_days: int
    boende_wait_sv: str
    boende_wait_en: str
    preschool_choices: int
    preschool_answer_days: int
    school_choice_month: tuple[str, str]  # (sv, en)
    school_answer_month: tuple[str, str]
    school_change_weeks: int
    english: tuple[str, ...]  # service types whose texts the kommun has put into English
    updated_month: int  # the month of 2026 the kommun last went through its texts


_WEEKDAYS = ("Vardagar kl. 8–16", "Weekdays 8 am to 4 pm")
_MORNINGS = ("Vardagar kl. 9–12 och 13–15", "Weekdays 9 am to noon and 1 pm to 3 pm")
_WAIT_SOME_MONTHS = (
    "Det beror på när en plats blir ledig. Ofta tar det några månader.",
    "It depends on when a place becomes free. It often takes a few months.",
)
_WAIT_ASK = (
    "Det beror på hur lång kön är till boendet. Din biståndshandläggare kan berätta hur "
    "lång den är just nu.",
    "It depends on the queue for the home. Your care needs assessor can tell you how long "
    "it is at the moment.",
)

CHOICE: dict[str, ChoiceSpec] = {
    "0114": ChoiceSpec(
        care=Contact("Kundvalskontoret", "The customer choice office", "90", "kundval", *_MORNINGS),
        school=Contact(
            "Kundvalskontoret", "The customer choice office", "91", "skolval", *_MORNINGS
        ),
        home_care_default="egenregi",
        home_care_change_days=14,
        boende_choices=3,
        boende_answer_days=3,
        boende_wait_sv=_WAIT_SOME_MONTHS[0],
        boende_wait_en=_WAIT_SOME_MONTHS[1],
        preschool_choices=5,
        preschool_answer_days=14,
        school_choice_month=("januari", "January"),
        school_answer_month=("mars", "March"),
        school_change_weeks=2,
        english=(),
        updated_month=3,
    ),
    "0117": ChoiceSpec(
        care=Contact(
            "Biståndsenheten", "The care needs assessment unit", "92", "bistand", *_WEEKDAYS
        ),
        school=Contact(
            "Kundval förskola och skola", "School and preschool choice", "93", "kundval", *_WEEKDAYS
        ),
        home_care_default="turordning",
        home_care_change_days=10,
        boende_choices=3,
        boende_answer_days=2,
        boende_wait_sv=_WAIT_ASK[0],
        boende_wait_en=_WAIT_ASK[1],
        preschool_choices=4,
        preschool_answer_days=10,
        school_choice_month=("januari", "January"),
        school_answer_month=("april", "April"),
        school_change_weeks=3,
        english=(),
        updated_month=5,
    ),
    "0160": ChoiceSpec(
        care=Contact(
            "Äldreenhetens biståndshandläggare",
            "The care needs assessors for older people",
            "94",
            "aldreenheten",
            *_WEEKDAYS,
        ),
        school=Contact("Kundvalsenheten", "The choice unit", "95", "kundval", *_MORNINGS),
        home_care_default="turordning",
        home_care_change_days=7,
        boende_choices=3,
        boende_answer_days=3,
        boende_wait_sv=_WAIT_SOME_MONTHS[0],
        boende_wait_en=_WAIT_SOME_MONTHS[1],
        preschool_choices=5,
        preschool_answer_days=14,
        school_choice_month=("januari", "January"),
        school_answer_month=("mars", "March"),
        school_change_weeks=2,
        english=SERVICE_TYPE_IDS,
        updated_month=8,
    ),
    "0162": ChoiceSpec(
        care=Contact(
            "Biståndshandläggarna", "The care needs assessors", "96", "bistand", *_WEEKDAYS
        ),
        school=Contact(
            "Barn- och utbildningskontoret",
            "The education office",
            "97",
            "barnochskola",
            *_MORNINGS,
        ),
        home_care_default="egenregi",
        home_care_change_days=14,
        boende_choices=2,
        boende_answer_days=3,
        boende_wait_sv=_WAIT_ASK[0],
        boende_wait_en=_WAIT_ASK[1],
        preschool_choices=3,
        preschool_answer_days=14,
        school_choice_month=("februari", "February"),
        school_answer_month=("april", "April"),
        school_change_weeks=2,
        english=("hemtjanst", "sarskilt-boende"),
        updated_month=2,
    ),
    "0187": ChoiceSpec(
        care=Contact(
            "Socialkontoret, äldreomsorgen",
            "The social services office, care for older people",
            "98",
            "socialkontoret",
            *_MORNINGS,
        ),
        school=Contact("Kontaktcenter", "The contact centre", "99", "kontaktcenter", *_WEEKDAYS),
        home_care_default="egenregi",
        home_care_change_days=14,
        boende_choices=3,
        boende_answer_days=3,
        boende_wait_sv=_WAIT_SOME_MONTHS[0],
        boende_wait_en=_WAIT_SOME_MONTHS[1],
        preschool_choices=3,
        preschool_answer_days=10,
        school_choice_month=("januari", "January"),
        school_answer_month=("mars", "March"),
        school_change_weeks=2,
        english=(),
        updated_month=6,
    ),
}

# Text per service type: {lang: {field: text or [steps]}}. `{...}` are filled per kommun.
GUIDE_TEXTS: dict[str, dict[str, dict[str, str | list[str]]]] = {
    "hemtjanst": {
        "sv": {
            "who_can_choose": (
                "Du som har fått hemtjänst beviljad av kommunen väljer själv vem som ska ge "
                "dig hjälpen. Du väljer bland de utförare som arbetar i den del av kommunen där "
                "du bor, både kommunens egen hemtjänst och privata utförare."
            ),
            "apply_steps": [
                "Kontakta en biståndshandläggare på telefon eller i kommunens e-tjänst och "
                "berätta vilken hjälp du behöver.",
                "Handläggaren utreder vad du behöver, ofta vid ett besök hemma hos dig, och "
                "fattar ett beslut om hemtjänst.",
                "Om du får hemtjänst väljer du utförare. Jämför de utförare som arbetar där du "
                "bor och berätta för handläggaren vilken du vill ha.",
                "Handläggaren meddelar utföraren. Utföraren ringer dig och ni planerar hjälpen "
                "tillsammans.",
            ],
            "if_no_choice:egenregi": (
                "Om du inte väljer får du hjälp av kommunens egen hemtjänst, {default}. Du kan "
                "byta till en annan utförare när du vill."
            ),
            "if_no_choice:turordning": (
                "Om du inte väljer får du en utförare enligt kommunens turordningslista: "
                "kommunen turas om mellan de utförare som arbetar där du bor. Du kan byta till "
                "en annan utförare när du vill."
            ),
            "change_steps": [
                "Bestäm vilken utförare du vill byta till. Jämför de utförare som arbetar där "
                "du bor.",
                "Ring din biståndshandläggare och säg vilken utförare du vill ha. Du behöver "
                "inte säga varför du vill byta.",
                "Handläggaren meddelar både din nuvarande och din nya utförare och bestämmer "
                "vilken dag bytet sker.",
            ],
            "change_takes": (
                "Bytet sker inom {change_days} dagar. Din nuvarande utförare hjälper dig fram "
                "till dess."
            ),
        },
        "en": {
            "who_can_choose": (
                "If the kommun has granted you home care, you choose who provides it. You "
                "choose among the providers that work in the part of the kommun where you "
                "live: the kommun's own home care and private providers alike."
            ),
            "apply_steps": [
                "Contact a care needs assessor (biståndshandläggare) by phone or through the "
                "kommun's e-service and say what help you need.",
                "The assessor looks into what you need, often during a visit to your home, and "
                "decides on home care.",
                "If you are granted home care, you choose a provider. Compare the providers "
                "that work where you live and tell the assessor which one you want.",
                "The assessor tells the provider. The provider calls you and you plan the help "
                "together.",
            ],
            "if_no_choice:egenregi": (
                "If you do not choose, you get help from the kommun's own home care, "
                "{default}. You can change to another provider whenever you like."
            ),
            "if_no_choice:turordning": (
                "If you do not choose, the kommun gives you a provider from its rotating list: "
                "it takes turns between the providers that work where you live. You can change "
                "to another provider whenever you like."
            ),
            "change_steps": [
                "Decide which provider you want to change to. Compare the providers that work "
                "where you live.",
                "Call your care needs assessor and say which provider you want. You do not "
                "have to say why.",
                "The assessor tells both your current and your new provider and sets the day "
                "of the change.",
            ],
            "change_takes": (
                "The change happens within {change_days} days. Your current provider helps you "
                "until then."
            ),
        },
    },
    "sarskilt-boende": {
        "sv": {
            "who_can_choose": (
                "Du som har fått ett beslut om särskilt boende (vård- och omsorgsboende) kan "
                "välja var du vill bo. Du väljer bland alla boenden i kommunen, både kommunens "
                "egna och privata."
            ),
            "apply_steps": [
                "Ansök om särskilt boende hos en biståndshandläggare, på telefon eller i "
                "kommunens e-tjänst.",
                "Handläggaren utreder vad du behöver och fattar ett beslut.",
                "Om du får ett beslut väljer du upp till {choices} boenden, i den ordning du "
                "helst vill bo där. Besök gärna boendena innan du väljer.",
                "När det finns en ledig plats på ett av boendena du valt får du ett "
                "erbjudande. Du har {answer_days} dagar på dig att svara.",
            ],
            "if_no_choice": (
                "Om du inte väljer något boende erbjuds du den första lediga platsen som passar "
                "dina behov. Du kan sedan ställa dig i kö för att flytta till det boende du "
                "helst vill bo på."
            ),
            "change_steps": [
                "Säg till din biståndshandläggare vilket boende du vill flytta till.",
                "Du står i kö till det boendet och bor kvar där du bor tills det finns en plats.",
                "När en plats blir ledig får du ett erbjudande, och du bestämmer dagen för "
                "flytten tillsammans med boendet.",
            ],
            "change_takes": "{boende_wait}",
        },
        "en": {
            "who_can_choose": (
                "If you have been granted a place in a nursing home (särskilt boende), you can "
                "choose where you want to live. You choose among all nursing homes in the "
                "kommun, the kommun's own and private ones alike."
            ),
            "apply_steps": [
                "Apply for a place in a nursing home with a care needs assessor, by phone or "
                "through the kommun's e-service.",
                "The assessor looks into what you need and makes a decision.",
                "If you are granted a place, choose up to {choices} nursing homes, in the "
                "order you would most like to live there. It is a good idea to visit them "
                "before you choose.",
                "When a place becomes free at one of the homes you chose, you get an offer. "
                "You have {answer_days} days to answer.",
            ],
            "if_no_choice": (
                "If you do not choose a nursing home, you are offered the first free place "
                "that meets your needs. You can then join the queue to move to the home you "
                "would most like to live in."
            ),
            "change_steps": [
                "Tell your care needs assessor which nursing home you want to move to.",
                "You join the queue for that home and stay where you live until there is a place.",
                "When a place becomes free you get an offer, and you agree on the day of the "
                "move with the home.",
            ],
            "change_takes": "{boende_wait}",
        },
    },
    "forskola": {
        "sv": {
            "who_can_choose": (
                "Alla barn som bor i kommunen har rätt till förskola från ett års ålder. Du som "
                "är vårdnadshavare väljer förskola, kommunal eller fristående."
            ),
            "apply_steps": [
                "Ansök i kommunens e-tjänst för förskola. Logga in med BankID.",
                "Välj upp till {choices} förskolor i den ordning du helst vill ha dem. Du kan "
                "välja både kommunala och fristående förskolor i samma ansökan.",
                "Ansök senast fyra månader innan du behöver platsen. Platserna fördelas efter "
                "hur länge barnet har stått i kö, och syskon till barn på förskolan går före.",
                "Du får ett erbjudande i e-tjänsten och svarar inom {answer_days} dagar.",
            ],
            "if_no_choice": (
                "Om ingen av förskolorna du valt har plats erbjuds ditt barn en plats på den "
                "närmaste förskolan som har en ledig plats. Barnet kan stå kvar i kö till de "
                "förskolor du helst vill ha."
            ),
            "change_steps": [
                "Gör en ny ansökan i e-tjänsten och välj den förskola du vill byta till.",
                "Ditt barn går kvar på sin förskola tills ni får en plats på den nya.",
                "När du har tackat ja till den nya platsen sägs den gamla upp automatiskt.",
            ],
            "change_takes": (
                "Det beror på kön till den förskola du vill byta till. De flesta byten sker i "
                "augusti eller januari."
            ),
        },
        "en": {
            "who_can_choose": (
                "Every child living in the kommun has the right to a preschool place from the "
                "age of one. As a guardian you choose the preschool, run by the kommun or "
                "independent."
            ),
            "apply_steps": [
                "Apply through the kommun's preschool e-service. Log in with BankID.",
                "Choose up to {choices} preschools in the order you prefer them. You can "
                "choose preschools run by the kommun and independent ones in the same "
                "application.",
                "Apply at least four months before you need the place. Places go by how long "
                "the child has been in the queue, and brothers and sisters of children already "
                "at the preschool go first.",
                "You get an offer in the e-service and answer within {answer_days} days.",
            ],
            "if_no_choice": (
                "If none of the preschools you chose has room, your child is offered a place "
                "at the nearest preschool with a free place. Your child can stay in the queue "
                "for the preschools you prefer."
            ),
            "change_steps": [
                "Make a new application in the e-service and choose the preschool you want to "
                "change to.",
                "Your child stays at the current preschool until you get a place at the new one.",
                "When you accept the new place, the old one ends automatically.",
            ],
            "change_takes": (
                "It depends on the queue for the preschool you want to change to. Most changes "
                "happen in August or January."
            ),
        },
    },
    "grundskola": {
        "sv": {
            "who_can_choose": (
                "Alla barn som ska börja förskoleklass, och elever som vill byta skola, kan "
                "välja skola. Vårdnadshavarna gör valet tillsammans. Ni kan välja både "
                "kommunala och fristående skolor."
            ),
            "apply_steps": [
                "Skolvalet är öppet i {choice_month} det år barnet fyller sex. Kommunen "
                "skickar ett brev hem till er innan det öppnar.",
                "Logga in i kommunens e-tjänst med BankID och välj upp till tre skolor i den "
                "ordning ni helst vill.",
                "Till en fristående skola ställer ni också barnet i skolans egen kö. Varje "
                "fristående skola har egna köregler.",
                "Kommunen placerar eleverna efter syskonförtur och avståndet mellan hemmet och "
                "skolan. Ni får besked i {answer_month}.",
            ],
            "if_no_choice": (
                "Om ni inte väljer skola får barnet en plats på den närmaste skolan som har "
                "plats. Det gäller också om ingen av skolorna ni valt har plats."
            ),
            "change_steps": [
                "Ansök om skolbyte i kommunens e-tjänst. Båda vårdnadshavarna ska godkänna "
                "ansökan.",
                "Den nya skolan svarar om det finns plats i barnets årskurs.",
                "Om det finns plats bestämmer ni tillsammans med skolorna vilken dag barnet "
                "börjar.",
            ],
            "change_takes": (
                "Om det finns plats kan barnet byta skola inom {change_weeks} veckor. Annars "
                "står barnet i kö till skolan."
            ),
        },
        "en": {
            "who_can_choose": (
                "Every child starting the preschool class, and every pupil who wants to change "
                "school, can choose a school. The guardians make the choice together. You can "
                "choose schools run by the kommun and independent schools."
            ),
            "apply_steps": [
                "School choice is open in {choice_month} of the year the child turns six. The "
                "kommun sends you a letter before it opens.",
                "Log in to the kommun's e-service with BankID and choose up to three schools "
                "in the order you prefer.",
                "For an independent school, also put the child in the school's own queue. Each "
                "independent school has its own queue rules.",
                "The kommun places pupils with brothers and sisters at the school first, then "
                "by the distance between home and school. You get an answer in "
                "{answer_month}.",
            ],
            "if_no_choice": (
                "If you do not choose a school, your child gets a place at the nearest school "
                "with room. The same applies if none of the schools you chose has room."
            ),
            "change_steps": [
                "Apply to change school in the kommun's e-service. Both guardians must approve "
                "the application.",
                "The new school answers whether there is room in your child's year.",
                "If there is room, you agree with the schools on the day your child starts.",
            ],
            "change_takes": (
                "If there is room, your child can change school within {change_weeks} weeks. "
                "Otherwise your child joins the school's queue."
            ),
        },
    },
}

CHOICE_GUIDE_COLUMNS = (
    "kommun_code",
    "service_type",
    "who_can_choose",
    "who_can_choose_en",
    "apply_steps",
    "apply_steps_en",
    "apply_url",
    "contact_name",
    "contact_name_en",
    "contact_phone",
    "contact_email",
    "contact_hours",
    "contact_hours_en",
    "if_no_choice",
    "if_no_choice_en",
    "default_provider_slug",
    "change_steps",
    "change_steps_en",
    "change_takes",
    "change_takes_en",
    "updated",
)


def choice_guide_rows(providers: list[Provider]) -> list[dict[str, str]]:
    """One guide per kommun and service type. No randomness: the other files stay as they are."""
    rows: list[dict[str, str]] = []
    for k_index, kommun in enumerate(KOMMUNER):
        spec = CHOICE[kommun.code]
        own_home_care = next(
            p
            for p in providers
            if p.kommun is kommun
            and p.service_type == "hemtjanst"
            and p.organisation.driftsform == "kommunal"
        )
        for s_index, service_type in enumerate(SERVICE_TYPE_IDS):
            care = service_type in ("hemtjanst", "sarskilt-boende")
            contact = spec.care if care else spec.school
            default = (
                own_home_care
                if service_type == "hemtjanst" and spec.home_care_default == "egenregi"
                else None
            )
            texts = {lang: _guide_texts(service_type, spec, lang, default) for lang in ("sv", "en")}
            english = service_type in spec.english
            row = {
                "kommun_code": kommun.code,
                "service_type": service_type,
                "apply_url": f"https://{EMAIL_DOMAIN}/{kommun.slug}/e-tjanster/{service_type}",
                "contact_name": contact.name_sv,
                "contact_name_en": contact.name_en if english else "",
                "contact_phone": f"{PHONE_PREFIX}{contact.phone}",
                "contact_email": f"{contact.email}@{kommun.slug}.{EMAIL_DOMAIN}",
                "contact_hours": contact.hours_sv,
                "contact_hours_en": contact.hours_en if english else "",
                "default_provider_slug": default.slug if default else "",
                "updated": date(2026, spec.updated_month, 2 + 5 * s_index + k_index).isoformat(),
            }
            for name, sv in texts["sv"].items():
                en = texts["en"][name]
                row[name] = sv
                row[f"{name}_en"] = en if english else ""
            rows.append(row)
    return rows


def _guide_texts(
    service_type: str, spec: ChoiceSpec, lang: str, default: Provider | None
) -> dict[str, str]:
    en = lang == "en"
    values = {
        "default": default.name if default else "",
        "change_days": str(spec.home_care_change_days),
        "choices": in_words(
            spec.preschool_choices if service_type == "forskola" else spec.boende_choices, lang
        ),
        "answer_days": in_words(
            spec.preschool_answer_days if service_type == "forskola" else spec.boende_answer_days,
            lang,
        ),
        "boende_wait": spec.boende_wait_en if en else spec.boende_wait_sv,
        "choice_month": spec.school_choice_month[en],
        "answer_month": spec.school_answer_month[en],
        "change_weeks": in_words(spec.school_change_weeks, lang),
    }
    out: dict[str, str] = {}
    for key, text in GUIDE_TEXTS[service_type][lang].items():
        name, _, variant = key.partition(":")
        if variant and variant != spec.home_care_default:
            continue
        if isinstance(text, list):
            out[name] = "|".join(step.format(**values) for step in text)
        else:
            out[name] = text.format(**values)
    return out


def write_csv(path: Path, rows: list[dict[str, str]], columns: Sequence[str] | None = None) -> None:
    columns = list(columns or rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def generate(out_dir: Path, scale: int = 1, seed: int = 2024) -> None:
    """Write the twelve sample CSV files into `out_dir`.

    `scale` multiplies the number of units per kommun and service type (the
    kommuner, areas and indicators stay the same), for benchmarks.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)

    areas, postal_codes, postal_coords = build_areas_and_postal_codes(rng)
    world = World(rng, scale, postal_coords)
    for kommun in KOMMUNER:
        world.kommun_org(kommun)  # the kommuner first, in code order
    world.build()
    world.mark_special_cases()
    world.finish()
    figures = build_figures(rng, world.providers)

    write_csv(out_dir / "kommuner.csv", kommun_rows())
    write_csv(out_dir / "service_types.csv", list(SERVICE_TYPES))
    write_csv(out_dir / "areas.csv", areas)
    write_csv(out_dir / "postal_codes.csv", postal_codes)
    write_csv(out_dir / "organisations.csv", organisation_rows(world.organisations.values()))
    write_csv(out_dir / "providers.csv", provider_rows(world.providers))
    write_csv(out_dir / "indicators.csv", indicator_rows())
    write_csv(out_dir / "values.csv", value_rows(world.providers, figures))
    write_csv(out_dir / "reference_values.csv", reference_rows(rng, world.providers, figures))
    write_csv(
        out_dir / "levels.csv",
        level_rows(),
        (
            "kommun_code",
            "indicator_id",
            "valid_from",
            "good",
            "approved",
            "decided_by",
            "decided_on",
        ),
    )
    write_csv(
        out_dir / "choice_guides.csv", choice_guide_rows(world.providers), CHOICE_GUIDE_COLUMNS
    )
    # Each kommun's own website may frame the widgets (app/embed/origins.py).
    write_csv(
        out_dir / "embed_origins.csv",
        [
            {"kommun_code": k.code, "origin": f"https://www.{k.slug.replace('-', '')}.se"}
            for k in KOMMUNER
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    repo_root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=repo_root / "data" / "sample")
    parser.add_argument("--scale", type=int, default=1, help="units per kommun, multiplied")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    generate(args.out, scale=args.scale, seed=args.seed)
    print(f"Wrote sample data to {args.out}")


if __name__ == "__main__":
    main()
