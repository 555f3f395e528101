"""Skolverket's Planned Educations API v4: a kommun's grundskolor, their statistics,
Skolinspektionen's Skolenkäten results and SALSA, and the national values as reference.

Anpassad grundskola (typeOfSchooling `gran`) is a form of schooling on the same school page:
its figures have their own indicator ids (`skolverket-gran-...`) and their own national
values, so search and comparison only ever compare gran with gran. A unit that offers only
gran is a grundskola unit without gr figures.

Fetch and validate everything first (`fetch_skolverket`), then write it in one transaction
(`write_skolverket`, run through ingest.runs.run_job). Förskolor are not in this API
(Skolverket keeps no open register of them): they come from Kolada and the kommun's files.
"""

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlmodel import Session, select

from app.clock import today_in_sweden
from app.models import (
    IndicatorValue,
    Organisation,
    Provider,
    ProviderSourceId,
    ReferenceValue,
)
from app.models.vocab import Driftsform, ReferenceBasis, ValueStatus
from app.settings import Settings
from ingest import catalogue
from ingest.errors import IngestFailed, InputError
from ingest.external import (
    Figure,
    NoSteps,
    Steps,
    Units,
    check_service_type,
    ensure_definitions,
    merge_figure,
    out_of_range,
    status_for,
)
from ingest.http import Fetched, HttpClient
from ingest.kommuner import ensure_kommun
from ingest.runs import RunResult, run_job
from ingest.validate import Errors
from ingest.writer import Writer

SOURCE = "Skolverket"
ORIGIN = "skolverket"
SWEDEN = "0000"
# The source's own figure for the kommun or the country, never a mean of its units: the
# pages may call it "Hela Täby" / "Hela Sverige" (app.figures.reference_label).
OFFICIAL = ReferenceBasis.OFFICIAL.value
ACCEPT = "application/vnd.skolverket.plannededucations.api.v4.hal+json"
PAGE_SIZE = 100
MAX_PAGES = 500

# principalOrganizerType -> driftsform, every value the v4 OpenAPI documents. Region, Statlig
# and Sameskolan are public huvudmän: our vocabulary splits public from private provision and
# has no other public word, so they are kommunal (Region Gotland is the kommun; the huvudman's
# own name, e.g. Sameskolstyrelsen, is shown as the organisation). A value nobody has
# documented is stored as okänd and counted, never a stopped run.
DRIFTSFORM: dict[str, Driftsform] = {
    "Kommunal": Driftsform.KOMMUNAL,
    "Region": Driftsform.KOMMUNAL,
    "Statlig": Driftsform.KOMMUNAL,
    "Sameskolan": Driftsform.KOMMUNAL,
    "Fristående": Driftsform.PRIVAT,
    "Enskild": Driftsform.PRIVAT,  # older name for fristående, still seen in v3 answers
    "Uppgift saknas": Driftsform.OKAND,
}
# A fristående school whose huvudman is a non-profit body is idéburen (companyForm).
IDEBUREN_COMPANY_FORMS = ("ideell", "stiftelse", "trossamfund")

# statistics/gr fields -> indicator id (the indicator ids are the field names).
STATISTICS: dict[str, str] = {
    "averageGradesMeritRating9thGrade": "averageGradesMeritRating9thGrade",
    "ratioOfPupilsIn9thGradeWithAllSubjectsPassed": "ratioOfPupilsIn9thGradeWithAllSubjectsPassed",
    "ratioOfPupils9thGradeEligibleForNationalProgramYR": (
        "ratioOfPupils9thGradeEligibleForNationalProgramYR"
    ),
    "certifiedTeachersQuota": "certifiedTeachersQuota",
    "studentsPerTeacherQuota": "studentsPerTeacherQuota",
    "totalNumberOfPupils": "totalNumberOfPupils",
}
# surveys/<survey> fields -> indicator id ("<survey>.<field>").
SURVEYS: dict[str, dict[str, str]] = {
    "custodiansgr": {
        "satisfactionAverage": "custodiansgr.satisfactionAverage",
        "securityAverage": "custodiansgr.securityAverage",
    },
    "pupilsgr": {
        "securityAverage": "pupilsgr.securityAverage",
        "workingEnvironmentAverage": "pupilsgr.workingEnvironmentAverage",
        "inspirationAverage": "pupilsgr.inspirationAverage",
    },
}
GRAN = "skolverket-gran-"
# Anpassad grundskola has no merit rating or year-9 eligibility; these are what it shares.
GRAN_STATISTICS = {
    name: f"{GRAN}{name}"
    for name in ("certifiedTeachersQuota", "studentsPerTeacherQuota", "totalNumberOfPupils")
}
GRAN_SURVEYS = {
    "custodiansgran": {
        "satisfactionAverage": f"{GRAN}custodians.satisfactionAverage",
        "securityAverage": f"{GRAN}custodians.securityAverage",
    },
}
PUPILS = ("totalNumberOfPupils", f"{GRAN}totalNumberOfPupils")


