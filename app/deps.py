"""Request dependencies as type aliases, so routes read `session: SessionDep`."""

from collections.abc import Iterator
from typing import Annotated

import meilisearch
from fastapi import Depends, Request
from sqlmodel import Session

from app.settings import Settings
from app.templating import Templates


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_search(request: Request) -> meilisearch.Client:
    return request.app.state.search


def get_templates(request: Request) -> Templates:
    return request.app.state.templates


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SearchDep = Annotated[meilisearch.Client, Depends(get_search)]
TemplatesDep = Annotated[Templates, Depends(get_templates)]
