"""What each role may write: the rule a shell applies before a write it performs for an
authenticated caller (the server does, for every write request).

The library's own checks still apply on top (a legal reviewer independent of the plan, the
approval policy's roles, segregation of duties, admins never deciding); this table only says
which roles may attempt each kind of write at all. Auditors read everything and write nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heredity.errors import ApprovalRefused, BadInput
from heredity.identity._roles import ADMIN, Actor, get_actor

if TYPE_CHECKING:
    from heredity.registry import Registry

# The roles whose holders may take decisions an approval policy assigns (the policy says which).
DECIDERS = ("model_risk", "safety", "legal", "engineer", "incident_responder")

WRITE_ROLES: dict[str, tuple[str, ...]] = {
    "record": ("engineer", "safety", "model_risk"),
    "rights.check": ("engineer", "legal", "safety", "model_risk"),
    "rights.review": ("legal",),
    "rights.authorize": ("legal",),
    "assess": ("engineer", "safety"),
    "approval.request": ("engineer", "safety", "model_risk"),
    "approval.decide": DECIDERS,
    "approval.revoke": ("model_risk", "safety", "legal"),
    "waiver": DECIDERS,
    "deploy": ("engineer", "model_risk"),
    "incident.open": ("incident_responder", "safety", "model_risk", "engineer"),
    "incident.close": ("incident_responder", "safety", "model_risk"),
    "actor.manage": (ADMIN,),
    "token.manage": (ADMIN,),
}
"""Write action -> the roles any one of which lets an actor attempt it."""


def require_permission(registry: Registry, action: str) -> Actor:
    """The acting identity, if it holds a role that may ``action`` (a key of
    :data:`WRITE_ROLES`); ApprovalRefused naming the roles it needs otherwise."""
    if action not in WRITE_ROLES:
        raise BadInput(
            f"action: {action!r} is not a write action ({', '.join(WRITE_ROLES)})", param="action"
        )
    name = registry.actor
    held = get_actor(registry, name)
    allowed = WRITE_ROLES[action]
    if held is None or not set(allowed) & set(held.roles):
        holds = ", ".join(held.roles) if held and held.roles else "no recorded role"
        reason = (
            " (auditors read everything and write nothing)"
            if held and held.roles == ["auditor"]
            else ""
        )
        raise ApprovalRefused(
            f"{name} holds {holds}; {action} takes one of the roles {', '.join(allowed)}{reason}"
        )
    return held
