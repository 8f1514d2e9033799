"""Recording a distillation, knowing the rights it rests on (4.3, 4.4).

``heredity record`` (and any other surface) records through :func:`record_provenance`, which
reads the rights the distillation rests on as test 8.3 will (:func:`distillation_rights`): a
distillation whose rights are not cleared is recorded with that said, or refused on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from heredity.errors import RightsBlocked
from heredity.govern._evidence import Problem, check_rights
from heredity.records import DistillationDocument, ProvenanceDraft, Stored
from heredity.registry import LedgerEvent
from heredity.rights import (
    RegistryContext,
    RightsAssessment,
    refuse_contradictions,
    same_licence,
)

if TYPE_CHECKING:
    from heredity.registry import Registry

RightsState = Literal[
    "cleared", "reviewed", "authorized", "needs_review", "rejected", "blocked", "unchecked"
]


class DistillationRights(BaseModel):
    """The rights a distillation rests on: the assessment test 8.3 reads and its effective state."""

    student: str
    state: RightsState = Field(description="the assessment's effective state; unchecked: none")
    cleared: bool = Field(
        description="effectively cleared (verdict, review or authorization) for every teacher"
    )
    assessment: str | None = None
    verdict: str | None = None
    explanation: str
    uncovered: list[str] = Field(
        default_factory=list, description="teachers the assessment does not judge"
    )
    problems: list[Problem] = Field(
        default_factory=list,
        description="what test 8.3 reports, each with the command that fixes it",
    )

    @property
    def summary(self) -> str:
        """One line: the state and the assessment it comes from."""
        mark = "cleared" if self.cleared else "NOT cleared"
        return f"{self.state} ({mark}): {self.explanation}"

    @property
    def warnings(self) -> list[str]:
        """What a person should hear before relying on these rights, each with its fix."""
        return [f"{p.message}; fix: {p.fix}" for p in self.problems]


class RecordedDistillation(BaseModel):
    """What recording a distillation did, and the rights it rests on."""

    record: Stored[DistillationDocument]
    written: bool = Field(description="False: the same document was already recorded")
    rights: DistillationRights
    events: list[LedgerEvent] = Field(
        default_factory=list,
        description="the ledger events this recording appended (its own transaction's only)",
    )


def distillation_rights(
    registry: Registry, student: str, document: DistillationDocument | ProvenanceDraft
) -> DistillationRights:
    """The rights ``document`` (recorded or about to be) rests on, as test 8.3 reads them."""
    draft = document if isinstance(document, ProvenanceDraft) else ProvenanceDraft.of(document)
    rc = check_rights(registry, student, draft)
    uncovered: list[str] = []
    if rc.assessment is not None:
        judged = registry.get(rc.assessment, RightsAssessment).body
        covered = {t.model for t in judged.teachers}
        uncovered = [t for t in draft.all_teacher_refs if t not in covered]
    state: RightsState = "unchecked"
    if rc.assessment is not None and rc.state is not None:
        state = rc.state  # type: ignore[assignment]
    if rc.assessment is None:
        explanation = (
            rc.problems[0].message if rc.problems else "no rights assessment of this distillation"
        )
    else:
        explanation = f"assessment {rc.assessment} ({rc.verdict}) is {state}"
        if uncovered:
            explanation += f"; it does not judge teacher {', '.join(uncovered)}"
    return DistillationRights(
        student=student,
        state=state,
        cleared=rc.cleared and not uncovered,
        assessment=rc.assessment,
        verdict=rc.verdict,
        explanation=explanation,
        uncovered=uncovered,
        problems=rc.problems,
    )


def record_provenance(
    registry: Registry, document: DistillationDocument, *, require_cleared: bool = False
) -> RecordedDistillation:
    """Record a distillation (models, datasets, lineage, ledger) with the rights it rests on.

    A document that contradicts what is registered about a teacher or dataset (its licence,
    access route, provider or kind) is refused with Conflict and nothing is written
    (:func:`heredity.rights.refuse_contradictions`). With ``require_cleared``, a distillation
    whose rights are not effectively cleared (no assessment, ``needs_review``, ``prohibited``,
    rejected, or a teacher left unjudged) is refused with RightsBlocked and nothing is written.
    """
    student = document.student.ref
    refuse_contradictions(document, RegistryContext(registry))
    rights = distillation_rights(registry, student, document)
    if require_cleared and not rights.cleared:
        raise RightsBlocked(
            f"{student}: its rights are not cleared ({rights.state}: {rights.explanation}); "
            "nothing was recorded",
            details=[f"{p.message} (fix: {p.fix})" for p in rights.problems],
            record_id=rights.assessment,
        )
    done = registry.record_document(document, same_licence=same_licence)
    return RecordedDistillation(
        record=done.record, written=done.written, rights=rights, events=done.events
    )