@dataclass(frozen=True)
class Form:
    """A form of schooling: where its figures are asked for and which indicators they fill."""

    code: str  # typeOfSchooling, and the path segment of statistics/{code}
    statistics: dict[str, str]
    surveys: dict[str, dict[str, str]]


# Förskoleklass (fsk) belongs to the unit's grundskola and is not read; förskola is not in
# this API.
FORMS = (Form("gr", STATISTICS, SURVEYS), Form("gran", GRAN_STATISTICS, GRAN_SURVEYS))
SALSA_FIELD = "salsaAverageGradesIn9thGradeDeviation"
SALSA = "skolverket-salsa-meritvarde-avvikelse"
SALSA_SOURCE = "Skolverket, SALSA"
# Skolenkäten is Skolinspektionen's survey; Skolverket only publishes it.
SURVEY_SOURCE = "Skolinspektionen, Skolenkäten"
INDICATOR_IDS = sorted(
    {
        SALSA,
        *(i for form in FORMS for i in form.statistics.values()),
        *(i for form in FORMS for s in form.surveys.values() for i in s.values()),
    }
)
VALUE_TYPES = {"EXISTS", "MISSING", "OMITTED_DUE_TO_BASED_ON_FEW_PUPILS"}


@dataclass
class School:
    code: str
    facts: dict[str, Any]  # Provider fields
    organisation: dict[str, Any]  # key, name, org_nr, driftsform
    figures: dict[tuple[str, int], Figure]  # (indicator, year)
    where: str  # the detail request
    warning: str | None = None  # stored, but something about it is not known


@dataclass
class SkolverketData:
    kommun: str
    schools: list[School]
    national: dict[tuple[str, int], Figure]
    rejected: dict[str, int] = field(default_factory=dict)


def skolverket_client(settings: Settings, **kwargs: Any) -> HttpClient:
    return HttpClient(settings, headers={"Accept": ACCEPT}, **kwargs)


def ingest_skolverket(
    settings: Settings,
    kommun: str,
    *,
    dry_run: bool = False,
    reindex: bool = True,
    http: HttpClient | None = None,
    steps: Steps | None = None,
    today: date | None = None,
) -> RunResult:
    """Fetch and check everything, then write it in one transaction (or nothing at all)."""
    client = http or skolverket_client(settings)
    try:
        data = fetch_skolverket(client, settings.skolverket_base_url, kommun, steps=steps)
    finally:
        if http is None:
            client.close()
    if steps:
        steps.step("Skolverket: skriver till databasen")
    day = today or today_in_sweden()
    return run_job(
        settings,
        "skolverket",
        lambda s: write_skolverket(s, data, day),
        dry_run=dry_run,
        reindex=reindex,
    )


def fetch_skolverket(
    http: HttpClient, base_url: str, kommun: str, *, steps: Steps | None = None
) -> SkolverketData:
    steps = steps or NoSteps()
    base = base_url.rstrip("/")
    rejected: dict[str, int] = {}

    steps.step("Skolverket: skolenheter i kommunen")
    codes, list_url = list_school_units(http, base, kommun, rejected, steps)
    if not codes:
        raise IngestFailed(
            [InputError(list_url, None, None, f"inga grundskolor i kommun {kommun}")]
        )

    steps.step("Skolverket: skolor, statistik och Skolenkäten", total=len(codes))

    def one(code: str) -> School:
        try:
            return _school(http, base, code, kommun)
        finally:
            steps.advance()

    schools: list[School] = []
    errors: list[InputError] = []
    with ThreadPoolExecutor(max_workers=http.max_concurrency) as pool:
        for future in [pool.submit(one, code) for code in codes]:
            try:
                school = future.result()
            except IngestFailed as exc:
                errors.extend(exc.errors)
                continue
            if school.warning:
                _reject(rejected, school.warning)
            schools.append(school)
    if errors:
        raise IngestFailed(errors)

    steps.step("Skolverket: SALSA", total=1)
    _add_salsa(http, base, schools)
    steps.advance()
    steps.step("Skolverket: rikets värden", total=len(FORMS))
    national: dict[tuple[str, int], Figure] = {}
    for form in FORMS:
        national |= _national(http, base, form)
        steps.advance()
    return SkolverketData(kommun, sorted(schools, key=lambda s: s.code), national, rejected)


