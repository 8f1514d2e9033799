"""``actor``, ``approval`` and ``deploy``: independent approval of each model on its own evidence (4.5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled

if TYPE_CHECKING:
    from heredity.govern import ApprovalState

actor_app = typer.Typer(
    help="Actors and their roles (who may approve, waive, clear).", no_args_is_help=True
)
approval_app = typer.Typer(
    help="Approve each model on its own evidence (4.5).", no_args_is_help=True
)
policy_app = typer.Typer(
    help="Approval policies: versioned, immutable once published.", no_args_is_help=True
)
app.add_typer(actor_app, name="actor")
app.add_typer(approval_app, name="approval")
approval_app.add_typer(policy_app, name="policy")


@actor_app.command("add")
def actor_add(
    name: str = typer.Argument(
        ..., help="the actor's name (their OS user, or the name their token is issued to)"
    ),
    role: list[str] = typer.Option(
        [],
        "--role",
        help="model_risk | safety | legal | engineer | auditor | "
        "incident_responder | admin (repeatable)",
    ),
    email: str | None = typer.Option(
        None, "--email", help="their e-mail (segregation of duties compares it too)"
    ),
    replace: bool = typer.Option(
        False, "--replace", help="set exactly these roles instead of adding them"
    ),
) -> None:
    """Record an actor's roles, as an admin (heredity admin init makes the first); nobody
    grants or changes their own roles, and a name that is a recorded actor's written
    differently (case, spacing, Unicode form) is refused."""
    from heredity.govern import add_actor

    actor = add_actor(open_registry(create=True), name, role, email=email, replace=replace)
    console.print(
        styled("actor ", (actor.name, "bold"), f" holds {', '.join(actor.roles) or 'no role'}")
    )


@actor_app.command("list")
def actor_list(fmt: str = typer.Option("text", "--format", help="text | json")) -> None:
    """List actors and their roles."""
    from heredity.govern import list_actors

    check_format(fmt, ("text", "json"))
    actors = list_actors(open_registry())
    if fmt == "json":
        print_json([a.model_dump(mode="json") for a in actors])
        return
    table = Table("actor", "roles", "email", "since", "granted by")
    for a in actors:
        table.add_row(
            a.name, ", ".join(a.roles), a.email or "-", f"{a.since:%Y-%m-%d %H:%M}", a.granted_by
        )
    console.print(table)


def _print_state(state: ApprovalState, fmt: str) -> None:
    if fmt == "json":
        print_json(state.model_dump(mode="json"))
        return
    colour = {"approved": "green", "pending": "yellow"}.get(state.status, "red")
    console.print(
        styled(
            "approval ",
            (state.id, "bold"),
            " of ",
            (state.student, "bold"),
            f" under policy {state.policy}: ",
            (state.status, colour),
        ),
        soft_wrap=True,
    )
    items = state.evidence.items if state.evidence else []
    if items:
        table = Table("evidence", "clause", "ok", "detail", title="evidence at request time")
        for i in items:
            detail = i.summary if i.ok else "\n".join(f"missing: {m}" for m in i.missing)
            ok = styled("yes") if i.ok else styled(("no", "red"))
            table.add_row(i.requirement, i.clause, ok, detail)
        console.print(table)
    for t in state.teacher_approvals:
        approval = f" (approval {t.approval})" if t.approval else ""
        console.print(styled((f"teacher {t.teacher}: {t.status}{approval} — {t.note}", "dim")))
    console.print(
        f"roles required: {', '.join(state.required_roles)}; filled: "
        + (", ".join(f"{r} by {a}" for r, a in state.filled.items()) or "none")
    )
    for d in state.decisions:
        extra = f"; conditions: {'; '.join(d.conditions)}" if d.conditions else ""
        extra += f"; expires {d.expires[:10]}" if d.expires else ""
        console.print(
            f"  {d.at:%Y-%m-%d %H:%M} {d.actor} ({d.role}) {d.decision}: {d.reason}{extra}"
        )
    if state.revoked:
        console.print(
            styled("  ", ("revoked", "red"), f" by {state.revoked.by}: {state.revoked.reason}")
        )
    if state.suspended_by:
        console.print(
            styled("  ", ("suspended", "red"), f" by incident {', '.join(state.suspended_by)}")
        )


@approval_app.command("request")
def approval_request(
    student: str = typer.Argument(..., help="the model to approve (name@version)"),
    policy: str | None = typer.Option(
        None, "--policy", help="policy id, id@version or file (default: default)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Open an approval request: gather the model's own evidence and show what is missing."""
    from heredity.govern import request_approval

    check_format(fmt, ("text", "json"))
    state = request_approval(open_registry(), student, policy=policy)
    _print_state(state, fmt)
    if fmt == "text" and state.missing:
        console.print(
            styled(("evidence is missing: no approver can approve until it is there", "yellow"))
        )


