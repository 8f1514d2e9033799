"""Acting as someone else on the same registry."""

from __future__ import annotations

from heredity.identity import admins, bootstrap_admin
from heredity.registry import Registry

ADMIN_NAME = "root"


def as_actor(registry: Registry, name: str) -> Registry:
    """The same registry, acted on by ``name``."""
    return Registry(registry.engine, actor=name)


def admin_of(registry: Registry) -> Registry:
    """The same registry, acted on by its admin ``root`` (bootstrapped on first use)."""
    root = as_actor(registry, ADMIN_NAME)
    if not admins(root):
        bootstrap_admin(root)
    return root
