"""``model add|show|list`` and ``dataset add|show|list``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled
from heredity.records import DatasetRecord, ModelRecord, parse_ref, validate

model_app = typer.Typer(help="Register and inspect models.", no_args_is_help=True)
dataset_app = typer.Typer(help="Register and inspect datasets.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(dataset_app, name="dataset")


@model_app.command("add")
def model_add(
    ref: str = typer.Argument(..., help="name@version"),
    path: Path | None = typer.Option(
        None, "--path", help="local model directory (config, card, digest)"
    ),
    licence: str | None = typer.Option(None, "--licence", help="licence or terms id"),
    provider: str | None = typer.Option(None, "--provider", help="who provides it"),
    access: str = typer.Option("open-weights", "--access", help="open-weights | api | internal"),
    owner: str | None = typer.Option(None, "--owner", help="the team or person that owns it"),
) -> None:
    """Register a model (from a local directory when --path is given)."""
    name, version = parse_ref(ref)
    reg = open_registry(create=True)
    if path is not None:
        rec = reg.register_model_dir(
            path,
            name=name,
            version=version,
            licence=licence,
            provider=provider,
            owner=owner,
            access=access,
        )
    else:
        rec = reg.add_model(
            validate(
                ModelRecord,
                {
                    "name": name,
                    "version": version,
                    "licence": licence,
                    "provider": provider,
                    "access": access,
                    "owner": owner,
                },
                ref,
            )
        )
    console.print(
        styled(
            "model ",
            (rec.ref, "bold"),
            " registered" + (f" (digest {rec.digest})" if rec.digest else ""),
        )
    )


@model_app.command("show")
def model_show(
    ref: str = typer.Argument(..., help="name@version"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show a model (a distilled student with the rights its distillation rests on)."""
    from heredity.govern import distillation_rights
    from heredity.records import ProvenanceDraft
    from heredity.report import fmt_number

    check_format(fmt, ("text", "json"))
    reg = open_registry()
    rec = reg.get_model(ref)
    dist = reg.distillation_for(rec.ref, ProvenanceDraft)
    rights = distillation_rights(reg, rec.ref, dist.body) if dist else None
    if fmt == "json":
        print_json(
            rec.model_dump(mode="json")
            | {"ref": rec.ref, "teachers": reg.teachers(ref), "students": reg.students(ref)}
            | {"rights": rights.model_dump(mode="json") if rights else None}
        )
        return
    table = Table(title=rec.ref, show_header=False)
    for key, value in rec.model_dump(exclude={"card", "name", "version"}).items():
        if value is not None:
            table.add_row(key, fmt_number(value))
    table.add_row("teachers", ", ".join(reg.teachers(ref)) or "-")
    table.add_row("students", ", ".join(reg.students(ref)) or "-")
    if rights is not None:
        table.add_row("rights", rights.summary)
    console.print(table)


@model_app.command("list")
def model_list(
    status: str | None = typer.Option(None, "--status", help="only models with this status"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """List models."""
    check_format(fmt, ("text", "json"))
    rows = open_registry().list_models(status=status)
    if fmt == "json":
        print_json([r.model_dump(mode="json") | {"ref": r.ref} for r in rows])
        return
    table = Table("model", "licence", "access", "status", "owner")
    for r in rows:
        table.add_row(r.ref, r.licence or "-", r.access or "-", r.status, r.owner or "-")
    console.print(table)


@dataset_app.command("add")
def dataset_add(
    ref: str = typer.Argument(..., help="name@version"),
    kind: str = typer.Option("real", "--kind", help="real | synthetic | hybrid"),
    licence: str | None = typer.Option(None, "--licence", help="licence id (SPDX or a terms id)"),
    examples: int | None = typer.Option(None, "--examples", help="number of examples"),
    source: str | None = typer.Option(None, "--source", help="where it comes from (URL or path)"),
    owner: str | None = typer.Option(None, "--owner", help="the team or person that owns it"),
) -> None:
    """Register a dataset."""
    name, version = parse_ref(ref)
    rec = validate(
        DatasetRecord,
        {
            "name": name,
            "version": version,
            "kind": kind,
            "licence": licence,
            "examples": examples,
            "source": source,
            "owner": owner,
        },
        ref,
    )
    open_registry(create=True).add_dataset(rec)
    console.print(styled("dataset ", (rec.ref, "bold"), " registered"))


@dataset_app.command("show")
def dataset_show(
    ref: str = typer.Argument(..., help="name@version"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show a dataset."""
    from heredity.report import fmt_number

    check_format(fmt, ("text", "json"))
    rec = open_registry().get_dataset(ref)
    if fmt == "json":
        print_json(rec.model_dump(mode="json") | {"ref": rec.ref})
        return
    table = Table(title=rec.ref, show_header=False)
    for key, value in rec.model_dump(exclude={"name", "version"}).items():
        if value is not None:
            table.add_row(key, fmt_number(value))
    console.print(table)


@dataset_app.command("list")
def dataset_list(fmt: str = typer.Option("text", "--format", help="text | json")) -> None:
    """List datasets."""
    check_format(fmt, ("text", "json"))
    rows = open_registry().list_datasets()
    if fmt == "json":
        print_json([r.model_dump(mode="json") | {"ref": r.ref} for r in rows])
        return
    table = Table("dataset", "kind", "licence", "examples")
    for r in rows:
        table.add_row(r.ref, r.kind, r.licence or "-", str(r.examples or "-"))
    console.print(table)
