"""Every `$ command` in the README's and the docs' console blocks runs as shown (tested docs).

A command annotated ``# exits N`` must exit with N (a governance "no" is exit 1 by design).
Each document runs in a fresh directory laid out like the checkout: ``examples/`` and
``benchmarks/`` (this repository's), with the real upstream files at ``../shared/realdata`` as
beside the checkout. Reference syntax that is not meant to run belongs in ``text`` blocks, not
``console`` ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
# The benchmarks' own commands take minutes: they run with the slow cases (make test-all).
SLOW = {"docs/benchmarks.md"}


def documents() -> list[object]:
    docs = ["README.md"] + sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))
    return [pytest.param(d, marks=pytest.mark.slow) if d in SLOW else d for d in docs]


def doc_commands(doc: str) -> list[tuple[str, int]]:
    text = (ROOT / doc).read_text()
    commands: list[tuple[str, int]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        pending = ""
        for line in block.splitlines():
            if pending:
                line = pending + line
                pending = ""
            elif not line.startswith("$ "):
                continue
            else:
                line = line[2:]
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            command, _, comment = line.partition("  # ")
            m = re.match(r"exits (\d+)", comment.strip())
            commands.append((command.strip(), int(m.group(1)) if m else 0))
    return commands


def test_readme_has_the_main_commands() -> None:
    commands = [c for c, _ in doc_commands("README.md")]
    assert any(re.match(r"heredity (--\S+ \S+ )*record ", c) for c in commands)


@pytest.mark.parametrize("doc", documents())
def test_doc_commands_run(doc: str, tmp_path: Path) -> None:
    commands = doc_commands(doc)
    work = tmp_path / "main"
    work.mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "realdata").symlink_to(REALDATA)
    (work / "examples").symlink_to(ROOT / "examples")
    (work / "benchmarks").symlink_to(ROOT / "benchmarks")
    (work / ".venv").symlink_to(Path(sys.executable).parent.parent)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HEREDITY_DB", "HEREDITY_ACTOR", "HEREDITY_TOKEN")
    }
    env["COLUMNS"] = "120"
    env["HF_HUB_OFFLINE"] = "1"
    for command, expected in commands:
        proc = subprocess.run(
            ["bash", "-c", f"source .venv/bin/activate && {command}"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == expected, f"{doc}: {command}\n{proc.stdout}\n{proc.stderr}"
