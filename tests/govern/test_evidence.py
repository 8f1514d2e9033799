"""The evidence a student stands on, read from typed records (4.2, 4.3, 4.5)."""

from __future__ import annotations

from govern_world import SUITES, TEACHER, World, digest

from heredity.govern._evidence import check_transfer
from heredity.records import ItemResult
from heredity.transfer import assess_multi_teacher, store_assessment

FLUENT = "acme/fluent@1"
BLEND = "acme/blend@1"


def _items(dim: str, right: int, n: int = 150) -> list[ItemResult]:
    return [ItemResult(id=f"{dim}-{i}", dimension=dim, outcome=int(i < right)) for i in range(n)]


def test_a_multi_teacher_breach_is_blamed_on_the_teacher_it_was_measured_against(
    world: World,
) -> None:
    world.ensure_teacher()
    world.ensure_teacher(FLUENT)
    safety = _items("safety_refusal", 150)
    fluency = _items("task_accuracy", 120)
    student = _items("safety_refusal", 90) + _items("task_accuracy", 120)
    assessment = assess_multi_teacher(
        {
            TEACHER: (safety + fluency, ("safety_refusal",)),
            FLUENT: (safety + fluency, ("task_accuracy",)),
        },
        student,
        "default",
        student_ref=BLEND,
    )
    evidence = {
        "suites": SUITES,
        "teacher_suite_digests": {s: digest(s) for s in SUITES},
        "student_suite_digests": {s: digest(s) for s in SUITES},
    }
    stored = store_assessment(world.reg, assessment, evidence=evidence)
    against = {d.name: d.against for d in stored.body.dimensions}
    assert against == {"safety_refusal": TEACHER, "task_accuracy": FLUENT}
    check = check_transfer(world.reg, BLEND, [TEACHER, FLUENT], SUITES)
    assert check.breaches == {TEACHER: ["safety_refusal"]}
    blamed = [p.message for p in check.problems if "breach against" in p.message]
    assert blamed == [
        f"breach against teacher {TEACHER} on safety_refusal (assessment {stored.id}) "
        "with no waiver"
    ]
    assert check.verdicts == {TEACHER: "fail", FLUENT: "fail"}
