"""Storing an assessment in the registry: immutable, ledgered, linked to its models (4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from heredity.errors import BadInput
from heredity.records import Part, ProvenanceDraft, RecordBody, RecordKind, Stored
from heredity.transfer._models import MultiTeacherAssessment, TransferAssessment

if TYPE_CHECKING:
    from heredity.registry import Registry

Assessment = TransferAssessment | MultiTeacherAssessment


class ModelLink(Part):
    """A model an assessment names, with its weights digest when it is registered."""

    model_config = ConfigDict(extra="forbid")

    ref: str
    registered: bool
    digest: str | None = None

    def _shape(self, data: dict[str, Any]) -> dict[str, Any]:
        if not self.registered:
            data.pop("digest", None)  # stored only for a registered model
        return data


class DimensionSummary(Part):
    """One dimension's comparison as stored with the assessment, its name and verdict typed; the
    full comparison is kept. ``teacher`` is the teacher's estimate, except in a multi-teacher
    assessment's list, where it names the teacher the dimension was measured against (the
    estimates are in the stored assessment)."""

    model_config = ConfigDict(extra="allow")
    sparse = True

    name: str
    verdict: str | None = None
    teacher: str | dict[str, Any] | None = None

    @property
    def against(self) -> str | None:
        """The teacher a multi-teacher dimension was measured against (None for one teacher)."""
        return self.teacher if isinstance(self.teacher, str) else None


class TransferEvidence(Part):
    """The evaluation runs an assessment rests on (8.2 compares the suite digests of both sides)."""

    model_config = ConfigDict(extra="allow")
    sparse = True

    suites: list[str] = Field(default_factory=list)
    student_suite_digests: dict[str, str] = Field(default_factory=dict)
    teacher_suite_digests: dict[str, str] = Field(default_factory=dict)
    teacher_runs: dict[str, list[str | None]] = Field(default_factory=dict)
    student_runs: list[str | None] = Field(default_factory=list)
    teacher_cached: dict[str, bool] = Field(default_factory=dict)
    imports: dict[str, dict[str, Any]] = Field(default_factory=dict)
    partial: bool = False
    imported: dict[str, str] | None = None


class TransferAssessmentRecord(RecordBody):
    """The body of a ``transfer_assessment`` record: the assessment, what it links and rests on."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.TRANSFER_ASSESSMENT
    format_key_since = 1  # this body has always carried its format

    format: int = 1
    type: Literal["single", "multi_teacher"]
    student: str
    teacher: str | None
    student_link: ModelLink
    teachers: list[ModelLink]
    distillation: str | None
    distillation_id: str | None
    dimensions: list[DimensionSummary]
    evidence: TransferEvidence
    policy: str
    policy_digest: str
    verdict: str
    assessment: dict[str, Any] = Field(
        description="the assessment itself (TransferAssessment or MultiTeacherAssessment JSON)"
    )

    @property
    def teacher_refs(self) -> list[str]:
        """Every teacher the assessment measured the student against."""
        return [t.ref for t in self.teachers]

    def covers(self, teacher: str) -> bool:
        """Whether the student was assessed against ``teacher``."""
        return self.teacher == teacher or teacher in self.teacher_refs

    def dimensions_against(self, teacher: str) -> list[DimensionSummary]:
        """The dimensions measured against ``teacher`` (all of them for a single teacher)."""
        if self.type == "single":
            return list(self.dimensions) if self.covers(teacher) else []
        return [d for d in self.dimensions if d.against == teacher]

    def rebuild(self) -> Assessment:
        """The stored assessment as its model."""
        if self.type == "multi_teacher":
            return MultiTeacherAssessment.model_validate(self.assessment)
        return TransferAssessment.model_validate(self.assessment)


def _model_link(registry: Registry, ref: str) -> ModelLink:
    found = registry.find_model(ref)
    if found is None:
        return ModelLink(ref=ref, registered=False)
    return ModelLink(ref=ref, registered=True, digest=found.digest)


def store_assessment(
    registry: Registry,
    assessment: Assessment,
    distillation_id: str | None = None,
    *,
    evidence: TransferEvidence | dict[str, Any] | None = None,
) -> Stored[TransferAssessmentRecord]:
    """Store an assessment as a ``transfer_assessment`` record whose subject is the student.

    The body links the teacher(s) and the student (with their weight digests when registered)
    and the distillation record: ``distillation_id`` when given (it must be a distillation
    record of the student), else the student's current distillation record if there is one.
    ``evidence`` names the evaluation runs behind it (suites and their content digests per
    side), which the audit (8.2) compares.
    """
    student = assessment.student
    teachers = (
        [assessment.teacher]
        if isinstance(assessment, TransferAssessment)
        else [r.teacher for r in assessment.teachers]
    )
    if distillation_id is not None:
        header = registry.header(distillation_id)
        if header.kind != RecordKind.DISTILLATION:
            raise BadInput(
                f"distillation_id: {distillation_id} is a {header.kind} record, not a distillation",
                param="distillation_id",
            )
        if header.subject not in (None, student):
            raise BadInput(
                f"distillation_id: {distillation_id} records {header.subject}, not {student}",
                param="distillation_id",
            )
    else:
        current = registry.distillation_for(student, ProvenanceDraft)
        distillation_id = current.id if current is not None else None
    single = isinstance(assessment, TransferAssessment)
    dumped = assessment.model_dump(mode="json")
    dimensions = (
        dumped["dimensions"]
        if single
        else [
            d | {"teacher": role["teacher"]}
            for role in dumped["teachers"]
            if role["assessment"]
            for d in role["assessment"]["dimensions"]
        ]
    )
    if isinstance(evidence, dict):
        evidence = TransferEvidence.model_validate(evidence)
    body = TransferAssessmentRecord(
        type="single" if single else "multi_teacher",
        student=student,
        teacher=teachers[0] if single else None,
        student_link=_model_link(registry, student),
        teachers=[_model_link(registry, t) for t in teachers],
        distillation=distillation_id,
        distillation_id=distillation_id,
        dimensions=[DimensionSummary.model_validate(d) for d in dimensions],
        evidence=evidence or TransferEvidence(),
        policy=assessment.policy,
        policy_digest=assessment.policy_digest,
        verdict=assessment.verdict,
        assessment=dumped,
    )
    return registry.put(body, subject=student, key=",".join(sorted(teachers)))


def assessment_from_record(record: Stored[TransferAssessmentRecord]) -> Assessment:
    """Rebuild the assessment stored in a ``transfer_assessment`` record."""
    return record.body.rebuild()
