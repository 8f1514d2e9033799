"""Acting as someone through the CLI: a token issued by the registry's admin, never a typed name.

``as_cli(db_url, "lee", roles=["legal"])`` records ``lee`` (when new) through the registry's
admin (``test-admin``, bootstrapped when the registry has none) and returns the global options
``--db URL --token-file FILE`` of a token issued to ``lee``.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from heredity.identity import add_actor, admins, bootstrap_admin, get_actor, issue_token
from heredity.registry import Registry

ADMIN = "test-admin"
_TOKENS = Path(tempfile.gettempdir()) / "heredity-test-tokens"
_ISSUED: dict[tuple[str, str], str] = {}


def token_file(db_url: str, name: str, roles: Sequence[str] = ()) -> str:
    """A file holding a token issued to ``name`` (recorded with ``roles``, or engineer); one
    token per registry and name."""
    if (db_url, name) in _ISSUED and not roles:
        return _ISSUED[(db_url, name)]
    with Registry.open(db_url, actor=ADMIN) as reg:
        if not admins(reg):
            bootstrap_admin(reg)
        admin = Registry(reg.engine, actor=admins(reg)[0].name)
        held = get_actor(admin, name)
        wanted = [r for r in roles if held is None or r not in held.roles]
        if name != admin.actor and (held is None or wanted):
            add_actor(admin, name, wanted or ["engineer"])
        _, secret = issue_token(admin, name)
    _TOKENS.mkdir(exist_ok=True)
    path = _TOKENS / f"{uuid.uuid4().hex}.token"
    path.write_text(secret, encoding="utf-8")
    _ISSUED[(db_url, name)] = str(path)
    return str(path)


def as_cli(db_url: str, name: str, roles: Sequence[str] = ()) -> list[str]:
    """``--db URL --token-file FILE``: the CLI acting as ``name``."""
    return ["--db", db_url, "--token-file", token_file(db_url, name, roles)]
