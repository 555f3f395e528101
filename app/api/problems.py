"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`).

Never echoes what the caller sent: a validation problem names where (`loc`) and what is
wrong (`msg`), not the value, which may not even serialise (bytes, NUL).
"""

from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

MEDIA_TYPE = "application/problem+json"


class InvalidParam(BaseModel):
    loc: list[str | int] = Field(examples=[["query", "page"]])
    msg: str = Field(examples=["Input should be greater than or equal to 1"])


class Problem(BaseModel):
    """A problem detail: the same shape for every error of the API."""

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No provider with this id."])
    invalid_params: list[InvalidParam] | None = None


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status: int, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any
) -> ProblemResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, **extra)
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def validation_problem(exc: RequestValidationError) -> ProblemResponse:
    params = [
        InvalidParam(
            loc=[p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            msg=str(e.get("msg", "")),
        )
        for e in exc.errors()
    ]
    return problem(422, "The request's parameters are not valid.", invalid_params=params)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route: each status as problem+json."""
    schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        status: {
            "model": Problem,
            "content": {MEDIA_TYPE: schema},
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }
