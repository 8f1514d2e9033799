"""Command-line interface: one module per command group, each a thin shell over the library."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click
import typer
import typer.exceptions

from heredity.cli._app import app, fail, tolerant_output
from heredity.errors import HeredityError


# Typer 0.29 and newer carry their own copy of click: its usage errors, exits and aborts are
# not click's classes, so both families are caught.
def _usage_errors() -> tuple[type[Exception], ...]:
    try:
        from typer._click.exceptions import ClickException
    except ImportError:  # older typer: plain click
        return (click.ClickException,)
    return (click.ClickException, ClickException)


_USAGE_ERRORS = _usage_errors()
_EXITS: tuple[type[Exception], ...] = (click.exceptions.Exit, typer.exceptions.Exit)
_ABORTS: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.exceptions.Abort)


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``heredity`` command; returns the exit code."""
    command = typer.main.get_command(app)
    tolerant_output()
    try:
        # Without standalone mode click returns the code of a typer.Exit instead of raising it.
        rc = command.main(args=argv, prog_name="heredity", standalone_mode=False)
    except HeredityError as err:
        fail(err)
        return err.exit_code
    except _EXITS as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except _USAGE_ERRORS as exc:
        exc.show()  # type: ignore[attr-defined]
        code = getattr(exc, "exit_code", 2)
        return code if isinstance(code, int) and code != 1 else 2
    except _ABORTS:
        return 130
    return rc if isinstance(rc, int) else 0


def run() -> None:
    """Console-script entry point: run ``heredity`` and exit with its code."""

    sys.exit(main())


__all__ = ["app", "main", "run"]
