"""Who is calling: a bearer token, or a trusted reverse proxy's user header; never a typed name.

Every request but ``GET /health`` is authenticated. The acting registry of a request is the
shared engine with the authenticated actor, so every role and segregation-of-duties check of
the library applies to it unchanged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from fastapi import Request

from heredity.errors import BadCredentials, BadInput
from heredity.identity import authenticate, get_actor, recorded_name
from heredity.registry import Registry

How = Literal["token", "proxy"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the recorded actor and how it was established."""

    name: str
    how: How
    token_id: str | None = None


def parse_proxies(proxies: Iterable[str]) -> list[Network]:
    """Proxy addresses or networks (``10.0.0.5``, ``10.0.0.0/24``); BadInput naming a bad one."""
    out: list[Network] = []
    for text in proxies:
        try:
            out.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise BadInput(
                f"trusted_proxies: {text!r} is not an IP address or network",
                param="trusted_proxies",
            ) from None
    return out


def _from_proxy(request: Request, proxies: list[Network]) -> bool:
    host = request.client.host if request.client else None
    if not host or not proxies:
        return False
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(addr in net for net in proxies)


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization")
    if value is None:
        return None
    scheme, _, secret = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise BadCredentials(
            "authorization: give `Authorization: Bearer <token>` with a token from "
            "`heredity token issue NAME`",
            param="authorization",
        )
    return secret.strip()


def authenticate_request(
    request: Request, registry: Registry, *, proxies: list[Network], user_header: str
) -> Caller:
    """The caller of ``request``, or BadCredentials (401): no credentials, a garbled, unknown,
    revoked or expired token, or a proxy header from an address that is not a trusted proxy."""
    secret = _bearer(request)
    if secret is not None:
        actor = authenticate(registry, secret)
        return Caller(name=actor.name, how="token", token_id=secret.split("_", 2)[1])
    claimed = request.headers.get(user_header)
    if claimed is not None:
        if not _from_proxy(request, proxies):
            raise BadCredentials(
                f"{user_header.lower()}: accepted only from a trusted proxy, and this request "
                "did not come from one; authenticate with `Authorization: Bearer <token>`",
                param=user_header.lower(),
            )
        name = recorded_name(registry, claimed.strip()) if claimed.strip() else None
        if name is None or get_actor(registry, name) is None:
            raise BadCredentials(
                f"{user_header.lower()}: the proxy names {claimed.strip()!r}, who is no "
                "recorded actor; an admin records them (heredity actor add NAME --role ROLE)",
                param=user_header.lower(),
            )
        return Caller(name=name, how="proxy")
    raise BadCredentials(
        "authorization: this endpoint needs credentials: `Authorization: Bearer <token>` "
        "with a token from an admin (`heredity token issue NAME`)",
        param="authorization",
    )
