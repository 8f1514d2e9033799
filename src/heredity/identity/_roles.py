"""Actors and the roles they hold, recorded in the registry with their history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from heredity.errors import ApprovalRefused, BadInput
from heredity.records import RecordBody, RecordKind

if TYPE_CHECKING:
    from heredity.registry import Registry

ROLES = ("model_risk", "safety", "legal", "engineer", "auditor", "incident_responder", "admin")
Role = Literal[
    "model_risk", "safety", "legal", "engineer", "auditor", "incident_responder", "admin"
]


class RoleGrant(RecordBody):
    """The roles an actor holds from now on (body of an ``actor`` record; the newest one counts)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.ACTOR

    format: int = 1
    name: str
    roles: list[str]
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


def get_actor(registry: Registry, name: str, at: dt.datetime | None = None) -> Actor | None:
    """An actor's roles now, or as they stood at time ``at``; None when never recorded."""
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


def list_actors(registry: Registry) -> list[Actor]:
    """Every recorded actor with current roles, by name."""
    names = sorted({r.key for r in registry.find(RoleGrant) if r.key})
    return [a for a in (get_actor(registry, n) for n in names) if a is not None]


def add_actor(
    registry: Registry,
    name: str,
    roles: Sequence[str],
    *,
    email: str | None = None,
    replace: bool = False,
) -> Actor:
    """Record an actor's roles (added to those held unless ``replace``).

    Nobody changes their own roles; once an ``admin`` exists only admins change roles.
    """
    name = name.strip()
    if not name:
        raise BadInput("name: required", param="name")
    wanted = _check_roles(roles)
    if not wanted and not replace:
        raise BadInput("roles: give at least one role", param="roles")
    granter = registry.actor
    if granter.strip().casefold() == name.casefold():
        raise ApprovalRefused(
            f"{granter} cannot grant roles to themselves (segregation of duties); "
            "another actor (an admin once one exists) must record them"
        )
    admins = [a for a in list_actors(registry) if "admin" in a.roles]
    if admins and not any(a.name == granter for a in admins):
        raise ApprovalRefused(
            f"{granter} is not an admin; only admins ({', '.join(a.name for a in admins)}) change roles"
        )
    current = get_actor(registry, name)
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
