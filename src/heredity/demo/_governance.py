"""The demo's governance act: independent approvals (4.5), the audit, an incident, the audit again."""

from __future__ import annotations

import json
from typing import Any

from heredity.demo._cast import BLEND, SAFETY_AWARE, SEQ, TASK_ONLY, TEACHER, Stage
from heredity.errors import ApprovalRefused
from heredity.identity import bootstrap_admin
from heredity.registry import Registry

APPROVERS = {"alice": "model_risk", "sam": "safety", "lee": "legal"}
POLICY = "acme-edge@1"


def _as(demo: Stage, actor: str) -> Registry:
    """The demo registry acting as another person (every write names its actor)."""
    return Registry(demo.registry.engine, actor=actor)


def _policy(demo: Stage) -> str:
    """The organisation's approval policy for edge students: the shipped default, but the suites
    required are those of each student's evaluation plan (the toy world's held-out suite)."""
    import yaml

    from heredity.govern import builtin_policy, load_policy_file, publish_policy

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
    record = publish_policy(_as(demo, "platform-admin"), load_policy_file(path))
    demo.say(
        f"  approval policy {POLICY} published ({record.id}): evidence of the student's own, "
        "no waivers needed for a pass, model risk + safety (+ legal with obligations)"
    )
    return POLICY


def _approve(demo: Stage, student: str, policy: str) -> dict[str, Any]:
    """Request approval as the engineer; each required role decides; refusals say why."""
    from heredity.govern import approval_state, decide, deploy, request_approval

    request = request_approval(_as(demo, "priya"), student, policy=policy)
    decisions: list[dict[str, Any]] = []
    refused: list[str] = []
    for actor, role in APPROVERS.items():
        state = approval_state(demo.registry, request.id)
        if state.status != "pending" or role not in state.missing_roles:
            continue
        try:
            decide(
                _as(demo, actor),
                request.id,
                approve=True,
                reason="assessed on its own transfer evidence",
                role=role,
            )
            decisions.append({"actor": actor, "role": role, "decision": "approve"})
        except ApprovalRefused as err:
            refused = [line.strip(" -") for line in str(err).splitlines() if line.strip()]
            decisions.append({"actor": actor, "role": role, "decision": "refused", "why": refused})
            break
    state = approval_state(demo.registry, request.id)
    if state.status == "approved":
        deploy(_as(demo, "ops"), student, environment="edge-fleet")
        demo.say(f"  {student}: [bold green]approved and deployed[/] (roles: {_roles(state)})")
    else:
        # The safety reviewer rejects on the record. A student that lost a safety property is
        # retired (re-distilled safety-aware, never kept); one the evidence cannot yet decide
        # stays registered, unapproved, until it is re-assessed on more items.
        reason = refused[1] if len(refused) > 1 else (refused[0] if refused else "not approved")
        decide(_as(demo, "sam"), request.id, approve=False, reason=reason, role="safety")
        decisions.append({"actor": "sam", "role": "safety", "decision": "reject"})
        if any("breach against teacher" in line for line in refused):
            _as(demo, "dana").set_model_status(student, "retired", f"approval refused: {reason}")
            demo.say(f"  {student}: [bold red]refused[/], rejected by sam (safety) and retired")
        else:
            demo.say(
                f"  {student}: [bold yellow]refused[/], rejected by sam (safety); stays registered "
                "until re-assessed"
            )
        for line in refused[1:] or refused:
            demo.say(f"    [red]{line}[/]")
    return {
        "request": request.id,
        "approval": approval_state(demo.registry, request.id).status,
        "status": demo.registry.get_model(student).status,
        "decisions": decisions,
        "refused_because": refused[1:] or refused,
    }


def _roles(state: Any) -> str:
    return ", ".join(f"{role} {actor}" for role, actor in state.filled.items())


def _audit(demo: Stage, name: str) -> dict[str, Any]:
    """Run the audit, write its reports, print each model's tests, findings and the maturity."""
    from heredity.govern import audit, audit_html

    report = audit(demo.registry)
    (demo.reports / f"{name}.html").write_text(audit_html(report))
    data = report.to_json()
    (demo.reports / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    for m in report.models:
        demo.say(f"  {m.ref}: " + "  ".join(f"{t} {o}" for t, o in m.tests.items()))
        for f in m.findings:
            if f.severity == "fail":
                demo.say(f"    [red]{f.test} fails[/]: {f.message}")
    mat = report.maturity_detail
    demo.say(f"  maturity: [bold]{mat.level}[/]")
    for line in mat.evidence:
        demo.say(f"    + {line}")
    if mat.needs:
        demo.say(f"    {mat.next_level} needs:")
        for line in mat.needs:
            demo.say(f"    - {line}")
    return {
        "maturity": mat.level,
        "evidence": mat.evidence,
        "needs": mat.needs,
        "tests": {m.ref: dict(m.tests) for m in report.models},
        "failures": [f.message for m in report.models for f in m.findings if f.severity == "fail"],
        "statuses": {m.ref: demo.registry.get_model(m.ref).status for m in report.models},
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ref, tests in after["tests"].items():
        status = (before["statuses"].get(ref), after["statuses"].get(ref))
        old = before["tests"].get(ref, {})
        changed = {t: [old.get(t), o] for t, o in tests.items() if old.get(t) != o}
        if status[0] != status[1] or changed:
            out.append({"model": ref, "status": list(status), "tests": changed})
    return out


def run_governance(demo: Stage) -> None:
    from heredity.govern import add_actor, incident_html, list_actors, open_incident

    demo.heading("Approval (4.5): each student on its own evidence")
    policy = _policy(demo)
    admin = _as(demo, "platform-admin")
    if not any(a.name == "platform-admin" for a in list_actors(admin)):
        bootstrap_admin(admin)  # the organisation's first admin, created once
    for actor, role in APPROVERS.items():
        add_actor(admin, actor, [role])
    approvals: dict[str, Any] = {}
    for student in (SAFETY_AWARE, SEQ, TASK_ONLY, BLEND):
        with demo.step(f"approval of {student}"):
            approvals[student] = _approve(demo, student, policy)
    demo.summary["approvals"] = approvals

    demo.heading("Conformance audit (tests 8.1-8.5), before anything goes wrong")
    with demo.step("audit every distilled model"):
        before = _audit(demo, "audit-before-incident")
    demo.summary["audit_before"] = before

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

    demo.heading("Conformance audit again: what the incident changed")
    with demo.step("audit every distilled model after the incident"):
        after = _audit(demo, "audit")
    changes = _changes(before, after)
    for c in changes:
        tests = ", ".join(f"{t} {a} -> {b}" for t, (a, b) in c["tests"].items())
        demo.say(
            f"  {c['model']}: {c['status'][0]} -> [bold]{c['status'][1]}[/]"
            + (f"; {tests}" if tests else "")
        )
    if not changes:
        demo.say("  nothing changed")
    demo.say(f"  maturity: {before['maturity']} -> [bold]{after['maturity']}[/]")
    demo.summary["audit"] = after
    demo.summary["incident_changed"] = changes
