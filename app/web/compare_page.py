"""The comparison page, its CSV download and the basket form that feeds it.

The URL is the comparison (`/jamfor?id=a&id=b`): it can be shared, bookmarked and
printed. The basket cookie only collects providers while the resident browses.
"""

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.routing import NoMatchFound

from app.choice import find_guide
from app.clock import today_in_sweden
from app.comparison import (
    MAX_ITEMS,
    MIN_ITEMS,
    Cell,
    Column,
    Comparison,
    ComparisonError,
    MixedServiceTypes,
    TooFew,
    TooMany,
    UnknownProviders,
    build_comparison,
    clean_slugs,
    group_by_type,
    load_columns,
)
from app.csv_export import csv_text
from app.deps import CacheDep, SessionDep, TemplatesDep
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.models import Provider
from app.templating import Templates
from app.web.basket import COOKIE, encode_basket, read_basket
from app.web.redirects import safe_next
from app.web.security import public_url

router = APIRouter(default_response_class=HTMLResponse)

IdsQuery = Annotated[list[str] | None, Query(alias="id")]
BASKET_DAYS = 30


def compare_url(slugs: list[str]) -> str:
    """The shareable address of a comparison, in the current language."""
    query = urlencode([("id", s) for s in slugs])
    return link("/jamfor") + (f"?{query}" if query else "")


def provider_url(slug: str) -> str:
    return link(f"/utforare/{slug}")


@router.get("/jamfor", name="compare")
def compare(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    cache: CacheDep,
    ids: IdsQuery = None,
    full: str = "",
    tillbaka: str = "",
) -> HTMLResponse:
    slugs = clean_slugs(ids or [])
    if len(slugs) < MIN_ITEMS:
        return _start_page(request, session, templates, slugs, full, tillbaka)
    try:
        comparison = build_comparison(session, slugs, cache=cache)
    except ComparisonError as exc:
        return _error_page(request, templates, exc)
    return templates.render(
        request,
        "compare.html",
        comparison=comparison,
        guides=guide_links(request, session, comparison),
        rechoose_url=rechoose_url(request, comparison),
        soft_hyphens=soft_hyphens,
        hyphenate_name=lambda name: soft_hyphens(name, LONG_NAME_WORD),
        share_url=public_url(request, compare_url(comparison.slugs)),
        csv_url=link("/jamfor.csv") + "?" + urlencode([("id", s) for s in comparison.slugs]),
        remove_next={
            s: compare_url([o for o in comparison.slugs if o != s]) for s in comparison.slugs
        },
        more_url=(
            link(f"/{comparison.kommun.slug}/{comparison.service_type.id}")
            if comparison.kommun
            else link("/")
        ),
        provider_url=provider_url,
        reference_heading=reference_heading(comparison) if comparison.kommun else "",
        today=today_in_sweden(),
    )


@dataclass(frozen=True)
class GuideLink:
    text: str  # "Så väljer du hemtjänst i Täby"
    url: str


def guide_links(request: Request, session: Session, comparison: Comparison) -> list[GuideLink]:
    """ "Så väljer du …" for each kommun in the comparison that has written its guide: the
    next step after comparing is choosing, and only a guide that exists is linked."""
    st = comparison.service_type
    service = (st.name_en if current_lang.get() == "en" else st.name_sv).lower()
    out = []
    for kommun in {c.kommun.code: c.kommun for c in comparison.columns}.values():
        if find_guide(session, kommun, st) is None:
            continue
        path = request.app.url_path_for("choice_guide", kommun_slug=kommun.slug, tjanst=st.id)
        text = _("Så väljer du {service} i {kommun}").format(service=service, kommun=kommun.name)
        out.append(GuideLink(text, link(str(path))))
    return out


def rechoose_url(request: Request, comparison: Comparison) -> str | None:
    """Omval ("Har du redan en utförare?") is per kommun: linked when all are in one."""
    if comparison.kommun is None:
        return None
    try:
        path = request.app.url_path_for(
            "rechoose", kommun_slug=comparison.kommun.slug, tjanst=comparison.service_type.id
        )
    except NoMatchFound:
        return None
    return link(str(path))


# Words longer than these do not fit their column on a 375 px phone: the first column (row
# titles) and a provider's column (names). Chromium without a hyphenation dictionary (and
# some browsers for Swedish) would overflow or break them anywhere without a hyphen, so
# such words get soft hyphens: where the browser breaks one, a hyphen shows.
LONG_WORD = 15
LONG_NAME_WORD = 10
VOWELS = frozenset("aeiouyåäöéüæø")
SOFT_HYPHEN = "\u00ad"
MIN_PART = 2  # letters kept together at the start and the end of a word
# Consonant clusters that may begin a Swedish syllable ("språk", "skol", "ställd"): a break
# goes before the longest of them that ends the cluster, else before its last consonant.
ONSETS = frozenset(
    {
        "bl", "br", "dr", "fl", "fr", "gl", "gn", "gr", "kj", "kl", "kn", "kr", "pl", "pr",
        "sj", "sk", "sl", "sm", "sn", "sp", "st", "sv", "tj", "tr", "tv",
        "skr", "spl", "spr", "str", "skj", "stj",
    }
)  # fmt: skip


