"""Read endpoints: every authenticated actor (auditors included) reads everything."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from heredity.errors import NotFound
from heredity.govern import (
    approval_state,
    approvals_for,
    audit,
    distillation_rights,
    incident_view,
    list_actors,
    list_incidents,
    pending_approvals,
    write_evidence,
)
from heredity.identity import get_actor, list_tokens
from heredity.records import DistillationDocument
from heredity.registry import Registry
from heredity.rights import RightsAssessment, assessments_for, effective
from heredity.server._inputs import Page, page, paged
from heredity.server._service import acting_registry, caller_of

router = APIRouter()
Reg = Depends(acting_registry)


@router.get("/whoami", tags=["identity"])
def whoami(request: Request, reg: Registry = Reg) -> dict[str, Any]:
    """Who the credentials establish, how, and the roles they hold."""
    caller = caller_of(request)
    held = get_actor(reg, caller.name)
    return {
        "name": caller.name,
        "how": caller.how,
        "token_id": caller.token_id,
        "roles": held.roles if held else [],
    }


@router.get("/actors", tags=["identity"])
def actors(reg: Registry = Reg) -> list[dict[str, Any]]:
    """Every recorded actor and their roles."""
    return [a.model_dump(mode="json") for a in list_actors(reg)]


@router.get("/tokens", tags=["identity"])
def tokens(actor: str | None = None, reg: Registry = Reg) -> list[dict[str, Any]]:
    """Issued tokens (never a secret): who holds each, who issued it, its state."""
    return [t.model_dump(mode="json") for t in list_tokens(reg, actor)]


@router.get("/models", tags=["inventory"])
def models(
    status: str | None = Query(None, description="only models of this lifecycle status"),
    p: Page = Depends(page),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Registered models by ref, a page at a time."""
    found = reg.list_models(status=status, limit=p.limit, offset=p.offset)
    return paged([m.model_dump(mode="json") for m in found], p)


@router.get("/models/{ref:path}", tags=["inventory"])
def model(ref: str, reg: Registry = Reg) -> dict[str, Any]:
    """One model (``name@version``) with its approvals."""
    found = reg.get_model(ref)
    return found.model_dump(mode="json") | {
        "approvals": [s.model_dump(mode="json") for s in approvals_for(reg, ref)]
    }


@router.get("/datasets", tags=["inventory"])
def datasets(p: Page = Depends(page), reg: Registry = Reg) -> dict[str, Any]:
    """Registered datasets by ref, a page at a time."""
    found = reg.list_datasets(limit=p.limit, offset=p.offset)
    return paged([d.model_dump(mode="json") for d in found], p)


@router.get("/datasets/{ref:path}", tags=["inventory"])
def dataset(ref: str, reg: Registry = Reg) -> dict[str, Any]:
    """One dataset (``name@version``)."""
    return reg.get_dataset(ref).model_dump(mode="json")


@router.get("/records/{ref:path}", tags=["provenance"])
def record(ref: str, reg: Registry = Reg) -> dict[str, Any]:
    """A provenance record, by its id or its student's ``name@version``, with its rights."""
    stored = (
        reg.get(ref, DistillationDocument)
        if "@" not in ref
        else reg.distillation_for(ref, DistillationDocument)
    )
    if stored is None:
        raise NotFound(
            f"ref: {ref} has no provenance record (is it a distilled model?)", param="ref"
        )
    doc = stored.body
    rights = distillation_rights(reg, stored.subject or doc.student.ref, doc)
    return stored.model_dump(mode="json", exclude={"body"}) | {
        "body": doc.dump(),
        "rights": rights.model_dump(mode="json"),
    }


