"""One error shape for every response that is not a success, mapped from the exception tree.

``{"error": {"type": ..., "message": ..., "details": [...], "field": ...}}``: ``type`` names
the kind of error, ``message`` says what is wrong and what to do, ``details`` lists one line per
problem (a document's fields), ``field`` the parameter or dotted document path it is about.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from heredity.errors import (
    ApprovalRefused,
    BadCredentials,
    BadInput,
    ConfigError,
    Conflict,
    GovernanceRefusal,
    HeredityError,
    NotFound,
    ValidationFailed,
)

log = logging.getLogger("heredity.server")

# Most specific first: the first class an error is an instance of gives its status.
STATUS: list[tuple[type[HeredityError], int]] = [
    (BadCredentials, 401),
    (NotFound, 404),
    (ValidationFailed, 422),
    (Conflict, 409),
    (BadInput, 400),
    (ApprovalRefused, 403),
    (GovernanceRefusal, 409),
    (ConfigError, 500),
]
"""Exception class -> HTTP status (a HeredityError not listed is 400)."""

_HTTP_TYPES = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def status_for(err: HeredityError) -> int:
    """The HTTP status an error of the library maps to."""
    return next((code for cls, code in STATUS if isinstance(err, cls)), 400)


def error_body(
    kind: str,
    message: str,
    *,
    details: list[str] | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """The one error shape."""
    return {
        "error": {"type": kind, "message": message, "details": list(details or []), "field": field}
    }


def error_response(
    status: int,
    kind: str,
    message: str,
    *,
    details: list[str] | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON response in the one error shape."""
    return JSONResponse(
        error_body(kind, message, details=details, field=field), status_code=status, headers=headers
    )


def _field_of(err: HeredityError) -> str | None:
    if err.param:
        return err.param
    if isinstance(err, ValidationFailed) and err.details:
        head, sep, _ = err.details[0].partition(": ")
        return head if sep else None
    return None


def heredity_response(err: HeredityError) -> JSONResponse:
    """A library error as its response (401s say how to authenticate)."""
    status = status_for(err)
    kind = _snake(type(err).__name__)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(
        status, kind, err.message, details=err.details, field=_field_of(err), headers=headers
    )


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def install(app: FastAPI) -> None:
    """Make every error of ``app`` answer in the one shape."""

    @app.exception_handler(HeredityError)
    async def _heredity(_: Request, exc: HeredityError) -> JSONResponse:
        return heredity_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        lines = [f"{_loc(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors]
        field = _loc(errors[0].get("loc", ())) if errors else None
        return error_response(
            422,
            "validation_failed",
            f"the request is not valid: {lines[0] if lines else 'invalid'}",
            details=lines,
            field=field,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _HTTP_TYPES.get(exc.status_code, "http_error")
        return error_response(
            exc.status_code,
            kind,
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug: logged with its traceback (never a request header), answered without it.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "an unexpected error on the server (it was logged)")
