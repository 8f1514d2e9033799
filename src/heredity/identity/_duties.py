"""Who is acting, and whether they may take a decision: role and segregation of duties.

Every decision that needs a role (rights reviews and authorizations, approvals, waivers,
clearances) asks :func:`require_decider` (or :func:`check_independent`), so the segregation of
duties lives in one place. The acting identity is ``registry.actor``: in the CLI established
from a token or the OS user (:func:`~heredity.identity.establish_identity`).

Identities are compared after Unicode NFKC, case and whitespace folding, by name or email; and
an actor acting through a token is also whoever issued it (they saw its secret): a decider whose
still-valid token was issued by an excluded party, directly or through a chain of tokens, is
refused, as is a decider who issued an excluded party's token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import ApprovalRefused
from heredity.identity._names import identity_key
from heredity.identity._roles import ADMIN, Actor, get_actor, list_actors
from heredity.identity._tokens import credential_links

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
    relation: str = Field("", description="how they are tied to it, e.g. 'requested the check'")


def same_person(actor: str, actor_email: str | None, person: Person | None) -> bool:
    """Whether an actor is ``person``: name or email equal after Unicode NFKC, case and
    whitespace folding (``"Dana  Smith"`` and ``"dana\\u00a0smith"`` are one person)."""
    if person is None:
        return False
    names = {identity_key(v) for v in (person.name, person.email) if v and identity_key(v)}
    mine = {identity_key(actor)} | ({identity_key(actor_email)} if actor_email else set())
    mine.discard("")
    return bool(names & mine)


def acting_identity(registry: Registry) -> str:
    """Who is acting on the registry (the name every ledger event records)."""
    return registry.actor


def party_of_actor(registry: Registry, name: str, relation: str) -> Party:
    """A recorded actor as a :class:`Party` (with the email their role record gives)."""
    held = get_actor(registry, name)
    return Party(name=name, email=held.email if held else None, relation=relation)


def _email(registry: Registry, name: str) -> str | None:
    held = get_actor(registry, name)
    return held.email if held else None


def _actors_of(registry: Registry, party: Party) -> list[str]:
    """The recorded actors who are ``party`` (plus its name, recorded or not)."""
    found = [a.name for a in list_actors(registry) if same_person(a.name, a.email, party)]
    if party.name and not any(identity_key(n) == identity_key(party.name) for n in found):
        found.append(party.name)
    return found


def check_independent(
    registry: Registry, name: str, action: str, excluded: Sequence[Party]
) -> None:
    """Refuse (ApprovalRefused) when ``name`` is one of ``excluded``, acts with a token an
    excluded party issued (directly or through a chain), or issued an excluded party's token."""
    email = _email(registry, name)
    for party in excluded:
        if same_person(name, email, party):
            raise ApprovalRefused(
                f"{name} {party.relation} and cannot {action} (segregation of duties)"
            )
    mine = credential_links(registry, name)
    me = Party(name=name, email=email, relation="decides")
    for party in excluded:
        for link in mine:
            if same_person(link.issuer, _email(registry, link.issuer), party):
                raise ApprovalRefused(
                    f"{name} acts through token {link.token_id} of {link.actor}, issued by "
                    f"{link.issuer}, who {party.relation}; {link.issuer} could act as {name}, "
                    f"so {name} cannot {action} (segregation of duties). Revoke it (heredity "
                    f"token revoke {link.token_id}) and have an admin who is not a party "
                    "issue a new one"
                )
        for other in _actors_of(registry, party):
            for link in credential_links(registry, other, current=False):
                if same_person(link.issuer, _email(registry, link.issuer), me):
                    raise ApprovalRefused(
                        f"{name} issued token {link.token_id} of {link.actor}, and {other} "
                        f"{party.relation}; {name} could have acted as {other}, so cannot "
                        f"{action} (segregation of duties)"
                    )


def require_decider(
    registry: Registry,
    *,
    role: str | Sequence[str],
    action: str,
    excluded: Sequence[Party] = (),
) -> Actor:
    """The acting identity, if it may ``action``: it is none of ``excluded`` (nor behind their
    credentials), holds ``role`` (or one of several), and is not an admin.

    Raises :class:`~heredity.errors.ApprovalRefused` naming the reason otherwise.
    """
    name = acting_identity(registry)
    held = get_actor(registry, name)
    check_independent(registry, name, action, excluded)
    roles = [role] if isinstance(role, str) else list(role)
    if held is None or not set(roles) & set(held.roles):
        holds = ", ".join(held.roles) if held and held.roles else "no recorded role"
        wanted = " or ".join(roles)
        raise ApprovalRefused(
            f"{name} holds {holds}; to {action} takes the {wanted} role "
            f"(an admin records it: heredity actor add {name} --role {roles[0]})"
        )
    refuse_admin(held, action)
    return held


def refuse_admin(held: Actor, action: str) -> None:
    """An admin grants roles and issues tokens, so never also decides (ApprovalRefused)."""
    if ADMIN in held.roles:
        raise ApprovalRefused(
            f"{held.name} holds the admin role and cannot {action}: an admin grants roles and "
            "issues tokens, so does not also decide (segregation of duties); an actor who is "
            "not an admin decides"
        )
