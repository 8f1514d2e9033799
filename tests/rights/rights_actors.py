"""Acting as someone else on the same registry."""

from __future__ import annotations

from heredity.registry import Registry


def as_actor(registry: Registry, name: str) -> Registry:
    """The same registry, acted on by ``name``."""
    return Registry(registry.engine, actor=name)