def write_skolverket(session: Session, data: SkolverketData, today: date) -> Writer:
    w = Writer(session)
    for reason, n in data.rejected.items():
        w.reject(reason, n)
    kommun = ensure_kommun(session, data.kommun)
    indicators = ensure_definitions(w, session, INDICATOR_IDS)
    errors: list[InputError] = []
    for indicator in indicators.values():
        check_service_type(indicator, "grundskola", "Skolverket", errors)

    orgs = _organisations(w, session, data.schools)
    units = Units(session, ORIGIN)
    matched: list[Provider] = []
    records: list[dict[str, Any]] = []
    slug_of: dict[str, str] = {}
    for school in data.schools:
        org_id = orgs[school.organisation["key"]].id
        provider = units.get(school.code)
        if provider is None:
            slug_of[school.code] = units.new_slug(school.facts["name"], kommun.name)
            records.append(
                school.facts
                | {
                    "slug": slug_of[school.code],
                    "service_type_id": "grundskola",
                    "kommun_code": data.kommun,
                    "organisation_id": org_id,
                    "origin": ORIGIN,
                }
            )
            continue
        if (provider.service_type_id, provider.kommun_code) != ("grundskola", data.kommun):
            errors.append(
                InputError(
                    school.where,
                    None,
                    "code",
                    f"skolenheten {school.code} hör till utföraren {provider.slug} "
                    f"({provider.service_type_id}, {provider.kommun_code})",
                )
            )
            continue
        matched.append(provider)
        slug_of[school.code] = provider.slug
        if provider.origin == ORIGIN:
            # Skolverket created it, so Skolverket keeps its facts up to date.
            records.append(school.facts | {"slug": provider.slug, "organisation_id": org_id})
        else:
            # The kommun's own data wins; Skolverket only fills what is empty.
            empty = {k: v for k, v in school.facts.items() if getattr(provider, k) in (None, [])}
            records.append(empty | {"slug": provider.slug})
    if errors:
        raise IngestFailed(errors)
    by_slug = w.sync(Provider, ["slug"], records, existing=matched)
    providers = {code: by_slug[(slug,)] for code, slug in slug_of.items()}
    w.sync(
        ProviderSourceId,
        ["source", "external_id"],
        (
            {"source": ORIGIN, "external_id": code, "provider_id": p.id}
            for code, p in sorted(providers.items())
        ),
        existing=session.exec(
            select(ProviderSourceId).where(ProviderSourceId.source == ORIGIN)
        ).all(),
    )

    ids = [p.id for p in providers.values()]
    stored = {
        (v.provider_id, v.indicator_id, v.year): v
        for v in session.exec(
            select(IndicatorValue).where(
                IndicatorValue.provider_id.in_(ids),  # type: ignore[attr-defined]
                IndicatorValue.indicator_id.in_(INDICATOR_IDS),  # type: ignore[attr-defined]
            )
        ).all()
    }
    value_records = []
    for school in data.schools:
        pid = providers[school.code].id
        for (indicator_id, year), figure in school.figures.items():
            key = (pid, indicator_id, year)
            value_records.append(
                merge_figure(figure.fields() | {"provider_id": pid}, stored.get(key), today)
            )
    w.sync(
        IndicatorValue,
        ["provider_id", "indicator_id", "year"],
        value_records,
        existing=stored.values(),
    )

    ref_stored = {
        (r.indicator_id, r.year): r
        for r in session.exec(
            select(ReferenceValue).where(
                ReferenceValue.municipality_code == SWEDEN,
                ReferenceValue.indicator_id.in_(INDICATOR_IDS),  # type: ignore[attr-defined]
            )
        ).all()
    }
    w.sync(
        ReferenceValue,
        ["municipality_code", "indicator_id", "year"],
        (
            merge_figure(
                f.fields() | {"municipality_code": SWEDEN, "basis": OFFICIAL},
                ref_stored.get(key),
                today,
            )
            for key, f in data.national.items()
        ),
        existing=ref_stored.values(),
    )
    return w


