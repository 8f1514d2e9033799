"""The distillation provenance document (4.1 + 4.7), exactly as DESIGN.md shows it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from heredity.records._body import RecordBody
from heredity.records._kinds import RecordKind
from heredity.records._limits import (
    MAX_INT64,
    MIN_INT64,
    TEXT_MAX,
    DigestText,
    Label,
    Party,
    PastDate,
    PastTime,
    PathText,
    Values,
    check_values,
    in_order,
)
from heredity.records._refs import check_name, check_version, split_ref

Access = Literal["open-weights", "api", "internal"]
Signal = Literal["logits", "hidden_states", "generated_text", "embeddings", "preferences"]
Method = Literal[
    "standard_kd",
    "multi_teacher",
    "self_distillation",
    "progressive",
    "task_specific",
    "sequence_level",
    "on_policy",
    "feature_based",
]
DatasetKind = Literal["real", "synthetic", "hybrid"]
Loss = Literal["forward_kl", "reverse_kl", "jsd", "skew_kl", "mse", "ce", "other"]
Distribution = Literal["internal", "api", "open-weights", "edge"]
RunStatus = Literal["planned", "running", "completed", "failed", "interrupted"]

FORMAT_VERSION: Literal[1] = 1


def _default_signals() -> list[Signal]:
    return ["logits"]


# Every part of the document: unknown fields refused, floats finite, text bounded and free of
# NUL characters, free-form values storable (see ``_limits``); fields that become registry
# columns or labels are typed tighter below.
_DOCUMENT_CONFIG = ConfigDict(
    extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, str_max_length=TEXT_MAX
)


class _Strict(BaseModel):
    model_config = _DOCUMENT_CONFIG

    @field_validator("*")
    @classmethod
    def _storable(cls, v: Any) -> Any:
        return check_values(v)


def _ref(value: str) -> str:
    split_ref(value)
    return value


def _version_value(v: object) -> str:
    # YAML turns `version: 3` into an int; a version is text, so accept whole numbers as text.
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise ValueError('must be an explicit version string, e.g. "3"')
    return check_version(str(v))


class Student(_Strict):
    """The model being produced."""

    name: str
    version: str
    init_from: str | None = Field(None, description="weight-init parent as name@version")
    architecture: Label | None = None
    parameters: int | None = Field(None, gt=0, le=MAX_INT64)
    path: PathText | None = Field(
        None, description="local weights directory: its digest is recorded"
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_name(v)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> str:
        return _version_value(v)

    @field_validator("init_from")
    @classmethod
    def _init_from(cls, v: str | None) -> str | None:
        return v if v is None else _ref(v)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Teacher(_Strict):
    """One teacher and how the student learns from it."""

    model: str = Field(description="teacher as name@version")
    licence: Label = Field(description="rights basis: knowledge-base id of its licence or terms")
    access: Access
    provider: Label | None = None
    role: Label = "primary"
    weight: float = Field(1.0, gt=0)
    signals: list[Signal] = Field(default_factory=_default_signals, min_length=1)

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        return _ref(v)


class Dataset(_Strict):
    """A dataset the student was trained on (source and composition, 4.1)."""

    name: str
    version: str
    kind: DatasetKind
    licence: Label | None = None
    generated_by: list[str] = Field(
        default_factory=list, description="teacher refs (synthetic data)"
    )
    examples: int = Field(gt=0, le=MAX_INT64, description="number of training examples")
    source: PathText | None = Field(
        None, description="where the data came from (path, URI, system)"
    )
    composition: dict[Label, Annotated[float, Field(ge=0)]] | None = Field(
        None, description="share of the dataset by part, e.g. {tasks: 0.8, refusals: 0.2}"
    )
    fingerprint: DigestText | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_name(v)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> str:
        return _version_value(v)

    @field_validator("generated_by")
    @classmethod
    def _generated_by(cls, v: list[str]) -> list[str]:
        return [_ref(x) for x in v]

    @model_validator(mode="after")
    def _generated(self) -> Dataset:
        if self.kind in ("synthetic", "hybrid") and not self.generated_by:
            raise ValueError(
                f"generated_by: required for {self.kind} data (the teachers that made it)"
            )
        if self.kind == "real" and self.generated_by:
            raise ValueError(
                "generated_by: real data has no generating teacher; use kind synthetic or hybrid"
            )
        return self

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Framework(_Strict):
    """The training framework that ran the distillation, with its version."""

    name: Label
    version: Label | None = None
    trainer: Label | None = None


TermRole = Literal[
    "distillation", "hard_label", "feature", "contrastive", "regularisation", "other"
]


class LossTerm(_Strict):
    """One term of the training objective, as the framework defines it (4.7)."""

    name: str = Field(min_length=1, description="the framework's own name (KDLoss, hs_mse, ...)")
    role: TermRole
    weight: float | None = Field(None, ge=0, description="factor on this term in the total loss")
    loss: Loss | None = None
    temperature: float | None = Field(None, gt=0)
    layers: dict[str, str] = Field(
        default_factory=dict, description="student module -> teacher module, for feature terms"
    )
    params: Values = Field(default_factory=dict, description="the term's other settings")


class Stage(_Strict):
    """One stage of a multi-stage run (torchdistill ``stage1``, ``stage2``...)."""

    name: str = Field(min_length=1)
    epochs: float | None = Field(None, gt=0)
    terms: list[LossTerm] = Field(default_factory=list)


class ConfigConflict(_Strict):
    """A setting on which the plan and the run disagree; the run's value is what is recorded."""

    field: str = Field(min_length=1)
    plan: Any = None
    run: Any = None
    note: str | None = None


