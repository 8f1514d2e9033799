"""The Typer application, its global options, and how errors become exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from heredity.errors import BadCredentials, HeredityError

if TYPE_CHECKING:
    from heredity.registry import Registry

app = typer.Typer(
    name="heredity",
    help="Distillation provenance governance: records, rights, transfer, lineage, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Terminal controls and bidirectional overrides a stored value could use to rewrite what the
# screen shows are printed as escapes (tab and newline stay what they are).
_HIDDEN = {
    code: f"\\x{code:02x}"
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]
    if code not in (0x09, 0x0A)
} | {
    code: f"\\u{code:04x}"
    for code in [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def visible(value: object) -> str:
    """``value`` as plain text that shows what it holds: control and bidi characters escaped."""
    return str(value).translate(_HIDDEN)


def styled(*parts: str | tuple[str, str]) -> Text:
    """One line from plain parts and ``(text, style)`` pairs, every part shown as it is.

    The only way the CLI styles output: ``styled("model ", (ref, "bold"), " registered")``.
    """
    return Text.assemble(
        *[(visible(p), "") if isinstance(p, str) else (visible(p[0]), p[1]) for p in parts]
    )


class PlainConsole(Console):
    """A Rich console that never reads a string as markup or emoji codes.

    Every string it renders (printed, a table cell or title, a tree label, a status line) is
    shown literally, so a stored name such as ``[/]`` can neither crash the output nor restyle
    it; style comes from :func:`styled` or :class:`rich.text.Text` only.
    """

    def render_str(self, text: str, **options: Any) -> Text:
        """``text`` as plain :class:`~rich.text.Text` (never markup or emoji codes)."""
        options.update(markup=False, emoji=False)
        return super().render_str(visible(text), **options)


console: Console = PlainConsole(markup=False, emoji=False)
err_console: Console = PlainConsole(stderr=True, markup=False, emoji=False)


def echo(text: str, *, nl: bool = True) -> None:
    """A plain-text report on stdout, its control and bidi characters shown escaped."""
    typer.echo(visible(text), nl=nl)


def tolerant_output() -> None:
    """Make stdout and stderr print any character (escaped when the encoding lacks it).

    Output comes after a write has committed; a value the terminal's encoding cannot show must
    not turn a stored write into a crash.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
                reconfigure(errors="backslashreplace")


@dataclass
class State:
    db: str | None = None
    actor: str | None = None
    token_file: str | None = None


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
        None,
        "--actor",
        envvar="HEREDITY_ACTOR",
        help="a claim of who is acting, checked against your credentials (exit 2 when they "
        "establish someone else); it never establishes anyone by itself",
    ),
    token_file: str | None = typer.Option(
        None,
        "--token-file",
        help="a file holding an API token (heredity token issue); else $HEREDITY_TOKEN; "
        "without either you act as your OS user",
    ),
) -> None:
    state.db = db
    state.actor = actor
    state.token_file = token_file


def open_registry(*, create: bool = False) -> Registry:
    """The registry named by the global options.

    Read and check commands never create one (a missing registry is exit 2 naming the URL);
    a writing command that can start a registry from nothing passes ``create=True``.
    """
    from heredity.identity import establish_identity
    from heredity.registry import Registry

    secret = token_secret()
    registry = Registry.open(state.db, create=create)
    try:
        establish_identity(registry, secret=secret, claimed=state.actor)
    except BaseException:
        registry.close()
        raise
    return registry


def token_secret() -> str | None:
    """The API token the global options give: ``--token-file``, else ``$HEREDITY_TOKEN``.

    The acting identity is established from it (or, without one, from the OS user), never from
    a typed name; ``--actor`` / ``$HEREDITY_ACTOR`` is only a claim checked against it.
    """
    if state.token_file is not None:
        path = Path(state.token_file).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise BadCredentials(
                f"token_file: cannot read {state.token_file}: {reason}", param="token_file"
            ) from None
        if not text.strip():
            raise BadCredentials(f"token_file: {state.token_file} is empty", param="token_file")
        return text.strip()
    env = os.environ.get("HEREDITY_TOKEN")
    if env is not None and not env.strip():
        raise BadCredentials(
            "token: HEREDITY_TOKEN is set but empty (did reading the token file fail?); "
            "unset it to act as your OS user",
            param="token",
        )
    return env.strip() if env else None


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
    "teacher_ref": "--teacher",
    "student_ref": "--student",
    "out_dir": "--out",
    "url": "--db/HEREDITY_DB",
    "token": "HEREDITY_TOKEN/--token-file",
    "claimed": "--actor/HEREDITY_ACTOR",
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
        styled(("error:", "bold red"), " ", error_text(err)), highlight=False, soft_wrap=True
    )
