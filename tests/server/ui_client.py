"""Browser-like clients of the web UI: one cookie jar per person, signed in with their token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from server_team import Team

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def browser(team: Team) -> TestClient:
    """A fresh client of the team's app (its own cookies), over https://testserver."""
    return TestClient(team.client.app, raise_server_exceptions=False, follow_redirects=False)


def signed_in(team: Team, name: str) -> TestClient:
    """A client signed in as ``name`` through the sign-in form."""
    c = browser(team)
    page = c.get("/ui/signin")
    r = c.post("/ui/signin", data={"csrf": csrf_of(page.text), "token": team.tokens[name]})
    assert r.status_code == 303 and r.headers["location"] == "/ui/", r.text
    return c
