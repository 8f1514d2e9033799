"""A real ``heredity serve`` process on a free loopback port, for the tests that need one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

HEREDITY = [sys.executable, "-m", "heredity"]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """The running server: its base URL, then (once stopped) its exit code and output."""

    base: str
    returncode: int | None = None
    out: str = ""
    err: str = ""
    logs: str = ""


@contextmanager
def serve(url: str, cwd: Path) -> Iterator[Served]:
    """Start ``heredity --db URL serve``, wait for /health, yield; stop it with SIGINT after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HEREDITY_TOKEN", "HEREDITY_ACTOR")}
    # Output goes to files: a long session's access log would fill a pipe and stall the server.
    out_path, err_path = cwd / "serve.out", cwd / "serve.err"
    with out_path.open("w") as out_file, err_path.open("w") as err_file:
        proc = subprocess.Popen(
            [*HEREDITY, "--db", url, "serve", "--port", str(port)],
            cwd=cwd,
            env=env,
            stdout=out_file,
            stderr=err_file,
            text=True,
        )
    served = Served(base=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, err_path.read_text()
            try:
                if httpx.get(f"{served.base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up in 30 s"
            time.sleep(0.2)
        yield served
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        served.returncode = proc.returncode
        served.out, served.err = out_path.read_text(), err_path.read_text()
        served.logs = served.out + served.err