def _organisations(
    w: Writer, session: Session, schools: Sequence[School]
) -> dict[str, Organisation]:
    """Each school's huvudman: an existing organisation with the same org.nr, else a new one."""
    wanted = {s.organisation["key"]: s.organisation for s in schools}
    org_nrs = [o["org_nr"] for o in wanted.values()]
    by_nr = {
        o.org_nr: o
        for o in session.exec(
            select(Organisation).where(Organisation.org_nr.in_(org_nrs))  # type: ignore[attr-defined]
        ).all()
    }
    by_key = {
        o.key: o
        for o in session.exec(
            select(Organisation).where(Organisation.key.in_(list(wanted)))  # type: ignore[attr-defined]
        ).all()
    }
    out: dict[str, Organisation] = {}
    new: list[dict[str, Any]] = []
    for key, org in wanted.items():
        found = by_key.get(key) or by_nr.get(org["org_nr"])
        if found is not None:
            out[key] = found  # the kommun's own record of a huvudman is never overwritten
        else:
            new.append(org)
    created = w.sync(Organisation, ["key"], new, existing=[])
    return out | {k[0]: o for k, o in created.items()}


# --- fetching -------------------------------------------------------------------------


def _body(page: Fetched) -> dict[str, Any]:
    data = page.data
    if not isinstance(data, dict) or not isinstance(data.get("body"), dict):
        raise IngestFailed([InputError(page.url, None, "body", "saknas i svaret")])
    if data.get("status") not in (None, "OK", "200 OK"):
        raise IngestFailed(
            [InputError(page.url, None, "status", f"{data.get('status')}: {data.get('message')}")]
        )
    return data["body"]


def list_school_units(
    http: HttpClient, base: str, kommun: str, rejected: dict[str, int], steps: Steps
) -> tuple[list[str], str]:
    """Grundskola units in the kommun, from every page of the list.

    The list is asked for the kommun and skolform, and filtered again here: the filter
    parameters are not in the documented examples, and a server that ignored them would
    only cost more pages, never wrong units.
    """
    errors = Errors()
    codes: list[str] = []
    left_out: dict[str, str] = {}  # code -> reason, so a unit in both lists counts once
    first_url = ""
    wanted = {form.code for form in FORMS}
    pages = [(form.code, n) for form in FORMS for n in range(MAX_PAGES)]
    total_pages: dict[str, int] = {}
    for form_code, page_no in pages:
        if page_no >= total_pages.get(form_code, 1):
            continue
        if page_no == 0:
            errors.raise_if_any()  # the previous list's faults, once, before the next list
        page = http.get_json(
            f"{base}/school-units",
            {
                "geographicalAreaCode": kommun,
                "typeOfSchooling": form_code,
                "coordinateSystemType": "WGS84",
                "page": page_no,
                "size": PAGE_SIZE,
            },
        )
        assert page is not None
        first_url = first_url or page.url
        body = _body(page)
        info = body.get("page")
        if not isinstance(info, dict) or not isinstance(info.get("totalPages"), int):
            raise IngestFailed([InputError(page.url, None, "page.totalPages", "saknas")])
        total_pages[form_code] = min(info["totalPages"], MAX_PAGES)
        steps.step(
            f"Skolverket: skolenheter ({form_code}), sida {page_no + 1} av {total_pages[form_code]}"
        )
        units = (body.get("_embedded") or {}).get("listedSchoolUnits", [])  # HAL drops empties
        if not isinstance(units, list):
            raise IngestFailed([InputError(page.url, None, "listedSchoolUnits", "inte en lista")])
        for i, unit in enumerate(units):
            where = f"listedSchoolUnits[{i}]"
            if not isinstance(unit, dict):
                errors.add(page.url, None, where, "inte ett objekt")
                continue
            missing = [
                n for n in ("code", "geographicalAreaCode") if not isinstance(unit.get(n), str)
            ]
            if not isinstance(unit.get("typeOfSchooling"), list):
                missing.append("typeOfSchooling")
            for name in missing:
                errors.add(page.url, None, f"{where}.{name}", "saknas")
            if missing or unit["geographicalAreaCode"] != kommun:
                continue
            schooling = {t.get("code") for t in unit["typeOfSchooling"] if isinstance(t, dict)}
            if unit.get("abroadSchool") is True:
                left_out[unit["code"]] = "svenska skolor utomlands"
            elif not schooling & wanted:
                left_out[unit["code"]] = (
                    "skolenheter utan grundskola (t.ex. gymnasium, förskoleklass)"
                )
            elif unit["code"] not in codes:
                codes.append(unit["code"])
    errors.raise_if_any()
    for reason in left_out.values():
        _reject(rejected, reason)
    return codes, first_url


