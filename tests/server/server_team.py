"""A team on a real registry, served by a real app: actors of every role, their tokens, and
planted evidence (records the tests decide) for the states the write endpoints need."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from heredity.evaluate import EvaluationRun
from heredity.govern import decide, request_approval
from heredity.identity import ApiToken, add_actor, bootstrap_admin, issue_token, revoke_token
from heredity.records import DistillationDocument, ModelRecord
from heredity.registry import Registry
from heredity.rights import RightsAssessment, TeacherFinding
from heredity.server import create_app
from heredity.transfer import (
    DimensionSummary,
    ModelLink,
    TransferAssessmentRecord,
    TransferEvidence,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEACHER = "acme/teacher@1"
SUITES = ["safety-refusal", "factuality"]
DIMENSIONS = ["safety_refusal", "factuality"]

# Who holds which role (one role each); eve records the distillations.
PEOPLE = {
    "root": "admin",
    "eve": "engineer",
    "lee": "legal",
    "mira": "model_risk",
    "sam": "safety",
    "aud": "auditor",
    "ira": "incident_responder",
}
ROLE_OF = {role: name for name, role in PEOPLE.items()}


def as_actor(reg: Registry, name: str) -> Registry:
    return Registry(reg.engine, actor=name)


def _digest(suite: str) -> str:
    return f"sha256:{suite}"


def _evaluate(reg: Registry, model: str) -> None:
    for s in SUITES:
        run = EvaluationRun(
            model=model,
            suite=s,
            suite_digest=_digest(s),
            settings_hash="settings",
            cache_key=f"{model}:{s}",
            created_at=dt.datetime.now(dt.UTC),
            items=[],
        )
        reg.put(run, subject=model, key=run.cache_key)


def _rights(ref: str) -> RightsAssessment:
    return RightsAssessment(
        verdict="permitted",
        cleared=True,
        obligations=[],
        student=ref,
        document_hash="x",
        assessed_at=dt.datetime.now(dt.UTC).isoformat(),
        knowledge_base="test",
        teachers=[
            TeacherFinding(
                model=TEACHER,
                licence="apache-2.0",
                verdict="permitted",
                reasons=[],
                clauses=["2"],
                obligations=[],
            )
        ],
        findings=[],
    )


def transfer_record(student: str, *, breach: bool = False) -> TransferAssessmentRecord:
    return TransferAssessmentRecord(
        type="single",
        student=student,
        teacher=TEACHER,
        student_link=ModelLink(ref=student, registered=True),
        teachers=[ModelLink(ref=TEACHER, registered=True)],
        distillation=None,
        distillation_id=None,
        dimensions=[
            DimensionSummary(
                name=d, verdict="breach" if breach and d == DIMENSIONS[0] else "transferred"
            )
            for d in DIMENSIONS
        ],
        evidence=TransferEvidence(
            suites=SUITES,
            teacher_suite_digests={s: _digest(s) for s in SUITES},
            student_suite_digests={s: _digest(s) for s in SUITES},
        ),
        policy="default",
        policy_digest="sha256:p",
        verdict="fail" if breach else "pass",
        assessment={},
    )


def document(ref: str, *, started: dt.datetime, assessment: str | None) -> dict[str, Any]:
    name, _, version = ref.rpartition("@")
    return {
        "heredity": 1,
        "kind": "distillation",
        "student": {"name": name, "version": version, "architecture": "llama", "parameters": 10},
        "teachers": [
            {
                "model": TEACHER,
                "licence": "apache-2.0",
                "access": "open-weights",
                "signals": ["logits"],
            }
        ],
        "method": "standard_kd",
        "datasets": [
            {
                "name": f"{name}-data",
                "version": "1",
                "kind": "real",
                "licence": "proprietary",
                "examples": 100,
            }
        ],
        "config": {
            "framework": {"name": "transformers", "version": "4.57.1", "trainer": "Trainer"},
            "temperature": 2.0,
            "loss": "forward_kl",
            "seed": 1,
            "epochs": 1,
        },
        "evaluation_plan": {"suites": SUITES, "policy": "default"},
        "responsible": {"name": "Dana Smith", "email": "dana@acme.example", "team": "ML"},
        "date": started.date().isoformat(),
        "run": {
            "status": "completed",
            "started_at": started.isoformat(),
            "rights_assessment": assessment,
        },
    }


@dataclass
class Team:
    """The registry (acting as its admin), the app's client, and a token per person."""

    url: str
    reg: Registry
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    def who(self, name: str) -> Registry:
        return as_actor(self.reg, name)

    def headers(self, name: str | None) -> dict[str, str]:
        """The Authorization header of ``name`` (a person, or a special token name)."""
        return {} if name is None else {"Authorization": f"Bearer {self.tokens[name]}"}

    def call(self, method: str, path: str, who: str | None, **kw: Any) -> Any:
        return self.client.request(
            method, path, headers=self.headers(who) | kw.pop("headers", {}), **kw
        )

    def ledger(self) -> int:
        return self.reg.ledger_length()

    # -- planted states ----------------------------------------------------------------------
    def ensure_teacher(self) -> None:
        if self.reg.find_model(TEACHER) is None:
            name, _, version = TEACHER.rpartition("@")
            self.reg.add_model(
                ModelRecord(
                    name=name,
                    version=version,
                    licence="apache-2.0",
                    access="open-weights",
                    owner="Research",
                )
            )
            _evaluate(self.reg, TEACHER)

    def student(self, *, breach: bool = False) -> str:
        """A fresh distilled student recorded by eve, with all the evidence an approval needs
        (a breach of one dimension when ``breach``)."""
        self.counter += 1
        ref = f"acme/student-{self.counter}@1"
        self.ensure_teacher()
        eve = self.who("eve")
        rights = eve.put(_rights(ref), subject=ref)
        started = rights.created_at + dt.timedelta(milliseconds=1)
        eve.record(
            DistillationDocument.model_validate(
                document(ref, started=started, assessment=rights.id)
            )
        )
        _evaluate(eve, ref)
        eve.put(transfer_record(ref, breach=breach), subject=ref)
        return ref

    def breach(self) -> str:
        """A transfer assessment with a breach (recorded by eve) of a fresh student: its id."""
        ref = self.student(breach=True)
        return self.reg.find(TransferAssessmentRecord, subject=ref)[0].id

    def request(self) -> str:
        """A pending approval request (by eve) of a fresh approvable student."""
        return request_approval(self.who("eve"), self.student()).id

    def approved(self) -> tuple[str, str]:
        """A fresh student approved by mira and sam: (request id, student)."""
        req = request_approval(self.who("eve"), self.student())
        decide(self.who("mira"), req.id, approve=True, reason="evidence reviewed")
        state = decide(self.who("sam"), req.id, approve=True, reason="safety within tolerance")
        assert state.status == "approved", state
        return req.id, state.student


def make_team(url: str) -> tuple[Team, Registry]:
    reg = Registry.open(url, actor="root")
    bootstrap_admin(reg)
    for name, role in PEOPLE.items():
        if name != "root":
            add_actor(reg, name, [role], email=f"{name}@acme.example")
    tokens = {name: issue_token(reg, name)[1] for name in PEOPLE}
    # A revoked token and an expired one (planted: an expiry in the past), both of eve's.
    revoked_id, tokens["revoked"] = issue_token(reg, "eve")
    revoke_token(reg, revoked_id, reason="left the team")
    secret = f"heredity_tokexpired0000001_{secrets.token_urlsafe(32)}"

    reg.put(
        ApiToken(
            token_id="tokexpired0000001",
            actor="eve",
            sha256=hashlib.sha256(secret.encode()).hexdigest(),
            expires=(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(),
            os_user=None,
        ),
        subject="eve",
        key="tokexpired0000001",
    )
    tokens["expired"] = secret
    tokens["garbled"] = "heredity_tok0000_not-a-secret"
    client = TestClient(create_app(url), raise_server_exceptions=False)
    return Team(url=url, reg=reg, client=client, tokens=tokens), reg
