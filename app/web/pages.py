from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import select

from app.deps import SessionDep, TemplatesDep
from app.models import Kommun, ServiceType

router = APIRouter(default_response_class=HTMLResponse)


@router.get("/", name="home")
def home(request: Request, session: SessionDep, templates: TemplatesDep) -> HTMLResponse:
    kommuner = session.exec(select(Kommun).order_by(Kommun.name)).all()
    service_types = session.exec(select(ServiceType).order_by(ServiceType.sort_order)).all()
    return templates.render(request, "home.html", kommuner=kommuner, service_types=service_types)