def _school(http: HttpClient, base: str, code: str, kommun: str) -> School:
    """One school unit with its figures for each form of schooling it offers."""
    detail = http.get_json(f"{base}/school-units/{code}")
    assert detail is not None
    body = _body(detail)
    errors = Errors()
    url = detail.url

    def text(name: str, required: bool = True) -> str | None:
        value = body.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if required:
            errors.add(url, None, name, "saknas")
        return None

    if text("code") not in (code, None):
        errors.add(url, None, "code", f"svaret gäller {body.get('code')}, inte {code}")
    name = text("name")
    area = text("geographicalAreaCode")
    organizer = text("principalOrganizerType")
    corporation = text("corporationName")
    org_nr = _org_nr(text("organisationRegistryNumber"), url, errors)
    errors.raise_if_any()
    if area != kommun:
        raise IngestFailed(
            [InputError(url, None, "geographicalAreaCode", f"{area}, inte {kommun}")]
        )
    assert organizer is not None and corporation is not None and org_nr is not None
    warning = None
    driftsform = DRIFTSFORM.get(organizer, Driftsform.OKAND)
    if organizer not in DRIFTSFORM:
        warning = f"skolor med okänd huvudmannatyp '{organizer}' (sparade, driftsform okänd)"
    company_form = str(body.get("companyForm") or "").lower()
    if driftsform == Driftsform.PRIVAT and any(f in company_form for f in IDEBUREN_COMPANY_FORMS):
        driftsform = Driftsform.IDEBUREN

    facts: dict[str, Any] = {"name": name, **_contact(body, url, errors)}
    facts |= _coordinates(body, url, errors)
    facts["school_years"] = school_years(body)
    figures: dict[tuple[str, int], Figure] = {}
    for form in _forms(body, url, errors):
        figures |= _statistics(http, base, code, form, errors)
        figures |= _surveys(http, base, code, form, errors)
    errors.raise_if_any()
    latest = [
        max((f for (i, _), f in figures.items() if i == name and f.value), key=lambda f: f.year)
        for name in PUPILS
        if any(i == name and f.value for (i, _), f in figures.items())
    ]
    if latest:  # every pupil of the unit, in grundskola and anpassad grundskola
        facts["capacity"] = int(sum(f.value or 0 for f in latest))
    digits = org_nr.replace("-", "")
    return School(
        code=code,
        facts=facts,
        organisation={
            "key": f"orgnr-{digits}",
            "name": corporation,
            "org_nr": org_nr,
            "driftsform": driftsform,
        },
        figures=figures,
        where=url,
        warning=warning,
    )


# The forms of schooling whose years a resident asks about ("F-6", "7-9"): förskoleklass
# is year 0 (F), grundskola and anpassad grundskola 1-9 (10 in specialskola is not read).
SCHOOL_YEAR_FORMS = ("fsk", "gr", "gran")


def school_years(body: dict[str, Any]) -> list[int]:
    """The årskurser the unit teaches, from typeOfSchooling's schoolYears, F as 0: a sorted
    list ([] when the detail does not say). Years it does not teach are never guessed."""
    years: set[int] = set()
    for form in body.get("typeOfSchooling") or []:
        if not isinstance(form, dict) or form.get("code") not in SCHOOL_YEAR_FORMS:
            continue
        for year in form.get("schoolYears") or []:
            text = str(year).strip().upper()
            if text == "F" or form.get("code") == "fsk":
                years.add(0)
            elif text.isdigit() and 0 <= int(text) <= 10:
                years.add(int(text))
    return sorted(years)


def _forms(body: dict[str, Any], url: str, errors: Errors) -> list[Form]:
    """The forms of schooling the unit offers that we read (gr, gran)."""
    offered = body.get("typeOfSchooling")
    if not isinstance(offered, list):
        errors.add(url, None, "typeOfSchooling", "saknas")
        return []
    codes = {t.get("code") for t in offered if isinstance(t, dict)}
    return [form for form in FORMS if form.code in codes]