def soft_hyphens(text: str, longer_than: int = LONG_WORD) -> str:
    """`text` with soft hyphens between the syllables of its words longer than `longer_than`
    letters ("för\u00adskol\u00adlä\u00adrar…"), by Swedish rules of thumb that read well
    enough in English too. Shorter words are left alone."""
    return re.sub(rf"\w{{{longer_than + 1},}}", lambda m: _hyphenate(m.group()), text)


def _hyphenate(word: str) -> str:
    lower = word.lower()
    vowels = [i for i, ch in enumerate(lower) if ch in VOWELS]
    breaks = []
    for left, right in pairwise(vowels):
        cluster = lower[left + 1 : right]
        if not cluster or not cluster.isalpha():
            continue  # two vowels side by side, or a digit: no break
        onset = next(
            (len(cluster) - k for k in range(len(cluster), 1, -1) if cluster[-k:] in ONSETS),
            len(cluster) - 1,
        )
        at = left + 1 + onset
        if lower[at - 1 : at + 1] == "ck":
            continue  # "backe", never "bac-ke"
        if at >= MIN_PART and len(word) - at >= MIN_PART + 1:
            breaks.append(at)
    parts = [word[i:j] for i, j in zip([0, *breaks], [*breaks, len(word)], strict=True)]
    return SOFT_HYPHEN.join(parts)


@router.get("/jamfor.csv", name="compare_csv")
def compare_csv(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    cache: CacheDep,
    ids: IdsQuery = None,
) -> Response:
    try:
        comparison = build_comparison(session, ids or [], cache=cache)
    except ComparisonError as exc:
        return _error_page(request, templates, exc)
    # A byte-order mark and ';' are what Swedish Excel needs to open UTF-8 CSV directly.
    body = "\ufeff" + comparison_csv(comparison)
    filename = f"jamforelse-{comparison.service_type.id}-{today_in_sweden().isoformat()}.csv"
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/jamfor/korg", name="compare_basket", response_model=None)
def update_basket(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    slug: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "add",
    next_url: Annotated[str, Form(alias="next")] = "",
) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    basket = read_basket(request)
    slug = slug.strip()
    if action not in ("add", "remove", "clear"):
        return _basket_problem(request, templates, wants_json, 400, _("Okänd åtgärd."))
    name = _provider_name(session, slug) if action != "clear" else None
    if action == "add" and name is None:
        message = _("Det finns ingen utförare med adressen ”{slug}”.").format(slug=slug)
        return _basket_problem(request, templates, wants_json, 404, message)

    full = action == "add" and slug not in basket and len(basket) >= MAX_ITEMS
    if full:
        message = _(
            "Du kan jämföra högst {max} utförare åt gången. "
            "Ta bort någon ur jämförelsen först, och lägg sedan till {name}."
        ).format(max=MAX_ITEMS, name=name)
    elif action == "add":
        basket = [*basket, slug] if slug not in basket else basket
        message = _("{name} har lagts till i jämförelsen.").format(name=name)
    elif action == "remove":
        basket = [s for s in basket if s != slug]
        message = _("{name} har tagits bort från jämförelsen.").format(name=name or slug)
    else:
        basket = []
        message = _("Jämförelsen är tömd.")
    if not full:
        message += " " + _("{n} av högst {max} valda.").format(n=len(basket), max=MAX_ITEMS)

    target = safe_next(next_url)
    if wants_json:
        response: Response = JSONResponse(
            {
                "basket": basket,
                "count": len(basket),
                "compare_url": compare_url(basket),
                "in_basket": slug in basket,
                "button": _("Ta bort från jämförelsen")
                if slug in basket
                else _("Lägg till i jämförelsen"),
                "message": message,
                "basket_label": _("Jämförelse"),
                **({"error": "full"} if full else {}),
            },
            status_code=409 if full else 200,
        )
    elif full:
        query = urlencode({"full": slug, **({"tillbaka": target} if target else {})})
        # The start page lists the basket with remove buttons and says why nothing was added.
        response = RedirectResponse(f"{link('/jamfor')}?{query}", status_code=303)
    else:
        if action == "remove" and target:
            target = without_id(target, slug)
        response = RedirectResponse(target or compare_url(basket), status_code=303)
    if not full:
        _store(request, response, basket)
    return response


def without_id(target: str, slug: str) -> str:
    """On the comparison page a removed provider leaves the URL too, not only the basket."""
    parts = urlsplit(target)
    if parts.path != link("/jamfor"):
        return target
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k == "id" and v == slug)
    ]
    return urlunsplit(("", "", parts.path, urlencode(kept), parts.fragment))


