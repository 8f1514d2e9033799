"""Independent approval of each model on its own evidence (4.5), revocation and deployment.

A request gathers the evidence and names the policy version; each required role then approves
(or rejects) in a decision of its own. Status changes go through ``registry.set_model_status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import ApprovalRefused, BadInput, Conflict
from heredity.govern._common import parse_time, utcnow
from heredity.govern._evidence import Evidence, TeacherContext, TransferWaiver, gather_evidence
from heredity.govern._policy import DEFAULT_POLICY, lookup_policy, published, resolve_policy
from heredity.identity import (
    Party,
    check_independent,
    credential_links,
    get_actor,
    party_of_actor,
    refuse_admin,
    require_decider,
    same_person,
)
from heredity.records import DraftResponsible, ProvenanceDraft, RecordBody, RecordKind, Stored
from heredity.transfer import TransferAssessmentRecord

if TYPE_CHECKING:
    from heredity.registry import Registry

Status = Literal["pending", "approved", "rejected", "revoked", "expired", "suspended"]


class _Body(RecordBody):
    model_config = ConfigDict(extra="forbid")


class ApprovalRequest(_Body):
    """A request for a student's approval, with its evidence as gathered (``approval_request``)."""

    record_kind = RecordKind.APPROVAL_REQUEST

    format: int = 1
    student: str
    policy: str
    policy_digest: str
    policy_record: str
    requester: str
    required_roles: list[str]
    complete: bool
    missing: list[str]
    evidence: Evidence
    teacher_approvals: list[TeacherContext]


class ApprovalDecision(_Body):
    """One actor's decision on a request, in one role (``approval_decision``)."""

    record_kind = RecordKind.APPROVAL_DECISION

    format: int = 1
    request: str
    student: str
    decision: Literal["approve", "reject"]
    role: str
    reason: str
    conditions: list[str]
    expires: str | None
    policy: str
    policy_digest: str
    evidence: list[str] = Field(description="the evidence record ids the decision rests on")
    evidence_complete: bool | None


class ApprovalRevocation(_Body):
    """An approval withdrawn (``approval_revocation``)."""

    record_kind = RecordKind.APPROVAL_REVOCATION

    format: int = 1
    request: str
    student: str
    reason: str
    revoked_by: str


class Deployment(_Body):
    """A model deployed under its own approval (``deployment``)."""

    record_kind = RecordKind.DEPLOYMENT

    format: int = 1
    model: str
    approval: str
    policy: str
    environment: str
    conditions: list[str]
    approval_expires: str | None
    note: str | None
    deployed_by: str


class Suspension(_Body):
    """A model's approval suspended by an incident (``suspension``; key: the incident)."""

    record_kind = RecordKind.SUSPENSION

    format: int = 1
    incident: str
    kind: str
    model: str
    previous_status: str
    policy: str
    approval: str | None


class Clearance(_Body):
    """A suspended model cleared of one incident (``clearance``; key: the incident)."""

    record_kind = RecordKind.CLEARANCE

    format: int = 1
    incident: str
    model: str
    reason: str


class Revoked(BaseModel):
    """Who revoked an approval, when and why."""

    id: str
    by: str
    at: str
    reason: str


class Decision(BaseModel):
    """One actor's decision on a request, in one role."""

    id: str
    actor: str
    role: str
    decision: Literal["approve", "reject"]
    reason: str
    conditions: list[str] = Field(default_factory=list)
    expires: str | None = None
    policy: str
    at: dt.datetime


class ApprovalState(BaseModel):
    """A request read together with its decisions, revocation, and incident suspensions."""

    id: str
    student: str
    policy: str
    requester: str
    requested_at: dt.datetime
    required_roles: list[str]
    status: Status
    filled: dict[str, str] = Field(default_factory=dict, description="role -> approving actor")
    missing_roles: list[str] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    expires: dt.datetime | None = None
    approved_at: dt.datetime | None = None
    revoked: Revoked | None = None
    suspended_by: list[str] = Field(default_factory=list, description="incident ids")
    evidence: Evidence | None = Field(None, description="as gathered at request time")
    missing: list[str] = Field(default_factory=list, description="evidence missing at request time")
    teacher_approvals: list[TeacherContext] = Field(default_factory=list)


def outstanding_suspensions(registry: Registry, model: str, since: dt.datetime | None) -> list[str]:
    """Incidents that suspended ``model`` after ``since`` and were not cleared for it."""
    cleared = {r.body.incident for r in registry.find(Clearance, subject=model)}
    return [
        r.body.incident
        for r in registry.find(Suspension, subject=model)
        if r.body.incident not in cleared and (since is None or r.created_at >= since)
    ]


def approval_state(
    registry: Registry, request_id: str, *, now: dt.datetime | None = None
) -> ApprovalState:
    """The current state of an approval request."""
    req = registry.get(request_id, ApprovalRequest)
    b = req.body
    required = list(b.required_roles)
    decisions: list[Decision] = []
    for rec in reversed(registry.find(ApprovalDecision, key=request_id)):
        made = rec.body
        decisions.append(
            Decision(
                id=rec.id,
                actor=rec.actor,
                role=made.role,
                decision=made.decision,
                reason=made.reason,
                conditions=list(made.conditions),
                expires=made.expires,
                policy=made.policy,
                at=rec.created_at,
            )
        )
    filled: dict[str, str] = {}
    approved_at: dt.datetime | None = None
    rejected = False
    for d in decisions:
        if d.decision == "reject":
            rejected = True
            break
        if d.role in required and d.role not in filled:
            filled[d.role] = d.actor
            if all(r in filled for r in required):
                approved_at = d.at
                break
    approving = [
        d
        for d in decisions
        if d.decision == "approve" and (approved_at is None or d.at <= approved_at)
    ]
    expiries = [t for t in (parse_time(d.expires) for d in approving) if t is not None]
    revocations = registry.find(ApprovalRevocation, key=request_id)
    state = ApprovalState(
        id=req.id,
        student=b.student,
        policy=b.policy,
        requester=req.actor,
        requested_at=req.created_at,
        required_roles=required,
        status="pending",
        filled=filled,
        missing_roles=[r for r in required if r not in filled],
        decisions=decisions,
        conditions=list(dict.fromkeys(c for d in approving for c in d.conditions)),
        expires=min(expiries) if expiries else None,
        approved_at=approved_at,
        evidence=b.evidence,
        missing=list(b.missing),
        teacher_approvals=list(b.teacher_approvals),
    )
    if revocations:
        r = revocations[-1]
        state.revoked = Revoked(
            id=r.id, by=r.actor, at=r.created_at.isoformat(), reason=r.body.reason
        )
        state.status = "revoked"
    elif rejected:
        state.status = "rejected"
    elif approved_at is not None:
        state.status = "approved"
        if state.expires is not None and (now or utcnow()) >= state.expires:
            state.status = "expired"
        else:
            state.suspended_by = outstanding_suspensions(registry, state.student, approved_at)
            if state.suspended_by:
                state.status = "suspended"
    return state


def approvals_for(registry: Registry, model: str) -> list[ApprovalState]:
    """Every approval request of a model, newest first."""
    return [approval_state(registry, r.id) for r in registry.find(ApprovalRequest, subject=model)]


def pending_approvals(
    registry: Registry, *, roles: Sequence[str] | None = None
) -> list[ApprovalState]:
    """Every approval request still pending, newest first; with ``roles``, only those that
    still need a decision in one of them (an approver's queue)."""
    states = [approval_state(registry, r.id) for r in registry.find(ApprovalRequest)]
    wanted = set(roles) if roles is not None else None
    return [
        s
        for s in states
        if s.status == "pending" and (wanted is None or wanted & set(s.missing_roles))
    ]


def current_approval(registry: Registry, model: str) -> ApprovalState | None:
    """The model's own valid approval (approved, not expired, revoked or suspended), or None."""
    return next((s for s in approvals_for(registry, model) if s.status == "approved"), None)


def _teacher_context(registry: Registry, student: str) -> list[TeacherContext]:
    dist = registry.distillation_for(student, ProvenanceDraft)
    out: list[TeacherContext] = []
    for teacher in dist.body.all_teacher_refs if dist else []:
        found = registry.find_model(teacher)
        cur = current_approval(registry, teacher) if found else None
        out.append(
            TeacherContext(
                teacher=teacher,
                status=found.status if found else "unknown",
                approval=cur.id if cur else None,
            )
        )
    return out


def request_approval(
    registry: Registry, student: str, *, policy: str | Path | None = None
) -> ApprovalState:
    """Open an approval request: gather the student's own evidence and say what is missing."""
    model = registry.get_model(student)
    if model.status == "retired":
        raise ApprovalRefused(f"{student} is retired; a retired model cannot be approved")
    pol, pol_rec = resolve_policy(registry, policy)
    ev = gather_evidence(registry, student, pol)
    ev.teacher_approvals = _teacher_context(registry, student)
    body = ApprovalRequest(
        student=student,
        policy=pol.ref,
        policy_digest=pol.digest,
        policy_record=pol_rec.id,
        requester=registry.actor,
        required_roles=ev.required_roles,
        complete=ev.complete,
        missing=ev.missing,
        evidence=ev,
        teacher_approvals=ev.teacher_approvals,
    )
    rec = registry.put(body, subject=student, key=pol.ref)
    return approval_state(registry, rec.id)


def responsible_party(registry: Registry, student: str) -> DraftResponsible | None:
    """The responsible party its provenance record names, if it has one."""
    dist = registry.distillation_for(student, ProvenanceDraft)
    return dist.body.responsible if dist else None


def model_parties(
    registry: Registry, student: str, *, requesters: Sequence[tuple[str, str]] = ()
) -> list[Party]:
    """Who may not decide on ``student``: the responsible party its record names, whoever
    recorded its distillation, and each ``(actor, relation)`` in ``requesters``."""
    parties: list[Party] = []
    resp = responsible_party(registry, student)
    if resp is not None:
        parties.append(
            Party(
                name=resp.name,
                email=resp.email,
                relation=f"is the responsible party of {student}'s distillation",
            )
        )
    dist = registry.distillation_for(student, ProvenanceDraft)
    if dist is not None:
        parties.append(
            party_of_actor(
                registry, dist.actor, f"recorded the distillation of {student} (record {dist.id})"
            )
        )
    parties.extend(party_of_actor(registry, who, relation) for who, relation in requesters)
    return parties


def _check_independent(registry: Registry, student: str, requester: str, what: str) -> None:
    parties = model_parties(registry, student, requesters=[(requester, "requested this approval")])
    check_independent(registry, registry.actor, what, parties)


def _same_behind(registry: Registry, a: str, b: str) -> str | None:
    """A token that makes ``a`` and ``b`` one person for segregation of duties (one issued the
    other's credential), or None."""
    for x, y in ((a, b), (b, a)):
        for link in credential_links(registry, x, current=False):
            if same_person(link.issuer, None, Party(name=y, relation="")):
                return f"{y} issued token {link.token_id} of {link.actor}"
    return None


def _expiry(expires: str | dt.date | None, max_days: int | None) -> dt.datetime | None:
    now = utcnow()
    limit = now + dt.timedelta(days=max_days) if max_days else None
    if expires is None:
        return limit
    when = parse_time(expires)
    if when is None:
        raise BadInput(f"expires: {expires!r} is not a date (YYYY-MM-DD)", param="expires")
    if when <= now:
        raise BadInput(f"expires: {expires} is not in the future", param="expires")
    if limit is not None and when > limit:
        raise BadInput(
            f"expires: the policy allows approvals of at most {max_days} days ({limit:%Y-%m-%d})",
            param="expires",
        )
    return when


def decide(
    registry: Registry,
    request_id: str,
    *,
    approve: bool,
    reason: str,
    conditions: Sequence[str] = (),
    expires: str | dt.date | None = None,
    role: str | None = None,
) -> ApprovalState:
    """Approve or reject a request as ``registry.actor`` in one of the roles it still needs.

    Refused (ApprovalRefused) for the responsible party or the requester, for an actor without a
    required role, and — for an approval — while any required evidence is missing.
    """
    if not reason or not reason.strip():
        raise BadInput("reason: required (say why)", param="reason")
    state = approval_state(registry, request_id)
    if state.status != "pending":
        raise Conflict(
            f"approval request {request_id} is already {state.status}; open a new request"
        )
    pol, _ = published(registry, state.policy)
    actor = registry.actor
    _check_independent(registry, state.student, state.requester, "decide on its approval")
    held = get_actor(registry, actor)
    if held is None:
        raise ApprovalRefused(
            f"{actor} holds no recorded role (heredity actor add {actor} --role ROLE)"
        )
    refuse_admin(held, f"decide on approval {request_id}")
    for d in state.decisions:
        if same_person(actor, held.email, Party(name=d.actor, relation="")):
            raise ApprovalRefused(
                f"{actor} has already decided on {request_id}; each role needs a different actor"
            )
        tie = _same_behind(registry, actor, d.actor)
        if tie:
            raise ApprovalRefused(
                f"{actor} cannot decide on {request_id}: {d.actor} already decided on it and "
                f"{tie}, so they count as one person (segregation of duties)"
            )
    pool = state.missing_roles if approve else state.required_roles
    if role is not None:
        if role not in held.roles:
            raise ApprovalRefused(
                f"{actor} does not hold the role {role!r} (holds: {', '.join(held.roles) or 'none'})"
            )
        if role not in pool:
            raise ApprovalRefused(
                f"role {role!r} is not one this request still needs ({', '.join(pool)})"
            )
        acting = role
    else:
        usable = [r for r in pool if r in held.roles]
        if not usable:
            raise ApprovalRefused(
                f"{actor} holds {', '.join(held.roles) or 'no role'}; policy {pol.ref} needs a decision by "
                f"{', '.join(pool)}"
            )
        acting = usable[0]
    ev: Evidence | None = None
    if approve:
        ev = gather_evidence(registry, state.student, pol)
        if not ev.complete:
            raise ApprovalRefused(
                f"cannot approve {state.student}: required evidence is missing under policy {pol.ref}",
                details=ev.missing,
            )
        if ev.required_roles != state.required_roles:
            raise ApprovalRefused(
                f"the evidence changed since request {request_id} (roles now {', '.join(ev.required_roles)}); "
                f"open a new request (heredity approval request {state.student})"
            )
    when = _expiry(expires, pol.max_validity_days) if approve else None
    body = ApprovalDecision(
        request=request_id,
        student=state.student,
        decision="approve" if approve else "reject",
        role=acting,
        reason=reason.strip(),
        conditions=[c.strip() for c in conditions if c.strip()],
        expires=when.isoformat() if when else None,
        policy=pol.ref,
        policy_digest=pol.digest,
        evidence=ev.record_ids if ev else [],
        evidence_complete=ev.complete if ev else None,
    )
    completes = approve and [r for r in state.missing_roles if r != acting] == []
    with registry.writing() as conn:
        registry.put(body, subject=state.student, key=request_id, conn=conn)
        if completes:
            status = registry.get_model(state.student).status
            if status != "deployed":
                registry.set_model_status(
                    state.student,
                    "approved",
                    f"approval {request_id} under policy {pol.ref}",
                    conn=conn,
                )
    return approval_state(registry, request_id)


def revoke(registry: Registry, request_id: str, *, reason: str) -> ApprovalState:
    """Revoke an approval; a deployed model without another valid approval is suspended."""
    if not reason or not reason.strip():
        raise BadInput("reason: required", param="reason")
    state = approval_state(registry, request_id)
    if state.status in ("pending", "rejected", "revoked"):
        raise Conflict(
            f"approval request {request_id} is {state.status}; there is no approval to revoke"
        )
    actor = registry.actor
    held = get_actor(registry, actor)
    allowed = {*state.required_roles, "model_risk"}
    if held is None or not allowed & set(held.roles):
        raise ApprovalRefused(
            f"{actor} needs one of the roles {', '.join(sorted(allowed))} to revoke an approval"
        )
    model = state.student
    others = [
        s for s in approvals_for(registry, model) if s.status == "approved" and s.id != request_id
    ]
    status = registry.get_model(model).status
    why = f"approval {request_id} revoked: {reason.strip()}"
    body = ApprovalRevocation(
        request=request_id, student=model, reason=reason.strip(), revoked_by=actor
    )
    with registry.writing() as conn:
        registry.put(body, subject=model, key=request_id, conn=conn)
        if not others and status == "deployed":
            registry.set_model_status(model, "suspended", why, conn=conn)
        elif not others and status == "approved":
            registry.set_model_status(model, "registered", why, conn=conn)
    return approval_state(registry, request_id)


def deploy(
    registry: Registry, model: str, *, environment: str = "production", note: str | None = None
) -> Stored[Deployment]:
    """Record a deployment of a model that holds its own valid approval (never its teacher's)."""
    rec = registry.get_model(model)
    if rec.status in ("retired", "suspended"):
        why = ""
        if rec.status == "suspended":
            inc = outstanding_suspensions(registry, model, None)
            why = f" by incident {', '.join(inc)}" if inc else ""
        raise ApprovalRefused(f"{model} is {rec.status}{why}; it cannot be deployed")
    cur = current_approval(registry, model)
    if cur is None:
        lines = [f"{s.id}: {s.status}" for s in approvals_for(registry, model)]
        for t in _teacher_context(registry, model):
            if t.approval:
                lines.append(
                    f"teacher {t.teacher} is approved ({t.approval}), but a teacher's "
                    "approval never counts for its student (4.5)"
                )
        raise ApprovalRefused(
            f"{model} has no valid approval of its own (heredity approval request {model})",
            details=lines,
        )
    body = Deployment(
        model=model,
        approval=cur.id,
        policy=cur.policy,
        environment=environment,
        conditions=cur.conditions,
        approval_expires=cur.expires.isoformat() if cur.expires else None,
        note=note,
        deployed_by=registry.actor,
    )
    with registry.writing() as conn:
        stored = registry.put(body, subject=model, key=cur.id, conn=conn)
        registry.set_model_status(
            model, "deployed", f"deployed to {environment} under approval {cur.id}", conn=conn
        )
    return stored


def waive_transfer(
    registry: Registry, assessment_id: str, *, justification: str, policy: str | Path | None = None
) -> Stored[TransferWaiver]:
    """Record a waiver of a transfer assessment's breach: who granted it and why (4.2)."""
    if not justification or not justification.strip():
        raise BadInput(
            "justification: required (say why the breach is acceptable)", param="justification"
        )
    rec = registry.get(assessment_id, TransferAssessmentRecord)
    student = rec.body.student
    if any(
        w.body.assessment == assessment_id for w in registry.find(TransferWaiver, subject=student)
    ):
        raise Conflict(f"transfer assessment {assessment_id} is already waived")
    # The decider is checked before anything is written: a refused waiver publishes no policy.
    pol, _ = lookup_policy(registry, policy if policy is not None else DEFAULT_POLICY)
    requesters = [(rec.actor, f"recorded transfer assessment {assessment_id}")] + [
        (r.actor, f"requested approval {r.id} of {student}")
        for r in registry.find(ApprovalRequest, subject=student)
    ]
    held = require_decider(
        registry,
        role=list(pol.approvers.waiver_roles),
        action=f"waive the breach of {student} (policy {pol.ref})",
        excluded=model_parties(registry, student, requesters=requesters),
    )
    pol, _ = resolve_policy(registry, policy)
    actor = held.name
    dims = [d.name for d in rec.body.dimensions if d.verdict in ("breach", "inconclusive")]
    body = TransferWaiver(
        assessment=assessment_id,
        student=student,
        teacher=rec.body.teacher,
        dimensions=dims,
        justification=justification.strip(),
        granted_by=actor,
        policy=pol.ref,
    )
    return registry.put(body, subject=student, key=assessment_id)
