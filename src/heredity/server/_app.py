"""The FastAPI application: one shared engine, an authenticated actor per request."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from heredity.errors import BadInput
from heredity.registry import Registry
from heredity.server import _api, _errors, _pages
from heredity.server._auth import parse_proxies
from heredity.server._limits import DEFAULT_MAX_BODY, BodyLimit
from heredity.server._service import DEFAULT_USER_HEADER, Service, acting_registry
from heredity.server._session import (
    ENV_SECURE_COOKIES,
    ENV_SESSION_SECRET,
    SecurityHeaders,
    Sessions,
)


def create_app(
    url: str | None = None,
    *,
    trusted_proxies: Sequence[str] = (),
    user_header: str = DEFAULT_USER_HEADER,
    max_body: int = DEFAULT_MAX_BODY,
    session_secret: str | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """The Heredity API over the registry at ``url`` (which must exist: ``heredity init``).

    ``trusted_proxies``: addresses or networks whose ``user_header`` names the caller (single
    sign-on behind a reverse proxy); from anywhere else that header is refused. ``max_body``:
    the largest request body in bytes (413 above it). ``session_secret``: the key that signs
    the web UI's session cookies and CSRF tokens (every worker must share it; random when
    None); ``secure_cookies``: mark them Secure (behind HTTPS).
    """
    if max_body < 1:
        raise BadInput("max_body: must be at least 1 byte", param="max_body")
    proxies = parse_proxies(trusted_proxies)
    registry = Registry.open(url, create=False)
    svc = Service(
        registry=registry,
        proxies=proxies,
        user_header=user_header,
        max_body=max_body,
        sessions=Sessions(session_secret, secure=secure_cookies),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        registry.close()

    app = FastAPI(
        title="Heredity",
        summary="Distillation provenance governance as a team service",
        description=(
            "Every endpoint but `GET /health` needs `Authorization: Bearer <token>` (an API "
            "token an admin issued with `heredity token issue`). Errors share one shape: "
            '`{"error": {"type", "message", "details", "field"}}`.'
        ),
        version="1",
        lifespan=lifespan,
        # No Swagger or ReDoc pages: they load scripts from a CDN. The schema itself is an
        # authenticated endpoint like every other.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.heredity = svc
    _errors.install(app)
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the server is up and its registry answers (no authentication)."""
        svc.registry.ledger_length()
        return {"status": "ok"}

    app.include_router(_api.router, prefix="/api", dependencies=[Depends(acting_registry)])
    app.include_router(_pages.router)
    app.mount("/ui/static", StaticFiles(directory=_pages.STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The web UI."""
        return RedirectResponse("/ui/", status_code=307)

    @app.get("/openapi.json", tags=["service"], dependencies=[Depends(acting_registry)])
    def openapi() -> dict[str, Any]:
        """The OpenAPI schema of this API."""
        return app.openapi()

    return app


ENV_PROXIES = "HEREDITY_TRUSTED_PROXIES"
ENV_USER_HEADER = "HEREDITY_PROXY_USER_HEADER"
ENV_MAX_BODY = "HEREDITY_MAX_BODY"


def app_from_env() -> FastAPI:
    """The app as ``heredity serve`` configures it, from the environment (each worker process
    builds its own): ``HEREDITY_DB``, ``HEREDITY_TRUSTED_PROXIES`` (comma-separated),
    ``HEREDITY_PROXY_USER_HEADER``, ``HEREDITY_MAX_BODY`` (bytes), ``HEREDITY_SESSION_SECRET`` and
    ``HEREDITY_SECURE_COOKIES`` (1: the UI's cookies are Secure)."""
    proxies = [p for p in os.environ.get(ENV_PROXIES, "").split(",") if p.strip()]
    raw = os.environ.get(ENV_MAX_BODY, "").strip()
    try:
        max_body = int(raw) if raw else DEFAULT_MAX_BODY
    except ValueError:
        raise BadInput(
            f"{ENV_MAX_BODY}: {raw!r} is not a number of bytes", param="max_body"
        ) from None
    return create_app(
        os.environ.get("HEREDITY_DB") or None,
        trusted_proxies=proxies,
        user_header=os.environ.get(ENV_USER_HEADER) or DEFAULT_USER_HEADER,
        max_body=max_body,
        session_secret=os.environ.get(ENV_SESSION_SECRET) or None,
        secure_cookies=os.environ.get(ENV_SECURE_COOKIES, "").strip().lower()
        in ("1", "true", "yes"),
    )