def _org_nr(value: str | None, url: str, errors: Errors) -> str | None:
    if value is None:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 12:
        digits = digits[2:]
    if len(digits) != 10:
        errors.add(
            url, None, "organisationRegistryNumber", f"inte ett organisationsnummer: {value}"
        )
        return None
    return f"{digits[:6]}-{digits[6:]}"


def _contact(body: dict[str, Any], url: str, errors: Errors) -> dict[str, Any]:
    info = body.get("contactInfo") or {}
    if not isinstance(info, dict):
        errors.add(url, None, "contactInfo", "inte ett objekt")
        return {}
    out: dict[str, Any] = {
        "phone": _str(info.get("telephone")),
        "email": _str(info.get("email")),
        "website": _str(info.get("web")),
        "street": None,
        "postal_code": None,
        "city": None,
    }
    addresses = info.get("addresses") or []
    visiting = [a for a in addresses if isinstance(a, dict) and a.get("type") == "VISITING_ADDRESS"]
    if visiting:
        a = visiting[0]
        zip_code = re.sub(r"\s", "", str(a.get("zipCode") or ""))
        if zip_code and not re.fullmatch(r"\d{5}", zip_code):
            errors.add(
                url, None, "contactInfo.addresses.zipCode", f"inte ett postnummer: {zip_code}"
            )
        out |= {
            "street": _str(a.get("street")),
            "postal_code": zip_code or None,
            "city": _str(a.get("city")),
        }
    return out


def _coordinates(body: dict[str, Any], url: str, errors: Errors) -> dict[str, Any]:
    lat, lon = body.get("wgs84_Lat"), body.get("wgs84_Long")
    if lat in (None, "") and lon in (None, ""):
        return {"lat": None, "lon": None}
    try:
        lat_f, lon_f = float(str(lat).replace(",", ".")), float(str(lon).replace(",", "."))
    except ValueError:
        errors.add(url, None, "wgs84_Lat", f"inte koordinater: {lat}, {lon}")
        return {}
    if not (55.0 <= lat_f <= 69.1 and 10.9 <= lon_f <= 24.2):
        errors.add(url, None, "wgs84_Lat", f"{lat_f}, {lon_f} ligger inte i Sverige")
        return {}
    return {"lat": lat_f, "lon": lon_f}


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _statistics(
    http: HttpClient, base: str, code: str, form: Form, errors: Errors
) -> dict[tuple[str, int], Figure]:
    url = f"{base}/school-units/{code}/statistics/{form.code}"
    page = http.get_json(url, missing_ok=True)
    if page is None:  # a school without statistics for this form (e.g. newly started)
        return {}
    body = _body(page)
    if body.get("schoolUnit") != code:
        errors.add(page.url, None, "schoolUnit", f"svaret gäller {body.get('schoolUnit')}")
        return {}
    return _series(body, form.statistics, page.url, errors)


def _national(http: HttpClient, base: str, form: Form) -> dict[tuple[str, int], Figure]:
    """Sweden's values for one form: what that form's figures are compared with."""
    page = http.get_json(f"{base}/statistics/national-values/{form.code}")
    assert page is not None
    errors = Errors()
    figures = _series(_body(page), form.statistics, page.url, errors)
    errors.raise_if_any()
    return figures


def _series(
    body: dict[str, Any], fields: dict[str, str], url: str, errors: Errors
) -> dict[tuple[str, int], Figure]:
    """statistics fields: lists of {value, valueType, timePeriod}, values with decimal comma."""
    out: dict[tuple[str, int], Figure] = {}
    for name, indicator_id in fields.items():
        entries = body.get(name)
        if entries is None:
            continue  # not reported for this school (e.g. no year 9)
        if not isinstance(entries, list):
            errors.add(url, None, name, "inte en lista")
            continue
        for j, entry in enumerate(entries):
            where = f"{name}[{j}]"
            period = entry.get("timePeriod") if isinstance(entry, dict) else None
            figure = _figure(entry, period, indicator_id, SOURCE, url, where, errors)
            if figure is None:
                continue
            if (indicator_id, figure.year) in out:
                errors.add(url, None, f"{where}.timePeriod", f"{period} finns två gånger")
                continue
            out[(indicator_id, figure.year)] = figure
    return out


