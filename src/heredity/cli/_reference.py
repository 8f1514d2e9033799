"""The command reference (docs/cli.md), rendered from the CLI itself so it cannot drift.

``python -m heredity.cli._reference > docs/cli.md`` writes it again; a test checks that the file
in the repository is what this renders.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from heredity.cli._app import app

HEADER = """# Command reference

Every `heredity` command, its help and its options, rendered from the CLI itself
(`python -m heredity.cli._reference > docs/cli.md`; a test checks this file is current).
Exit codes: `0` success, `1` a governance check said no, `2` bad input or usage.
"""


def _commands(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    subs = getattr(command, "commands", None)
    if subs is None:
        return [(path, command)]
    out: list[tuple[list[str], Any]] = []
    for name in sorted(subs):
        out += _commands(subs[name], [*path, name])
    return out


def commands() -> list[tuple[str, Any]]:
    """Every leaf command as (``"group sub"``, click command), in name order."""
    root = typer.main.get_command(app)
    return [(" ".join(path), cmd) for path, cmd in _commands(root, [])]


def _param_line(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        name = str(param.name).upper()
        required = "required" if param.required else "optional"
        return f"| `{name}` | argument, {required} | {_help(param)} |"
    names = ", ".join(f"`{o}`" for o in [*param.opts, *getattr(param, "secondary_opts", [])])
    default = param.default
    shown = (
        ""
        if default in (None, False, [], ()) or callable(default) or getattr(param, "is_flag", False)
        else f" (default `{default}`)"
    )
    return f"| {names} | option{shown} | {_help(param)} |"


def _help(param: Any) -> str:
    text = " ".join(str(getattr(param, "help", "") or "").split())
    return text.replace("|", "\\|")


def render_reference() -> str:
    """The whole reference as Markdown."""
    parts = [HEADER]
    root = typer.main.get_command(app)
    parts.append(
        "\n## Global options\n\nThey go before the command: `heredity [OPTIONS] COMMAND ...`.\n"
    )
    parts.append(_params_table(root))
    for name, cmd in commands():
        parts.append(f"\n## `heredity {name}`\n")
        help_text = " ".join(str(cmd.help or "").split())
        parts.append(f"\n{help_text}\n")
        parts.append(_params_table(cmd))
    return "".join(parts)


def parameters(command: Any) -> list[Any]:
    """The documented parameters of a click command (``--help`` aside)."""
    return [p for p in command.params if p.name != "help"]


def _params_table(command: Any) -> str:
    params = parameters(command)
    if not params:
        return ""
    rows = "\n".join(_param_line(p) for p in params)
    return f"\n| parameter | kind | meaning |\n| --- | --- | --- |\n{rows}\n"


if __name__ == "__main__":
    sys.stdout.write(render_reference())
