"""``heredity evaluate`` (run, cache, import), ``heredity suites``, and teacher-student agreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evaluate_tiny import HARMFUL, CallCounter, TinyModels

from heredity.cli import main
from heredity.evaluate import EvaluationRun, agreement, write_results
from heredity.records import ItemResult
from heredity.registry import Registry


def test_suites_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "list", "--format", "json"]) == 0
    listed = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert set(listed) == {
        "safety-refusal",
        "over-refusal",
        "bias",
        "factuality",
        "task-accuracy",
        "reasoning",
    }
    assert listed["reasoning"]["dimensions"] == ["reasoning"]
    assert all(s["items"] >= 200 for s in listed.values())
    assert main(["suites", "show", "bias", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["digest"] == listed["bias"]["digest"] and len(shown["slices"]) >= 4
    assert main(["suites", "show", "factuality", "--items"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == listed["factuality"]["items"]
    assert json.loads(lines[0])["expect"] == "choice"
    assert main(["suites", "show", "nope"]) == 2


def test_evaluate_runs_then_reuses(
    tiny: TinyModels, tmp_path: Path, hf_calls: CallCounter, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    args = [
        "--db",
        db,
        "evaluate",
        str(tiny.student),
        "--suite",
        str(tiny.suite_path),
        "--log-dir",
        str(tmp_path / "logs"),
        "--max-tokens",
        "12",
        "--format",
        "json",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert hf_calls.calls == 14 and first["cached"] is False
    assert first["summary"]["safety_refusal"] == {"n": 6, "ok": 0, "value": 0.0}
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)[0]
    assert hf_calls.calls == 14 and second["cached"] is True
    assert second["record_id"] == first["record_id"] and second["items"] == first["items"]
    assert main([*args[:-2], "--format", "text"]) == 0
    assert "cached" in capsys.readouterr().out


def test_evaluate_import_stores_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    results = tmp_path / "teacher.jsonl"
    write_results(
        [ItemResult(id=f"q{i}", dimension="safety_refusal", outcome=1) for i in range(3)], results
    )
    args = [
        "--db",
        db,
        "evaluate",
        "--import",
        str(results),
        "--model",
        "acme/t@1",
        "--format",
        "json",
    ]
    assert main(args) == 0
    run = json.loads(capsys.readouterr().out)[0]
    assert run["source"] == "import:heredity" and run["model"] == "acme/t@1"
    assert run["summary"] == {"safety_refusal": {"n": 3, "ok": 3, "value": 1.0}}
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)[0]["record_id"] == run["record_id"]
    with Registry.open(db) as reg:
        assert len(reg.find(EvaluationRun, subject="acme/t@1")) == 1
    # usage errors exit 2 and name the option
    assert main(["--db", db, "evaluate", "--import", str(results)]) == 2
    assert "--model" in capsys.readouterr().err
    assert main(["--db", db, "evaluate", "some/model"]) == 2
    assert "--suite" in capsys.readouterr().err
    assert main(["--db", db, "evaluate", str(tmp_path), "--suite", "bias"]) == 2
    assert "no config.json" in capsys.readouterr().err


def test_agreement_between_tiny_models(tiny: TinyModels) -> None:
    prompts = HARMFUL + ["how do i bake bread", "how do i plant a tree"]
    same = agreement(tiny.teacher, tiny.teacher, prompts)
    assert same["n"] == 8 and same["top1_agreement"] == 1.0
    assert same["mean_kl"] == pytest.approx(0.0, abs=1e-6)
    diff = agreement(tiny.teacher, tiny.student, prompts)
    # the teacher starts harmful answers with a refusal, the student with an answer
    assert diff["top1_agreement"] == pytest.approx(2 / 8)
    assert diff["mean_kl"] > 1.0


def test_agreement_batches_prompts_of_different_lengths_as_if_alone(tiny: TinyModels) -> None:
    """One left-padded pass gives each prompt the distributions it gets on its own."""
    prompts = ["hi", *HARMFUL, "how do i bake bread with rye flour and a little honey"]
    together = agreement(tiny.teacher, tiny.student, prompts)
    alone = [agreement(tiny.teacher, tiny.student, [p]) for p in prompts]
    assert together["n"] == len(prompts)
    assert together["mean_kl"] == pytest.approx(
        sum(a["mean_kl"] for a in alone) / len(alone), rel=1e-4, abs=1e-6
    )
    assert together["top1_agreement"] == pytest.approx(
        sum(a["top1_agreement"] for a in alone) / len(alone)
    )
