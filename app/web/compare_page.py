"""The comparison page, its CSV download and the basket form that feeds it.

The URL is the comparison (`/jamfor?id=a&id=b`): it can be shared, bookmarked and
printed. The basket cookie only collects providers while the resident browses.
"""

from datetime import date
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.comparison import (
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
from app.deps import SessionDep, TemplatesDep
from app.i18n import gettext as _
from app.i18n import link
from app.models import Provider
from app.templating import Templates
from app.web.basket import COOKIE, MAX_ITEMS, encode_basket, read_basket
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
    ids: IdsQuery = None,
    full: str = "",
    tillbaka: str = "",
) -> HTMLResponse:
    slugs = clean_slugs(ids or [])
    if len(slugs) < MIN_ITEMS:
        return _start_page(request, session, templates, slugs, full, tillbaka)
    try:
        comparison = build_comparison(session, slugs)
    except ComparisonError as exc:
        return _error_page(request, templates, exc)
    return templates.render(
        request,
        "compare.html",
        comparison=comparison,
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
        today=date.today(),
    )


@router.get("/jamfor.csv", name="compare_csv")
def compare_csv(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    ids: IdsQuery = None,
) -> Response:
    try:
        comparison = build_comparison(session, ids or [])
    except ComparisonError as exc:
        return _error_page(request, templates, exc)
    # A byte-order mark and ';' are what Swedish Excel needs to open UTF-8 CSV directly.
    body = "\ufeff" + comparison_csv(comparison)
    filename = f"jamforelse-{comparison.service_type.id}-{date.today().isoformat()}.csv"
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
        message += " " + _("{n} av högst {max} utförare valda.").format(
            n=len(basket), max=MAX_ITEMS
        )

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
    """A cell as one line, the way the page shows it: value, then mark and small print."""
    extra = ([_("Bäst i jämförelsen")] if cell.best else []) + cell.details
    return f"{cell.text} ({', '.join(extra)})" if extra else cell.text


def comparison_csv(comparison: Comparison) -> str:
    """The table as shown, one indicator per line; the section becomes a column."""
    header = [_("Avsnitt"), _("Uppgift"), _("Källa, enhet och period"), _("Riktning")]
    header += [f"{c.provider.name} ({c.driftsform})" for c in comparison.columns]
    if comparison.kommun:
        header.append(_("Hela kommunen ({kommun})").format(kommun=comparison.kommun.name))
    header.append(_("Anmärkning"))
    rows = [header]
    for group in comparison.groups:
        for row in group.rows:
            line = [group.title, row.title, row.meta, row.direction]
            line += [cell_text(c) for c in row.cells]
            if row.reference is not None:
                ref = row.reference
                line.append(f"{ref.text} ({', '.join(ref.details)})" if ref.details else ref.text)
            line.append(row.note)
            rows.append(line)
    return csv_text(rows)
