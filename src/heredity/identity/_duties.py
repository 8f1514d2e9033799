"""Who is acting, and whether they may take a decision: role and segregation of duties.

Every decision that needs a role (rights reviews and authorizations, approvals, waivers,
clearances) asks :func:`require_decider`, so the acting identity is established in one place:
today ``registry.actor`` (``--actor``, ``$HEREDITY_ACTOR`` or the OS user).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import ApprovalRefused
from heredity.identity._roles import Actor, get_actor

if TYPE_CHECKING:
    from heredity.registry import Registry


class Person(Protocol):
    """Anything with a name and an email (a responsible party, a :class:`Party`)."""

    @property
    def name(self) -> str | None: ...

    @property
    def email(self) -> str | None: ...


class Party(BaseModel):
    """Someone who may not decide on a subject, and how they are tied to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None
    email: str | None = None
    relation: str = Field(description="how they are tied to it, e.g. 'requested the rights check'")


def same_person(actor: str, actor_email: str | None, person: Person | None) -> bool:
    """Whether an actor is ``person`` (matched by name or email, any case)."""
    if person is None:
        return False
    names = {v.strip().casefold() for v in (person.name, person.email) if v and v.strip()}
    mine = {actor.strip().casefold()} | ({actor_email.strip().casefold()} if actor_email else set())
    return bool(names & mine)


def acting_identity(registry: Registry) -> str:
    """Who is acting on the registry (the name every ledger event records)."""
    return registry.actor


def party_of_actor(registry: Registry, name: str, relation: str) -> Party:
    """A recorded actor as a :class:`Party` (with the email their role record gives)."""
    held = get_actor(registry, name)
    return Party(name=name, email=held.email if held else None, relation=relation)


def require_decider(
    registry: Registry, *, role: str, action: str, excluded: Sequence[Party] = ()
) -> Actor:
    """The acting identity, if it may ``action``: it is none of ``excluded`` and holds ``role``.

    Raises :class:`~heredity.errors.ApprovalRefused` naming the reason otherwise.
    """
    name = acting_identity(registry)
    held = get_actor(registry, name)
    email = held.email if held else None
    for party in excluded:
        if same_person(name, email, party):
            raise ApprovalRefused(
                f"{name} {party.relation} and cannot {action} (segregation of duties)"
            )
    if held is None or role not in held.roles:
        holds = ", ".join(held.roles) if held and held.roles else "no recorded role"
        raise ApprovalRefused(
            f"{name} holds {holds}; to {action} takes the {role} role "
            f"(an admin records it: heredity actor add {name} --role {role})"
        )
    return held
