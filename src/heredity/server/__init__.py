"""Heredity as a team service: a JSON API over the same public library calls.

Every request but ``GET /health`` is authenticated (an API token, or a trusted reverse proxy's
user header) and acts as that recorded actor, so the library's role and segregation-of-duties
checks apply unchanged; the server holds no governance logic of its own.
"""

from heredity.server._app import (
    ENV_MAX_BODY,
    ENV_PROXIES,
    ENV_USER_HEADER,
    app_from_env,
    create_app,
)
from heredity.server._auth import Caller
from heredity.server._errors import STATUS, error_body, status_for
from heredity.server._limits import DEFAULT_MAX_BODY
from heredity.server._service import DEFAULT_USER_HEADER
from heredity.server._session import CSP, ENV_SECURE_COOKIES, ENV_SESSION_SECRET, Sessions

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_USER_HEADER",
    "ENV_MAX_BODY",
    "CSP",
    "ENV_PROXIES",
    "ENV_SECURE_COOKIES",
    "ENV_SESSION_SECRET",
    "ENV_USER_HEADER",
    "STATUS",
    "Caller",
    "Sessions",
    "app_from_env",
    "create_app",
    "error_body",
    "status_for",
]
