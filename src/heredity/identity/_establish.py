"""Who is acting: established from credentials or the OS, never from a typed name.

A shell (the CLI) calls :func:`establish_identity` with the token it was given, if any, and the
name the user claimed, if any. The library itself trusts its caller: ``Registry(engine,
actor=...)`` acts as whoever the calling code says (a server authenticates with the same tokens
first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from heredity.errors import BadCredentials
from heredity.identity._names import identity_key
from heredity.identity._roles import recorded_name
from heredity.identity._tokens import authenticate, os_user

if TYPE_CHECKING:
    from heredity.registry import Registry

How = Literal["token", "local-os-user"]


class Identity(BaseModel):
    """The acting identity and how it was established."""

    name: str
    how: How
    token_id: str | None = None
    os_user: str


def establish_identity(
    registry: Registry, *, secret: str | None = None, claimed: str | None = None
) -> Identity:
    """Establish who acts on ``registry`` and make it the registry's actor.

    With a token ``secret``: the actor it was issued to (BadCredentials when it is garbled,
    unknown, revoked or expired). Without: the OS user running this process. ``claimed`` (a
    name the user typed) must be that identity, compared after NFKC, case and whitespace
    folding; a name never establishes anyone by itself (BadCredentials otherwise).
    """
    user = os_user()
    if secret is not None:
        actor = authenticate(registry, secret)
        token_id = secret.strip().split("_", 2)[1]
        ident = Identity(name=actor.name, how="token", token_id=token_id, os_user=user)
    else:
        ident = Identity(
            name=recorded_name(registry, user) or user, how="local-os-user", os_user=user
        )
    if (
        claimed is not None
        and claimed.strip()
        and identity_key(claimed) != identity_key(ident.name)
    ):
        via = f"token {ident.token_id}" if ident.token_id else f"OS user {user}"
        raise BadCredentials(
            f"claimed: says {claimed.strip()!r} but your credentials establish {ident.name!r} "
            f"({via}); use a token issued to {claimed.strip()} (--token-file FILE or "
            f"HEREDITY_TOKEN, from an admin's `heredity token issue {claimed.strip()} --out FILE`)",
            param="claimed",
        )
    registry.actor = ident.name
    return ident
