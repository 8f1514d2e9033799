"""Usage errors exit 2 with click's message, never a traceback (1 means "governance said no")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEREDITY = Path(sys.executable).parent / "heredity"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "No such command 'nosuch'"),
        (["evaluate", "--bogus"], "No such option: --bogus"),
        (["rights", "check"], "Missing argument"),
        (["assess", "--format", "xml"], "Invalid value for --format"),
        (["suites", "show", "x", "--format", "yaml"], "Invalid value for --format"),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    args: list[str], message: str, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [str(HEREDITY), *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
