"""Identity and roles: who acted, the roles they held (with history), and whether they may decide.

A leaf that every package taking decisions uses (rights reviews and authorizations, approvals,
waivers, clearances), so the acting identity and the segregation of duties live in one place.
Identity is established, not declared: API tokens (:func:`issue_token`, :func:`authenticate`)
or the OS user (:func:`establish_identity`); the first admin comes from :func:`bootstrap_admin`.
"""

from heredity.identity._duties import (
    Party,
    Person,
    acting_identity,
    check_independent,
    party_of_actor,
    refuse_admin,
    require_decider,
    same_person,
)
from heredity.identity._establish import Identity, establish_identity
from heredity.identity._names import MAX_NAME, check_actor_name, identity_key
from heredity.identity._permissions import DECIDERS, WRITE_ROLES, require_permission
from heredity.identity._roles import (
    ADMIN,
    ROLES,
    Actor,
    AdminBootstrap,
    Role,
    RoleGrant,
    add_actor,
    admins,
    bootstrap_admin,
    get_actor,
    list_actors,
    recorded_name,
    require_admin,
)
from heredity.identity._tokens import (
    ApiToken,
    Link,
    TokenInfo,
    TokenRevocation,
    authenticate,
    credential_links,
    issue_token,
    list_tokens,
    os_user,
    revoke_token,
)

__all__ = [
    "ADMIN",
    "DECIDERS",
    "MAX_NAME",
    "ROLES",
    "WRITE_ROLES",
    "Actor",
    "AdminBootstrap",
    "ApiToken",
    "Identity",
    "Link",
    "Party",
    "Person",
    "Role",
    "RoleGrant",
    "TokenInfo",
    "TokenRevocation",
    "acting_identity",
    "add_actor",
    "admins",
    "authenticate",
    "bootstrap_admin",
    "check_actor_name",
    "check_independent",
    "credential_links",
    "establish_identity",
    "get_actor",
    "identity_key",
    "issue_token",
    "list_actors",
    "list_tokens",
    "os_user",
    "party_of_actor",
    "recorded_name",
    "refuse_admin",
    "require_admin",
    "require_decider",
    "require_permission",
    "revoke_token",
    "same_person",
]
