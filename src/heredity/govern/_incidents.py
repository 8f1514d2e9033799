"""Incidents: a model found defective, every model downstream of it, suspensions and clearances.

Opening an incident stores the impact set (every lineage relation, synthetic data included) with the
incident and suspends every affected approved or deployed model whose policy suspends for the kind.
Closing it restores nothing: each model is re-approved or explicitly cleared.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import BadInput, Conflict, NotFound
from heredity.govern._approvals import (
    Clearance,
    Suspension,
    approvals_for,
    current_approval,
    model_parties,
    outstanding_suspensions,
    responsible_party,
)
from heredity.govern._common import INCIDENT_KINDS, html_page, html_table
from heredity.govern._policy import ApprovalPolicy, published, resolve_policy
from heredity.identity import require_decider
from heredity.records import RecordBody, RecordKind
from heredity.registry import Affected, Impact

if TYPE_CHECKING:
    from heredity.registry import Registry


class SuspensionEntry(BaseModel):
    """A model an incident suspended, as the incident records it."""

    model_config = ConfigDict(extra="forbid")

    model: str
    previous_status: str
    policy: str
    approval: str | None


class KeptEntry(BaseModel):
    """An affected model an incident did not suspend, and why."""

    model_config = ConfigDict(extra="forbid")

    model: str
    status: str
    reason: str


class Owner(BaseModel):
    """Whom to notify about an incident: an owner, an email where known, their models."""

    model_config = ConfigDict(extra="forbid")

    owner: str
    email: str | None
    models: list[str]


class Incident(RecordBody):
    """A model found defective and everything downstream of it (body of an ``incident`` record)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.INCIDENT

    format: int = 1
    model: str
    kind: str
    summary: str
    opened_by: str
    affected_models: list[str]
    affected_datasets: list[str]
    suspended: list[SuspensionEntry]
    not_suspended: list[KeptEntry]
    owners: list[Owner]
    impact: Impact


class IncidentClose(RecordBody):
    """An incident closed, with its resolution (``incident_close``; key: the incident)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.INCIDENT_CLOSE

    format: int = 1
    incident: str
    resolution: str


class Closed(BaseModel):
    """Who closed an incident, when, and how it was resolved."""

    by: str
    at: str
    resolution: str


class SuspendedModel(BaseModel):
    """A model an incident suspended: its status before and now, and how it was resolved."""

    model: str
    previous_status: str
    policy: str
    status_now: str | None = None
    resolution: str = "awaiting re-approval or clearance"
    resolved: bool = False


class IncidentView(BaseModel):
    """An incident with what happened since: closure, clearances, re-approvals."""

    id: str
    model: str
    kind: str
    summary: str
    opened_by: str
    opened_at: dt.datetime
    status: Literal["open", "closed"]
    closed: Closed | None = None
    affected_models: list[str] = Field(default_factory=list)
    affected_datasets: list[str] = Field(default_factory=list)
    suspended: list[SuspendedModel] = Field(default_factory=list)
    not_suspended: list[KeptEntry] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    impact: Impact


def _policy_for(registry: Registry, model: str) -> ApprovalPolicy:
    """The policy of the model's newest approval; the default policy when it has none."""
    states = approvals_for(registry, model)
    chosen = next((s for s in states if s.status == "approved"), states[0] if states else None)
    if chosen is not None:
        try:
            return published(registry, chosen.policy)[0]
        except NotFound:
            pass
    return resolve_policy(registry, None)[0]


def _owners(registry: Registry, affected: list[Affected]) -> list[Owner]:
    """Whom to notify: each owner (or responsible party) with an email where one is recorded."""
    models: dict[str, list[str]] = {}
    emails: dict[str, str] = {}
    for a in affected:
        owner = a.owner
        if a.kind == "model":
            resp = responsible_party(registry, a.ref)
            if resp is not None and resp.name:
                owner = owner or resp.name
                if resp.email and resp.name == owner:
                    emails.setdefault(owner, resp.email)
        models.setdefault(owner or "(no owner recorded)", []).append(a.ref)
    return [
        Owner(owner=o, email=emails.get(o), models=sorted(refs))
        for o, refs in sorted(models.items())
    ]


def open_incident(registry: Registry, model: str, *, kind: str, summary: str) -> IncidentView:
    """Open an incident on ``model``: store its impact set and suspend the affected approvals."""
    if kind not in INCIDENT_KINDS:
        raise BadInput(f"kind: {kind!r} must be one of {', '.join(INCIDENT_KINDS)}", param="kind")
    if not summary or not summary.strip():
        raise BadInput("summary: required (what is wrong)", param="summary")
    impact = registry.impact(model)
    root = registry.find_model(model)
    statuses: dict[str, str] = {
        a.ref: a.status or "registered" for a in impact.affected if a.kind == "model"
    }
    candidates = ([model] if root is not None else []) + [
        a.ref for a in impact.affected if a.kind == "model"
    ]
    if root is not None:
        statuses[model] = root.status
    suspend: list[SuspensionEntry] = []
    kept: list[KeptEntry] = []
    for ref in candidates:
        status = statuses[ref]
        if status not in ("approved", "deployed"):
            continue
        pol = _policy_for(registry, ref)
        if kind in pol.incidents.suspend:
            cur = current_approval(registry, ref)
            suspend.append(
                SuspensionEntry(
                    model=ref,
                    previous_status=status,
                    policy=pol.ref,
                    approval=cur.id if cur else None,
                )
            )
        else:
            kept.append(
                KeptEntry(
                    model=ref,
                    status=status,
                    reason=f"policy {pol.ref} does not suspend for {kind} incidents",
                )
            )
    body = Incident(
        model=model,
        kind=kind,
        summary=summary.strip(),
        opened_by=registry.actor,
        affected_models=[a.ref for a in impact.affected if a.kind == "model"],
        affected_datasets=[a.ref for a in impact.affected if a.kind == "dataset"],
        suspended=suspend,
        not_suspended=kept,
        owners=_owners(registry, impact.affected),
        impact=impact,
    )
    with registry.writing() as conn:
        inc = registry.put(body, subject=model, conn=conn)
        for s in suspend:
            registry.put(
                Suspension(incident=inc.id, kind=kind, **s.model_dump()),
                subject=s.model,
                key=inc.id,
                conn=conn,
            )
            registry.set_model_status(
                s.model,
                "suspended",
                f"incident {inc.id} ({kind}) on {model}: {summary.strip()}",
                conn=conn,
            )
    return incident_view(registry, inc.id)


def incident_view(registry: Registry, incident_id: str) -> IncidentView:
    """An incident as it stands now."""
    rec = registry.get(incident_id, Incident)
    b = rec.body
    closes = registry.find(IncidentClose, key=incident_id)
    view = IncidentView(
        id=rec.id,
        model=b.model,
        kind=b.kind,
        summary=b.summary,
        opened_by=rec.actor,
        opened_at=rec.created_at,
        status="closed" if closes else "open",
        closed=(
            Closed(
                by=closes[-1].actor,
                at=closes[-1].created_at.isoformat(),
                resolution=closes[-1].body.resolution,
            )
            if closes
            else None
        ),
        affected_models=list(b.affected_models),
        affected_datasets=list(b.affected_datasets),
        not_suspended=list(b.not_suspended),
        owners=list(b.owners),
        impact=b.impact,
    )
    for s in b.suspended:
        ref = s.model
        item = SuspendedModel(model=ref, previous_status=s.previous_status, policy=s.policy)
        found = registry.find_model(ref)
        item.status_now = found.status if found else None
        clear = registry.find(Clearance, subject=ref, key=incident_id)
        again = next(
            (
                a
                for a in approvals_for(registry, ref)
                if a.approved_at is not None
                and a.approved_at > rec.created_at
                and a.status in ("approved", "suspended")
            ),
            None,
        )
        if clear:
            item.resolution = (
                f"cleared by {clear[-1].actor} ({clear[-1].id}): {clear[-1].body.reason}"
            )
            item.resolved = True
        elif again is not None:
            item.resolution = f"re-approved ({again.id})"
            item.resolved = True
        view.suspended.append(item)
    return view


