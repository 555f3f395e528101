"""Pages for the provider's own words: the editor's form and comments under
/utforare/{slug}/redigera, and the kommun's moderation queue under
/admin/{kommun_slug}/granskning. Access comes from app.accounts.guards (404 outside your
scope, sign-in for anonymous); every POST carries the form's CSRF token. No JavaScript."""

from datetime import datetime

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.guards import CsrfDep, KommunAdminDep, ProviderEditorDep
from app.clock import today_in_sweden
from app.deps import SessionDep, TemplatesDep
from app.figures import short_title
from app.formatting import day
from app.i18n import link
from app.models import DraftKind, Kommun
from app.presentation_edits import service
from app.presentation_edits.markdown import render
from app.presentation_edits.service import EditError, FieldError

router = APIRouter(default_response_class=HTMLResponse)


def day_of(at: datetime | None) -> str:
    """The Swedish day of a stored time (SQLite gives UTC times back without their zone)."""
    if at is None:
        return ""
    return day(today_in_sweden(at))


def _page(templates, request: Request, name: str, status_code: int = 200, **context) -> Response:
    return templates.render(
        request, name, status_code=status_code, day_of=day_of, day_of_date=day, **context
    )


FORM_FIELDS = service.FIELDS  # the form has exactly the draft's fields


def _form_values(data: dict) -> dict[str, str]:
    """Stored values as the form shows them: lists as 'a, b', None as ''."""
    return {
        name: ", ".join(value) if isinstance(value, list) else (value or "")
        for name, value in data.items()
    }


# --- the editor ---------------------------------------------------------------------------


def provider_kommun_name(session, provider) -> str:
    kommun = session.get(Kommun, provider.kommun_code)
    return kommun.name if kommun else ""


def _editor_page(
    request: Request,
    scope,
    session,
    templates,
    *,
    values: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    sent: bool = False,
    status: int = 200,
) -> Response:
    provider = scope.provider
    latest = service.latest_draft(session, provider.id, DraftKind.PRESENTATION)
    if values is None:
        # A pending draft is what the editor last wrote: edit that, not the public text.
        source = latest.data if latest and latest.status == "pending" else None
        values = _form_values(source or service.current_values(provider))
    return _page(
        templates,
        request,
        "edit/presentation.html",
        status_code=status,
        provider=provider,
        kommun_name=provider_kommun_name(session, provider),
        latest=latest,
        values=values,
        errors=errors or [],
        error_for={e.field: e.message for e in errors or []},
        sent=sent,
        preview=render(values.get("presentation")),
        limits=service,
    )


@router.get("/utforare/{slug}/redigera", name="edit_presentation")
def edit_presentation(
    request: Request,
    scope: ProviderEditorDep,
    session: SessionDep,
    templates: TemplatesDep,
    skickad: str = "",
) -> Response:
    return _editor_page(request, scope, session, templates, sent=skickad == "1")


@router.post("/utforare/{slug}/redigera", dependencies=[CsrfDep])
def submit_presentation(
    request: Request,
    scope: ProviderEditorDep,
    session: SessionDep,
    templates: TemplatesDep,
    presentation: str = Form("", max_length=service.PRESENTATION_MAX * 2),
    profiles: str = Form("", max_length=2000),
    languages: str = Form("", max_length=2000),
    phone: str = Form("", max_length=100),
    email: str = Form("", max_length=300),
    website: str = Form("", max_length=500),
    opening_hours: str = Form("", max_length=service.OPENING_HOURS_MAX * 2),
) -> Response:
    raw = {
        "presentation": presentation,
        "profiles": profiles,
        "languages": languages,
        "phone": phone,
        "email": email,
        "website": website,
        "opening_hours": opening_hours,
    }
    try:
        service.submit_presentation(session, scope.caller, scope.provider, raw)
    except EditError as exc:
        return _editor_page(
            request, scope, session, templates, values=raw, errors=exc.errors, status=422
        )
    target = link(f"/utforare/{scope.provider.slug}/redigera") + "?skickad=1"
    return RedirectResponse(target, status_code=303)


def _comments_page(
    request: Request,
    scope,
    session,
    templates,
    *,
    errors: dict[str, FieldError] | None = None,
    typed: dict[str, str] | None = None,
    sent: str = "",
    status: int = 200,
) -> Response:
    provider = scope.provider
    approved = service.approved_comments(session, provider.id)
    drafts = service.latest_comment_drafts(session, provider.id)
    rows = []
    for ind in service.commentable_indicators(session, provider):
        draft = drafts.get(ind.id)
        current = approved.get(ind.id)
        text = (typed or {}).get(ind.id)
        if text is None:
            if draft and draft.status == "pending":
                text = draft.data.get("text") or ""
            else:
                text = current.text if current else ""
        rows.append(
            {
                "indicator": ind,
                "title": short_title(ind),
                "approved": current,
                "draft": draft,
                "text": text,
                "error": (errors or {}).get(ind.id),
            }
        )
    return _page(
        templates,
        request,
        "edit/comments.html",
        status_code=status,
        provider=provider,
        rows=rows,
        sent=sent,
        limit=service.COMMENT_MAX,
    )


