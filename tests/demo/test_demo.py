"""The demo's smaller configuration end to end: Scenarios A, B, C, approvals, incident, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from heredity.demo import QUICK, run_demo
from heredity.registry import Registry


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    summary = run_demo(out, QUICK, Console(width=120, record=True))
    return out, summary


def test_summary_file_matches_the_contract(demo_run: tuple[Path, dict]) -> None:
    out, summary = demo_run
    assert json.loads((out / "summary.json").read_text()) == summary
    assert set(summary) >= {
        "scenario_a",
        "scenario_b",
        "scenario_c",
        "students",
        "approvals",
        "incident",
        "audit",
    }
    assert (out / "registry.db").is_file()
    reports = {p.name for p in (out / "reports").iterdir()}
    assert {"audit.html", "incident.html"} <= reports
    assert sum(1 for r in reports if r.startswith("toy-") and r.endswith(".html")) >= 3


def test_scenario_b_blocked_before_compute_naming_the_clause(demo_run: tuple[Path, dict]) -> None:
    out, summary = demo_run
    assert summary["scenario_b"]["blocked"] is True
    assert summary["scenario_b"]["clause"].startswith("openai")
    with Registry.open(f"sqlite:///{out / 'registry.db'}") as reg:
        assert reg.find_model("acme/toy-rival@1") is None  # nothing was trained or recorded


def test_scenario_a_task_only_breach_safety_aware_not(demo_run: tuple[Path, dict]) -> None:
    a = demo_run[1]["scenario_a"]
    assert a["teacher_refusal"] >= 0.9
    assert a["teacher_refusal"] - a["task_only_refusal"] > 0.05
    assert a["task_only"] == "fail" and a["task_only_refusal_verdict"] == "breach"
    assert a["safety_aware_refusal_verdict"] != "breach"
    assert a["safety_aware"] != "fail"
    assert a["teacher_refusal"] - a["safety_aware_refusal"] <= 0.05


def test_scenario_c_incoherent_where_teachers_disagree(demo_run: tuple[Path, dict]) -> None:
    c = demo_run[1]["scenario_c"]
    assert c["verdict"] == "fail"
    assert any(s.startswith("safety_refusal/") for s in c["incoherent_slices"])


def test_lineage_reaches_every_student_through_synthetic_data(demo_run: tuple[Path, dict]) -> None:
    out, summary = demo_run
    impact = set(summary["impact"])
    assert set(summary["students"]) <= impact
    assert "acme/toy-teacher-generations@1" in impact  # the synthetic dataset
    with Registry.open(f"sqlite:///{out / 'registry.db'}") as reg:
        assert "acme/toy-teacher@1" in reg.teachers("acme/toy-seq@1")
        record = reg.distillation_for("acme/toy-safety-aware@1")
        assert (
            record is not None
            and record.body.run is not None
            and record.body.run.status == "completed"
        )
        assert reg.verify_ledger().ok


def test_governance_outcomes(demo_run: tuple[Path, dict]) -> None:
    summary = demo_run[1]
    approvals = summary["approvals"]
    assert approvals["acme/toy-task-only@1"]["approval"] != "approved"
    assert any(d["decision"] == "refused" for d in approvals["acme/toy-task-only@1"]["decisions"])
    suspended = set(summary["incident"]["suspended"])
    approved = {s for s, a in approvals.items() if a["approval"] == "approved"}
    assert approved <= suspended
    assert summary["audit"]["maturity"] in ("none", "basic", "intermediate", "advanced")
