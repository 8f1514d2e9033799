"""The authorization matrix: each role, plus unauthenticated, revoked and expired tokens,
against each write endpoint. 401 without valid credentials; 403 with the reason for a role the
rules refuse (nothing written); 2xx for each role they allow.

The rules stated here are the library's: ``heredity.identity.WRITE_ROLES`` (who may attempt a
write at all) and, within it, the library's own checks (a rights decision takes ``legal``;
approvals, revocations and waivers take the policy's roles: model_risk and safety by default;
the requester, the distiller and admins never decide).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from server_team import EXAMPLES, PEOPLE, TEACHER, Team

from heredity.records import parse_document
from heredity.rights import record_assessment

Prepared = tuple[str, str, dict[str, Any]]  # method, path, request keywords


def _doc(name: str) -> dict[str, Any]:
    return {"content": (EXAMPLES / name).read_text()}


def _needs_review(team: Team) -> str:
    doc = parse_document((EXAMPLES / "standard-kd.yaml").read_text())
    stored, _ = record_assessment(doc, team.who("eve"))
    assert stored.body.needs_review
    return stored.id


PROHIBITED = """\
heredity: 1
kind: distillation
student: {name: acme/rival, version: "1", architecture: llama, parameters: 10}
teachers:
  - {model: openai/gpt-4o@1, licence: openai-terms, access: api, provider: openai,
     signals: [generated_text]}
method: sequence_level
datasets:
  - {name: acme/gpt-outputs, version: "1", kind: synthetic, licence: proprietary,
     generated_by: ["openai/gpt-4o@1"], examples: 100}
