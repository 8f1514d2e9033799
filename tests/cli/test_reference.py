"""The command reference: docs/cli.md is what the CLI renders, and every command explains itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from heredity.cli._app import app
from heredity.cli._reference import commands, parameters, render_reference

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_docs_cli_md_is_current() -> None:
    shown = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert shown == render_reference(), (
        "docs/cli.md is stale: run `python -m heredity.cli._reference > docs/cli.md`"
    )


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_every_command_and_parameter_has_help(name: str) -> None:
    command = dict(commands())[name]
    assert " ".join(str(command.help or "").split()), f"heredity {name}: no help text"
    missing = [p.name for p in parameters(command) if not str(getattr(p, "help", "") or "").strip()]
    assert not missing, f"heredity {name}: parameters without help: {missing}"


def test_global_options_have_help() -> None:
    root = typer.main.get_command(app)
    missing = [p.name for p in parameters(root) if not str(getattr(p, "help", "") or "").strip()]
    assert not missing


def test_every_command_is_in_the_reference() -> None:
    text = render_reference()
    for name, _ in commands():
        assert f"## `heredity {name}`" in text
