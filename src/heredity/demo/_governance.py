"""The demo's governance act: independent approvals (4.5), an incident on the teacher, the audit."""

from __future__ import annotations

import json
from typing import Any

from heredity.demo._cast import BLEND, SAFETY_AWARE, TASK_ONLY, TEACHER, Stage
from heredity.errors import ApprovalRefused
from heredity.registry import Registry

APPROVERS = {"alice": "model_risk", "sam": "safety", "lee": "legal"}


def _as(demo: Stage, actor: str) -> Registry:
    """The demo registry acting as another person (every write names its actor)."""
    return Registry(demo.registry.engine, actor=actor)


def _approve_all(demo: Stage, request_id: str, reason: str) -> list[dict[str, Any]]:
    from heredity.govern import approval_state, decide

    outcomes: list[dict[str, Any]] = []
    for actor, role in APPROVERS.items():
        state = approval_state(demo.registry, request_id)
        if state.status != "pending" or role not in state.missing_roles:
            continue
        try:
            state = decide(_as(demo, actor), request_id, approve=True, reason=reason, role=role)
            outcomes.append({"actor": actor, "role": role, "decision": "approve"})
        except ApprovalRefused as err:
            outcomes.append({"actor": actor, "role": role, "decision": "refused", "why": str(err)})
            break
    return outcomes


def _policy(demo: Stage) -> str:
    """The organisation's approval policy for edge students: the shipped default, but the suites
    required are those of each student's evaluation plan (the toy world's held-out suite)."""
    import yaml

    from heredity.govern import builtin_policy, publish_policy

    data = builtin_policy().model_dump(mode="json")
    data.update(
        id="acme-edge",
        version="1",
        title="Approval of edge students (acme)",
        description="The default policy, with the suites of each student's own evaluation plan.",
    )
    data["evidence"]["suites"] = []
    path = demo.out / "approval-policy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    from heredity.govern import load_policy_file

    record = publish_policy(_as(demo, "platform-admin"), load_policy_file(path))
    demo.say(f"  approval policy acme-edge@1 published ({record.id})")
    return "acme-edge@1"


def _waive_inconclusive(demo: Stage, student: str, policy: str) -> None:
    """The safety reviewer waives dimensions the toy suites are too small to decide — never a breach."""
    from heredity.govern import waive_transfer
    from heredity.transfer import TransferAssessmentRecord

    for rec in demo.registry.find(TransferAssessmentRecord, subject=student)[:1]:
        verdicts = {d.name: d.verdict for d in rec.body.dimensions}
        open_ = sorted(n for n, v in verdicts.items() if v == "inconclusive")
        if open_ and "breach" not in verdicts.values():
            waive_transfer(
                _as(demo, "sam"),
                rec.id,
                policy=policy,
                justification=(
                    f"{', '.join(open_)} inconclusive on the toy world's small held-out suites; no breach; "
                    "accepted for the edge pilot, to be re-assessed on the full suites"
                ),
            )
            demo.say(f"  sam (safety) waived the inconclusive {', '.join(open_)} of {student}")


def run_governance(demo: Stage) -> None:
    from heredity.govern import (
        add_actor,
        approval_state,
        audit,
        audit_html,
        deploy,
        incident_html,
        open_incident,
        request_approval,
    )

    demo.heading("Approval (4.5): each student on its own evidence")
    policy = _policy(demo)
    admin = _as(demo, "platform-admin")
    for actor, role in APPROVERS.items():
        add_actor(admin, actor, [role])
    engineer = _as(demo, "priya")
    approvals: dict[str, Any] = {}
    for student in (SAFETY_AWARE, TASK_ONLY, BLEND):
        with demo.step(f"approval of {student}"):
            _waive_inconclusive(demo, student, policy)
            request = request_approval(engineer, student, policy=policy)
            decisions = _approve_all(demo, request.id, "assessed on its own transfer evidence")
            state = approval_state(demo.registry, request.id)
            if state.status == "approved":
                deploy(_as(demo, "ops"), student, environment="edge-fleet")
        refused = [d for d in decisions if d["decision"] == "refused"]
        approvals[student] = {
            "request": request.id,
            "status": demo.registry.get_model(student).status,
            "approval": state.status,
            "decisions": decisions,
        }
        verdict = "approved and deployed" if state.status == "approved" else "not approved"
        demo.say(
            f"  {student}: [bold]{verdict}[/]"
            + (f" — {refused[0]['why'].splitlines()[0]}" if refused else "")
        )
    demo.summary["approvals"] = approvals

    demo.heading("Incident: the teacher is found defective")
    with demo.step(f"open a safety incident on {TEACHER}"):
        view = open_incident(
            _as(demo, "incident-desk"),
            TEACHER,
            kind="safety",
            summary="jailbreak found: the teacher answers disguised weapon requests",
        )
    (demo.reports / "incident.html").write_text(incident_html(view))
    suspended = [s.model for s in view.suspended]
    demo.say(f"  affected models: {', '.join(view.affected_models)}")
    demo.say(f"  approvals suspended: {', '.join(suspended) or 'none'}")
    demo.summary["incident"] = {
        "id": view.id,
        "affected": view.affected_models,
        "suspended": suspended,
        "datasets": view.affected_datasets,
    }

    demo.heading("Conformance audit (tests 8.1-8.5)")
    with demo.step("audit every distilled model"):
        report = audit(demo.registry)
    (demo.reports / "audit.html").write_text(audit_html(report))
    data = report.to_json()
    (demo.reports / "audit.json").write_text(json.dumps(data, indent=2) + "\n")
    for m in data["models"]:
        demo.say(f"  {m['ref']}: " + "  ".join(f"{t} {o}" for t, o in m["tests"].items()))
    demo.say(f"  maturity: [bold]{data['maturity']}[/]")
    demo.summary["audit"] = {
        "maturity": data["maturity"],
        "tests": {m["ref"]: m["tests"] for m in data["models"]},
        "findings": sum(len(m["findings"]) for m in data["models"]),
    }
