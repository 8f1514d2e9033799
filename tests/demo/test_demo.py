"""The demo's narrative contract, on the quick configuration (every step runs; seconds to a minute).

The models of this run are barely trained and its suite has five items per dimension, so its
verdicts mean nothing: these tests check that every step happens, is recorded and says why, not
what the models learnt. ``test_demo_full.py`` (``-m slow``) checks the full run's outcomes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from heredity.demo import QUICK, run_demo
from heredity.demo._cast import API_STUDENT, STUDENTS, TEACHER
from heredity.records import ProvenanceDraft
from heredity.registry import Registry

HEADINGS = [
    "Setting up",
    "Scenario B",
    "Scenario A",
    "Sequence-level distillation",
    "Scenario C",
    "Lineage and impact",
    "Approval (4.5)",
    "Conformance audit (tests 8.1-8.5), before anything goes wrong",
    "Incident: the teacher is found defective",
    "Conformance audit again: what the incident changed",
]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    out = tmp_path_factory.mktemp("demo")
    console = Console(width=400, record=True)
    summary = run_demo(out, QUICK, console)
    return out, summary, console.export_text()


def test_summary_file_and_reports(quick: tuple[Path, dict[str, Any], str]) -> None:
    out, summary, _ = quick
    assert json.loads((out / "summary.json").read_text()) == summary
    assert set(summary) >= {
        "config",
        "suite",
        "scenario_a",
        "scenario_b",
        "sequence_level",
        "scenario_c",
        "impact",
        "approvals",
        "audit_before",
        "incident",
        "audit",
        "incident_changed",
        "students",
        "timings",
        "seconds",
    }
    assert summary["config"] == QUICK.model_dump()
    assert summary["suite"]["items"] == 6 * QUICK.items_per_suite  # type: ignore[operator]
    reports = {p.name for p in (out / "reports").iterdir()}
    assert {"audit.html", "audit.json", "audit-before-incident.html", "incident.html"} <= reports
    assert sum(1 for r in reports if r.startswith("toy-") and r.endswith(".html")) == 4


def test_narration_runs_in_order(quick: tuple[Path, dict[str, Any], str]) -> None:
    text = quick[2]
    positions = [text.find(h) for h in HEADINGS]
    assert -1 not in positions, [h for h, p in zip(HEADINGS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_scenario_b_blocked_before_compute_naming_the_clause(
    quick: tuple[Path, dict[str, Any], str],
) -> None:
    out, summary, text = quick
    assert summary["scenario_b"]["blocked"] is True
    assert summary["scenario_b"]["clause"].startswith("openai")
    assert summary["scenario_b"]["reason"] in text
    with Registry.open(f"sqlite:///{out / 'registry.db'}") as reg:
        assert reg.find_model(API_STUDENT) is None  # nothing was trained or recorded


def test_every_student_gated_recorded_evaluated_and_traced(
    quick: tuple[Path, dict[str, Any], str],
) -> None:
    out, summary, _ = quick
    assert set(summary["students"]) == set(STUDENTS)
    impact = set(summary["impact"])
    assert set(STUDENTS) <= impact
    assert "acme/toy-teacher-generations@1" in impact  # through the synthetic dataset
    with Registry.open(f"sqlite:///{out / 'registry.db'}") as reg:
        for student in STUDENTS:
            record = reg.distillation_for(student, ProvenanceDraft)
            assert record is not None and record.body.run is not None
            assert record.body.run.status == "completed"
            assert record.body.run.rights_assessment  # the callback's gate ran first
            assert TEACHER in reg.teachers(student)
        assert reg.verify_ledger().ok


def test_every_failure_says_why_on_the_console(quick: tuple[Path, dict[str, Any], str]) -> None:
    _, summary, text = quick
    outcomes = [
        summary["scenario_a"]["task_only"],
        summary["scenario_a"]["safety_aware"],
        summary["sequence_level"],
        summary["scenario_c"],
    ]
    for outcome in outcomes:
        assert outcome["verdict"] in ("pass", "fail", "inconclusive")
        if outcome["verdict"] != "pass":
            assert outcome["failures"]
        for failure in outcome["failures"]:
            assert failure["reason"] in text
    for student, approval in summary["approvals"].items():
        assert approval["decisions"], student
        if approval["approval"] != "approved":
            assert approval["approval"] == "rejected"
            assert approval["status"] in ("retired", "registered")
            assert approval["refused_because"]
            for line in approval["refused_because"]:
                assert line in text


def test_audit_before_and_after_the_incident(quick: tuple[Path, dict[str, Any], str]) -> None:
    out, summary, text = quick
    before, after = summary["audit_before"], summary["audit"]
    for audit in (before, after):
        assert set(audit["tests"]) == set(STUDENTS)
        assert audit["maturity"] in ("none", "basic", "intermediate", "advanced")
        assert audit["evidence"]
        for line in audit["evidence"] + audit["needs"]:
            assert line in text
    assert set(summary["incident"]["affected"]) == set(STUDENTS)
    assert set(summary["incident"]["suspended"]) == {
        s for s in STUDENTS if before["statuses"][s] in ("approved", "deployed")
    }
    for change in summary["incident_changed"]:
        assert change["status"] == [before["statuses"][change["model"]], "suspended"]
    assert f"maturity: {before['maturity']} -> {after['maturity']}" in text
    data = json.loads((out / "reports" / "audit-before-incident.json").read_text())
    assert data["summary"]["maturity"]["level"] == before["maturity"]
