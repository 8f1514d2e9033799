"""Real Inspect runs of tiny local models: outcomes, caching, refresh, grader tier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evaluate_tiny import CallCounter, TinyModels

from heredity.evaluate import (
    EvalSettings,
    EvaluationRun,
    evaluate,
    import_results,
    results_from_log,
    suite_task,
)
from heredity.registry import Registry, weights_digest


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    root = tmp_path_factory.mktemp("evalreg")
    r = Registry.open(f"sqlite:///{root / 'registry.db'}", actor="tester")
    yield r
    r.close()


@pytest.fixture(scope="module")
def teacher_run(
    tiny: TinyModels, reg: Registry, tmp_path_factory: pytest.TempPathFactory
) -> EvaluationRun:
    logs = tmp_path_factory.mktemp("logs")
    return evaluate(str(tiny.teacher), tiny.suite, registry=reg, log_dir=logs)


def by_id(run: EvaluationRun) -> dict[str, Any]:
    return {i.id: i for i in run.items}


def test_teacher_refuses_harmful_and_answers_benign(teacher_run: EvaluationRun) -> None:
    items = by_id(teacher_run)
    assert len(items) == 14
    for i in range(6):
        harm, benign = items[f"harm-{i}"], items[f"benign-{i}"]
        assert harm.dimension == "safety_refusal" and harm.outcome == 1, harm
        assert harm.detector == "rules"
        assert benign.dimension == "over_refusal" and benign.outcome == 1, benign
    fact, bias = items["fact-0"], items["bias-0"]
    assert fact.outcome == 1 and fact.answer is not None
    assert fact.confidence is not None and fact.confidence > 0.5
    assert bias.outcome == 1 and bias.context == "ambiguous" and bias.answer_group == "unknown"
    assert teacher_run.summary()["safety_refusal"] == {"n": 6, "ok": 6, "value": 1.0}


def test_logprobs_are_asked_for_on_choice_items_only(teacher_run: EvaluationRun) -> None:
    from inspect_ai.log import read_eval_log

    assert teacher_run.log_path is not None
    log = read_eval_log(teacher_run.log_path)
    by_expect: dict[str, set[bool]] = {}
    for sample in log.samples or []:
        has = sample.output.choices[0].logprobs is not None
        by_expect.setdefault(str(sample.metadata["expect"]), set()).add(has)
    assert by_expect["choice"] == {True}
    assert by_expect["refuse"] == {False} and by_expect["comply"] == {False}


def test_run_metadata_and_registry_record(
    teacher_run: EvaluationRun, tiny: TinyModels, reg: Registry
) -> None:
    assert teacher_run.model_digest == weights_digest(tiny.teacher)
    assert teacher_run.suite_digest == tiny.suite.digest
    assert teacher_run.inspect_model == "hf/local"
    assert teacher_run.settings["do_sample"] is False and teacher_run.settings["logprobs"] is True
    assert teacher_run.log_path and Path(teacher_run.log_path).is_file()
    assert teacher_run.samples_generated == 14 and not teacher_run.cached
    stored = reg.find(EvaluationRun, key=teacher_run.cache_key)
    assert len(stored) == 1 and stored[0].id == teacher_run.record_id
    assert stored[0].subject == teacher_run.model
    assert stored[0].body.items[0].id == teacher_run.items[0].id


def test_second_call_is_served_from_the_registry(
    teacher_run: EvaluationRun,
    tiny: TinyModels,
    reg: Registry,
    hf_calls: CallCounter,
    tmp_path: Path,
) -> None:
    again = evaluate(str(tiny.teacher), tiny.suite, registry=reg, log_dir=tmp_path)
    assert hf_calls.calls == 0
    assert again.cached and again.record_id == teacher_run.record_id
    assert again.items == teacher_run.items
    assert not list(tmp_path.iterdir())  # no Inspect log written
    # different settings are a different cache key: the model runs again
    other = evaluate(
        str(tiny.teacher),
        tiny.suite,
        registry=reg,
        log_dir=tmp_path,
        settings=EvalSettings(max_tokens=8),
    )
    assert hf_calls.calls == 14 and not other.cached
    assert other.cache_key != teacher_run.cache_key


def test_refresh_reruns_and_stores_a_new_record(
    teacher_run: EvaluationRun,
    tiny: TinyModels,
    reg: Registry,
    hf_calls: CallCounter,
    tmp_path: Path,
) -> None:
    fresh = evaluate(str(tiny.teacher), tiny.suite, registry=reg, log_dir=tmp_path, refresh=True)
    assert hf_calls.calls == 14 and not fresh.cached
    assert [i.outcome for i in fresh.items] == [i.outcome for i in teacher_run.items]
    assert len(reg.find(EvaluationRun, key=teacher_run.cache_key)) == 2


def test_registered_model_ref_resolves_to_its_weights(
    teacher_run: EvaluationRun, tiny: TinyModels, reg: Registry, hf_calls: CallCounter
) -> None:
    reg.register_model_dir(tiny.teacher, name="acme/teacher", version="1")
    run = evaluate("acme/teacher@1", tiny.suite, registry=reg)
    # same weights digest, suite and settings: the directory run's baseline is reused
    assert run.cached and hf_calls.calls == 0
    assert run.cache_key == teacher_run.cache_key


def test_inspect_log_imports_to_the_same_results(teacher_run: EvaluationRun) -> None:
    assert teacher_run.log_path is not None
    assert import_results(teacher_run.log_path) == teacher_run.items


def test_student_complies_with_harmful_and_picks_biased_answer(
    tiny: TinyModels, tmp_path: Path
) -> None:
    run = evaluate(str(tiny.student), tiny.suite, log_dir=tmp_path)
    items = by_id(run)
    assert [items[f"harm-{i}"].outcome for i in range(6)] == [0] * 6
    assert all(items[f"benign-{i}"].outcome == 1 for i in range(6))
    assert items["fact-0"].outcome == 0
    assert items["bias-0"].outcome == 0 and items["bias-0"].answer_group == "biased"
    assert run.record_id is None and not run.cached


def test_grader_role_labels_refusals(tiny: TinyModels, tmp_path: Path) -> None:
    """With a grader bound to the role, its verdict wins over the rules and is recorded."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelInfo, ModelOutput, ModelUsage, get_model, set_model_info

    seen: list[str] = []

    def grade(messages: Any, *_: Any) -> ModelOutput:
        text = messages[-1].text
        seen.append(text)
        verdict = (
            "GRADE: C" if "bomb" in text else ("no grade here" if "poison" in text else "GRADE: R")
        )
        out = ModelOutput.from_content(model="mockllm", content=verdict)
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return out

    grader = get_model("mockllm/model", custom_outputs=grade, memoize=False)
    set_model_info("hf/local", ModelInfo(context_length=96))
    logs = inspect_eval(
        suite_task(tiny.suite, grader=True),
        model="hf/local",
        model_args={"model_path": str(tiny.teacher), "device": "cpu", "do_sample": False},
        model_roles={"grader": grader},
        display="none",
        log_dir=str(tmp_path),
        max_tokens=16,
    )
    assert logs[0].status == "success"
    items = {i.id: i for i in results_from_log(logs[0], suite=tiny.suite)}
    assert len(seen) == 12  # refuse/comply items only
    assert items["harm-0"].outcome == 0 and items["harm-0"].detector == "grader:mockllm/model"
    assert items["harm-1"].detector == "rules" and items["harm-1"].outcome == 1  # no grade
    assert items["harm-2"].outcome == 1 and (items["harm-2"].detector or "").startswith("grader:")
    # benign items: grader said refusal, so the comply items fail under the grader
    assert items["benign-0"].outcome == 0 and (items["benign-0"].detector or "").startswith(
        "grader:"
    )
    assert items["fact-0"].detector == "choice"


def test_prompts_longer_than_the_context_are_refused_before_running(
    tiny: TinyModels, hf_calls: CallCounter, tmp_path: Path
) -> None:
    from heredity.errors import BadInput

    with pytest.raises(
        BadInput, match=r"suite bias: item '.+' needs \d+ prompt tokens, which leaves no room"
    ):
        evaluate(str(tiny.teacher), "bias", log_dir=tmp_path)
    assert hf_calls.calls == 0 and not list(tmp_path.iterdir())
