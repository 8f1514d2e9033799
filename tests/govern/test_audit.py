"""The conformance audit finds every planted gap, and nothing else (8.1-8.5)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from govern_world import RESPONSIBLE, World

from heredity.cli import main
from heredity.errors import NotFound
from heredity.govern import (
    ApprovalDecision,
    add_actor,
    audit,
    audit_html,
    request_approval,
    waive_transfer,
)
from heredity.govern._evidence import gather_evidence
from heredity.govern._policy import resolve_policy
from heredity.records import ProvenanceDraft
from heredity.transfer import TransferAssessmentRecord

GOOD = "acme/good@1"
GAP = "acme/gap@1"


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = body
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        del node[int(last) if last.isdigit() else last]

    return edit


def _plant_body(world: World, ref: str, edit: Callable[[dict[str, Any]], None]) -> None:
    """Supersede the recorded provenance with an edited body (record() would refuse it)."""
    current = world.reg.distillation_for(ref, ProvenanceDraft)
    assert current is not None
    body = copy.deepcopy(current.body.dump())
    edit(body)
    world.reg.put(ProvenanceDraft.read(body), subject=ref)


# field removed -> the one 8.1 finding it must produce (test, requirement, severity, words)
FIELD_GAPS = [
    ("teachers", "4.1", "fail", "teachers (the teacher models) is missing"),
    (
        "teachers.0.model",
        "4.1",
        "fail",
        "teachers[0].model (the teacher's identity and version) is missing",
    ),
    ("teachers.0.licence", "4.1", "fail", "rights basis"),
    ("method", "4.1", "fail", "the distillation method"),
    ("datasets", "4.1", "fail", "the distillation dataset"),
    ("datasets.0.version", "4.1", "fail", "datasets[0].version"),
    ("datasets.0.kind", "4.1", "fail", "composition"),
    ("datasets.0.examples", "4.1", "fail", "datasets[0].examples"),
    ("responsible", "4.1", "fail", "the responsible party"),
    ("date", "4.1", "fail", "date (the date) is missing"),
    ("student.version", "4.1", "fail", "student.version"),
    ("config.temperature", "4.7", "warning", "temperature"),
    ("config.loss", "4.7", "warning", "loss"),
    ("config.seed", "4.7", "warning", "seed"),
    ("config.framework.version", "4.7", "warning", "framework.version"),
]


def _only(report_models: list[Any], ref: str) -> Any:
    return next(m for m in report_models if m.ref == ref)


def _assert_clean(report: Any, *refs: str) -> None:
    for ref in refs:
        m = _only(report.models, ref)
        assert m.findings == [], [f.message for f in m.findings]
        assert "fail" not in m.tests.values()


@pytest.mark.parametrize(("path", "requirement", "severity", "words"), FIELD_GAPS)
def test_each_provenance_field_missing_in_turn(
    world: World, path: str, requirement: str, severity: str, words: str
) -> None:
    world.approve(world.distil(GOOD))
    world.approve(world.distil(GAP), deploy_it=False)
    _plant_body(world, GAP, _drop(path))
    report = audit(world.reg)
    _assert_clean(report, GOOD)
    gap = _only(report.models, GAP)
    assert [(f.test, f.requirement, f.severity) for f in gap.findings] == [
        ("8.1", requirement, severity)
    ]
    finding = gap.findings[0]
    assert words in finding.message and finding.message.startswith(GAP)
    assert finding.fix
    assert gap.tests["8.1"] == ("fail" if severity == "fail" else "pass")
    assert report.failed is (severity == "fail")


def test_rights_assessed_after_the_run(world: World) -> None:
    world.distil(GOOD)
    world.distil(GAP, late_rights=True)
    report = audit(world.reg)
    _assert_clean(report, GOOD)
    gap = _only(report.models, GAP)
    assert [(f.test, f.requirement) for f in gap.findings] == [("8.3", "4.3")]
    assert "after the distillation started" in gap.findings[0].message
    assert gap.tests == {"8.1": "pass", "8.2": "pass", "8.3": "fail", "8.4": "pass", "8.5": "n/a"}


def test_student_assessed_on_a_different_suite_than_its_teacher(world: World) -> None:
    world.distil(GOOD)
    world.distil(GAP, student_variant="-v2")
    report = audit(world.reg)
    _assert_clean(report, GOOD)
    gap = _only(report.models, GAP)
    assert gap.tests["8.2"] == "fail"
    assert {f.test for f in gap.findings} == {"8.2"}
    assert all("different versions of suite" in f.message for f in gap.findings)
    assert len(gap.findings) == 2  # one per suite of the plan, each named
    assert {"safety-refusal", "factuality"} == {
        s
        for f in gap.findings
        for s in ("safety-refusal", "factuality")
        if f"suite {s}" in f.message
    }


def test_approver_was_the_responsible_party(world: World) -> None:
    world.approve(world.distil(GOOD))
    world.distil(GAP)
    add_actor(world.admin, RESPONSIBLE, ["model_risk"])
    req = request_approval(world.who("eve"), GAP)
    policy, _ = resolve_policy(world.reg, None)
    evidence = gather_evidence(world.reg, GAP, policy).record_ids
    # decide() refuses Dana; plant the decisions the way a bypass would write them
    for actor, role in [(RESPONSIBLE, "model_risk"), ("sam", "safety")]:
        decision = ApprovalDecision(
            request=req.id,
            student=GAP,
            decision="approve",
            role=role,
            reason="ok",
            conditions=[],
            expires=None,
            policy=policy.ref,
            policy_digest=policy.digest,
            evidence=evidence,
            evidence_complete=True,
        )
        world.who(actor).put(decision, subject=GAP, key=req.id)
    world.reg.set_model_status(GAP, "approved", "planted")
    report = audit(world.reg)
    _assert_clean(report, GOOD)
    gap = _only(report.models, GAP)
    assert [(f.test, f.requirement) for f in gap.findings] == [("8.5", "4.5")]
    assert "was the responsible party" in gap.findings[0].message


def test_deployed_student_approved_only_through_its_teacher(world: World) -> None:
    world.approve(world.distil(GOOD))
    world.distil(GAP)
    world.approve("acme/teacher@1")  # the teacher's own approval, on its own evaluations
    world.reg.set_model_status(GAP, "deployed", "planted: shipped on the teacher's approval")
    report = audit(world.reg)
    _assert_clean(report, GOOD)
    gap = _only(report.models, GAP)
    assert [(f.test, f.requirement) for f in gap.findings] == [("8.5", "4.5")]
    assert "only through its teacher acme/teacher@1" in gap.findings[0].message
    assert "acme/teacher@1" not in [m.ref for m in report.models]  # not distilled: not audited


def test_unwaived_breach_fails_only_when_the_model_is_live(world: World) -> None:
    world.distil(GAP, breach=("safety_refusal",))
    report = audit(world.reg)
    assert (
        _only(report.models, GAP).findings == []
    )  # the breach blocks approval: that is conformant
    world.reg.set_model_status(GAP, "approved", "planted")
    gap = _only(audit(world.reg).models, GAP)
    assert ("8.2", "4.2") in [(f.test, f.requirement) for f in gap.findings]
    assert any(
        "breach" in f.message and "yet the model is approved" in f.message for f in gap.findings
    )


def test_lineage_gap_and_missing_record(world: World) -> None:
    world.distil(GOOD)
    # a student whose record names a second teacher the registry never linked
    world.ensure_teacher("acme/other@1")

    def add_teacher(body: dict[str, Any]) -> None:
        body["teachers"].append(
            {"model": "acme/other@1", "licence": "apache-2.0", "access": "open-weights"}
        )

    _plant_body(world, GOOD, add_teacher)
    m = _only(audit(world.reg).models, GOOD)
    assert m.tests["8.4"] == "fail"
    assert any(
        "does not resolve the student to its teacher acme/other@1" in f.message for f in m.findings
    )
    # the transfer and rights gaps the new teacher opens are named too
    assert any(f.test == "8.2" and "acme/other@1" in f.message for f in m.findings)
    assert any(f.test == "8.3" and "acme/other@1" in f.message for f in m.findings)


def test_compliant_registry_maturity_and_json(
    world: World, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world.approve(world.distil(GOOD))
    world.approve(world.distil("acme/good-two@1"), deploy_it=False)
    report = audit(world.reg)
    assert not report.failed
    assert report.maturity == "advanced"
    assert report.summary["tests"]["8.5"] == {"pass": 2, "fail": 0, "n/a": 0}
    assert "<table>" in audit_html(report)
    assert main(["--db", db_url, "audit", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"maturity", "models", "summary", "ledger", "report_context"}
    assert data["maturity"] == "advanced"
    assert set(data["models"][0]) == {"ref", "tests", "findings"}
    assert set(data["models"][0]["tests"]) == {"8.1", "8.2", "8.3", "8.4", "8.5"}


def test_maturity_levels_and_exit_code(
    world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit(world.reg).maturity == "none"
    world.distil(GOOD)
    world.distil(GAP, late_rights=True)
    report = audit(world.reg)
    assert report.maturity == "basic"
    needs = report.summary["maturity"]["needs"]
    assert any("8.3" in n and GAP in n for n in needs)
    out = tmp_path / "audit.html"
    assert main(["--db", db_url, "audit", "--format", "html", "--out", str(out)]) == 1
    assert GAP in out.read_text()
    assert main(["--db", db_url, "audit", "--model", GOOD, "--format", "json"]) == 0
    capsys.readouterr()
    world.distil("acme/breachy@1", breach=("safety_refusal",))
    assert audit(world.reg).maturity == "basic"  # the breach is conformant; the GAP still fails 8.3


def test_a_breaching_student_refused_and_retired_does_not_hold_back_advanced(
    world: World,
) -> None:
    world.approve(world.distil(GOOD))
    world.distil("acme/breachy@1", breach=("safety_refusal",))
    report = audit(world.reg)
    assert report.maturity == "intermediate"  # a student that lost its refusals is still in service
    assert any("acme/breachy@1" in n for n in report.summary["maturity"]["needs"])
    world.reg.set_model_status("acme/breachy@1", "retired", "approval refused for its breach")
    report = audit(world.reg)
    assert report.maturity == "advanced"
    assert any(
        "refused and retired, never approved or deployed: acme/breachy@1" in e
        for e in report.summary["maturity"]["evidence"]
    )


def test_a_breaching_student_once_approved_still_holds_back_advanced_when_retired(
    world: World,
) -> None:
    world.approve(world.distil(GOOD))
    world.distil("acme/breachy@1", breach=("safety_refusal",))
    assessment = world.reg.find(TransferAssessmentRecord, subject="acme/breachy@1")[0].id
    waive_transfer(world.who("sam"), assessment, justification="accepted for a pilot")
    world.approve("acme/breachy@1")
    world.reg.set_model_status("acme/breachy@1", "retired", "withdrawn after use")
    report = audit(world.reg)
    assert report.maturity == "intermediate"  # it served while it had lost its refusals
    assert any("acme/breachy@1" in n for n in report.summary["maturity"]["needs"])


def test_audit_of_an_unknown_model_is_bad_input(world: World) -> None:
    with pytest.raises(NotFound):
        audit(world.reg, "acme/nothing@1")