def _store(request: Request, response: Response, basket: list[str]) -> None:
    if not basket:
        response.delete_cookie(COOKIE, path="/")
        return
    response.set_cookie(
        COOKIE,
        encode_basket(basket),
        max_age=BASKET_DAYS * 24 * 3600,
        path="/",
        httponly=True,  # scripts get the basket from the JSON answer, never the cookie
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _provider_name(session: Session, slug: str) -> str | None:
    return session.exec(select(Provider.name).where(Provider.slug == slug)).first()


def _basket_problem(
    request: Request, templates: Templates, wants_json: bool, status: int, message: str
) -> Response:
    if wants_json:
        basket = read_basket(request)
        return JSONResponse(
            {
                "basket": basket,
                "count": len(basket),
                "compare_url": compare_url(basket),
                "error": "bad_request" if status == 400 else "not_found",
                "message": message,
            },
            status_code=status,
        )
    return templates.render(
        request,
        "compare_error.html",
        status_code=status,
        kind="basket",
        message=message,
        basket_url=link("/jamfor"),
    )


def _basket_columns(session: Session, basket: list[str]) -> list[Column]:
    """The basket's providers that still exist (a cookie may outlive a provider)."""
    if not basket:
        return []
    existing = set(session.exec(select(Provider.slug).where(col(Provider.slug).in_(basket))).all())
    return load_columns(session, [s for s in basket if s in existing])


def _start_page(
    request: Request,
    session: Session,
    templates: Templates,
    slugs: list[str],
    full: str,
    tillbaka: str,
) -> HTMLResponse:
    try:
        chosen = load_columns(session, slugs)
    except UnknownProviders as exc:
        return _error_page(request, templates, exc)
    basket = read_basket(request)
    groups = group_by_type(session, _basket_columns(session, basket))
    full_name = _provider_name(session, full) if full else None
    return templates.render(
        request,
        "compare_start.html",
        chosen=chosen,
        groups=groups,
        compare_url=lambda columns: compare_url([c.provider.slug for c in columns]),
        provider_url=provider_url,
        full_slug=full if full_name else "",
        full_name=full_name,
        back_url=safe_next(tillbaka),
        max_items=MAX_ITEMS,
    )


def _error_page(request: Request, templates: Templates, exc: ComparisonError) -> HTMLResponse:
    context: dict = {"max_items": MAX_ITEMS, "provider_url": provider_url}
    if isinstance(exc, UnknownProviders):
        status, kind = 404, "unknown"
        context["slugs"] = exc.slugs
    elif isinstance(exc, MixedServiceTypes):
        status, kind = 400, "mixed"
        context["groups"] = exc.groups
        context["compare_url"] = lambda columns: compare_url([c.provider.slug for c in columns])
    elif isinstance(exc, TooMany):
        status, kind = 400, "too_many"
        context["count"] = exc.count
    elif isinstance(exc, TooFew):
        status, kind = 400, "too_few"
    else:  # pragma: no cover -- every ComparisonError is handled above
        raise exc
    # The start page, which lists the basket by type: the basket itself may mix types.
    context["basket_url"] = link("/jamfor")
    return templates.render(request, "compare_error.html", status_code=status, kind=kind, **context)


def cell_text(cell: Cell) -> str:
    """A cell as one line, the way the page shows it: value, then the kommun's level, its
    age, the mark (with "men ändå underkänt") and small print."""
    extra = [cell.level] if cell.level else []
    if cell.figure.is_old:
        extra.append(cell.figure.old_text)
    if cell.best:
        extra.append(_("Bäst i jämförelsen"))
    if cell.best_failed:
        extra.append(_("men ändå underkänt"))
    extra += cell.details
    return f"{cell.text} ({', '.join(extra)})" if extra else cell.text


def reference_heading(comparison: Comparison) -> str:
    """The reference column's heading: a place, never "hela" (the column mixes the kommun's
    own figures with means per unit; each cell names which it is)."""
    assert comparison.kommun is not None
    return _("{kommun} som jämförelse").format(kommun=comparison.kommun.name)


def comparison_csv(comparison: Comparison) -> str:
    """The table as shown, one indicator per line; the section becomes a column."""
    header = [_("Avsnitt"), _("Uppgift"), _("Källa, enhet och period"), _("Riktning")]
    header += [f"{c.provider.name} ({c.driftsform})" for c in comparison.columns]
    if comparison.kommun:
        header.append(reference_heading(comparison))
    header.append(_("Anmärkning"))
    rows = [header]
    for group in comparison.groups:
        for row in group.rows:
            line = [group.title, row.title, row.meta, row.direction]
            line += [cell_text(c) for c in row.cells]
            if row.reference is not None:
                ref = row.reference
                extra = ([ref.label] if ref.label else []) + ref.details
                line.append(f"{ref.text} ({', '.join(extra)})" if extra else ref.text)
            line.append(row.note)
            rows.append(line)
    return csv_text(rows)
