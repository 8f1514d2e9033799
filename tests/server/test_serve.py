"""`heredity serve` for real: a uvicorn process on a free loopback port over a SQLite registry."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from served import HEREDITY, free_port, serve
from server_team import make_team


def test_heredity_serve_answers_health_and_an_authenticated_call(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    team, reg = make_team(url)
    reg.close()
    with serve(url, tmp_path) as served:
        base = served.base
        secret = team.tokens["mira"]
        me = httpx.get(f"{base}/api/whoami", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 200 and me.json()["name"] == "mira"
        anon = httpx.get(f"{base}/api/models")
        assert anon.status_code == 401 and anon.json()["error"]["field"] == "authorization"
        revoked = httpx.get(
            f"{base}/api/models", headers={"Authorization": f"Bearer {team.tokens['revoked']}"}
        )
        assert revoked.status_code == 401
        assert httpx.get(f"{base}/openapi.json").status_code == 401
        schema = httpx.get(f"{base}/openapi.json", headers={"Authorization": f"Bearer {secret}"})
        assert "/api/approvals/{request_id}/decide" in schema.json()["paths"]
    assert served.returncode == 0, served.err
    logs = served.logs
    assert "serving" in served.out and "GET /api/whoami" in logs
    for value in team.tokens.values():
        assert value not in logs


def test_serve_refuses_a_missing_registry_before_listening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    done = subprocess.run(
        [*HEREDITY, "--db", url, "serve", "--port", str(free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "missing.db" in done.stderr and not (tmp_path / "missing.db").exists()
