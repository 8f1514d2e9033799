"""Identity and roles: who acted, the roles they held (with history), and whether they may decide.

A leaf that every package taking decisions uses (rights reviews and authorizations, approvals,
waivers, clearances), so the acting identity and the segregation of duties live in one place.
"""

from heredity.identity._duties import (
    Party,
    Person,
    acting_identity,
    party_of_actor,
    require_decider,
    same_person,
)
from heredity.identity._roles import (
    ROLES,
    Actor,
    Role,
    RoleGrant,
    add_actor,
    get_actor,
    list_actors,
)

__all__ = [
    "ROLES",
    "Actor",
    "Party",
    "Person",
    "Role",
    "RoleGrant",
    "acting_identity",
    "add_actor",
    "get_actor",
    "list_actors",
    "party_of_actor",
    "require_decider",
    "same_person",
]