@approval_app.command("decide")
def approval_decide(
    request_id: str = typer.Argument(
        ..., help="approval request id, or a model name@version (its one pending request)"
    ),
    approve: bool | None = typer.Option(None, "--approve/--reject", help="the decision"),
    reason: str = typer.Option(..., "--reason", help="why"),
    condition: list[str] = typer.Option(
        [], "--condition", help="a condition of the approval (repeatable)"
    ),
    expires: str | None = typer.Option(
        None, "--expires", help="YYYY-MM-DD (default: the policy's maximum)"
    ),
    role: str | None = typer.Option(
        None, "--role", help="the role you decide in (default: one still needed)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Approve or reject as the current actor; refused while evidence is missing, for the responsible
    party or the requester, and for an actor without a required role."""
    from heredity.errors import BadInput
    from heredity.govern import approvals_for, decide

    check_format(fmt, ("text", "json"))
    if approve is None:
        raise BadInput("give --approve or --reject")
    reg = open_registry()
    if "@" in request_id:
        pending = [s.id for s in approvals_for(reg, request_id) if s.status == "pending"]
        if len(pending) != 1:
            raise BadInput(
                f"{request_id}: {len(pending)} pending approval requests; give the request id"
                + (f" ({', '.join(pending)})" if pending else "")
            )
        request_id = pending[0]
    state = decide(
        reg,
        request_id,
        approve=approve,
        reason=reason,
        conditions=condition,
        expires=expires,
        role=role,
    )
    _print_state(state, fmt)


@approval_app.command("show")
def approval_show(
    ref: str = typer.Argument(
        ..., help="approval request id, or a model name@version (all its approvals)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show an approval request with its evidence, decisions and state."""
    from heredity.govern import approval_state, approvals_for

    check_format(fmt, ("text", "json"))
    reg = open_registry()
    states = approvals_for(reg, ref) if "@" in ref else [approval_state(reg, ref)]
    if fmt == "json":
        print_json(
            [s.model_dump(mode="json") for s in states]
            if "@" in ref
            else states[0].model_dump(mode="json")
        )
        return
    if not states:
        console.print(f"{ref} has no approval request")
    for s in states:
        _print_state(s, fmt)


@approval_app.command("revoke")
def approval_revoke(
    request_id: str = typer.Argument(..., help="the approval request id"),
    reason: str = typer.Option(..., "--reason", help="why the approval is revoked"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Revoke an approval (a deployed model without another approval is suspended)."""
    from heredity.govern import revoke

    check_format(fmt, ("text", "json"))
    _print_state(revoke(open_registry(), request_id, reason=reason), fmt)


@approval_app.command("waive")
def approval_waive(
    assessment_id: str = typer.Argument(..., help="transfer assessment id"),
    justification: str = typer.Option(..., "--justification", help="why the breach is acceptable"),
    policy: str | None = typer.Option(
        None, "--policy", help="approval policy id, id@version or file (default: the request's)"
    ),
) -> None:
    """Waive a transfer assessment's breach, recording who granted it and why."""
    from heredity.govern import waive_transfer

    rec = waive_transfer(open_registry(), assessment_id, justification=justification, policy=policy)
    console.print(
        styled(
            "waiver ",
            (rec.id, "bold"),
            f" recorded for {assessment_id} ({rec.subject}) by {rec.actor}",
        )
    )


@policy_app.command("publish")
def policy_publish(file: Path = typer.Argument(..., help="approval policy YAML")) -> None:
    """Publish a policy version (a published id@version can never change)."""
    from heredity.govern import load_policy_file, publish_policy

    policy = load_policy_file(file)
    rec = publish_policy(open_registry(create=True), policy)
    console.print(
        styled("policy ", (policy.ref, "bold"), f" published as {rec.id} ({policy.digest[:19]})")
    )


@policy_app.command("list")
def policy_list(fmt: str = typer.Option("text", "--format", help="text | json")) -> None:
    """List published policy versions, newest first."""
    from heredity.govern import published_policies

    check_format(fmt, ("text", "json"))
    recs = published_policies(open_registry())
    if fmt == "json":
        print_json(
            [
                {
                    "ref": r.body.ref,
                    "digest": r.body.digest,
                    "supersedes": r.body.supersedes,
                    "published_at": r.created_at.isoformat(),
                    "by": r.actor,
                    "id": r.id,
                }
                for r in recs
            ]
        )
        return
    table = Table("policy", "digest", "supersedes", "published", "by")
    for r in recs:
        table.add_row(
            r.body.ref,
            r.body.digest[:19],
            r.body.supersedes or "-",
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.actor,
        )
    console.print(table)


@policy_app.command("show")
def policy_show(
    ref: str = typer.Argument("default", help="id, id@version, shipped name, or file"),
) -> None:
    """Show a policy: the published version when there is one, else the file (nothing is written)."""
    from heredity.govern import lookup_policy

    policy, publication = lookup_policy(open_registry(), ref)
    print_json(
        policy.model_dump(mode="json")
        | {"ref": policy.ref, "digest": policy.digest}
        | {"published": publication.id if publication else None}
    )


@app.command()
def deploy(
    model: str = typer.Argument(..., help="name@version"),
    environment: str = typer.Option("production", "--environment", help="where it is deployed"),
    note: str | None = typer.Option(None, "--note", help="a note kept with the deployment"),
) -> None:
    """Record a deployment: only a model with its own valid approval (never its teacher's)."""
    from heredity.govern import deploy as do_deploy

    rec = do_deploy(open_registry(), model, environment=environment, note=note)
    console.print(
        styled(
            ("deployed", "green"),
            " ",
            (model, "bold"),
            f" to {environment} under approval {rec.body.approval}",
        )
    )
    for c in rec.body.conditions:
        console.print(f"  condition: {c}")
