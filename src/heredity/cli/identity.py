"""``admin`` and ``token``: the first admin, and API tokens that establish who is acting."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled
from heredity.errors import BadInput

admin_app = typer.Typer(help="The registry's first admin, created once.", no_args_is_help=True)
token_app = typer.Typer(
    help="API tokens: how a caller proves who it is (an admin issues and revokes them).",
    no_args_is_help=True,
)
app.add_typer(admin_app, name="admin")
app.add_typer(token_app, name="token")


@admin_app.command("init")
def admin_init(
    name: str | None = typer.Argument(
        None, help="the first admin (default: you, as your credentials establish you)"
    ),
    email: str | None = typer.Option(None, "--email", help="their e-mail"),
) -> None:
    """Create the registry's first admin, once (recorded as an admin bootstrap in the ledger);
    a second bootstrap is refused (exit 1): admins grant the admin role after that."""
    from heredity.identity import bootstrap_admin

    reg = open_registry(create=True)
    actor = bootstrap_admin(reg, name, email=email)
    console.print(
        styled("admin ", (actor.name, "bold"), f" created (bootstrap run by {reg.actor})")
    )


def _open_new(path: Path) -> int:
    """A new file only its owner can read (never an existing file or a link)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags, 0o600)
    except FileExistsError:
        raise BadInput(f"out: {path} exists; give a new file", param="out") from None
    except OSError as exc:
        raise BadInput(f"out: cannot create {path}: {exc.strerror}", param="out") from None


@token_app.command("issue")
def token_issue(
    actor: str = typer.Argument(..., help="the recorded actor the token acts as"),
    expires: str | None = typer.Option(
        None, "--expires", help="YYYY-MM-DD: the day it stops working (default: never)"
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="write the secret to this new file (readable only by you) instead of printing it",
    ),
) -> None:
    """Issue an API token to an actor (admin only). The secret is shown once and only its
    SHA-256 is kept; the ledger records who issued it to whom."""
    from heredity.identity import issue_token

    fd = _open_new(out) if out is not None else None
    try:
        token_id, secret = issue_token(open_registry(), actor, expires)
    except BaseException:
        if fd is not None and out is not None:
            os.close(fd)
            with contextlib.suppress(OSError):
                out.unlink()
        raise
    if fd is not None:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret + "\n")
        console.print(styled("token ", (token_id, "bold"), f" issued to {actor}, in {out}"))
        return
    console.print(
        styled("token ", (token_id, "bold"), f" issued to {actor}; its secret, shown once:")
    )
    print(secret)


@token_app.command("list")
def token_list(
    actor: str | None = typer.Argument(None, help="only this actor's tokens"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """List tokens: who holds each, who issued it and from which OS user, and its state (never a
    secret)."""
    from heredity.identity import list_tokens

    check_format(fmt, ("text", "json"))
    tokens = list_tokens(open_registry(), actor)
    if fmt == "json":
        print_json([t.model_dump(mode="json") for t in tokens])
        return
    table = Table("token", "actor", "issued by", "from OS user", "issued", "expires", "status")
    for t in tokens:
        table.add_row(
            t.id,
            t.actor,
            t.issued_by,
            t.os_user or "-",
            f"{t.issued_at:%Y-%m-%d %H:%M}",
            f"{t.expires:%Y-%m-%d}" if t.expires else "never",
            t.status if t.status != "revoked" else f"revoked by {t.revoked_by}",
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: str = typer.Argument(..., help="the token's id (tok...)"),
    reason: str | None = typer.Option(None, "--reason", help="why"),
) -> None:
    """Revoke a token (admin only): it authenticates nobody from now on."""
    from heredity.identity import revoke_token

    info = revoke_token(open_registry(), token_id, reason=reason)
    console.print(styled("token ", (info.id, "bold"), f" of {info.actor} revoked"))
