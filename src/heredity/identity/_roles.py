"""Actors and the roles they hold, recorded in the registry with their history.

The first admin is created once, by an explicit bootstrap (:func:`bootstrap_admin`, recorded as
an ``admin_bootstrap`` record and its own ledger event); from then on only an acting admin grants
or changes roles, never their own, and every change is a recorded action of that admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from heredity.errors import ApprovalRefused, BadInput
from heredity.identity._names import check_actor_name, identity_key
from heredity.records import RecordBody, RecordKind

if TYPE_CHECKING:
    from heredity.registry import Registry

ROLES = ("model_risk", "safety", "legal", "engineer", "auditor", "incident_responder", "admin")
Role = Literal[
    "model_risk", "safety", "legal", "engineer", "auditor", "incident_responder", "admin"
]
ADMIN = "admin"


class RoleGrant(RecordBody):
    """The roles an actor holds from now on (body of an ``actor`` record; the newest one counts)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.ACTOR

    format: int = 1
    name: str
    roles: list[str]
    email: str | None


class AdminBootstrap(RecordBody):
    """The registry's first admin, created once (body of an ``admin_bootstrap`` record).

    The record's actor is the identity that ran the bootstrap; ``name`` the admin it created.
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.ADMIN_BOOTSTRAP

    format: int = 1
    name: str
    email: str | None


class Actor(BaseModel):
    """A person (or service) and the roles they hold, as of ``since``."""

    name: str
    roles: list[str]
    email: str | None = None
    since: dt.datetime
    granted_by: str
    record_id: str


def _check_roles(roles: Sequence[str]) -> list[str]:
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise BadInput(
            f"roles: unknown role {bad[0]!r}; choose from {', '.join(ROLES)}", param="roles"
        )
    return list(dict.fromkeys(roles))


def _exact(registry: Registry, name: str, at: dt.datetime | None) -> Actor | None:
    for rec in registry.find(RoleGrant, key=name):
        if at is None or rec.created_at <= at:
            return Actor(
                name=name,
                roles=list(rec.body.roles),
                email=rec.body.email,
                since=rec.created_at,
                granted_by=rec.actor,
                record_id=rec.id,
            )
    return None


def _recorded_names(registry: Registry) -> list[str]:
    return sorted({r.key for r in registry.find(RoleGrant) if r.key})


def recorded_name(registry: Registry, name: str) -> str | None:
    """The recorded actor name that ``name`` is the same identity as (NFKC, case and
    whitespace folded), or None."""
    key = identity_key(name)
    return next((n for n in _recorded_names(registry) if identity_key(n) == key), None)


def get_actor(registry: Registry, name: str, at: dt.datetime | None = None) -> Actor | None:
    """An actor's roles now, or as they stood at time ``at``; None when never recorded.

    ``name`` may differ from the recorded name by Unicode form, case or whitespace.
    """
    found = _exact(registry, name, at)
    if found is not None:
        return found
    other = recorded_name(registry, name)
    return _exact(registry, other, at) if other is not None and other != name else None


def list_actors(registry: Registry) -> list[Actor]:
    """Every recorded actor with current roles, by name."""
    return [a for a in (_exact(registry, n, None) for n in _recorded_names(registry)) if a]


def admins(registry: Registry) -> list[Actor]:
    """The actors who hold the admin role now."""
    return [a for a in list_actors(registry) if ADMIN in a.roles]


def require_admin(registry: Registry, action: str) -> Actor:
    """The acting identity, if it holds the admin role (ApprovalRefused naming why otherwise)."""
    me = registry.actor
    held = get_actor(registry, me)
    if held is not None and ADMIN in held.roles:
        return held
    current = admins(registry)
    if not current:
        raise ApprovalRefused(
            f"{me} cannot {action}: the registry has no admin yet; the first admin is created "
            "once, explicitly (heredity admin init)"
        )
    raise ApprovalRefused(
        f"{me} is not an admin and cannot {action}; only an admin "
        f"({', '.join(a.name for a in current)}) can"
    )


def _check_new_identity(registry: Registry, name: str, email: str | None) -> None:
    """Refuse a new actor that is an existing one written differently, or takes their email."""
    other = recorded_name(registry, name)
    if other is not None and other != name:
        raise BadInput(
            f"name: {name!r} is the same identity as the recorded actor {other!r} (names are "
            f"compared after Unicode NFKC, case and whitespace folding); use {other!r}",
            param="name",
        )
    if email:
        mine = identity_key(email)
        for a in list_actors(registry):
            if a.name != name and a.email and identity_key(a.email) == mine:
                raise BadInput(
                    f"email: {email!r} is already the email of actor {a.name!r}; one email "
                    "names one identity",
                    param="email",
                )


def _check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    return check_actor_name(email, param="email")


def add_actor(
    registry: Registry,
    name: str,
    roles: Sequence[str],
    *,
    email: str | None = None,
    replace: bool = False,
) -> Actor:
    """Record an actor's roles (added to those held unless ``replace``), as the acting admin.

    Only an admin grants or changes roles (the first admin comes from :func:`bootstrap_admin`),
    never their own (so an admin is only ever demoted by another admin); a name that is an
    existing actor's written differently is refused. Every change, ``replace`` included, is a
    record of the admin who made it.
    """
    name = check_actor_name(name)
    email = _check_email(email)
    wanted = _check_roles(roles)
    if not wanted and not replace:
        raise BadInput("roles: give at least one role", param="roles")
    granter = require_admin(registry, f"grant roles to {name}")
    if identity_key(granter.name) == identity_key(name) or identity_key(
        registry.actor
    ) == identity_key(name):
        raise ApprovalRefused(
            f"{registry.actor} cannot grant or change their own roles (segregation of duties); "
            "another admin records them"
        )
    _check_new_identity(registry, name, email)
    current = _exact(registry, name, None)
    held = [] if (current is None or replace) else current.roles
    new_roles = list(dict.fromkeys([*held, *wanted]))
    body = RoleGrant(
        name=name, roles=new_roles, email=email or (current.email if current else None)
    )
    rec = registry.put(body, subject=name, key=name)
    return Actor(
        name=name,
        roles=new_roles,
        email=body.email,
        since=rec.created_at,
        granted_by=rec.actor,
        record_id=rec.id,
    )


def bootstrap_admin(
    registry: Registry, name: str | None = None, *, email: str | None = None
) -> Actor:
    """Create the registry's first admin, once (default: the acting identity).

    Written as an ``admin_bootstrap`` record (its own ledger event, naming who ran it) and the
    admin's role record, in one transaction. Refused (ApprovalRefused) when the registry was
    bootstrapped before or already has an admin: admins then grant the admin role.
    """
    name = check_actor_name(name if name is not None else registry.actor)
    email = _check_email(email)
    with registry.writing() as conn:  # checked under the write lock: one bootstrap wins
        done = registry.find(AdminBootstrap)
        if done:
            first = done[-1]
            raise ApprovalRefused(
                f"the registry's first admin was already created ({first.body.name}, by "
                f"{first.actor} at {first.created_at:%Y-%m-%d %H:%M}, record {first.id}); "
                "a second bootstrap is refused: an admin grants the admin role "
                "(heredity actor add NAME --role admin)"
            )
        current = admins(registry)
        if current:
            raise ApprovalRefused(
                f"the registry already has admins ({', '.join(a.name for a in current)}); "
                "a bootstrap is refused: an admin grants the admin role "
                "(heredity actor add NAME --role admin)"
            )
        _check_new_identity(registry, name, email)
        existing = _exact(registry, name, None)
        roles = list(dict.fromkeys([*(existing.roles if existing else []), ADMIN]))
        email = email or (existing.email if existing else None)
        registry.put(AdminBootstrap(name=name, email=email), subject=name, key=name, conn=conn)
        rec = registry.put(
            RoleGrant(name=name, roles=roles, email=email), subject=name, key=name, conn=conn
        )
    return Actor(
        name=name,
        roles=roles,
        email=email,
        since=rec.created_at,
        granted_by=rec.actor,
        record_id=rec.id,
    )