class Config(_Strict):
    """Settings sufficient to reproduce the run (4.7), in normalised meaning; ``raw`` keeps the original.

    Only values someone set or something measured are facts here: ``epochs`` is the configured
    number of epochs only when it governs the run (no ``max_steps``); what the run covered is in
    the run section.
    """

    framework: Framework | None = None
    objective: str | None = Field(None, description="the trainer's objective, in words")
    temperature: float | None = Field(None, gt=0, description="softmax temperature of the KD loss")
    loss: Loss | None = None
    kd_weight: float | None = Field(None, ge=0)
    hard_label_weight: float | None = Field(None, ge=0)
    layer_mapping: dict[str, str] = Field(default_factory=dict)
    terms: list[LossTerm] = Field(default_factory=list, description="every term of the objective")
    stages: list[Stage] = Field(default_factory=list, description="multi-stage runs, in order")
    on_policy_fraction: float | None = Field(
        None, ge=0, le=1, description="share of batches on the student's own generations"
    )
    teacher_generates: bool | None = Field(
        None, description="the teacher generates sequences during the run (teacher-written data)"
    )
    epochs: float | None = Field(None, gt=0)
    max_steps: int | None = Field(None, gt=0, le=MAX_INT64)
    seed: int | None = Field(None, ge=MIN_INT64, le=MAX_INT64)
    learning_rate: float | None = Field(None, gt=0)
    batch_size: int | None = Field(None, gt=0, le=MAX_INT64)
    conflicts: list[ConfigConflict] = Field(
        default_factory=list, description="plan values the run contradicted (the run's are kept)"
    )
    raw: Values = Field(default_factory=dict)


class IntendedUse(_Strict):
    """What the student is for: purpose, commercial use, distribution, competition, users, regions."""

    purpose: str | None = None
    commercial: bool | None = None
    distribution: Distribution | None = None
    competes_with: list[Label] | None = Field(
        None, description="providers the student competes with; absent = unknown, [] = nobody"
    )
    monthly_active_users: int | None = Field(None, ge=0, le=MAX_INT64)
    regions: list[Label] = Field(default_factory=list)


class Expectations(_Strict):
    """What the distiller expects to transfer and what may degrade."""

    capability: str | None = None
    safety: str | None = None


class EvaluationPlan(_Strict):
    """The suites a student is to be evaluated on against its teachers (4.6, 4.7)."""

    suites: list[PathText] = Field(default_factory=list)
    policy: PathText = "default"


class Responsible(_Strict):
    """The party responsible for the distillation (4.1)."""

    name: Party = Field(min_length=1)
    email: Party | None = None
    team: Party | None = None


class TeacherCheck(_Strict):
    """How a plan teacher was matched with the teacher the trainer held, before the first step."""

    teacher: str = Field(description="the plan's teacher, name@version")
    status: Literal["verified", "not_applicable", "unverified"]
    held_by: str | None = Field(None, description="the trainer attribute holding it")
    tensors: str | None = Field(None, description="digest of the tensors the trainer held")
    digest: str | None = Field(None, description="the registered weights digest it matched")
    source: str | None = Field(None, description="what it was compared with")
    notes: list[str] = Field(default_factory=list)


