"""``init``, ``validate``, ``record``, ``show``, ``schema``: provenance documents (4.1, 4.7)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from heredity.cli._app import (
    app,
    check_format,
    console,
    err_console,
    open_registry,
    print_json,
    styled,
)
from heredity.errors import NotFound
from heredity.records import DistillationDocument, IntendedUse, load_document, schema_for

if TYPE_CHECKING:
    from heredity.govern import DistillationRights


@app.command()
def init() -> None:
    """Create (or migrate) the registry."""
    reg = open_registry(create=True)
    console.print(
        styled(
            "registry ready at ",
            (str(reg.url), "bold"),
            f" (it holds {reg.ledger_length()} ledger events)",
        )
    )


@app.command()
def validate(
    document: Path = typer.Argument(..., help="distillation provenance document (YAML/JSON)"),
) -> None:
    """Check a provenance document without writing anything (exit 2 lists every problem)."""
    doc = load_document(document)
    console.print(
        styled(
            ("valid", "green"),
            f": {doc.student.ref} ({doc.method}, {len(doc.teachers)} teacher(s))",
        )
    )


def _warn(rights: DistillationRights) -> None:
    if rights.cleared and not rights.problems:
        return
    err_console.print(
        styled(("warning:", "yellow"), f" rights of {rights.student} are {rights.summary}"),
        highlight=False,
        soft_wrap=True,
    )
    for line in rights.warnings:
        err_console.print(f"  - {line}", highlight=False, soft_wrap=True)


@app.command()
def record(
    document: Path = typer.Argument(..., help="distillation provenance document (YAML/JSON)"),
    require_cleared: bool = typer.Option(
        False,
        "--require-cleared",
        help="refuse (exit 1, nothing written) unless its rights are effectively cleared",
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Record a distillation: register its models and datasets and write its lineage.

    Says when the rights it rests on are not cleared (needs_review, prohibited, unchecked), as
    test 8.3 will; --require-cleared refuses such a distillation instead.
    """
    from heredity.govern import record_provenance

    check_format(fmt, ("text", "json"))
    doc = load_document(document)
    done = record_provenance(open_registry(create=True), doc, require_cleared=require_cleared)
    if fmt == "json":
        print_json(
            {
                "id": done.record.id,
                "student": doc.student.ref,
                "recorded": done.written,
                "ledger_events": [e.seq for e in done.events],
                "rights": done.rights.model_dump(mode="json"),
            }
        )
        return
    verb = "recorded" if done.written else "already recorded (the same document; nothing written)"
    console.print(
        styled(
            f"{verb} ",
            (doc.student.ref, "bold"),
            f" as {done.record.id} ({len(done.events)} ledger events)",
        )
    )
    _warn(done.rights)


def _use(use: IntendedUse | None) -> str:
    from heredity.report import fmt_number

    if use is None:
        return "(not stated)"
    competes = (
        "not stated"
        if use.competes_with is None
        else ", ".join(use.competes_with) or "nobody (declared)"
    )
    users = "-" if use.monthly_active_users is None else fmt_number(use.monthly_active_users)
    commercial = {True: "yes", False: "no", None: "not stated"}[use.commercial]
    return (
        f"{use.purpose or '(no purpose stated)'}; commercial {commercial}; "
        f"distribution {use.distribution or 'not stated'}; competes with {competes}; "
        f"monthly active users {users}; regions {', '.join(use.regions) or '-'}"
    )


@app.command()
def show(
    ref: str = typer.Argument(..., help="student name@version or record id"),
    fmt: str = typer.Option("text", "--format", help="text | json | yaml"),
) -> None:
    """Show the provenance record of a distilled model, with the rights it rests on."""
    from heredity.govern import distillation_rights
    from heredity.report import fmt_number

    check_format(fmt, ("text", "json", "yaml"))
    reg = open_registry()
    stored = (
        reg.get(ref, DistillationDocument)
        if "@" not in ref
        else reg.distillation_for(ref, DistillationDocument)
    )
    if stored is None:
        raise NotFound(
            f"{ref}: no provenance record (is it a distilled model? try `heredity model show {ref}`)"
        )
    doc = stored.body
    if fmt == "yaml":
        import yaml

        typer.echo(yaml.safe_dump(doc.dump(), sort_keys=False))
        return
    rights = distillation_rights(reg, stored.subject or doc.student.ref, doc)
    if fmt == "json":
        print_json(
            stored.model_dump(mode="json", exclude={"body"})
            | {"body": doc.dump(), "rights": rights.model_dump(mode="json")}
        )
        return
    table = Table(title=f"{stored.subject} — {stored.id}", show_header=False)
    table.add_row("method", doc.method)
    table.add_row("init_from", doc.student.init_from or "- (trained from scratch)")
    for t in doc.teachers:
        table.add_row(
            "teacher",
            f"{t.model} ({t.licence}, {t.access}, weight {fmt_number(t.weight)}, "
            f"{', '.join(t.signals)})",
        )
    for d in doc.datasets:
        gen = f" generated by {', '.join(d.generated_by)}" if d.generated_by else ""
        table.add_row("dataset", f"{d.ref} ({d.kind}) {fmt_number(d.examples)} examples{gen}")
    cfg = doc.config.model_dump(mode="json", exclude={"raw", "layer_mapping"})
    shown = {k: v for k, v in cfg.items() if v not in (None, [], {})}
    table.add_row("config", ", ".join(f"{k}={fmt_number(v)}" for k, v in shown.items()) or "(none)")
    table.add_row("intended use", _use(doc.intended_use))
    table.add_row("rights", rights.summary)
    resp = doc.responsible
    table.add_row("responsible", f"{resp.name} {resp.email or ''}".strip())
    table.add_row("date", doc.date.isoformat())
    table.add_row("recorded", f"{stored.created_at:%Y-%m-%d %H:%M:%S} UTC by {stored.actor}")
    console.print(table)
    _warn(rights)


@app.command()
def schema(
    kind: str = typer.Argument("distillation", help="distillation | model | dataset | results"),
) -> None:
    """Print the JSON Schema of a record kind (for editors and CI validation)."""
    print_json(schema_for(kind))
