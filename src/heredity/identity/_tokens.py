"""API tokens: how a caller proves who it is, instead of typing a name.

An admin issues a token to a recorded actor (:func:`issue_token`); its secret is shown once and
only its SHA-256 is stored (an ``api_token`` record, so the ledger shows who issued a token to
whom, and from which OS user). :func:`authenticate` turns a secret back into its actor, compared
in constant time; tokens expire and can be revoked (a ``token_revocation`` record).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import os
import secrets
import sys
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from heredity.errors import BadCredentials, BadInput, Conflict, NotFound
from heredity.identity._roles import Actor, get_actor, recorded_name, require_admin
from heredity.records import RecordBody, RecordKind

if sys.platform != "win32":
    import pwd

if TYPE_CHECKING:
    from heredity.registry import Registry

PREFIX = "heredity_"
TokenStatus = Literal["active", "expired", "revoked"]


class ApiToken(RecordBody):
    """A token issued to an actor (``api_token``; subject: the actor, key: the token id).

    The record's actor is the admin who issued it; ``os_user`` the OS account that ran the
    issuing process. Only the SHA-256 of the secret is kept.
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.API_TOKEN

    format: int = 1
    token_id: str
    actor: str
    sha256: str
    expires: str | None
    os_user: str | None


class TokenRevocation(RecordBody):
    """A token withdrawn (``token_revocation``; key: the token id)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.TOKEN_REVOCATION

    format: int = 1
    token_id: str
    actor: str
    reason: str | None


class TokenInfo(BaseModel):
    """A token as listed: never its secret."""

    id: str
    actor: str
    issued_by: str
    issued_at: dt.datetime
    os_user: str | None
    expires: dt.datetime | None
    status: TokenStatus
    revoked_by: str | None = None
    revoked_at: dt.datetime | None = None
    record_id: str


def os_user() -> str:
    """The OS account running this process: the ``pwd`` entry of the real uid, never an
    environment variable (``$USER`` can say anything)."""
    if sys.platform != "win32":
        uid = os.getuid()
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:  # a uid with no account (containers)
            return f"uid:{uid}"
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _expiry(expires: str | dt.date | None, now: dt.datetime) -> dt.datetime | None:
    if expires is None:
        return None
    if isinstance(expires, dt.datetime):
        when = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
    else:
        try:
            day = (
                expires if isinstance(expires, dt.date) else dt.date.fromisoformat(expires.strip())
            )
        except (ValueError, AttributeError):
            raise BadInput(
                f"expires: {expires!r} is not a date (YYYY-MM-DD)", param="expires"
            ) from None
        when = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    if when <= now:
        raise BadInput(f"expires: {when:%Y-%m-%d} is not in the future", param="expires")
    return when


def issue_token(
    registry: Registry, actor: str, expires: str | dt.date | None = None
) -> tuple[str, str]:
    """Issue a token to a recorded ``actor`` as the acting admin: ``(token_id, secret)``.

    The secret is returned once and never stored (only its SHA-256); ``expires`` (a date) is
    when it stops working. Refused (ApprovalRefused) unless the acting identity is an admin.
    """
    require_admin(registry, f"issue a token to {actor}")
    name = recorded_name(registry, actor) if isinstance(actor, str) else None
    if name is None:
        raise NotFound(
            f"{actor!r} is not a recorded actor; record them first "
            f"(heredity actor add {actor} --role ROLE), then issue their token"
        )
    when = _expiry(expires, _now())
    token_id = "tok" + secrets.token_hex(8)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    body = ApiToken(
        token_id=token_id,
        actor=name,
        sha256=_hash(secret),
        expires=when.isoformat() if when else None,
        os_user=os_user(),
    )
    registry.put(body, subject=name, key=token_id)
    return token_id, secret


def _revocation(registry: Registry, token_id: str) -> TokenRevocation | None:
    found = registry.find(TokenRevocation, key=token_id)
    return found[-1].body if found else None


def _info(registry: Registry, token_id: str, now: dt.datetime | None = None) -> TokenInfo:
    found = registry.find(ApiToken, key=token_id)
    if not found:
        raise NotFound(f"token: no token {token_id!r} was issued here", param="token")
    rec = found[-1]
    revs = registry.find(TokenRevocation, key=token_id)
    expires = dt.datetime.fromisoformat(rec.body.expires) if rec.body.expires else None
    status: TokenStatus = "active"
    if revs:
        status = "revoked"
    elif expires is not None and (now or _now()) >= expires:
        status = "expired"
    return TokenInfo(
        id=token_id,
        actor=rec.body.actor,
        issued_by=rec.actor,
        issued_at=rec.created_at,
        os_user=rec.body.os_user,
        expires=expires,
        status=status,
        revoked_by=revs[-1].actor if revs else None,
        revoked_at=revs[-1].created_at if revs else None,
        record_id=rec.id,
    )


def list_tokens(registry: Registry, actor: str | None = None) -> list[TokenInfo]:
    """Every token issued (of ``actor``, when given), newest first; never a secret."""
    subject = recorded_name(registry, actor) or actor if actor else None
    recs = registry.find(ApiToken, subject=subject)
    return [_info(registry, r.body.token_id) for r in recs]


def revoke_token(registry: Registry, token_id: str, *, reason: str | None = None) -> TokenInfo:
    """Revoke a token as the acting admin; it authenticates nobody from now on."""
    require_admin(registry, f"revoke token {token_id}")
    info = _info(registry, token_id.strip())
    if info.status == "revoked":
        raise Conflict(f"token: {info.id} was already revoked by {info.revoked_by}", param="token")
    note = reason.strip() if reason and reason.strip() else None
    registry.put(
        TokenRevocation(token_id=info.id, actor=info.actor, reason=note),
        subject=info.actor,
        key=info.id,
    )
    return _info(registry, info.id)


def authenticate(registry: Registry, secret: str, *, now: dt.datetime | None = None) -> Actor:
    """The recorded actor a token's ``secret`` was issued to.

    Raises :class:`~heredity.errors.BadCredentials` (exit 2) for a garbled secret, one this
    registry never issued, and a revoked or expired token.
    """
    text = secret.strip() if isinstance(secret, str) else ""
    parts = text.split("_", 2)
    if len(parts) != 3 or not text.startswith(PREFIX) or not parts[1] or not parts[2]:
        raise BadCredentials(
            "token: not a Heredity token (a token reads heredity_tok..._...); use the secret "
            "that `heredity token issue` printed or wrote",
            param="token",
        )
    token_id = parts[1]
    found = registry.find(ApiToken, key=token_id)
    given = _hash(text)
    match = next((r for r in found if hmac.compare_digest(r.body.sha256, given)), None)
    if match is None:
        hmac.compare_digest(given, given)  # the same work whether or not the id exists
        raise BadCredentials(
            "token: this registry issued no such token (unknown, or a wrong secret); ask an "
            "admin for one (heredity token issue NAME)",
            param="token",
        )
    info = _info(registry, token_id, now)
    if info.status == "revoked":
        raise BadCredentials(
            f"token: {token_id} was revoked by {info.revoked_by} at "
            f"{info.revoked_at:%Y-%m-%d %H:%M}; ask an admin for a new one",
            param="token",
        )
    if info.status == "expired":
        raise BadCredentials(
            f"token: {token_id} expired at {info.expires:%Y-%m-%d %H:%M}; ask an admin for a "
            "new one",
            param="token",
        )
    held = get_actor(registry, match.body.actor)
    if held is None:
        raise BadCredentials(
            f"token: {token_id} names {match.body.actor!r}, who is no recorded actor",
            param="token",
        )
    return held


class Link(BaseModel):
    """``issuer`` issued ``actor`` the token ``token_id``: the issuer saw its secret."""

    actor: str
    issuer: str
    token_id: str


def credential_links(registry: Registry, name: str, *, current: bool = True) -> list[Link]:
    """Who could act as ``name`` through a token: whoever issued ``name`` a token that still
    works (any token ``name`` was ever issued, unless ``current``), and, for each of them,
    whoever ever issued them a token, and so on.

    The issuer of a token saw its secret, so for segregation of duties the identities behind an
    actor's credentials count as the actor too.
    """
    links: list[Link] = []
    seen = {name}
    frontier = [(name, current)]
    while frontier:
        who, only_valid = frontier.pop()
        subject = recorded_name(registry, who) or who
        for rec in registry.find(ApiToken, subject=subject):
            if only_valid and _info(registry, rec.body.token_id).status != "active":
                continue
            links.append(Link(actor=who, issuer=rec.actor, token_id=rec.body.token_id))
            if rec.actor not in seen:
                seen.add(rec.actor)
                frontier.append((rec.actor, False))
    return links