class Run(_Strict):
    """What happened when the distillation ran (filled in by the capture callback)."""

    status: RunStatus = "completed"
    started_at: PastTime | None = None
    ended_at: PastTime | None = None
    rights_assessment: DigestText | None = Field(
        None, description="id of the assessment that cleared it"
    )
    git_revision: Label | None = None
    hardware: Values = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)
    seeds: dict[str, int] = Field(default_factory=dict)
    student_digest: DigestText | None = None
    student_files: list[PathText] = Field(
        default_factory=list, description="the model files the student digest covers"
    )
    teacher_digests: dict[str, DigestText] = Field(default_factory=dict)
    teacher_checks: list[TeacherCheck] = Field(
        default_factory=list, description="each teacher the trainer held, checked before a step"
    )
    steps: int | None = Field(None, ge=0, description="optimisation steps taken")
    epochs: float | None = Field(None, ge=0, description="epochs of the training data covered")
    dataset_fingerprints: dict[str, str] = Field(
        default_factory=dict,
        description="fingerprints of the training data: as passed, and as the trainer used it",
    )
    error: str | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Run:
        if self.started_at and self.ended_at and not in_order(self.started_at, self.ended_at):
            raise ValueError(
                f"ended_at: {self.ended_at.isoformat()} is before started_at "
                f"{self.started_at.isoformat()} (a run ends after it starts)"
            )
        return self


class DistillationDocument(RecordBody):
    """A distillation provenance document: the 4.1 record plus the 4.7 configuration.

    Stored as the body of a ``distillation`` record; ``heredity`` is its format version.
    """

    model_config = _DOCUMENT_CONFIG
    record_kind = RecordKind.DISTILLATION
    format_key = "heredity"
    format_key_since = 1

    heredity: Literal[1] = FORMAT_VERSION
    kind: Literal["distillation"] = "distillation"
    student: Student
    teachers: list[Teacher] = Field(min_length=1)
    method: Method
    datasets: list[Dataset] = Field(min_length=1)
    config: Config = Field(default_factory=Config)
    intended_use: IntendedUse | None = None
    expectations: Expectations | None = None
    evaluation_plan: EvaluationPlan | None = None
    rationale: str | None = None
    responsible: Responsible
    date: PastDate
    supersedes: str | None = Field(None, description="id of the record this one amends")
    run: Run | None = None

    @field_validator("*")
    @classmethod
    def _storable(cls, v: Any) -> Any:
        return check_values(v)

    @model_validator(mode="after")
    def _consistent(self) -> DistillationDocument:
        problems: list[str] = []
        refs = [t.model for t in self.teachers]
        if self.method == "multi_teacher":
            if len(self.teachers) < 2:
                problems.append("teachers: multi_teacher needs two or more teachers")
            if not (self.rationale and self.rationale.strip()):
                problems.append(
                    "rationale: required for multi_teacher (composition and expected interactions)"
                )
        dupes = sorted({r for r in refs if refs.count(r) > 1})
        if dupes:
            problems.append(f"teachers: listed twice: {', '.join(dupes)}")
        student = self.student.ref
        if self.method != "self_distillation" and student in refs:
            problems.append(f"teachers: {student} cannot teach itself")
        if self.method == "self_distillation" and student in refs:
            problems.append(
                f"teachers: self-distillation learns from an earlier version; {student} names the student itself"
            )
        if self.student.init_from == student:
            problems.append("student.init_from: a model cannot start from its own weights")
        datasets = [d.ref for d in self.datasets]
        twice = sorted({r for r in datasets if datasets.count(r) > 1})
        if twice:
            problems.append(f"datasets: listed twice: {', '.join(twice)}")
        models = {student, *refs, *([self.student.init_from] if self.student.init_from else [])}
        for i, d in enumerate(self.datasets):
            if d.ref in models:
                problems.append(f"datasets[{i}].name: {d.ref} is a model of this document")
            if student in d.generated_by:
                problems.append(
                    f"datasets[{i}].generated_by: the student cannot generate its own training data"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def all_teacher_refs(self) -> list[str]:
        """Direct teachers plus every model that generated a training dataset (in order, unique)."""
        out = [t.model for t in self.teachers]
        for d in self.datasets:
            out.extend(g for g in d.generated_by if g not in out)
        return out