config: {framework: {name: trl, version: "1.15.0", trainer: SFTTrainer}, seed: 1, epochs: 1}
intended_use: {purpose: chat, commercial: true, distribution: api, competes_with: [openai]}
responsible: {name: Dana Smith, email: dana@acme.example}
date: 2026-11-01
"""


def _needs_authorization(team: Team) -> str:
    stored, _ = record_assessment(parse_document(PROHIBITED), team.who("eve"))
    assert stored.body.needs_authorization, stored.body.verdict
    return stored.id


def _records(team: Team) -> Prepared:
    return "POST", "/api/records", _doc("standard-kd.yaml")


def _rights_check(team: Team) -> Prepared:
    return "POST", "/api/rights/check", _doc("standard-kd.yaml") | {"params": {"record": True}}


def _review(team: Team) -> Prepared:
    body = {"decision": "approve", "basis": "the licence allows internal use"}
    return "POST", f"/api/rights/assessments/{_needs_review(team)}/review", {"json": body}


def _authorize(team: Team) -> Prepared:
    aid = _needs_authorization(team)
    team.ensure_teacher()  # its evaluation records stand in for the provider's permission
    permission = team.reg.headers("evaluation", subject=TEACHER)[0].id
    body = {"evidence": permission, "basis": "written permission from the provider"}
    return "POST", f"/api/rights/assessments/{aid}/authorize", {"json": body}


def _assess(team: Team) -> Prepared:
    team.ensure_teacher()
    student = team.student()
    results = EXAMPLES / "results"
    body = {
        "teacher_ref": TEACHER,
        "student_ref": student,
        "teacher_results": {
            "name": "teacher.jsonl",
            "content": (results / "teacher.jsonl").read_text(),
        },
        "student_results": {
            "name": "student.jsonl",
            "content": (results / "student.jsonl").read_text(),
        },
    }
    return "POST", "/api/assessments", {"json": body}


def _waiver(team: Team) -> Prepared:
    body = {"assessment": team.breach(), "justification": "the drop is on a retired slice"}
    return "POST", "/api/waivers", {"json": body}


def _request(team: Team) -> Prepared:
    return "POST", "/api/approvals", {"json": {"student": team.student()}}


def _decide(team: Team) -> Prepared:
    body = {"approve": True, "reason": "evidence reviewed"}
    return "POST", f"/api/approvals/{team.request()}/decide", {"json": body}


def _revoke(team: Team) -> Prepared:
    req, _ = team.approved()
    return "POST", f"/api/approvals/{req}/revoke", {"json": {"reason": "evidence withdrawn"}}


def _deploy(team: Team) -> Prepared:
    _, student = team.approved()
    return "POST", "/api/deployments", {"json": {"model": student}}


def _incident(team: Team) -> Prepared:
    team.ensure_teacher()
    body = {"model": TEACHER, "kind": "safety", "summary": "the teacher leaks system prompts"}
    return "POST", "/api/incidents", {"json": body}


def _close(team: Team) -> Prepared:
    method, path, kw = _incident(team)
    opened = team.call(method, path, "ira", **kw)
    assert opened.status_code == 201, opened.text
    body = {"resolution": "patched upstream"}
    return "POST", f"/api/incidents/{opened.json()['id']}/close", {"json": body}


def _actor(team: Team) -> Prepared:
    team.counter += 1
    return "POST", "/api/actors", {"json": {"name": f"new{team.counter}", "roles": ["engineer"]}}


def _token(team: Team) -> Prepared:
    return "POST", "/api/tokens", {"json": {"actor": "sam"}}


def _token_revoke(team: Team) -> Prepared:
    from heredity.identity import issue_token

    token_id, _ = issue_token(team.reg, "sam")
    return "POST", f"/api/tokens/{token_id}/revoke", {"json": {"reason": "rotated"}}


@dataclass(frozen=True)
class Write:
    prepare: Callable[[Team], Prepared]
    allowed: tuple[str, ...]  # roles that succeed; every other role is refused (403)


WRITES = {
    "record": Write(_records, ("engineer", "safety", "model_risk")),
    "rights-check-record": Write(_rights_check, ("engineer", "legal", "safety", "model_risk")),
    "rights-review": Write(_review, ("legal",)),
    "rights-authorize": Write(_authorize, ("legal",)),
    "assess-results": Write(_assess, ("engineer", "safety")),
    "waiver": Write(_waiver, ("safety", "model_risk")),
    "approval-request": Write(_request, ("engineer", "safety", "model_risk")),
    "approval-decide": Write(_decide, ("model_risk", "safety")),
    "approval-revoke": Write(_revoke, ("model_risk", "safety")),
    "deploy": Write(_deploy, ("engineer", "model_risk")),
    "incident-open": Write(_incident, ("incident_responder", "safety", "model_risk", "engineer")),
    "incident-close": Write(_close, ("incident_responder", "safety", "model_risk")),
    "actor-add": Write(_actor, ("admin",)),
    "token-issue": Write(_token, ("admin",)),
    "token-revoke": Write(_token_revoke, ("admin",)),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_write_endpoint_matrix(team: Team, name: str) -> None:
    write = WRITES[name]
    method, path, kw = write.prepare(team)
    for who in (None, "revoked", "expired", "garbled"):
        before = team.ledger()
        r = team.call(method, path, who, **kw)
        assert r.status_code == 401, (who, r.text)
        assert r.json()["error"]["field"] in ("authorization", "token")
        assert team.ledger() == before
    for person, role in PEOPLE.items():
        if role in write.allowed:
            continue
        before = team.ledger()
        r = team.call(method, path, person, **kw)
        assert r.status_code == 403, (role, r.text)
        err = r.json()["error"]
        assert err["type"] == "approval_refused" and person in err["message"], err
        assert team.ledger() == before, role
    for role in write.allowed:
        method, path, kw = write.prepare(team)
        r = team.call(method, path, next(p for p, x in PEOPLE.items() if x == role), **kw)
        assert 200 <= r.status_code < 300, (role, r.text)


def test_auditors_read_everything(team: Team) -> None:
    _, student = team.approved()
    for path in (
        "/api/models",
        f"/api/models/{student}",
        "/api/datasets",
        f"/api/records/{student}",
        f"/api/lineage?ref={student}",
        f"/api/impact?ref={TEACHER}",
        f"/api/approvals?student={student}",
        "/api/approvals",
        "/api/incidents",
        "/api/audit",
        "/api/ledger",
        "/api/ledger/verify",
        "/api/actors",
        "/api/tokens",
        f"/api/evidence/{student}",
    ):
        r = team.call("GET", path, "aud")
        assert r.status_code == 200, (path, r.text)
    r = team.call("POST", "/api/rights/check", "aud", **_doc("standard-kd.yaml"))
    assert r.status_code == 200 and r.json()["id"] is None  # judged, not stored
