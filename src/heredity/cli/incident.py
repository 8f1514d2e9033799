"""``incident open|show|list|close|clear``: a defective model and everything downstream of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled

if TYPE_CHECKING:
    from heredity.govern import IncidentView

incident_app = typer.Typer(
    help="Incidents: suspend every affected model downstream.", no_args_is_help=True
)
app.add_typer(incident_app, name="incident")
_FORMATS = ("text", "json", "html")


def _print(view: IncidentView, fmt: str) -> None:
    from heredity.govern import incident_html
    from heredity.report import report_context, stamp_html, stamp_json

    if fmt in ("json", "html"):
        subjects = [view.model, *view.affected_models]
        ctx = report_context(open_registry(), subjects=subjects, records=[view.id])
    if fmt == "json":
        print_json(stamp_json(view.model_dump(mode="json"), ctx))
        return
    if fmt == "html":
        typer.echo(stamp_html(incident_html(view), ctx), nl=False)
        return
    console.print(
        styled(
            (view.id, "bold"),
            f" {view.kind} incident on ",
            (view.model, "bold"),
            f" ({view.status}), opened {view.opened_at:%Y-%m-%d %H:%M} UTC by {view.opened_by}: "
            f"{view.summary}",
        ),
        soft_wrap=True,
    )
    if view.closed:
        console.print(f"closed by {view.closed.by}: {view.closed.resolution}")
    console.print(
        f"affected: {len(view.affected_models)} model(s), {len(view.affected_datasets)} dataset(s)"
    )
    table = Table("suspended", "was", "now", "policy", "resolution")
    for s in view.suspended:
        table.add_row(s.model, s.previous_status, s.status_now or "-", s.policy, s.resolution)
    console.print(table)
    for n in view.not_suspended:
        console.print(f"not suspended: {n.model} ({n.status}): {n.reason}")
    for o in view.owners:
        console.print(
            f"notify {o.owner}{' <' + o.email + '>' if o.email else ''}: {', '.join(o.models)}",
            soft_wrap=True,
        )


@incident_app.command("open")
def incident_open(
    model: str = typer.Argument(..., help="the model (or dataset) found defective"),
    kind: str = typer.Option(..., "--kind", help="safety | rights | data | bias"),
    summary: str = typer.Option(..., "--summary", help="what is wrong"),
    fmt: str = typer.Option("text", "--format", help="text | json | html"),
) -> None:
    """Open an incident: store the impact set and suspend every affected approval."""
    from heredity.govern import open_incident

    check_format(fmt, _FORMATS)
    _print(open_incident(open_registry(), model, kind=kind, summary=summary), fmt)


@incident_app.command("show")
def incident_show(
    incident_id: str = typer.Argument(..., help="the incident id"),
    fmt: str = typer.Option("text", "--format", help="text | json | html"),
) -> None:
    """Show an incident and what became of each suspended model."""
    from heredity.govern import incident_view

    check_format(fmt, _FORMATS)
    _print(incident_view(open_registry(), incident_id), fmt)


@incident_app.command("list")
def incident_list(
    status: str | None = typer.Option(None, "--status", help="open | closed"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """List incidents, newest first."""
    from heredity.govern import list_incidents

    check_format(fmt, ("text", "json"))
    views = list_incidents(open_registry(), status=status)
    if fmt == "json":
        print_json([v.model_dump(mode="json") for v in views])
        return
    table = Table("incident", "kind", "model", "status", "opened", "suspended", "unresolved")
    for v in views:
        table.add_row(
            v.id,
            v.kind,
            v.model,
            v.status,
            f"{v.opened_at:%Y-%m-%d %H:%M}",
            str(len(v.suspended)),
            str(sum(not s.resolved for s in v.suspended)),
        )
    console.print(table)


@incident_app.command("close")
def incident_close(
    incident_id: str = typer.Argument(..., help="the incident id"),
    resolution: str = typer.Option(..., "--resolution", help="how it was resolved"),
    fmt: str = typer.Option("text", "--format", help="text | json | html"),
) -> None:
    """Close an incident (suspended models stay suspended until re-approved or cleared)."""
    from heredity.govern import close_incident

    check_format(fmt, _FORMATS)
    _print(close_incident(open_registry(), incident_id, resolution=resolution), fmt)


@incident_app.command("clear")
def incident_clear(
    incident_id: str = typer.Argument(..., help="the incident id"),
    model: str = typer.Argument(..., help="the suspended model to clear"),
    reason: str = typer.Option(..., "--reason", help="why it is not affected"),
    fmt: str = typer.Option("text", "--format", help="text | json | html"),
) -> None:
    """Explicitly clear one suspended model of an incident."""
    from heredity.govern import clear_model

    check_format(fmt, _FORMATS)
    _print(clear_model(open_registry(), incident_id, model, reason=reason), fmt)