def list_incidents(registry: Registry, *, status: str | None = None) -> list[IncidentView]:
    """Every incident, newest first (``status``: open or closed)."""
    if status not in (None, "open", "closed"):
        raise BadInput(f"status: {status!r} must be open or closed", param="status")
    views = [incident_view(registry, r.id) for r in registry.find(Incident)]
    return [v for v in views if status is None or v.status == status]


def close_incident(registry: Registry, incident_id: str, *, resolution: str) -> IncidentView:
    """Close an incident. Suspended models stay suspended until re-approved or cleared."""
    if not resolution or not resolution.strip():
        raise BadInput("resolution: required", param="resolution")
    rec = registry.get(incident_id, Incident)
    if registry.find(IncidentClose, key=incident_id):
        raise Conflict(f"incident {incident_id} is already closed")
    registry.put(
        IncidentClose(incident=incident_id, resolution=resolution.strip()),
        subject=rec.subject,
        key=incident_id,
    )
    return incident_view(registry, incident_id)


def clear_model(registry: Registry, incident_id: str, model: str, *, reason: str) -> IncidentView:
    """Explicitly clear one suspended model of an incident, restoring its previous status when no
    other incident still suspends it and its approval is otherwise valid."""
    if not reason or not reason.strip():
        raise BadInput("reason: required (why the model is not affected)", param="reason")
    rec = registry.get(incident_id, Incident)
    entry = next((s for s in rec.body.suspended if s.model == model), None)
    if entry is None:
        raise BadInput(f"{model} was not suspended by incident {incident_id}")
    if registry.find(Clearance, subject=model, key=incident_id):
        raise Conflict(f"{model} is already cleared of incident {incident_id}")
    pol = published(registry, entry.policy)[0]
    allowed = sorted({*pol.approvers.roles, "model_risk"})
    require_decider(
        registry,
        role=allowed,
        action=f"clear {model} of incident {incident_id}",
        excluded=model_parties(registry, model),
    )
    registry.put(
        Clearance(incident=incident_id, model=model, reason=reason.strip()),
        subject=model,
        key=incident_id,
    )
    still = outstanding_suspensions(registry, model, None)
    now = registry.get_model(model).status
    if not still and now == "suspended":
        valid = current_approval(registry, model) is not None
        target = entry.previous_status if valid else "registered"
        registry.set_model_status(
            model, target, f"cleared of incident {incident_id}: {reason.strip()}"
        )
    return incident_view(registry, incident_id)


def incident_html(view: IncidentView) -> str:
    """A self-contained HTML page for an incident."""
    e = escape
    parts = [
        f"<p class='meta'>{e(view.kind)} incident <b>{e(view.id)}</b> on <b>{e(view.model)}</b>, opened "
        f"{view.opened_at:%Y-%m-%d %H:%M} UTC by {e(view.opened_by)} — <b>{e(view.status)}</b></p>",
        f"<p>{e(view.summary)}</p>",
    ]
    if view.closed:
        parts.append(f"<p>Closed by {e(view.closed.by)}: {e(view.closed.resolution)}</p>")
    parts.append(
        "<h2>Suspended</h2>"
        + html_table(
            ["model", "was", "now", "policy", "resolution"],
            [
                [
                    e(s.model),
                    e(s.previous_status),
                    e(s.status_now or "-"),
                    e(s.policy),
                    e(s.resolution),
                ]
                for s in view.suspended
            ],
        )
    )
    if view.not_suspended:
        parts.append(
            "<h2>Affected, not suspended</h2>"
            + html_table(
                ["model", "status", "why"],
                [[e(n.model), e(n.status), e(n.reason)] for n in view.not_suspended],
            )
        )
    rows = [
        [e(a.ref), e(a.kind), str(a.depth), e(" → ".join(a.path))] for a in view.impact.affected
    ]
    parts.append("<h2>Impact</h2>" + html_table(["affected", "kind", "depth", "path"], rows))
    parts.append(
        "<h2>Owners to notify</h2>"
        + html_table(
            ["owner", "email", "models"],
            [[e(o.owner), e(o.email or "-"), e(", ".join(o.models))] for o in view.owners],
        )
    )
    return html_page(f"Incident {view.id}", "".join(parts))
