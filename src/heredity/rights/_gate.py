"""The rights gate, legal reviews and authorizations, stored in the registry's ledger (4.3, 4.8).

An assessment is immutable. A review (for ``needs_review``) or an authorization (the only thing that
changes ``prohibited``, or an unmet obligation such as a user threshold) is a separate record that
names the assessment; :func:`effective` reads the assessment together with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from heredity.errors import BadInput, RightsBlocked
from heredity.records import DistillationDocument, RecordBody, RecordKind, Stored
from heredity.rights._assessment import Obligation, RightsAssessment, RightsVerdict
from heredity.rights._context import RegistryContext, RightsContext
from heredity.rights._engine import assess, facts_hash
from heredity.rights._kb import KnowledgeBase

if TYPE_CHECKING:
    from heredity.registry import Registry

State = Literal["cleared", "reviewed", "authorized", "needs_review", "rejected", "blocked"]


class RightsReview(RecordBody):
    """A legal review of an assessment that needs one (body of a ``rights_review`` record)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.RIGHTS_REVIEW

    format: int = 1
    assessment: str
    decision: Literal["approve", "reject"]
    basis: str
    reviewer: str
    verdict_reviewed: RightsVerdict
    still_needs_authorization: bool


class RightsAuthorization(RecordBody):
    """Evidence that changes a blocked assessment (body of a ``rights_authorization`` record)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.RIGHTS_AUTHORIZATION

    format: int = 1
    assessment: str
    evidence: str
    basis: str
    authorizer: str
    overrides_verdict: RightsVerdict
    unmet_obligations: list[Obligation]
    still_needs_review: bool


class ReviewEntry(RightsReview):
    """A review as :class:`EffectiveRights` lists it: its record id and time with its body."""

    id: str
    at: str


class AuthorizationEntry(RightsAuthorization):
    """An authorization as :class:`EffectiveRights` lists it: its record id and time with its body."""

    id: str
    at: str


class EffectiveRights(BaseModel):
    """An assessment read together with its reviews and authorizations."""

    model_config = ConfigDict(extra="forbid")

    assessment_id: str
    student: str | None
    verdict: str
    cleared: bool
    state: State
    needs_review: bool
    needs_authorization: bool
    reviews: list[ReviewEntry]
    authorizations: list[AuthorizationEntry]
    explanation: str


def record_assessment(
    document: DistillationDocument,
    registry: Registry,
    *,
    context: RightsContext | None = None,
    kb: KnowledgeBase | None = None,
) -> tuple[Stored[RightsAssessment], RightsAssessment]:
    """Assess a plan with what the registry knows and store it (does not raise on a no).

    An assessment that says exactly what a stored one of the same student says (same document,
    knowledge base, findings and obligations) is not stored twice: the stored one is returned.
    """
    fresh = assess(document, context or RegistryContext(registry), kb)
    assessment = fresh.model_copy(update={"facts_hash": facts_hash(document)})
    for stored in registry.find(RightsAssessment, subject=document.student.ref):
        if stored.body.same_judgement(assessment):
            return stored, stored.body
    return registry.put(assessment, subject=document.student.ref), assessment


def gate(
    document: DistillationDocument,
    registry: Registry,
    *,
    context: RightsContext | None = None,
    kb: KnowledgeBase | None = None,
) -> Stored[RightsAssessment]:
    """Store the assessment of a plan and raise RightsBlocked unless it is cleared.

    The error's ``assessment`` is the :class:`RightsAssessment`; ``record_id`` is the stored id,
    which a reviewer passes to :func:`review` or :func:`authorize`.
    """
    stored, assessment = record_assessment(document, registry, context=context, kb=kb)
    if effective(registry, stored.id).cleared:
        return stored
    earlier = _reviewed_for_same_facts(registry, document, exclude=stored.id)
    if earlier is not None:
        return earlier
    raise RightsBlocked(
        f"rights gate: {document.student.ref} is not cleared ({assessment.verdict}); "
        f"assessment {stored.id}. Nothing may run until it is cleared.",
        assessment=assessment,
        details=assessment.blocking,
        record_id=stored.id,
    )


def _reviewed_for_same_facts(
    registry: Registry, document: DistillationDocument, *, exclude: str
) -> Stored[RightsAssessment] | None:
    """An earlier assessment of the same rights facts that a review or authorization cleared."""
    wanted = facts_hash(document)
    for rec in registry.find(RightsAssessment, subject=document.student.ref):
        if rec.id == exclude or rec.body.facts_hash != wanted:
            continue
        if effective(registry, rec.id).state in ("reviewed", "authorized"):
            return rec
    return None


def effective(registry: Registry, assessment_id: str) -> EffectiveRights:
    """The state of an assessment with its reviews and authorizations (latest review decides)."""
    rec = registry.get(assessment_id, RightsAssessment)
    a = rec.body
    reviews = [
        ReviewEntry(id=r.id, at=r.created_at.isoformat(), **dict(r.body))
        for r in registry.find(RightsReview, key=assessment_id)
    ]
    auths = [
        AuthorizationEntry(id=r.id, at=r.created_at.isoformat(), **dict(r.body))
        for r in registry.find(RightsAuthorization, key=assessment_id)
    ]
    need_review, need_auth = a.needs_review, a.needs_authorization
    if a.cleared:
        state: State = "cleared"
        text = f"cleared by the assessment ({a.verdict})"
    else:
        latest = reviews[0].decision if reviews else None
        review_ok = not need_review or latest == "approve"
        auth_ok = not need_auth or bool(auths)
        if latest == "reject":
            state, text = "rejected", f"rejected by {reviews[0].reviewer}: {reviews[0].basis}"
        elif review_ok and auth_ok:
            state = "authorized" if need_auth else "reviewed"
            parts = []
            if need_auth:
                parts.append(f"authorized on evidence {auths[0].evidence}")
            if need_review:
                parts.append(f"approved by {reviews[0].reviewer}")
            text = f"{a.verdict} assessment cleared: " + "; ".join(parts)
        elif not auth_ok:
            state = "blocked"
            text = f"{a.verdict}: only a recorded authorization (rights authorize) can change it"
            if need_review and not review_ok:
                text += "; it also needs a legal review"
        else:
            state, text = (
                "needs_review",
                "waiting for a recorded legal review (heredity rights review)",
            )
    return EffectiveRights(
        assessment_id=assessment_id,
        student=rec.subject,
        verdict=a.verdict,
        cleared=state in ("cleared", "reviewed", "authorized"),
        state=state,
        needs_review=need_review,
        needs_authorization=need_auth,
        reviews=reviews,
        authorizations=auths,
        explanation=text,
    )


def _text(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{name}: required (say on what basis)", param=name)
    return value.strip()


def review(
    registry: Registry,
    assessment_id: str,
    decision: str,
    basis: str,
    reviewer: str | None = None,
) -> Stored[RightsReview]:
    """Record a legal review of a ``needs_review`` assessment: ``approve`` or ``reject``.

    A review cannot change ``prohibited`` or an unmet obligation; that takes :func:`authorize`.
    """
    if decision not in ("approve", "reject"):
        raise BadInput(f"decision: {decision!r} must be approve or reject", param="decision")
    basis = _text(basis, "basis")
    rec = registry.get(assessment_id, RightsAssessment)
    a = rec.body
    if a.cleared:
        raise BadInput(f"{assessment_id}: already cleared ({a.verdict}); nothing to review")
    if not a.needs_review:
        raise BadInput(
            f"{assessment_id}: {a.verdict} with nothing that needs review; a review "
            "cannot override it — record an authorization with evidence instead"
        )
    body = RightsReview(
        assessment=assessment_id,
        decision=decision,  # type: ignore[arg-type]
        basis=basis,
        reviewer=reviewer or registry.actor,
        verdict_reviewed=a.verdict,
        still_needs_authorization=a.needs_authorization,
    )
    return registry.put(body, subject=rec.subject, key=assessment_id)


def authorize(
    registry: Registry,
    assessment_id: str,
    evidence: str,
    basis: str,
    authorizer: str | None = None,
) -> Stored[RightsAuthorization]:
    """Record an authorization (e.g. the provider's written permission) for a blocked assessment.

    This is the only way a ``prohibited`` verdict (or an unmet obligation such as a user
    threshold) stops blocking; the record names the evidence and the assessment it changes.
    """
    evidence = _text(evidence, "evidence")
    basis = _text(basis, "basis")
    rec = registry.get(assessment_id, RightsAssessment)
    a = rec.body
    if a.cleared:
        raise BadInput(f"{assessment_id}: already cleared; nothing to authorize")
    if not a.needs_authorization:
        raise BadInput(
            f"{assessment_id}: {a.verdict} needs a legal review, not an "
            "authorization (heredity rights review)"
        )
    body = RightsAuthorization(
        assessment=assessment_id,
        evidence=evidence,
        basis=basis,
        authorizer=authorizer or registry.actor,
        overrides_verdict=a.verdict,
        unmet_obligations=[o for o in a.obligations if o.satisfied is False],
        still_needs_review=a.needs_review,
    )
    return registry.put(body, subject=rec.subject, key=assessment_id)


def assessments_for(registry: Registry, student_ref: str) -> list[Stored[RightsAssessment]]:
    """Every rights assessment of a student, newest first."""
    return registry.find(RightsAssessment, subject=student_ref)


def clearing_assessment(registry: Registry, student_ref: str) -> EffectiveRights | None:
    """The newest assessment of a student that is effectively cleared, or None."""
    for rec in assessments_for(registry, student_ref):
        state = effective(registry, rec.id)
        if state.cleared:
            return state
    return None
