"""``ledger verify`` and ``ledger log``: the tamper-evident event chain."""

from __future__ import annotations

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled

ledger_app = typer.Typer(help="The tamper-evident ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify")
def verify(fmt: str = typer.Option("text", "--format", help="text | json")) -> None:
    """Recompute the hash chain and check every stored entity; exit 1 naming the first bad event."""
    check_format(fmt, ("text", "json"))
    result = open_registry().verify_ledger()
    if fmt == "json":
        print_json(result.model_dump(mode="json"))
    elif result.ok:
        console.print(
            styled(
                ("ledger verified", "green"),
                f": {result.events} events, {result.checked_entities} entities, head {result.head}",
            ),
            soft_wrap=True,
        )
    else:
        console.print(
            styled(
                ("ledger verification FAILED", "bold red"),
                f" at event {result.first_bad_seq}: {result.problem}",
            ),
            soft_wrap=True,
        )
    if not result.ok:
        raise typer.Exit(1)


@ledger_app.command("log")
def log(
    entity: str | None = typer.Option(None, "--entity", help="e.g. model:acme/x@1 or record:ID"),
    limit: int | None = typer.Option(None, "--limit", help="show only the newest N events"),
    oldest_first: bool = typer.Option(
        False, "--oldest-first", help="oldest first (with --limit: the oldest N)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show ledger events, newest first."""
    check_format(fmt, ("text", "json"))
    events = open_registry().ledger_events(
        entity=entity, limit=limit, newest_first=not oldest_first
    )
    if fmt == "json":
        print_json([e.model_dump(mode="json") for e in events])
        return
    table = Table("seq", "time", "actor", "action", "entity", "hash")
    for e in events:
        table.add_row(str(e.seq), e.ts[:19], e.actor, e.action, e.entity, e.hash[:12])
    console.print(table)
