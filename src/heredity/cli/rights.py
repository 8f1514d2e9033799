"""``heredity rights``: check a plan, review and authorize, browse the licence knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from heredity.cli._app import (
    app,
    check_format,
    console,
    echo,
    open_registry,
    print_json,
    state,
)
from heredity.errors import NotFound
from heredity.records import load_document

if TYPE_CHECKING:
    from heredity.rights import EffectiveRights, KnowledgeBase

rights_app = typer.Typer(
    help="Rights gate (4.3, 4.8): judge plans against the licence knowledge base. "
    "Decision support for legal review, not legal advice.",
    no_args_is_help=True,
)
app.add_typer(rights_app, name="rights")

_KB_OPTION = typer.Option(
    [],
    "--licences",
    help="extra directory of licence files (repeatable; adds to $HEREDITY_LICENCES)",
)


def _kb(dirs: list[Path]) -> KnowledgeBase:
    from heredity.rights import default_knowledge_base, load_knowledge_base

    return load_knowledge_base(dirs) if dirs else default_knowledge_base()


def _registry_exists() -> bool:
    return bool(state.db) or Path(".heredity/registry.db").exists()


def _print_effective(eff: EffectiveRights, fmt: str) -> None:
    from heredity.rights import render_effective

    if fmt == "json":
        print_json(eff.model_dump(mode="json"))
        return
    echo(render_effective(eff))


@rights_app.command("check")
def check(
    document: Path = typer.Argument(..., help="distillation provenance document (YAML/JSON)"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
    record: bool = typer.Option(
        False, "--record", help="store the assessment in the registry (ledgered)"
    ),
    licences: list[Path] = _KB_OPTION,
) -> None:
    """Judge a plan before any compute is spent: exit 0 cleared, 1 not cleared, 2 bad input.

    Cleared means effectively cleared: by the verdict, or by a recorded review or authorization
    of the same judgement (shown with who decided it and when).
    """
    from heredity.rights import (
        RegistryContext,
        StaticContext,
        assess,
        plan_rights,
        record_assessment,
        render_assessment,
        render_effective,
    )

    check_format(fmt, ("text", "json"))
    doc = load_document(document)
    kb = _kb(licences)
    stored_id: str | None = None
    reg = open_registry(create=record) if record or _registry_exists() else None
    if reg is not None and record:
        stored, assessment = record_assessment(doc, reg, kb=kb)
        stored_id = stored.id
    elif reg is not None:
        assessment = assess(doc, RegistryContext(reg), kb)
    else:
        assessment = assess(doc, StaticContext(), kb)
    eff = plan_rights(reg, doc, assessment)
    if fmt == "json":
        data = assessment.model_dump(mode="json")
        if stored_id:
            data["id"] = stored_id
        data["effective"] = eff.model_dump(mode="json")
        print_json(data)
    else:
        echo(render_assessment(assessment, kb))
        if stored_id:
            echo(f"\nrecorded as {stored_id}")
        echo("\n" + render_effective(eff))
    if not eff.cleared:
        raise typer.Exit(1)


_ON_BEHALF_OF = typer.Option(
    None,
    "--on-behalf-of",
    help="free-text note: for whom you decide (you, the acting identity, are recorded)",
)


@rights_app.command("review")
def review_cmd(
    assessment_id: str = typer.Argument(..., help="id of a stored rights assessment"),
    decision: str = typer.Option(..., "--decision", help="approve | reject"),
    basis: str = typer.Option(..., "--basis", help="the legal basis of the decision"),
    on_behalf_of: str | None = _ON_BEHALF_OF,
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Record a legal review of an assessment that needs review (the only way it is cleared).

    The reviewer is the acting identity (--actor): it needs the legal role and may not be the
    plan's responsible party, the requester of the check or the distiller (exit 1).
    """
    from heredity.rights import effective, review

    check_format(fmt, ("text", "json"))
    reg = open_registry()
    rec = review(reg, assessment_id, decision, basis, on_behalf_of=on_behalf_of)
    if fmt == "text":
        console.print(f"recorded review {rec.id} ({decision}) by {rec.actor}")
    _print_effective(effective(reg, assessment_id), fmt)


@rights_app.command("authorize")
def authorize_cmd(
    assessment_id: str = typer.Argument(..., help="id of a stored rights assessment"),
    evidence: str = typer.Option(
        ...,
        "--evidence",
        help="a file (e.g. the provider's written permission; its SHA-256 is stored) "
        "or the id of a stored record",
    ),
    basis: str = typer.Option(..., "--basis", help="why this evidence changes the verdict"),
    on_behalf_of: str | None = _ON_BEHALF_OF,
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Record an authorization: the only way a prohibited verdict stops blocking (recorded).

    Needs the legal role and the same independence as a review; the evidence must be a file
    or a stored record (free text goes in --basis).
    """
    from heredity.rights import authorize, effective

    check_format(fmt, ("text", "json"))
    reg = open_registry()
    rec = authorize(reg, assessment_id, evidence, basis, on_behalf_of=on_behalf_of)
    if fmt == "text":
        console.print(
            f"recorded authorization {rec.id} on evidence {rec.body.evidence_text} by {rec.actor}"
        )
    _print_effective(effective(reg, assessment_id), fmt)


@rights_app.command("licences")
def licences_cmd(
    fmt: str = typer.Option("text", "--format", help="text | json"),
    licences: list[Path] = _KB_OPTION,
) -> None:
    """List the knowledge base: every licence and terms id with its evidence grade."""
    check_format(fmt, ("text", "json"))
    kb = _kb(licences)
    specs = [kb.licences[i] for i in kb.ids()]
    if fmt == "json":
        print_json(
            {
                "knowledge_base": kb.version,
                "licences": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "kind": s.kind,
                        "version": s.version,
                        "evidence": s.evidence,
                        "sources": [x.url for x in s.sources],
                        "aliases": s.aliases,
                        "file": str(kb.files[s.id]),
                    }
                    for s in specs
                ],
            }
        )
        return
    table = Table(title=f"licence knowledge base {kb.version} ({len(specs)} entries)")
    for col in ("id", "title", "kind", "version", "evidence"):
        table.add_column(col)
    for s in specs:
        table.add_row(s.id, s.title, s.kind, s.version, s.evidence)
    console.print(table)
    console.print("Decision support for legal review, not legal advice.")


@rights_app.command("show")
def show_cmd(
    ident: str = typer.Argument(..., help="licence id or alias, or a stored assessment id"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
    licences: list[Path] = _KB_OPTION,
) -> None:
    """Show a licence (facts, rules, sources) or a stored assessment with its reviews."""
    from heredity.rights import RightsAssessment, effective, render_assessment, render_licence

    check_format(fmt, ("text", "json"))
    kb = _kb(licences)
    spec = kb.get(ident)
    if spec is not None:
        if fmt == "json":
            print_json(spec.model_dump(mode="json"))
        else:
            echo(render_licence(spec, kb))
        return
    if not _registry_exists():
        raise NotFound(f"{ident}: no such licence id or alias in knowledge base {kb.version}")
    reg = open_registry()
    try:
        stored = reg.get(ident, RightsAssessment)
    except NotFound as err:
        raise NotFound(
            f"{ident}: neither a licence id or alias in knowledge base {kb.version} nor a rights "
            f"assessment in the registry ({err})"
        ) from None
    eff = effective(reg, ident)
    if fmt == "json":
        print_json({"assessment": stored.body.dump(), "effective": eff.model_dump(mode="json")})
        return
    echo(render_assessment(stored.body, kb))
    echo("")
    _print_effective(eff, "text")
