"""Fixtures for the server tests: a team on a real registry (both backends) and its app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_team import Team, make_team


@pytest.fixture
def team(db_url: str) -> Iterator[Team]:
    t, reg = make_team(db_url)
    try:
        with t.client:
            yield t
    finally:
        reg.close()
