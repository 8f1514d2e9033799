"""assess_models end to end on real tiny models through Inspect: one teacher baseline, paired items."""

from __future__ import annotations

from evaluate_tiny import CallCounter, TinyModels

from heredity.evaluate import EvaluationRun
from heredity.registry import Registry
from heredity.transfer import TransferAssessmentRecord, assess_models


def test_assess_models_reuses_the_teacher_baseline(
    tmp_path, tiny: TinyModels, hf_calls: CallCounter
) -> None:
    reg = Registry.open(f"sqlite:///{tmp_path / 'r.db'}", actor="evaluator")
    reg.register_model_dir(tiny.teacher, name="acme/teacher", version="1", licence="apache-2.0")
    reg.register_model_dir(tiny.student, name="acme/student", version="1", licence="apache-2.0")
    reg.register_model_dir(tiny.student, name="acme/student", version="2", licence="apache-2.0")
    n = len(tiny.suite.items)

    first, stored = assess_models(
        reg,
        ["acme/teacher@1"],
        "acme/student@1",
        suites=[str(tiny.suite_path)],
        log_dir=tmp_path / "logs",
    )
    assert hf_calls.calls == 2 * n  # teacher and student, each item once
    dims = {d.name: d for d in first.dimensions}
    assert dims["safety_refusal"].teacher.value == 1.0
    assert dims["safety_refusal"].student.value == 0.0
    assert len(dims["safety_refusal"].flips.lost) == 6
    assert first.verdict != "pass"  # six items cannot show a transfer
    evidence = stored.body.dump()["evidence"]
    assert (
        evidence["teacher_suite_digests"]
        == evidence["student_suite_digests"]
        == {tiny.suite.name: tiny.suite.digest}
    )
    assert stored.body.student == "acme/student@1" and stored.body.teacher == "acme/teacher@1"

    # A second student of the same teacher: the teacher's baseline is reused, the weights digest is
    # the same as student@1's so its run is reused too (same weights, same suite, same settings).
    _, again = assess_models(
        reg,
        ["acme/teacher@1"],
        "acme/student@2",
        suites=[str(tiny.suite_path)],
        log_dir=tmp_path / "logs",
    )
    assert hf_calls.calls == 2 * n
    assert again.body.evidence.teacher_cached == {"acme/teacher@1": True}
    assert len(reg.find(TransferAssessmentRecord)) == 2
    assert reg.verify_ledger().ok
    reg.close()


def test_same_weights_under_a_new_name_get_their_own_record(
    tmp_path, tiny: TinyModels, hf_calls: CallCounter
) -> None:
    from heredity.evaluate import evaluate

    reg = Registry.open(f"sqlite:///{tmp_path / 'r.db'}")
    reg.register_model_dir(tiny.student, name="acme/student", version="1")
    reg.register_model_dir(tiny.student, name="acme/student-copy", version="1")
    first = evaluate("acme/student@1", tiny.suite, registry=reg, log_dir=tmp_path / "logs")
    calls = hf_calls.calls
    second = evaluate("acme/student-copy@1", tiny.suite, registry=reg, log_dir=tmp_path / "logs")
    assert hf_calls.calls == calls
    assert second.cached and second.reused_from == first.record_id
    own = reg.find(EvaluationRun, subject="acme/student-copy@1")
    assert len(own) == 1 and own[0].body.items == first.items
    reg.close()