def _figure(
    entry: Any, period: Any, indicator_id: str, source: str, url: str, where: str, errors: Errors
) -> Figure | None:
    """One {value, valueType} entry as a figure; None when there is nothing to store."""
    if not isinstance(entry, dict) or entry.get("valueType") not in VALUE_TYPES:
        shown = entry.get("valueType") if isinstance(entry, dict) else entry
        errors.add(url, None, f"{where}.valueType", f"okänd typ: {shown!r}")
        return None
    kind = entry["valueType"]
    if period is None and kind == "MISSING":
        return None  # "no value, no period": nothing to store
    year = _year_of(period)
    if year is None:
        errors.add(url, None, f"{where}.timePeriod", f"inte en period: {period!r}")
        return None
    value: float | None = None
    status = ValueStatus.MISSING
    if kind == "OMITTED_DUE_TO_BASED_ON_FEW_PUPILS":
        status = ValueStatus.TOO_FEW
    elif kind == "EXISTS":
        value = _number(entry.get("value"))
        if value is None:
            errors.add(url, None, f"{where}.value", f"inte ett tal: {entry.get('value')!r}")
            return None
        unit = catalogue.indicators()[indicator_id]["unit"]
        if (why := out_of_range(indicator_id, unit, value)) is not None:
            errors.add(url, None, f"{where}.value", why)
            return None
        status = ValueStatus.OK
    return Figure(
        indicator_id=indicator_id,
        year=year,
        period=str(period),
        value=value,
        status=status,
        source=source,
        source_ref=url,
    )


def _add_salsa(http: HttpClient, base: str, schools: list[School]) -> None:
    """SALSA for every school in one request: the deviation of the merit rating from the
    value modelled from the pupils' background. Schools not in the list have no SALSA (no
    year 9, or too few pupils)."""
    page = http.get_json(f"{base}/statistics/all-schools/salsa", missing_ok=True)
    if page is None:
        return
    body = _body(page)
    errors = Errors()
    rows = body.get("compulsorySchoolUnitSalsaMetricList")
    if not isinstance(rows, list):
        errors.add(page.url, None, "compulsorySchoolUnitSalsaMetricList", "inte en lista")
        errors.raise_if_any()
    ours = {s.code: s for s in schools}
    for j, row in enumerate(rows or []):
        if not isinstance(row, dict) or row.get("schoolUnitCode") not in ours:
            continue  # another kommun's school (or the null Skolverket sends for none)
        where = f"compulsorySchoolUnitSalsaMetricList[{j}].{SALSA_FIELD}"
        entry = row.get(SALSA_FIELD)
        if entry is None:
            continue
        figure = _figure(
            entry, body.get("timePeriod"), SALSA, SALSA_SOURCE, page.url, where, errors
        )
        if figure is not None:
            ours[row["schoolUnitCode"]].figures[(SALSA, figure.year)] = figure
    errors.raise_if_any()


def _surveys(
    http: HttpClient, base: str, code: str, form: Form, errors: Errors
) -> dict[tuple[str, int], Figure]:
    out: dict[tuple[str, int], Figure] = {}
    for survey, fields in form.surveys.items():
        page = http.get_json(f"{base}/school-units/{code}/surveys/{survey}", missing_ok=True)
        if page is None:
            continue
        body = _body(page)
        if "schoolYearMetrics" in body:  # pupils: one block per surveyed year group
            groups = body["schoolYearMetrics"]
            if not isinstance(groups, list):
                errors.add(page.url, None, "schoolYearMetrics", "inte en lista")
                continue
            prefix = "schoolYearMetrics"
        else:  # guardians: one block for the school
            groups, prefix = [body], ""
        out |= _survey(groups, prefix, fields, code, page.url, errors)
    return out


@dataclass
class _Answers:
    where: str
    n: int | None
    group: int | None
    averages: dict[str, float | str | None]  # a number, "-" (too few answers) or None


