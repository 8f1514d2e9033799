"""A lenient reading of a stored provenance record, for checking it (8.1) rather than using it.

A recorded distillation is a valid :class:`~heredity.records.DistillationDocument`, but the
registry may hold bodies that are not: written by a bypass, or incomplete on purpose to test the
audit. The conformance audit must still say what is wrong with them and go on to the other tests,
so it reads them as a :class:`ProvenanceDraft`: the same fields, every one optional, a value of
the wrong type read as absent, and :meth:`ProvenanceDraft.problems` naming every way the stored
body fails the document model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from pydantic import (
    ConfigDict,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from heredity.records._body import Part, RecordBody
from heredity.records._distillation import DistillationDocument
from heredity.records._kinds import RecordKind
from heredity.records._validation import FieldProblem, field_problems


class _Lenient(Part):
    """A part read leniently: unknown fields kept, a field of the wrong type read as its default."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)  # NaN read as absent
    sparse = True

    @field_validator("*", mode="wrap")
    @classmethod
    def _or_default(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        try:
            return handler(value)
        except ValidationError:
            assert info.field_name is not None
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)


class DraftStudent(_Lenient):
    """The student a plan names, every field optional."""

    name: str | None = None
    version: str | None = None
    init_from: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class DraftTeacher(_Lenient):
    """A teacher a plan names, every field optional."""

    model: str | None = None
    licence: str | None = None
    access: str | None = None
    provider: str | None = None
    role: str | None = None
    weight: float | None = None
    signals: list[str] | None = None


class DraftDataset(_Lenient):
    """A dataset a plan names, every field optional."""

    name: str | None = None
    version: str | None = None
    kind: str | None = None
    licence: str | None = None
    generated_by: list[str] = []
    examples: int | None = None


class DraftFramework(_Lenient):
    """The training framework a plan names, every field optional."""

    name: str | None = None
    version: str | None = None
    trainer: str | None = None


class DraftConfig(_Lenient):
    """The distillation configuration of a plan, every field optional."""

    framework: DraftFramework | None = None
    temperature: float | None = None
    loss: str | None = None
    seed: int | None = None


class DraftRun(_Lenient):
    """The run section of a draft (absent before the run), every field optional."""

    status: str | None = None
    started_at: dt.datetime | None = None
    rights_assessment: str | None = None
    seeds: dict[str, int] = {}
    versions: dict[str, str] = {}


class DraftPlan(_Lenient):
    """The plan section of a draft: what the distillation is for."""

    suites: list[str] = []
    policy: str | None = None


class DraftResponsible(_Lenient):
    """The responsible party a plan names, every field optional."""

    name: str | None = None
    email: str | None = None
    team: str | None = None


class ProvenanceDraft(RecordBody, _Lenient):
    """A stored ``distillation`` body read leniently (see the module's docstring)."""

    record_kind = RecordKind.DISTILLATION
    format_key = "heredity"
    format_key_since = 1

    heredity: int = 1
    student: DraftStudent | None = None
    teachers: list[DraftTeacher] = []
    method: str | None = None
    datasets: list[DraftDataset] = []
    config: DraftConfig | None = None
    evaluation_plan: DraftPlan | None = None
    responsible: DraftResponsible | None = None
    date: dt.date | None = None
    run: DraftRun | None = None

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def read(cls, data: Any, *, source: str = "stored record") -> Self:
        """Read a stored body leniently; the body as stored is kept for :meth:`problems`."""
        draft = super().read(data, source=source)
        draft._raw = dict(data)
        return draft

    def dump(self) -> dict[str, Any]:
        """The body exactly as stored (a draft is a reading of it, never a rewrite)."""
        return dict(self._raw) if self._raw else super().dump()

    @classmethod
    def of(cls, document: DistillationDocument) -> ProvenanceDraft:
        """The draft reading of a valid document."""
        return cls.read(document.dump(), source="document")

    def problems(self) -> list[FieldProblem]:
        """Every way the stored body fails the 4.1 document model (empty when it is valid)."""
        try:
            DistillationDocument.model_validate(self._raw)
        except ValidationError as exc:
            return field_problems(exc)
        return []

    @property
    def all_teacher_refs(self) -> list[str]:
        """Direct teachers plus every model that generated a training dataset (in order, unique)."""
        out: list[str] = []
        for t in self.teachers:
            if t.model and t.model not in out:
                out.append(t.model)
        for d in self.datasets:
            out.extend(g for g in d.generated_by if g not in out)
        return out

    @property
    def plan_suites(self) -> list[str]:
        """The suites of the evaluation plan, as written."""
        return list(self.evaluation_plan.suites) if self.evaluation_plan else []


__all__ = [
    "DraftConfig",
    "DraftDataset",
    "DraftFramework",
    "DraftPlan",
    "DraftResponsible",
    "DraftRun",
    "DraftStudent",
    "DraftTeacher",
    "ProvenanceDraft",
]