@router.get("/utforare/{slug}/redigera/kommentarer", name="edit_comments")
def edit_comments(
    request: Request,
    scope: ProviderEditorDep,
    session: SessionDep,
    templates: TemplatesDep,
    skickad: str = "",
) -> Response:
    return _comments_page(request, scope, session, templates, sent=skickad[:40])


@router.post("/utforare/{slug}/redigera/kommentarer/{indicator_id}", dependencies=[CsrfDep])
def submit_comment(
    request: Request,
    indicator_id: str,
    scope: ProviderEditorDep,
    session: SessionDep,
    templates: TemplatesDep,
    text: str = Form("", max_length=service.COMMENT_MAX * 4),
) -> Response:
    try:
        draft = service.submit_comment(session, scope.caller, scope.provider, indicator_id, text)
    except EditError as exc:
        return _comments_page(
            request,
            scope,
            session,
            templates,
            errors={indicator_id: exc.errors[0]},
            typed={indicator_id: text},
            status=422,
        )
    if draft is None:  # not a figure of this unit
        return _not_found(request, templates)
    target = link(f"/utforare/{scope.provider.slug}/redigera/kommentarer")
    return RedirectResponse(f"{target}?skickad={indicator_id}#kommentar-{indicator_id}", 303)


# --- the kommun's queue -------------------------------------------------------------------


@router.get("/admin/{kommun_slug}/granskning", name="moderation_queue")
def moderation_queue(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    beslut: str = "",
) -> Response:
    return _page(
        templates,
        request,
        "admin/moderation.html",
        kommun=scope.kommun,
        items=service.queue(session, scope.kommun.code),
        decided=beslut if beslut in ("godkand", "avvisad", "redan") else "",
    )


def _review_page(
    request: Request,
    scope,
    session,
    templates,
    item: service.QueueItem,
    *,
    error: FieldError | None = None,
    reason: str = "",
    status: int = 200,
) -> Response:
    return _page(
        templates,
        request,
        "admin/moderation_review.html",
        status_code=status,
        kommun=scope.kommun,
        item=item,
        changes=service.changes(session, item),
        render=render,
        error=error,
        reason=reason,
    )


def _item_or_404(session, scope, draft_id: int) -> service.QueueItem | None:
    return service.draft_in_kommun(session, scope.kommun.code, draft_id)


def _not_found(request: Request, templates) -> Response:
    raise HTTPException(404)  # the app's own not-found page, as the guards give


@router.get("/admin/{kommun_slug}/granskning/{draft_id}", name="moderation_review")
def moderation_review(
    request: Request,
    draft_id: int,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    item = _item_or_404(session, scope, draft_id)
    if item is None:
        return _not_found(request, templates)
    return _review_page(request, scope, session, templates, item)


def _back_to_queue(scope, decided: str) -> Response:
    return RedirectResponse(
        link(f"/admin/{scope.kommun.slug}/granskning") + f"?beslut={decided}", status_code=303
    )


@router.post("/admin/{kommun_slug}/granskning/{draft_id}/godkann", dependencies=[CsrfDep])
def approve(
    request: Request,
    draft_id: int,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    item = _item_or_404(session, scope, draft_id)
    if item is None:
        return _not_found(request, templates)
    try:
        service.approve(session, scope.caller, item)
    except service.NotPending:
        return _back_to_queue(scope, "redan")
    return _back_to_queue(scope, "godkand")


@router.post("/admin/{kommun_slug}/granskning/{draft_id}/avvisa", dependencies=[CsrfDep])
def reject(
    request: Request,
    draft_id: int,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    reason: str = Form("", max_length=service.REASON_MAX * 2),
) -> Response:
    item = _item_or_404(session, scope, draft_id)
    if item is None:
        return _not_found(request, templates)
    try:
        service.reject(session, scope.caller, item, reason)
    except service.NotPending:
        return _back_to_queue(scope, "redan")
    except EditError as exc:
        return _review_page(
            request, scope, session, templates, item, error=exc.errors[0], reason=reason, status=422
        )
    return _back_to_queue(scope, "avvisad")
