"""What every request shares (the engine, the settings) and the caller's registry."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from heredity.registry import Registry
from heredity.server._auth import Caller, Network, authenticate_request
from heredity.server._limits import DEFAULT_MAX_BODY
from heredity.server._session import Sessions

DEFAULT_USER_HEADER = "X-Forwarded-User"


@dataclass
class Service:
    """The registry's engine and the server's settings, shared by every request."""

    registry: Registry
    proxies: list[Network] = field(default_factory=list)
    user_header: str = DEFAULT_USER_HEADER
    max_body: int = DEFAULT_MAX_BODY
    sessions: Sessions = field(default_factory=Sessions)

    def acting(self, caller: Caller) -> Registry:
        """The registry acting as ``caller`` (the shared engine, their identity)."""
        return Registry(self.registry.engine, actor=caller.name)


def service(request: Request) -> Service:
    """The service of the app serving ``request``."""
    svc: Service = request.app.state.heredity
    return svc


def acting_registry(request: Request) -> Registry:
    """Every authenticated endpoint's dependency: the caller's registry (401 otherwise)."""
    svc = service(request)
    caller = authenticate_request(
        request, svc.registry, proxies=svc.proxies, user_header=svc.user_header
    )
    request.state.caller = caller
    return svc.acting(caller)


def caller_of(request: Request) -> Caller:
    """The authenticated caller of ``request`` (after :func:`acting_registry`)."""
    caller: Caller = request.state.caller
    return caller
