"""Every command a message or hint in the code names exists, with the options it names.

The hints are found in the source's string literals (f-strings included): each ``heredity ...``
in them is walked through the CLI's command tree, and each ``--option`` after it must be one the
command takes. So a fix hint can never name a command that does not exist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import typer

from heredity.cli import app

SRC = Path(__file__).resolve().parents[2] / "src" / "heredity"
_HINT = re.compile(r"heredity ((?:(?!heredity )[^`\n])*)")
_GLOBAL = {"--db", "--actor", "--token-file"}


def _strings(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
            out.append((node.lineno, text))
    return out


def hints() -> list[tuple[str, str]]:
    found: dict[tuple[str, str], None] = {}
    for path in sorted(SRC.rglob("*.py")):
        for line, text in _strings(path):
            for m in _HINT.finditer(text):
                rest = m.group(1)
                first = rest.split(" ", 1)[0].strip(",.;:)")
                if not re.fullmatch(r"--?[\w-]+|[a-z][\w-]*", first):
                    continue
                where = f"{path.relative_to(SRC.parent)}:{line}"
                found[(where, "heredity " + rest)] = None
    return list(found)


def _walk(command: Any, words: list[str]) -> tuple[Any, list[str], list[str]]:
    """The command the words name, the path taken, and the words left over."""
    path: list[str] = []
    while words and hasattr(command, "commands"):
        word = words[0].strip(",.;:)")
        if word in _GLOBAL and not path:  # a global option and its value: heredity --db URL init
            words = words[2:]
            continue
        if word.startswith("-"):
            words = words[1:]
            continue
        sub = command.commands.get(word)
        if sub is None:
            break
        command, path, words = sub, [*path, word], words[1:]
    return command, path, words


def _options(command: Any) -> set[str]:
    names: set[str] = set()
    for param in getattr(command, "params", []):
        names.update(getattr(param, "opts", []))
        names.update(getattr(param, "secondary_opts", []))
    return names


def test_hints_are_found() -> None:
    assert len(hints()) > 20


@pytest.mark.parametrize(("where", "hint"), hints())
def test_every_hint_names_a_real_command(where: str, hint: str) -> None:
    root = typer.main.get_command(app)
    words = hint.split()[1:]
    command, path, rest = _walk(root, words)
    assert path, f"{where}: {hint!r} names no heredity command"
    assert not hasattr(command, "commands") or not rest, (
        f"{where}: {hint!r}: `heredity {' '.join(path)}` has no subcommand {rest[0]!r}"
    )
    known = _options(command) | _GLOBAL
    for word in rest:
        flag = re.match(r"--[\w-]+", word)
        if flag:
            assert flag.group(0) in known, (
                f"{where}: {hint!r}: `heredity {' '.join(path)}` has no option {flag.group(0)}"
            )
