"""The Jinja2 environment: autoescaped, gettext-aware, with the helpers every page uses."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from app import formatting, i18n, labels
from app.clock import SWEDEN, today_in_sweden
from app.dataset import DataSet, DataSetCache
from app.freshness import freshness
from app.web.basket import read_basket
from app.web.trend_chart import trend_chart

TEMPLATES_DIR = Path(__file__).parent / "templates"


def make_environment(auto_reload: bool = True) -> Environment:
    env = Environment(
        # Checking every template file's time on each render costs; production never edits.
        auto_reload=auto_reload,
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["link"] = i18n.link
    env.globals["trend_chart"] = trend_chart
    env.filters["driftsform"] = labels.driftsform_label
    env.filters["language"] = labels.language_label
    env.filters["profile"] = labels.profile_label
    return env


class Templates:
    def __init__(self, auto_reload: bool = True) -> None:
        self.env = make_environment(auto_reload)
        self.dataset = DataSetCache()

    def render(
        self, request: Request, name: str, status_code: int = 200, **context
    ) -> HTMLResponse:
        lang = i18n.current_lang.get()
        # Through the request's own session (app.deps), never a second connection; an error
        # page outside any route has none and shows what the last page knew.
        dataset = self.dataset.get(getattr(request.state, "session", None))
        context.setdefault("sample_data", bool(dataset and dataset.sample))
        context.setdefault("source_freshness", _fetched(dataset))
        context.setdefault("basket", read_basket(request))
        # Set by app.accounts.guards when someone is signed in (or a form needs a token).
        context.setdefault("caller", getattr(request.state, "caller", None))
        context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
        html = self.env.get_template(name).render(
            request=request, lang=lang, path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=status_code)

    def fragments(self, name: str, macro: str, context: dict, items: list) -> list[Markup]:
        """`macro` of template `name` drawn for each item, with `context` as the template's
        (for parts of a page kept apart from it, e.g. result cards)."""
        draw = getattr(self.env.get_template(name).make_module(vars=context), macro)
        return [Markup(draw(item)) for item in items]


def _fetched(dataset: DataSet | None) -> list[tuple[str, str, bool]]:
    """(source, day it was last fetched, stale) for the footer: sources fetched at least once."""
    if dataset is None:
        return []
    return [
        (f.label, formatting.day(f.fetched.astimezone(SWEDEN).date()), f.stale)
        for f in freshness(dataset.fetched, today_in_sweden())
        if f.fetched is not None
    ]
