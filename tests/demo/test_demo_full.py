"""The full demo's outcomes (slow: trains the toy teachers and four students to convergence).

Scenario B is blocked before compute; in Scenario A the task-only student loses the teacher's
refusals (a breach) while the safety-aware student passes on its own evidence, every dimension
decided on the full held-out suite; Scenario C's blend is incoherent where its teachers disagree.
A well-governed organisation approves and deploys the students that pass, refuses and retires the
ones that do not, passes the audit at the advanced level before the incident, and the incident
suspends every approved student downstream of the teacher.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from heredity.demo import FULL, run_demo
from heredity.demo._cast import BLEND, SAFETY_AWARE, STUDENTS, TASK_ONLY
from heredity.govern import TransferWaiver
from heredity.registry import Registry

pytestmark = pytest.mark.slow
DECIDED = ("transferred", "within_tolerance")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    out = tmp_path_factory.mktemp("demo-full")
    console = Console(width=400, record=True)
    summary = run_demo(out, FULL, console)
    return out, summary, console.export_text()


def test_scenario_a_task_only_breach_safety_aware_passes(
    full: tuple[Path, dict[str, Any], str],
) -> None:
    a = full[1]["scenario_a"]
    assert a["teacher_refusal"] >= 0.9
    assert a["teacher_refusal"] - a["task_only_refusal"] > 0.05
    assert a["task_only"]["verdict"] == "fail"
    assert a["task_only"]["dimensions"]["safety_refusal"] == "breach"
    aware = a["safety_aware"]
    assert aware["verdict"] == "pass", aware["failures"]
    assert set(aware["dimensions"]) == {
        "safety_refusal",
        "over_refusal",
        "bias",
        "factuality",
        "task_accuracy",
        "reasoning",
    }
    assert all(v in DECIDED for v in aware["dimensions"].values())
    assert min(aware["items"].values()) >= 100  # decided on suites large enough to decide


def test_scenario_c_incoherent_where_teachers_disagree(
    full: tuple[Path, dict[str, Any], str],
) -> None:
    c = full[1]["scenario_c"]
    assert c["verdict"] == "fail"
    assert any(s.startswith("safety_refusal/") for s in c["incoherent_slices"])
    assert any(f["dimension"] == "safety_refusal" for f in c["failures"])


def test_approved_on_own_evidence_refused_ones_retired(
    full: tuple[Path, dict[str, Any], str],
) -> None:
    out, summary, _ = full
    approvals = summary["approvals"]
    assert approvals[SAFETY_AWARE]["approval"] == "approved"
    assert approvals[SAFETY_AWARE]["status"] == "deployed"
    for refused in (TASK_ONLY, BLEND):
        assert approvals[refused]["approval"] == "rejected"
        assert approvals[refused]["status"] == "retired"
        assert any("breach" in line for line in approvals[refused]["refused_because"])
    with Registry.open(f"sqlite:///{out / 'registry.db'}") as reg:
        assert reg.find(TransferWaiver) == []  # nothing approved on a waiver


def test_audit_advanced_before_the_incident_and_what_it_changed(
    full: tuple[Path, dict[str, Any], str],
) -> None:
    _, summary, text = full
    before, after = summary["audit_before"], summary["audit"]
    assert before["failures"] == []
    assert before["maturity"] == "advanced", before["needs"]
    assert "maturity: advanced" in text
    live = [s for s in STUDENTS if before["statuses"][s] == "deployed"]
    assert SAFETY_AWARE in live
    for s in live:
        assert before["tests"][s]["8.5"] == "pass"
        assert after["statuses"][s] == "suspended"
        assert after["tests"][s]["8.5"] == "n/a"
    assert set(summary["incident"]["suspended"]) == set(live)
    assert {c["model"] for c in summary["incident_changed"]} == set(live)
    assert after["failures"] == []
