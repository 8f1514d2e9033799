"""Records an assessment produces; ``model_dump(mode="json")`` is the JSON contract of issue 4."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TransferVerdict = Literal["transferred", "within_tolerance", "breach", "inconclusive"]
Overall = Literal["pass", "fail", "inconclusive"]

#: How bad each verdict is, for combining (worst wins).
SEVERITY: dict[str, int] = {
    "transferred": 0,
    "within_tolerance": 1,
    "inconclusive": 2,
    "breach": 3,
}


def worst(verdicts: list[str]) -> TransferVerdict:
    """The most severe verdict of a list (``transferred`` for an empty list)."""
    result: TransferVerdict = "transferred"
    for v in verdicts:
        if SEVERITY[v] > SEVERITY[result]:
            result = v  # type: ignore[assignment]
    return result


def overall(verdicts: list[str]) -> Overall:
    """fail if any breach; inconclusive if any inconclusive; else pass."""
    if "breach" in verdicts:
        return "fail"
    if "inconclusive" in verdicts:
        return "inconclusive"
    return "pass"


class Estimate(BaseModel):
    """One model's value on a dimension or slice, with its 95% interval and item count."""

    model_config = ConfigDict(extra="forbid")

    value: float | None
    ci: tuple[float, float] | None
    n: int


class Flips(BaseModel):
    """Items the teacher got right and the student lost, and the reverse."""

    model_config = ConfigDict(extra="forbid")

    lost: list[str] = Field(default_factory=list)
    gained: list[str] = Field(default_factory=list)


class Threshold(BaseModel):
    """The rule as applied: ``tolerance`` is the largest degradation allowed (metric units)."""

    model_config = ConfigDict(extra="forbid")

    metric: str
    direction: Literal["drop", "growth"]
    mode: Literal["absolute", "relative"]
    limit: float
    floor: float
    tolerance: float
    min_readable: float | None = Field(
        None, description="bias: the share of each model's answers that must be readable"
    )


class AnswerCounts(BaseModel):
    """How one model's answers in one bias context could be read."""

    model_config = ConfigDict(extra="forbid")

    n: int
    readable: int = Field(description="answers that chose an option (a group or 'unknown')")
    named: int = Field(description="answers that named a group (biased or anti-biased)")


class Validity(BaseModel):
    """Whether a bias score is evidence: unreadable answers are not unbiased ones."""

    model_config = ConfigDict(extra="forbid")

    min_readable: float
    teacher: AnswerCounts
    student: AnswerCounts
    problem: str | None = Field(
        None, description="why the score is no evidence; None when both sides can be read"
    )


class Comparison(BaseModel):
    """Teacher and student on one set of paired items, the paired difference and the verdict."""

    model_config = ConfigDict(extra="forbid")

    name: str
    metric: str
    teacher: Estimate
    student: Estimate
    delta: float | None = Field(description="student minus teacher, in metric units")
    delta_ci: tuple[float, float] | None
    p_value: float | None
    p_value_method: str
    degradation: float | None = Field(
        None, description="how much worse the student is (positive = worse), in metric units"
    )
    degradation_ci: tuple[float, float] | None = None
    share: float | None = Field(
        None, description="student's value as a share of the teacher's (1.0 = all of it)"
    )
    transferred: bool | None = Field(
        None, description="True for transferred/within_tolerance, False for breach, None if unknown"
    )
    flips: Flips = Field(default_factory=Flips)
    threshold: Threshold
    verdict: TransferVerdict
    reason: str
    needed_n: int | None = Field(
        None, description="paired items needed to decide, when the verdict is inconclusive"
    )
    components: list[Comparison] = Field(
        default_factory=list, description="per-context figures of the bias score"
    )
    decided_by: str | None = Field(
        None, description="the component (bias: context) whose verdict is this comparison's"
    )
    validity: Validity | None = Field(
        None, description="bias: how many answers each model gave that could be read"
    )


class ModelCalibration(BaseModel):
    """Calibration figures of one model."""

    model_config = ConfigDict(extra="forbid")

    ece: float
    brier: float


class Calibration(BaseModel):
    """ECE (equal-mass bins) and Brier score of both models on items with confidences."""

    model_config = ConfigDict(extra="forbid")

    n: int
    bins: int
    teacher: ModelCalibration
    student: ModelCalibration
    warning: str | None = None


class DimensionResult(Comparison):
    """A dimension's comparison, with one comparison per slice and calibration where possible."""

    slices: list[Comparison] = Field(default_factory=list)
    calibration: Calibration | None = None
    warnings: list[str] = Field(default_factory=list)


class Unpaired(BaseModel):
    """Items only one side answered (reported, never silently dropped)."""

    model_config = ConfigDict(extra="forbid")

    teacher_only: list[str] = Field(default_factory=list)
    student_only: list[str] = Field(default_factory=list)


class TransferAssessment(BaseModel):
    """A student measured against a teacher on paired items, per dimension (4.2, 4.6)."""

    model_config = ConfigDict(extra="forbid")

    teacher: str
    student: str
    policy: str
    policy_digest: str
    verdict: Overall
    dimensions: list[DimensionResult]
    unpaired: Unpaired = Field(default_factory=Unpaired)
    agreement: dict[str, Any] | None = None
    method: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)

    def dimension(self, name: str) -> DimensionResult:
        """The result of one dimension; KeyError when it was not assessed."""
        for d in self.dimensions:
            if d.name == name:
                return d
        raise KeyError(name)


class TeacherRole(BaseModel):
    """One teacher of a multi-teacher student: its role's dimensions and the assessment on them."""

    model_config = ConfigDict(extra="forbid")

    teacher: str
    dimensions: list[str]
    assessment: TransferAssessment | None


class SliceCoherence(BaseModel):
    """The student on one slice, against the responsible teacher and against the best teacher."""

    model_config = ConfigDict(extra="forbid")

    dimension: str
    slice: str
    responsible: str
    best: str
    vs_responsible: Comparison
    vs_best: Comparison
    coherent: bool


class MultiTeacherAssessment(BaseModel):
    """A multi-teacher student (Scenario C): per-teacher assessments and per-slice coherence."""

    model_config = ConfigDict(extra="forbid")

    student: str
    policy: str
    policy_digest: str
    verdict: Overall
    teachers: list[TeacherRole]
    slices: list[SliceCoherence]
    incoherent_slices: list[str]
    warnings: list[str] = Field(default_factory=list)
