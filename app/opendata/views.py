"""`/oppna-data`: the downloads page and the files (CSV, JSON, HSDS JSON).

Files stream from the database in batches (app.opendata.service); their ETag and
Cache-Control come from app.web.http_cache like every GET.
"""

import json
from collections.abc import Callable, Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlmodel import Session, select

from app.clock import today_in_sweden
from app.deps import SessionDep, TemplatesDep
from app.formatting import day
from app.models import Kommun, ServiceType
from app.opendata import service as od

router = APIRouter()

COUNTRY = "sverige"
LICENCE = "CC BY 4.0"
ATTRIBUTION = [
    "Välfärdsjämföraren (sammanställningen)",
    "Källa: Kolada (RKA, Rådet för främjande av kommunala analyser)",
    "Källa: Skolverket",
    "Källa: Skolinspektionen, Skolenkäten",
    "Kommunernas egen uppföljning",
]


@router.get("/oppna-data", name="open_data", response_class=HTMLResponse)
def open_data_page(request: Request, session: SessionDep, templates: TemplatesDep) -> Response:
    return templates.render(
        request,
        "open_data.html",
        downloads=od.downloads(session),
        licence=LICENCE,
        licence_url=od.LICENCE_URL,
        figure_columns=od.FIGURE_COLUMNS,
        hsds_fields=od.HSDS_FIGURE_FIELDS,
        day=day,
    )


@router.get("/oppna-data/{place}/{tjanst}.csv", name="open_data_csv")
def figures_csv(request: Request, place: str, tjanst: str, session: SessionDep) -> Response:
    kommun, st = _scope(session, place, tjanst)
    return StreamingResponse(
        _streamed(request, lambda s: od.figures_csv(s, kommun, st)),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"{place}-{st.id}.csv"),
    )


@router.get("/oppna-data/{place}/{tjanst}.json", name="open_data_json")
def figures_json(request: Request, place: str, tjanst: str, session: SessionDep) -> Response:
    kommun, st = _scope(session, place, tjanst)
    meta = _meta(request, session, kommun, st)
    return StreamingResponse(
        _streamed(request, lambda s: od.figures_json(s, kommun, st, meta)),
        media_type="application/json",
        headers=_attachment(f"{place}-{st.id}.json"),
    )


@router.get("/oppna-data/{place}/{tjanst}/hsds.json", name="open_data_hsds")
def hsds_json(request: Request, place: str, tjanst: str, session: SessionDep) -> Response:
    kommun, st = _scope(session, place, tjanst)
    body = od.hsds(session, kommun, st, _meta(request, session, kommun, st))
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/json",
        headers=_attachment(f"{place}-{st.id}-hsds.json"),
    )


def _scope(session: Session, place: str, tjanst: str) -> tuple[Kommun | None, ServiceType]:
    st = session.get(ServiceType, tjanst)
    kommun = None
    if place != COUNTRY:
        kommun = session.exec(select(Kommun).where(Kommun.slug == place)).first()
        if kommun is None:
            raise HTTPException(404)
    if st is None:
        raise HTTPException(404)
    return kommun, st


def _meta(request: Request, session: Session, kommun: Kommun | None, st: ServiceType) -> dict:
    dataset = request.app.state.templates.dataset.get(session)  # what the banner reads
    return {
        # The sample's providers and figures are made up: a file must say so too.
        "fictional_sample_data": bool(dataset and dataset.sample),
        "title": f"{st.name_sv}, {kommun.name if kommun else 'Sverige'}",
        "kommun_code": kommun.code if kommun else None,
        "service_type": st.id,
        "generated": today_in_sweden().isoformat(),
        "licence": LICENCE,
        "licence_url": od.LICENCE_URL,
        "attribution": ATTRIBUTION,
        "note": "Each figure keeps its source's terms: credit the source in `source`.",
    }


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _streamed(request: Request, chunks: Callable[[Session], Iterator[str]]) -> Iterator[bytes]:
    """The file's chunks from a session of its own: the request's session is closed when
    the route returns, before the body is sent. Starlette runs this in a thread."""
    with Session(request.app.state.engine) as session:
        for chunk in chunks(session):
            yield chunk.encode("utf-8")
