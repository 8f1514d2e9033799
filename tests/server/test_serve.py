"""`heredity serve` for real: a uvicorn process on a free loopback port over a SQLite registry."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from server_team import make_team

HEREDITY = [sys.executable, "-m", "heredity"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_heredity_serve_answers_health_and_an_authenticated_call(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    team, reg = make_team(url)
    reg.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HEREDITY_TOKEN", "HEREDITY_ACTOR")}
    proc = subprocess.Popen(
        [*HEREDITY, "--db", url, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up in 30 s"
            time.sleep(0.2)
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
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert proc.returncode == 0, err
    logs = out + err
    assert "serving" in out and "GET /api/whoami" in logs
    for value in team.tokens.values():
        assert value not in logs


def test_serve_refuses_a_missing_registry_before_listening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    done = subprocess.run(
        [*HEREDITY, "--db", url, "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "missing.db" in done.stderr and not (tmp_path / "missing.db").exists()