def _survey(
    groups: list[Any],
    prefix: str,
    fields: dict[str, str],
    code: str,
    url: str,
    errors: Errors,
) -> dict[tuple[str, int], Figure]:
    """Skolenkäten: averages 0–10; "-" means too few answers; several year groups combine."""
    by_semester: dict[str, list[_Answers]] = {}
    for j, group in enumerate(groups):
        where = f"{prefix}[{j}]" if prefix else ""

        def at(name: str, where: str = where) -> str:
            return f"{where}.{name}" if where else name

        if not isinstance(group, dict):
            errors.add(url, None, where or "body", "inte ett objekt")
            continue
        if group.get("schoolUnitCode") != code:
            errors.add(url, None, at("schoolUnitCode"), f"gäller {group.get('schoolUnitCode')}")
            continue
        semester = group.get("semester")
        if _year_of_semester(semester) is None:
            errors.add(url, None, at("semester"), f"inte en termin: {semester!r}")
            continue
        n = _count(group.get("noOfAnswers"), at("noOfAnswers"), url, errors)
        in_group = _count(group.get("noInGroup"), at("noInGroup"), url, errors)
        averages: dict[str, float | str | None] = {}
        for name in fields:
            raw = group.get(name)
            if raw is None or (isinstance(raw, str) and raw.strip() == "-"):
                averages[name] = None if raw is None else "-"
                continue
            value = _number(raw)
            if value is None or out_of_range(fields[name], "index", value) is not None:
                errors.add(url, None, at(name), f"inte ett medelvärde 0–10: {raw!r}")
                continue
            averages[name] = value
        by_semester.setdefault(semester, []).append(_Answers(where, n, in_group, averages))

    out: dict[tuple[str, int], Figure] = {}
    for semester, answers in by_semester.items():
        year = _year_of_semester(semester)
        assert year is not None
        rate = None
        if all(a.n is not None and a.group for a in answers):
            rate = round(
                100 * sum(a.n or 0 for a in answers) / sum(a.group or 0 for a in answers), 1
            )
        for name, indicator_id in fields.items():
            given = [a for a in answers if a.averages.get(name) is not None]
            if not given:
                continue  # the question was not asked
            numeric = [a for a in given if isinstance(a.averages[name], float)]
            counted = numeric or given  # a withheld group's answers are not behind the value
            n = (
                sum(a.n for a in counted if a.n is not None)
                if any(a.n is not None for a in counted)
                else None
            )
            figure = Figure(
                indicator_id=indicator_id,
                year=year,
                period=semester,
                value=None,
                status=ValueStatus.TOO_FEW,  # "-": Skolverket withheld it
                source=SURVEY_SOURCE,
                source_ref=url,
                n_answers=n,
                response_rate=rate,
            )
            if numeric:
                value = _combined(numeric, name)
                status = status_for(value, n, catalogue.indicators()[indicator_id]["min_n"])
                if status == ValueStatus.OK:
                    figure = replace(figure, value=value, status=status)
            out[(indicator_id, year)] = figure
    return out


def _combined(groups: list[_Answers], name: str) -> float:
    """Year groups as one average over everyone who answered (weighted by answers)."""
    values = [float(a.averages[name]) for a in groups]  # type: ignore[arg-type]
    weights = [a.n or 0 for a in groups]
    if len(values) == 1 or not all(weights):
        return round(sum(values) / len(values), 2)
    return round(sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights), 2)


def _count(raw: Any, where: str, url: str, errors: Errors) -> int | None:
    if raw is None or raw == "-":
        return None
    value = _number(raw)
    if value is None or value < 0 or value != int(value):
        errors.add(url, None, where, f"inte ett antal: {raw!r}")
        return None
    return int(value)


_NUMBER = re.compile(r"^(?:cirka|ca\.?|~)?\s*([-+]?\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*%?$", re.I)


def _number(raw: Any) -> float | None:
    """'89,6' -> 89.6; 'cirka 1110' -> 1110 (Skolverket rounds pupil counts); '45%' -> 45."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if not isinstance(raw, str):
        return None
    match = _NUMBER.match(raw.strip())
    if not match:
        return None
    return float(re.sub(r"[\s\u00a0]", "", match.group(1)).replace(",", "."))


def _year_of(period: Any) -> int | None:
    """'2023/24' -> 2024 (the year the school year ends); '2024' -> 2024."""
    if not isinstance(period, str):
        return None
    if m := re.fullmatch(r"(\d{4})/(\d{2})", period.strip()):
        start, end = int(m.group(1)), int(m.group(2))
        year = start - start % 100 + end
        return year + 100 if year <= start else year
    if re.fullmatch(r"\d{4}", period.strip()):
        return int(period)
    return None


def _year_of_semester(semester: Any) -> int | None:
    """'VT24' -> 2024, 'HT23' -> 2023."""
    if isinstance(semester, str) and (m := re.fullmatch(r"(VT|HT)(\d{2})", semester.strip())):
        return 2000 + int(m.group(2))
    return None


def _reject(rejected: dict[str, int], reason: str) -> None:
    rejected[reason] = rejected.get(reason, 0) + 1
