"""The Typer application, its global options, and how errors become exit codes."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from heredity.errors import HeredityError

if TYPE_CHECKING:
    from heredity.registry import Registry

app = typer.Typer(
    name="heredity",
    help="Distillation provenance governance: records, rights, transfer, lineage, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class State:
    db: str | None = None
    actor: str | None = None


state = State()


@app.callback()
def _global(
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="HEREDITY_DB",
        help="SQLAlchemy URL or SQLite path (default .heredity/registry.db)",
    ),
    actor: str | None = typer.Option(
        None, "--actor", envvar="HEREDITY_ACTOR", help="who is acting (default: OS user)"
    ),
) -> None:
    state.db = db
    state.actor = actor


def open_registry() -> Registry:
    """The registry named by the global options (created on first use)."""
    from heredity.registry import Registry

    return Registry.open(state.db, actor=state.actor)


def print_json(data: Any) -> None:
    """Machine output: plain JSON on stdout (no Rich markup or wrapping)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise typer.BadParameter(f"must be one of {', '.join(allowed)}", param_hint="--format")
    return fmt


# Library parameters an error can name, by what the CLI calls them (a parameter not listed is
# shown as ``--`` and its name with dashes: ``expires`` -> ``--expires``).
FLAGS: dict[str, str] = {
    "name": "NAME",
    "roles": "--role",
    "relations": "--relation",
    "teachers": "--teacher",
    "out_dir": "--out",
    "url": "--db/HEREDITY_DB",
}


def flag_for(param: str) -> str:
    """The CLI's name for a library parameter."""
    return FLAGS.get(param, "--" + param.replace("_", "-"))


def error_text(err: HeredityError) -> str:
    """An error's message as the CLI shows it: the parameter it names shown as its flag."""
    return err.renamed(flag_for(err.param)) if err.param else str(err)


def fail(err: HeredityError) -> None:
    """Print an error on stderr (the caller returns its exit code)."""
    err_console.print(
        f"[bold red]error:[/] {escape(error_text(err))}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )
