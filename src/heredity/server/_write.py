"""Write endpoints: each checks the caller's roles (:data:`heredity.identity.WRITE_ROLES`),
then calls the library, whose own role and segregation-of-duties checks apply unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from heredity.errors import BadInput, NotFound
from heredity.evaluate import ReadOptions, parse_score_map
from heredity.govern import (
    add_actor,
    close_incident,
    decide,
    deploy,
    open_incident,
    record_provenance,
    request_approval,
    revoke,
    waive_transfer,
)
from heredity.identity import issue_token, require_permission, revoke_token
from heredity.records import NAME_MAX, REF_MAX, TEXT_MAX, parse_document
from heredity.registry import Registry
from heredity.rights import (
    RegistryContext,
    assess,
    authorize,
    default_knowledge_base,
    effective,
    plan_rights,
    record_assessment,
    review,
)
from heredity.server._inputs import (
    Body,
    Upload,
    document_text,
    inline_score_map,
    policy_name,
)
from heredity.server._service import acting_registry
from heredity.transfer import assess_files

router = APIRouter()
Reg = Depends(acting_registry)
Text = Field(..., min_length=1, max_length=TEXT_MAX)
OptText = Field(None, max_length=TEXT_MAX)
Ref = Field(..., min_length=3, max_length=REF_MAX, description="name@version")

_DOCUMENT = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
        "description": "a distillation provenance document (YAML or JSON)",
    }
}


# -- provenance ------------------------------------------------------------------------------
@router.post("/records", status_code=201, tags=["provenance"], openapi_extra=_DOCUMENT)
def record(
    text: str = Depends(document_text),
    require_cleared: bool = Query(
        False, description="refuse (409, nothing written) unless its rights are cleared"
    ),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Record a distillation: its models, datasets and lineage, with the rights it rests on."""
    require_permission(reg, "record")
    doc = parse_document(text, "body")
    done = record_provenance(reg, doc, require_cleared=require_cleared)
    return {
        "id": done.record.id,
        "student": doc.student.ref,
        "recorded": done.written,
        "ledger_events": [e.seq for e in done.events],
        "rights": done.rights.model_dump(mode="json"),
    }


# -- rights ----------------------------------------------------------------------------------
@router.post("/rights/check", tags=["rights"], openapi_extra=_DOCUMENT)
def rights_check(
    text: str = Depends(document_text),
    record: bool = Query(False, description="store the assessment (ledgered)"),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Judge a plan against the licence knowledge base (``effective.cleared`` says whether it
    may run); with ``record`` the assessment is stored."""
    doc = parse_document(text, "body")
    kb = default_knowledge_base()
    stored_id: str | None = None
    if record:
        require_permission(reg, "rights.check")
        stored, assessment = record_assessment(doc, reg, kb=kb)
        stored_id = stored.id
    else:
        assessment = assess(doc, RegistryContext(reg), kb)
    eff = plan_rights(reg, doc, assessment)
    return assessment.model_dump(mode="json") | {
        "id": stored_id,
        "effective": eff.model_dump(mode="json"),
    }


class ReviewBody(Body):
    decision: str = Field(..., description="approve | reject")
    basis: str = Text
    on_behalf_of: str | None = OptText


@router.post("/rights/assessments/{assessment_id}/review", status_code=201, tags=["rights"])
def rights_review(assessment_id: str, body: ReviewBody, reg: Registry = Reg) -> dict[str, Any]:
    """A legal review of an assessment that needs one (legal role, independent of the plan)."""
    require_permission(reg, "rights.review")
    rec = review(reg, assessment_id, body.decision, body.basis, on_behalf_of=body.on_behalf_of)
    return {"id": rec.id, "by": rec.actor} | {
        "effective": effective(reg, assessment_id).model_dump(mode="json")
    }


class AuthorizeBody(Body):
    evidence: str = Field(..., min_length=1, max_length=200, description="a stored record id")
    basis: str = Text
    on_behalf_of: str | None = OptText


@router.post("/rights/assessments/{assessment_id}/authorize", status_code=201, tags=["rights"])
def rights_authorize(
    assessment_id: str, body: AuthorizeBody, reg: Registry = Reg
) -> dict[str, Any]:
    """An authorization of a blocked assessment on evidence stored in the registry."""
    require_permission(reg, "rights.authorize")
    try:
        reg.header(body.evidence)
    except NotFound:
        raise BadInput(
            f"evidence: {body.evidence!r} is not the id of a stored record; through the server "
            "an authorization rests on a stored record (the server reads no file)",
            param="evidence",
        ) from None
    rec = authorize(reg, assessment_id, body.evidence, body.basis, on_behalf_of=body.on_behalf_of)
    return {"id": rec.id, "by": rec.actor} | {
        "effective": effective(reg, assessment_id).model_dump(mode="json")
    }


# -- transfer --------------------------------------------------------------------------------
class AssessBody(Body):
    teacher_ref: str = Ref
    student_ref: str = Ref
    teacher_results: Upload
    student_results: Upload
    suite: str | None = Field(None, max_length=NAME_MAX)
    policy: str | None = Field(None, max_length=200, description="threshold policy id")
    dimension: str | None = Field(None, max_length=NAME_MAX)
    allow_partial: bool = False
    score_map: str | None = Field(None, max_length=TEXT_MAX, description="inline: C=comply,...")
    scorer: str | None = Field(None, max_length=NAME_MAX)
    metric: str | None = Field(None, max_length=NAME_MAX)
    lm_filter: str | None = Field(None, max_length=NAME_MAX)


@router.post("/assessments", status_code=201, tags=["transfer"])
def transfer_assessment(body: AssessBody, reg: Registry = Reg) -> dict[str, Any]:
    """Assess a student against its teacher on two results files (Heredity JSONL, Inspect
    logs, lm-eval samples), stored with the imported runs."""
    require_permission(reg, "assess")
    if body.suite is not None and ("/" in body.suite or body.suite.endswith((".yaml", ".yml"))):
        raise BadInput(
            "suite: give a built-in suite name (the server reads no file)", param="suite"
        )
    score_map = inline_score_map(body.score_map)
    options = ReadOptions(
        dimension=body.dimension,
        allow_partial=body.allow_partial,
        score_map=parse_score_map(score_map) if score_map else None,
        scorer=body.scorer,
        metric=body.metric,
        lm_filter=body.lm_filter,
    )
    with tempfile.TemporaryDirectory(prefix="heredity-results-") as tmp:
        teacher = body.teacher_results.write(Path(tmp), "teacher_results")
        student = body.student_results.write(Path(tmp), "student_results")
        assessment, stored = assess_files(
            teacher,
            student,
            teacher_ref=body.teacher_ref,
            student_ref=body.student_ref,
            suite=body.suite,
            options=options,
            policy=policy_name(body.policy),
            registry=reg,
        )
    return {"id": stored.id if stored else None, "assessment": assessment.model_dump(mode="json")}


class WaiverBody(Body):
    assessment: str = Field(..., min_length=1, max_length=200)
    justification: str = Text
    policy: str | None = Field(None, max_length=200)


@router.post("/waivers", status_code=201, tags=["transfer"])
def waiver(body: WaiverBody, reg: Registry = Reg) -> dict[str, Any]:
    """Waive a transfer assessment's breach (the policy's waiver roles, independent)."""
    require_permission(reg, "waiver")
    rec = waive_transfer(
        reg, body.assessment, justification=body.justification, policy=policy_name(body.policy)
    )
    return {"id": rec.id, "by": rec.actor, "waiver": rec.body.model_dump(mode="json")}


# -- approvals -------------------------------------------------------------------------------
class RequestBody(Body):
    student: str = Ref
    policy: str | None = Field(None, max_length=200)


@router.post("/approvals", status_code=201, tags=["approvals"])
def approval_request(body: RequestBody, reg: Registry = Reg) -> dict[str, Any]:
    """Open an approval request: the student's own evidence, and what is missing."""
    require_permission(reg, "approval.request")
    return request_approval(reg, body.student, policy=policy_name(body.policy)).model_dump(
        mode="json"
    )


class DecideBody(Body):
    approve: bool
    reason: str = Text
    conditions: list[str] = Field(default_factory=list, max_length=100)
    expires: str | None = Field(None, max_length=40, description="YYYY-MM-DD")
    role: str | None = Field(None, max_length=NAME_MAX)


@router.post("/approvals/{request_id}/decide", tags=["approvals"])
def approval_decide(request_id: str, body: DecideBody, reg: Registry = Reg) -> dict[str, Any]:
    """Approve or reject in a role the request still needs (never the responsible party, the
    requester, the distiller or an admin)."""
    require_permission(reg, "approval.decide")
    return decide(
        reg,
        request_id,
        approve=body.approve,
        reason=body.reason,
        conditions=body.conditions,
        expires=body.expires,
        role=body.role,
    ).model_dump(mode="json")


class ReasonBody(Body):
    reason: str = Text


@router.post("/approvals/{request_id}/revoke", tags=["approvals"])
def approval_revoke(request_id: str, body: ReasonBody, reg: Registry = Reg) -> dict[str, Any]:
    """Revoke an approval (a deployed model without another approval is suspended)."""
    require_permission(reg, "approval.revoke")
    return revoke(reg, request_id, reason=body.reason).model_dump(mode="json")


# -- deployments and incidents ---------------------------------------------------------------
class DeployBody(Body):
    model: str = Ref
    environment: str = Field("production", min_length=1, max_length=NAME_MAX)
    note: str | None = OptText


@router.post("/deployments", status_code=201, tags=["deployments"])
def deployment(body: DeployBody, reg: Registry = Reg) -> dict[str, Any]:
    """Record a deployment of a model with its own valid approval."""
    require_permission(reg, "deploy")
    rec = deploy(reg, body.model, environment=body.environment, note=body.note)
    return {"id": rec.id, "by": rec.actor, "deployment": rec.body.model_dump(mode="json")}


class IncidentBody(Body):
    model: str = Ref
    kind: str = Field(..., min_length=1, max_length=NAME_MAX)
    summary: str = Text


@router.post("/incidents", status_code=201, tags=["incidents"])
def incident_open(body: IncidentBody, reg: Registry = Reg) -> dict[str, Any]:
    """Open an incident on a model: its impact set, and the approvals it suspends."""
    require_permission(reg, "incident.open")
    view = open_incident(reg, body.model, kind=body.kind, summary=body.summary)
    return view.model_dump(mode="json")


class CloseBody(Body):
    resolution: str = Text


@router.post("/incidents/{incident_id}/close", tags=["incidents"])
def incident_close(incident_id: str, body: CloseBody, reg: Registry = Reg) -> dict[str, Any]:
    """Close an incident with its resolution."""
    require_permission(reg, "incident.close")
    return close_incident(reg, incident_id, resolution=body.resolution).model_dump(mode="json")


# -- actors and tokens (admins) --------------------------------------------------------------
class ActorBody(Body):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    roles: list[str] = Field(..., min_length=1, max_length=20)
    email: str | None = Field(None, max_length=NAME_MAX)
    replace: bool = False


@router.post("/actors", status_code=201, tags=["identity"])
def actor_add(body: ActorBody, reg: Registry = Reg) -> dict[str, Any]:
    """Record an actor's roles (an admin; nobody grants their own)."""
    require_permission(reg, "actor.manage")
    actor = add_actor(reg, body.name, body.roles, email=body.email, replace=body.replace)
    return actor.model_dump(mode="json")


class TokenBody(Body):
    actor: str = Field(..., min_length=1, max_length=NAME_MAX)
    expires: str | None = Field(None, max_length=40, description="YYYY-MM-DD")


@router.post("/tokens", status_code=201, tags=["identity"])
def token_issue(body: TokenBody, reg: Registry = Reg) -> dict[str, Any]:
    """Issue a token to a recorded actor (an admin): its secret is in this answer only."""
    require_permission(reg, "token.manage")
    token_id, secret = issue_token(reg, body.actor, body.expires)
    return {"id": token_id, "actor": body.actor, "secret": secret}


class RevokeBody(Body):
    reason: str | None = OptText


@router.post("/tokens/{token_id}/revoke", tags=["identity"])
def token_revoke(token_id: str, body: RevokeBody, reg: Registry = Reg) -> dict[str, Any]:
    """Revoke a token (an admin): it authenticates nobody from now on."""
    require_permission(reg, "token.manage")
    return revoke_token(reg, token_id, reason=body.reason).model_dump(mode="json")
