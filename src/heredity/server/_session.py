"""Browser sessions: an HMAC-signed cookie naming the actor and the token they signed in with,
CSRF tokens bound to it, and the security headers of every response."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from heredity.identity import list_tokens
from heredity.registry import Registry

SESSION_COOKIE = "heredity_session"
PRESESSION_COOKIE = "heredity_presession"
SESSION_SECONDS = 8 * 3600
ENV_SESSION_SECRET = "HEREDITY_SESSION_SECRET"
ENV_SECURE_COOKIES = "HEREDITY_SECURE_COOKIES"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Session:
    """A signed-in browser: who, with which token, until when (epoch seconds)."""

    actor: str
    token_id: str
    expires: int
    value: str


class Sessions:
    """Signs and checks session cookies and CSRF tokens with one server secret (every worker
    of one deployment must share it: ``HEREDITY_SESSION_SECRET``; random per process if unset)."""

    def __init__(self, secret: str | None = None, *, secure: bool = False) -> None:
        self.key = (secret or secrets.token_urlsafe(32)).encode()
        self.secure = secure

    def _mac(self, purpose: str, text: str) -> str:
        return hmac.new(self.key, f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()

    def issue(self, actor: str, token_id: str) -> str:
        """A cookie value for ``actor`` signed in with ``token_id``."""
        body = {"a": actor, "t": token_id, "e": int(time.time()) + SESSION_SECONDS}
        body["n"] = secrets.token_urlsafe(12)
        payload = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
        return f"{payload}.{self._mac('session', payload)}"

    def read(self, value: str | None, registry: Registry) -> Session | None:
        """The session of a cookie value: None unless signed by us, unexpired, and its token
        still active (revoking the token ends its browser sessions)."""
        if not value or "." not in value:
            return None
        payload, _, mac = value.rpartition(".")
        if not hmac.compare_digest(mac, self._mac("session", payload)):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            actor, token_id, expires = str(body["a"]), str(body["t"]), int(body["e"])
        except (ValueError, KeyError, TypeError):
            return None
        if expires < time.time():
            return None
        active = any(
            t.id == token_id and t.status == "active" for t in list_tokens(registry, actor)
        )
        return Session(actor, token_id, expires, value) if active else None

    def csrf(self, bound_to: str) -> str:
        """The CSRF token of forms shown to the holder of cookie value ``bound_to``."""
        return self._mac("csrf", bound_to)

    def csrf_ok(self, bound_to: str | None, given: str | None) -> bool:
        return bool(bound_to and given) and hmac.compare_digest(
            str(given), self.csrf(str(bound_to))
        )

    def cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="strict",
            secure=self.secure,
            path="/",
        )


class SecurityHeaders(BaseHTTPMiddleware):
    """A Content-Security-Policy without inline script, no sniffing, no framing, no referrer."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.url.path.startswith("/ui"):
            response.headers["Cache-Control"] = "no-store"
        return response
