"""Helpers for the governance tests: a small governed world on a real registry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from heredity.evaluate import EvaluationRun
from heredity.govern import decide, deploy, request_approval
from heredity.identity import admins, bootstrap_admin
from heredity.records import DistillationDocument, ModelRecord
from heredity.registry import Registry
from heredity.rights import Obligation, RightsAssessment, TeacherFinding
from heredity.transfer import (
    DimensionSummary,
    ModelLink,
    TransferAssessmentRecord,
    TransferEvidence,
)

TEACHER = "acme/teacher@1"
SUITES = ["safety-refusal", "factuality"]
DIMENSIONS = ["safety_refusal", "over_refusal", "bias", "factuality", "task_accuracy", "reasoning"]
RESPONSIBLE = "Dana Smith"
ADMIN_NAME = "root"


def as_actor(reg: Registry, name: str) -> Registry:
    """The same registry, acting as someone else."""
    return Registry(reg.engine, actor=name)


def digest(suite: str, variant: str = "") -> str:
    return f"sha256:{suite}{variant}"


def doc_body(
    ref: str,
    *,
    teacher: str = TEACHER,
    started_at: dt.datetime | None = None,
    assessment: str | None = None,
    synthetic_from: str | None = None,
    suites: list[str] | None = None,
) -> dict[str, Any]:
    name, _, version = ref.rpartition("@")
    started = started_at or dt.datetime.now(dt.UTC)
    dataset: dict[str, Any] = {
        "name": f"{name}-data",
        "version": "2026-10",
        "kind": "real",
        "licence": "proprietary",
        "examples": 1000,
    }
    if synthetic_from:
        dataset |= {"kind": "synthetic", "generated_by": [synthetic_from]}
    return {
        "heredity": 1,
        "kind": "distillation",
        "student": {"name": name, "version": version, "architecture": "llama", "parameters": 1000},
        "teachers": [
            {
                "model": teacher,
                "licence": "apache-2.0",
                "access": "open-weights",
                "signals": ["logits"],
            }
        ],
        "method": "standard_kd",
        "datasets": [dataset],
        "config": {
            "framework": {"name": "transformers", "version": "4.57.1", "trainer": "Trainer"},
            "temperature": 2.0,
            "loss": "forward_kl",
            "seed": 42,
            "epochs": 1,
        },
        "evaluation_plan": {
            "suites": list(SUITES if suites is None else suites),
            "policy": "default",
        },
        "responsible": {"name": RESPONSIBLE, "email": "dana@acme.example", "team": "ML"},
        "date": started.date().isoformat(),
        "run": {
            "status": "completed",
            "started_at": started.isoformat(),
            "rights_assessment": assessment,
        },
    }


def rights_body(
    ref: str, teachers: list[str], obligations: list[dict[str, Any]] | None = None
) -> RightsAssessment:
    """A cleared assessment of ``ref`` (planted: the tests decide what it says)."""
    return RightsAssessment(
        verdict="conditional" if obligations else "permitted",
        cleared=True,
        obligations=[Obligation.model_validate(o) for o in obligations or []],
        student=ref,
        document_hash="x",
        assessed_at=dt.datetime.now(dt.UTC).isoformat(),
        knowledge_base="test",
        teachers=[
            TeacherFinding(
                model=t,
                licence="apache-2.0",
                verdict="permitted",
                reasons=[],
                clauses=["2"],
                obligations=[],
            )
            for t in teachers
        ],
        findings=[],
    )


def transfer_body(
    teacher: str,
    student: str,
    *,
    suites: list[str] | None = None,
    breach: tuple[str, ...] = (),
    student_variant: str = "",
) -> TransferAssessmentRecord:
    """A transfer assessment's record with the verdicts the test wants (planted: no assessment
    behind it, only what governance reads)."""
    suites = list(SUITES if suites is None else suites)
    return TransferAssessmentRecord(
        type="single",
        student=student,
        teacher=teacher,
        student_link=ModelLink(ref=student, registered=True),
        teachers=[ModelLink(ref=teacher, registered=True)],
        distillation=None,
        distillation_id=None,
        dimensions=[
            DimensionSummary(name=d, verdict="breach" if d in breach else "transferred")
            for d in DIMENSIONS
        ],
        evidence=TransferEvidence(
            suites=suites,
            teacher_suite_digests={s: digest(s) for s in suites},
            student_suite_digests={s: digest(s, student_variant) for s in suites},
        ),
        policy="default",
        policy_digest="sha256:p",
        verdict="fail" if breach else "pass",
        assessment={},
    )


def evaluate(reg: Registry, model: str, suites: list[str] | None = None, variant: str = "") -> None:
    for s in SUITES if suites is None else suites:
        run = EvaluationRun(
            model=model,
            suite=s,
            suite_digest=digest(s, variant),
            settings_hash="settings",
            cache_key=f"{model}:{s}:{variant}",
            created_at=dt.datetime.now(dt.UTC),
            items=[],
        )
        reg.put(run, subject=model, key=run.cache_key)


@dataclass
class World:
    """A registry with actors: eve requests, alice (model risk) and sam (safety) approve."""

    reg: Registry
    made: list[str] = field(default_factory=list)

    def who(self, name: str) -> Registry:
        return as_actor(self.reg, name)

    @property
    def admin(self) -> Registry:
        """The registry acting as its admin, ``root`` (bootstrapped on first use)."""
        root = as_actor(self.reg, ADMIN_NAME)
        if not admins(root):
            bootstrap_admin(root)
        return root

    def ensure_teacher(self, ref: str = TEACHER) -> None:
        if self.reg.find_model(ref) is None:
            name, _, version = ref.rpartition("@")
            self.reg.add_model(
                ModelRecord(
                    name=name,
                    version=version,
                    licence="apache-2.0",
                    access="open-weights",
                    owner="Research",
                )
            )
            evaluate(self.reg, ref)

    def distil(
        self,
        ref: str,
        *,
        teacher: str = TEACHER,
        synthetic: bool = False,
        late_rights: bool = False,
        obligations: list[dict[str, Any]] | None = None,
        breach: tuple[str, ...] = (),
        student_variant: str = "",
        transfer: bool = True,
    ) -> str:
        """Record a distillation with rights before the run, evaluations and a transfer assessment."""
        self.ensure_teacher(teacher)
        rights = self.reg.put(rights_body(ref, [teacher], obligations), subject=ref)
        if late_rights:
            start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        else:
            start = rights.created_at + dt.timedelta(milliseconds=1)
        body = doc_body(
            ref,
            teacher=teacher,
            started_at=start,
            assessment=rights.id,
            synthetic_from=teacher if synthetic else None,
        )
        if synthetic:
            body["teachers"] = [
                {
                    "model": teacher,
                    "licence": "apache-2.0",
                    "access": "open-weights",
                    "signals": ["generated_text"],
                }
            ]
            body["method"] = "sequence_level"
        self.reg.record(DistillationDocument.model_validate(body))
        evaluate(self.reg, ref, variant=student_variant)
        if transfer:
            self.reg.put(
                transfer_body(teacher, ref, breach=breach, student_variant=student_variant),
                subject=ref,
            )
        self.made.append(ref)
        return ref

    def approve(self, ref: str, *, deploy_it: bool = True) -> str:
        req = request_approval(self.who("eve"), ref)
        decide(self.who("alice"), req.id, approve=True, reason="evidence reviewed")
        state = decide(
            self.who("sam"), req.id, approve=True, reason="safety transfer within tolerance"
        )
        assert state.status == "approved", state
        if deploy_it:
            deploy(self.who("eve"), ref)
        return req.id