@router.get("/lineage", tags=["lineage"])
def lineage(
    ref: str = Query(..., description="a model or dataset, name@version"),
    direction: Literal["up", "down"] = Query("up", description="up: ancestors; down: descendants"),
    depth: int | None = Query(None, ge=1, le=10_000),
    relation: list[str] = Query([], description="only these relations (repeatable)"),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Ancestors or descendants of a model or dataset, with the edges between them."""
    return reg.lineage(ref, direction, depth=depth, relations=relation or None).model_dump(
        mode="json"
    )


@router.get("/impact", tags=["lineage"])
def impact(
    ref: str = Query(..., description="a model or dataset, name@version"), reg: Registry = Reg
) -> dict[str, Any]:
    """Every model and dataset downstream of ``ref``, with paths and owners."""
    return reg.impact(ref).model_dump(mode="json")


@router.get("/rights/assessments", tags=["rights"])
def rights_assessments(
    student: str = Query(..., description="the student, name@version"), reg: Registry = Reg
) -> list[dict[str, Any]]:
    """The stored rights assessments of a student, newest first, each with its state."""
    return [
        {
            "id": s.id,
            "assessment": s.body.dump(),
            "effective": effective(reg, s.id).model_dump(mode="json"),
        }
        for s in assessments_for(reg, student)
    ]


@router.get("/rights/assessments/{assessment_id}", tags=["rights"])
def rights_assessment(assessment_id: str, reg: Registry = Reg) -> dict[str, Any]:
    """A stored rights assessment with its reviews and authorizations."""
    stored = reg.get(assessment_id, RightsAssessment)
    return {
        "id": stored.id,
        "assessment": stored.body.dump(),
        "effective": effective(reg, assessment_id).model_dump(mode="json"),
    }


@router.get("/approvals", tags=["approvals"])
def approvals(
    request: Request,
    student: str | None = Query(None, description="every request of this model"),
    mine: bool = Query(False, description="only pending requests that need one of my roles"),
    reg: Registry = Reg,
) -> list[dict[str, Any]]:
    """Approval requests: a model's (``student``), or every pending one (an approver's queue
    with ``mine``)."""
    if student is not None:
        states = approvals_for(reg, student)
    else:
        held = get_actor(reg, caller_of(request).name) if mine else None
        states = pending_approvals(reg, roles=(held.roles if held else []) if mine else None)
    return [s.model_dump(mode="json") for s in states]


@router.get("/approvals/{request_id}", tags=["approvals"])
def approval(request_id: str, reg: Registry = Reg) -> dict[str, Any]:
    """An approval request with its evidence, decisions and state."""
    return approval_state(reg, request_id).model_dump(mode="json")


@router.get("/incidents", tags=["incidents"])
def incidents(
    status: Literal["open", "closed"] | None = Query(None), reg: Registry = Reg
) -> list[dict[str, Any]]:
    """Incidents, optionally only open or closed ones."""
    return [v.model_dump(mode="json") for v in list_incidents(reg, status=status)]


@router.get("/incidents/{incident_id}", tags=["incidents"])
def incident(incident_id: str, reg: Registry = Reg) -> dict[str, Any]:
    """An incident: what it affects, what it suspended, and what happened since."""
    return incident_view(reg, incident_id).model_dump(mode="json")


@router.get("/audit", tags=["audit"])
def audit_report(
    model: str | None = Query(None, description="one model (default: every distilled model)"),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Conformance tests 8.1-8.5 and the maturity level (``failed`` says whether any failed)."""
    report = audit(reg, model)
    return report.to_json() | {"failed": report.failed}


@router.get(
    "/evidence/{ref:path}",
    tags=["audit"],
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "the evidence pack"}},
)
def evidence(ref: str, reg: Registry = Reg) -> Response:
    """An auditor's evidence pack of a model, as a zip (records, scorecards, ledger, index)."""
    with tempfile.TemporaryDirectory(prefix="heredity-pack-") as tmp:
        out = Path(tmp) / "pack"
        pack = write_evidence(reg, ref, out)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(out.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    zf.write(path, path.relative_to(out).as_posix())
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ref)
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{safe}.zip"',
            "X-Heredity-Ledger-Ok": "true" if pack.ledger_ok else "false",
        },
    )


@router.get("/ledger", tags=["ledger"])
def ledger_log(
    entity: str | None = Query(None, description="e.g. model:acme/x@1 or record:ID"),
    oldest_first: bool = Query(False),
    p: Page = Depends(page),
    reg: Registry = Reg,
) -> dict[str, Any]:
    """Ledger events, newest first (``oldest_first`` for the other order), a page at a time."""
    events = reg.ledger_events(
        entity=entity, limit=p.limit, offset=p.offset, newest_first=not oldest_first
    )
    return paged([e.model_dump(mode="json") for e in events], p)


@router.get("/ledger/verify", tags=["ledger"])
def ledger_verify(reg: Registry = Reg) -> dict[str, Any]:
    """Recompute the hash chain and check every stored entity (``ok`` false names the first
    bad event)."""
    return reg.verify_ledger().model_dump(mode="json")
