"""The rights gate, legal reviews and authorizations, stored in the registry's ledger (4.3, 4.8).

An assessment is immutable. A review (for ``needs_review``) or an authorization (the only thing that
changes ``prohibited``, or an unmet obligation such as a user threshold) is a separate record that
names the assessment; :func:`effective` reads the assessment together with them.

Reviews and authorizations are decisions: the acting identity must hold the ``legal`` role and be
none of the plan's responsible party, the person who requested the check (who recorded the
assessment) and the person who recorded the distillation (:func:`decision_parties`). The decider
recorded is always the acting identity; a free-text ``on_behalf_of`` may say for whom they acted.
An authorization rests on evidence that can be checked: a file (its SHA-256 digest and size are
stored) or a stored record.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import BadInput, NotFound, RightsBlocked
from heredity.identity import Party, party_of_actor, require_decider
from heredity.records import (
    DistillationDocument,
    Part,
    ProvenanceDraft,
    RecordBody,
    RecordKind,
    Stored,
)
from heredity.rights._assessment import Obligation, RightsAssessment, RightsVerdict
from heredity.rights._context import RegistryContext, RightsContext
from heredity.rights._engine import assess, facts_hash
from heredity.rights._kb import KnowledgeBase

if TYPE_CHECKING:
    from heredity.registry import Registry

State = Literal["cleared", "reviewed", "authorized", "needs_review", "rejected", "blocked"]
DecidedBy = Literal["rights_assessment", "rights_review", "rights_authorization"]
DECIDING_ROLE = "legal"


class RightsReview(RecordBody):
    """A legal review of an assessment that needs one (body of a ``rights_review`` record).

    ``reviewer`` is the acting identity (format 2; a format-1 body holds what was typed, and the
    record's actor says who acted). Format 2 added ``role`` and ``on_behalf_of``.
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.RIGHTS_REVIEW

    format: int = 2
    assessment: str
    decision: Literal["approve", "reject"]
    basis: str
    reviewer: str
    verdict_reviewed: RightsVerdict
    still_needs_authorization: bool
    role: str | None = Field(None, description="the role decided in (None: format 1)")
    on_behalf_of: str | None = Field(None, description="free text: for whom the reviewer acted")

    @classmethod
    def upgrade(cls, data: dict[str, Any], from_format: int) -> dict[str, Any]:
        """Format 1 recorded no role and no on-behalf-of note."""
        if from_format == 1:
            return data
        return super().upgrade(data, from_format)


class EvidenceFile(Part):
    """A file an authorization rests on, as it was when the authorization was recorded."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="absolute path when recorded")
    sha256: str
    size: int


class EvidenceRecord(Part):
    """A stored record an authorization rests on."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    subject: str | None


class RightsAuthorization(RecordBody):
    """Evidence that changes a blocked assessment (body of a ``rights_authorization`` record).

    Format 2 names checked evidence (``evidence_file`` or ``evidence_record``), the role and an
    optional ``on_behalf_of`` note; a format-1 body's ``evidence`` is text nobody checked.
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.RIGHTS_AUTHORIZATION

    format: int = 2
    assessment: str
    evidence: str
    basis: str
    authorizer: str
    overrides_verdict: RightsVerdict
    unmet_obligations: list[Obligation]
    still_needs_review: bool
    evidence_file: EvidenceFile | None = None
    evidence_record: EvidenceRecord | None = None
    role: str | None = Field(None, description="the role decided in (None: format 1)")
    on_behalf_of: str | None = Field(None, description="free text: for whom the authorizer acted")

    @classmethod
    def upgrade(cls, data: dict[str, Any], from_format: int) -> dict[str, Any]:
        """Format 1 recorded free-text evidence only (no file digest, no record), and no role."""
        if from_format == 1:
            return data
        return super().upgrade(data, from_format)

    @property
    def evidence_text(self) -> str:
        """The evidence as a person reads it: the file with its digest, the record, or the text."""
        if self.evidence_file is not None:
            f = self.evidence_file
            return f"file {self.evidence} (sha256 {f.sha256[:12]}…, {f.size} bytes)"
        if self.evidence_record is not None:
            r = self.evidence_record
            return f"record {r.id} ({r.kind}{' of ' + r.subject if r.subject else ''})"
        return f"{self.evidence!r} (declared, not checked: recorded before evidence was checked)"


class ReviewEntry(RightsReview):
    """A review as :class:`EffectiveRights` lists it: record id, time and acting identity."""

    id: str
    at: str
    actor: str


class AuthorizationEntry(RightsAuthorization):
    """An authorization as :class:`EffectiveRights` lists it: record id, time and acting identity."""

    id: str
    at: str
    actor: str


class Decider(BaseModel):
    """A record that decides an assessment's state: what it is, who made it and when."""

    model_config = ConfigDict(extra="forbid")

    kind: DecidedBy
    record: str | None = Field(description="its id (None: an assessment that is not stored)")
    actor: str | None
    at: str | None
    on_behalf_of: str | None = None


class EffectiveRights(BaseModel):
    """An assessment read together with its reviews and authorizations.

    ``verdict`` is the engine's; ``cleared`` and ``state`` are what holds once the reviews and
    authorizations are counted. ``by``, ``record``, ``actor`` and ``at`` name the record that
    decided the state (the newest of ``decided_by``; None while nothing has decided it).
    """

    model_config = ConfigDict(extra="forbid")

    assessment_id: str | None = Field(description="None: the assessment is not stored")
    student: str | None
    verdict: str
    cleared: bool
    state: State
    needs_review: bool
    needs_authorization: bool
    reviews: list[ReviewEntry]
    authorizations: list[AuthorizationEntry]
    explanation: str
    by: DecidedBy | None = None
    record: str | None = None
    actor: str | None = None
    at: str | None = None
    decided_by: list[Decider] = Field(default_factory=list)


def stored_form(document: DistillationDocument, assessment: RightsAssessment) -> RightsAssessment:
    """The assessment as it is stored: with the plan's rights-facts hash and responsible party."""
    return assessment.model_copy(
        update={"facts_hash": facts_hash(document), "responsible": document.responsible}
    )


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
    assessment = stored_form(document, assess(document, context or RegistryContext(registry), kb))
    for stored in registry.find(RightsAssessment, subject=document.student.ref):
        if stored.body.same_judgement(assessment):
            return stored, stored.body
    return registry.put(assessment, subject=document.student.ref), assessment


def plan_rights(
    registry: Registry | None, document: DistillationDocument, assessment: RightsAssessment
) -> EffectiveRights:
    """The effective state of a plan judged as ``assessment`` (every surface reports this one).

    The stored assessment of the same judgement decides, with its reviews and authorizations;
    while nothing has decided it, an earlier stored assessment that a decision cleared still
    holds when it judged the same rights facts the same way (:meth:`RightsAssessment.holds_for`).
    Without a registry, or with nothing stored, it is the verdict alone.
    """
    mine = stored_form(document, assessment)
    if registry is None:
        return _state(mine, None, [], [])
    found = registry.find(RightsAssessment, subject=document.student.ref)
    same = next((r for r in found if r.body.same_judgement(mine)), None)
    own = effective(registry, same.id) if same is not None else None
    if own is not None and (own.cleared or own.reviews or own.authorizations):
        return own
    for rec in found:
        if rec is not same and rec.body.holds_for(mine):
            earlier = effective(registry, rec.id)
            if earlier.state in ("reviewed", "authorized"):
                return earlier
    return own if own is not None else _state(mine, None, [], [])


def gate(
    document: DistillationDocument,
    registry: Registry,
    *,
    context: RightsContext | None = None,
    kb: KnowledgeBase | None = None,
) -> Stored[RightsAssessment]:
    """Store the assessment of a plan and raise RightsBlocked unless it is effectively cleared.

    Returns the assessment that clears the plan (:func:`plan_rights`). The error's
    ``assessment`` is the :class:`RightsAssessment`; ``record_id`` is the stored id, which a
    reviewer passes to :func:`review` or :func:`authorize`.
    """
    stored, assessment = record_assessment(document, registry, context=context, kb=kb)
    state = plan_rights(registry, document, assessment)
    if state.cleared and state.assessment_id is not None:
        if state.assessment_id == stored.id:
            return stored
        return registry.get(state.assessment_id, RightsAssessment)
    raise RightsBlocked(
        f"rights gate: {document.student.ref} is not cleared ({assessment.verdict}, "
        f"{state.state}); assessment {stored.id}. Nothing may run until it is cleared.",
        assessment=assessment,
        details=assessment.blocking,
        record_id=stored.id,
    )


def _decider(kind: DecidedBy, rec: ReviewEntry | AuthorizationEntry) -> Decider:
    return Decider(
        kind=kind, record=rec.id, actor=rec.actor, at=rec.at, on_behalf_of=rec.on_behalf_of
    )


def _who(rec: ReviewEntry | AuthorizationEntry) -> str:
    return rec.actor + (f" on behalf of {rec.on_behalf_of}" if rec.on_behalf_of else "")


def _state(
    a: RightsAssessment,
    stored: Stored[RightsAssessment] | None,
    reviews: list[ReviewEntry],
    auths: list[AuthorizationEntry],
) -> EffectiveRights:
    """An assessment's state given its reviews and authorizations (each newest first)."""
    need_review, need_auth = a.needs_review, a.needs_authorization
    deciders: list[Decider] = []
    if a.cleared:
        state: State = "cleared"
        text = f"cleared by the assessment ({a.verdict})"
        deciders.append(
            Decider(
                kind="rights_assessment",
                record=stored.id if stored else None,
                actor=stored.actor if stored else None,
                at=stored.created_at.isoformat() if stored else None,
            )
        )
    else:
        latest = reviews[0] if reviews else None
        review_ok = not need_review or (latest is not None and latest.decision == "approve")
        auth_ok = not need_auth or bool(auths)
        if latest is not None and latest.decision == "reject":
            state = "rejected"
            text = f"rejected by {_who(latest)} at {latest.at}: {latest.basis}"
            deciders.append(_decider("rights_review", latest))
        elif review_ok and auth_ok:
            state = "authorized" if need_auth else "reviewed"
            parts = []
            if need_auth:
                parts.append(f"authorized by {_who(auths[0])} on evidence {auths[0].evidence_text}")
                deciders.append(_decider("rights_authorization", auths[0]))
            if need_review and latest is not None:
                parts.append(f"approved by {_who(latest)} in a legal review")
                deciders.append(_decider("rights_review", latest))
            text = f"{a.verdict} assessment cleared: " + "; ".join(parts)
        elif not auth_ok:
            state = "blocked"
            text = f"{a.verdict}: only a recorded authorization (rights authorize) can change it"
            if need_review and not review_ok:
                text += "; it also needs a legal review"
        else:
            state = "needs_review"
            text = "waiting for a recorded legal review (heredity rights review)"
    deciders.sort(key=lambda d: d.at or "")
    last = deciders[-1] if deciders else None
    return EffectiveRights(
        assessment_id=stored.id if stored else None,
        student=stored.subject if stored else a.student,
        verdict=a.verdict,
        cleared=state in ("cleared", "reviewed", "authorized"),
        state=state,
        needs_review=need_review,
        needs_authorization=need_auth,
        reviews=reviews,
        authorizations=auths,
        explanation=text,
        by=last.kind if last else None,
        record=last.record if last else None,
        actor=last.actor if last else None,
        at=last.at if last else None,
        decided_by=deciders,
    )


def effective(registry: Registry, assessment_id: str) -> EffectiveRights:
    """The state of an assessment with its reviews and authorizations (latest review decides)."""
    rec = registry.get(assessment_id, RightsAssessment)
    reviews = [
        ReviewEntry(id=r.id, at=r.created_at.isoformat(), actor=r.actor, **dict(r.body))
        for r in registry.find(RightsReview, key=assessment_id)
    ]
    auths = [
        AuthorizationEntry(id=r.id, at=r.created_at.isoformat(), actor=r.actor, **dict(r.body))
        for r in registry.find(RightsAuthorization, key=assessment_id)
    ]
    return _state(rec.body, rec, reviews, auths)


def decision_parties(registry: Registry, rec: Stored[RightsAssessment]) -> list[Party]:
    """Who may not review or authorize an assessment: the plan's responsible party, the person
    who requested the check (recorded the assessment), and — once the distillation is recorded —
    the person who recorded it and the responsible party its record names."""
    student = rec.body.student
    parties: list[Party] = []
    resp = rec.body.responsible
    if resp is not None:
        parties.append(
            Party(
                name=resp.name,
                email=resp.email,
                relation=f"is the responsible party of {student}'s plan",
            )
        )
    parties.append(
        party_of_actor(registry, rec.actor, f"requested this rights check (assessment {rec.id})")
    )
    dist = registry.distillation_for(student, ProvenanceDraft)
    if dist is not None:
        parties.append(
            party_of_actor(
                registry, dist.actor, f"ran the distillation of {student} (record {dist.id})"
            )
        )
        if dist.body.responsible is not None:
            parties.append(
                Party(
                    name=dist.body.responsible.name,
                    email=dist.body.responsible.email,
                    relation=f"is the responsible party of {student}'s distillation",
                )
            )
    return parties


def _text(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{name}: required (say on what basis)", param=name)
    return value.strip()


def _note(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def review(
    registry: Registry,
    assessment_id: str,
    decision: str,
    basis: str,
    *,
    on_behalf_of: str | None = None,
) -> Stored[RightsReview]:
    """Record a legal review of a ``needs_review`` assessment: ``approve`` or ``reject``.

    The reviewer is the acting identity; it must hold the legal role and be none of
    :func:`decision_parties` (ApprovalRefused otherwise). A review cannot change ``prohibited``
    or an unmet obligation; that takes :func:`authorize`.
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
    actor = require_decider(
        registry,
        role=DECIDING_ROLE,
        action=f"review rights assessment {assessment_id}",
        excluded=decision_parties(registry, rec),
    )
    body = RightsReview(
        assessment=assessment_id,
        decision=decision,  # type: ignore[arg-type]
        basis=basis,
        reviewer=actor.name,
        verdict_reviewed=a.verdict,
        still_needs_authorization=a.needs_authorization,
        role=DECIDING_ROLE,
        on_behalf_of=_note(on_behalf_of),
    )
    return registry.put(body, subject=rec.subject, key=assessment_id)


def _digest(path: Path) -> EvidenceFile:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return EvidenceFile(path=str(path.resolve()), sha256=h.hexdigest(), size=size)


def _evidence(
    registry: Registry, evidence: str, assessment_id: str
) -> tuple[EvidenceFile | None, EvidenceRecord | None]:
    """The file or stored record ``evidence`` names (BadInput when it names neither)."""
    path = Path(evidence).expanduser()
    if path.is_file():
        return _digest(path), None
    if path.exists():
        raise BadInput(f"evidence: {evidence} is not a file", param="evidence")
    try:
        header = registry.header(evidence)
    except NotFound:
        raise BadInput(
            f"evidence: {evidence!r} is neither a file nor the id of a stored record; an "
            "authorization rests on evidence that can be checked (the provider's written "
            "permission as a file, or a stored record); say what it shows in the basis",
            param="evidence",
        ) from None
    if header.id == assessment_id:
        raise BadInput(
            f"evidence: {evidence} is the assessment being authorized, not evidence for it",
            param="evidence",
        )
    return None, EvidenceRecord(id=header.id, kind=header.kind, subject=header.subject)


def authorize(
    registry: Registry,
    assessment_id: str,
    evidence: str,
    basis: str,
    *,
    on_behalf_of: str | None = None,
) -> Stored[RightsAuthorization]:
    """Record an authorization (e.g. the provider's written permission) for a blocked assessment.

    This is the only way a ``prohibited`` verdict (or an unmet obligation such as a user
    threshold) stops blocking. ``evidence`` is a file (its digest and size are stored) or the id
    of a stored record; ``basis`` says why it changes the verdict. The authorizer is the acting
    identity, with the legal role and none of :func:`decision_parties` (ApprovalRefused).
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
    evidence_file, evidence_record = _evidence(registry, evidence, assessment_id)
    actor = require_decider(
        registry,
        role=DECIDING_ROLE,
        action=f"authorize rights assessment {assessment_id}",
        excluded=decision_parties(registry, rec),
    )
    body = RightsAuthorization(
        assessment=assessment_id,
        evidence=evidence,
        basis=basis,
        authorizer=actor.name,
        overrides_verdict=a.verdict,
        unmet_obligations=[o for o in a.obligations if o.satisfied is False],
        still_needs_review=a.needs_review,
        evidence_file=evidence_file,
        evidence_record=evidence_record,
        role=DECIDING_ROLE,
        on_behalf_of=_note(on_behalf_of),
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
