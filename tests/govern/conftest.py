"""Fixtures for the governance tests."""

from __future__ import annotations

import pytest
from govern_world import World

from heredity.govern import add_actor
from heredity.registry import Registry


@pytest.fixture
def world(registry: Registry) -> World:
    w = World(registry)
    for name, roles in [
        ("alice", ["model_risk"]),
        ("sam", ["safety"]),
        ("lee", ["legal"]),
        ("eve", ["engineer"]),
        ("ray", ["incident_responder"]),
    ]:
        add_actor(w.admin, name, roles)
    return w
