"""Two real lm-eval runs, a teacher and a student, end to end through ``heredity assess``.

lm-eval itself writes both ``--log_samples`` files (tiny local models, a local multiple-choice
task): the teacher was trained to pick the right option, the student to pick the first, which is
never right. The assessment must see the student's loss, with confidences from lm-eval's
loglikelihoods on both sides.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lm_eval_world import run_lm_eval, train_continuations, write_rows

from heredity.cli import main
from heredity.registry import Registry
from heredity.transfer import TransferAssessmentRecord

NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _docs() -> list[dict[str, Any]]:
    docs = []
    for a in range(1, 6):
        for b in range(1, 6):
            total = a + b
            wrong = [n for n in (total - 2, total + 1, total + 2) if 0 <= n <= 10][:2]
            choices = [NUMBERS[w] for w in wrong] + [NUMBERS[total]]
            if len(choices) < 3:
                continue
            docs.append(
                {
                    "question": f"What is {NUMBERS[a]} plus {NUMBERS[b]}?",
                    "choices": choices,
                    "answer": 2,
                    "category": "small" if total <= 5 else "large",
                }
            )
    return docs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from heredity.distill import build_model, model_card, save_model_dir
    from heredity.distill._tokenizer import build_tokenizer

    root = tmp_path_factory.mktemp("lm-eval-assess")
    docs = _docs()
    write_rows(root / "sums.jsonl", docs)
    tasks = root / "tasks"
    tasks.mkdir()
    (tasks / "sums.yaml").write_text(
        "task: heredity_sums\ndataset_path: json\ndataset_name: null\ndataset_kwargs:\n"
        f"  cache_dir: {root / 'hf-cache'}\n  data_files:\n    test: {root / 'sums.jsonl'}\n"
        "test_split: test\noutput_type: multiple_choice\n"
        'doc_to_text: "{{question}}\\nAnswer:"\ndoc_to_choice: "{{choices}}"\n'
        "doc_to_target: answer\nmetric_list:\n  - metric: acc\n"
    )
    tok = build_tokenizer(re.findall(r"\w+|[^\w\s]+", json.dumps(docs) + " Answer"))
    out: dict[str, Path] = {}
    for who, pick in (("teacher", 2), ("student", 0)):
        model = build_model(tok, "small", 0)
        pairs = [(f"{d['question']}\nAnswer:", " " + d["choices"][pick]) for d in docs]
        train_continuations(model, tok, pairs, steps=60)
        save_model_dir(model, tok, root / who, card=model_card(name=f"t/{who}", description="t"))
        _, files = run_lm_eval(root / who, tasks, ["heredity_sums"], root / f"out-{who}")
        out[who] = files["heredity_sums"]
    return out


def test_lm_eval_teacher_and_student_through_assess(
    runs: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for ref in (
        "acme/sums-teacher@1",
        "acme/sums-student@1",
    ):  # an assessment's models are registered
        assert main(["--db", db_url, "model", "add", ref]) == 0
    capsys.readouterr()
    rc = main(
        [
            "--db",
            db_url,
            "assess",
            "--teacher",
            "acme/sums-teacher@1",
            "--student",
            "acme/sums-student@1",
            "--teacher-results",
            str(runs["teacher"]),
            "--student-results",
            str(runs["student"]),
            "--dimension",
            "reasoning",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    dims = {d["name"]: d for d in data["dimensions"]}
    n = len(_docs())
    assert dims["reasoning"]["teacher"]["n"] == n and dims["reasoning"]["student"]["n"] == n
    assert dims["reasoning"]["teacher"]["value"] >= 0.9
    assert dims["reasoning"]["student"]["value"] == 0.0
    assert dims["reasoning"]["verdict"] == "breach"
    # lm-eval's loglikelihoods give both sides confidences: calibration is assessed too.
    assert "calibration" in dims
    assert rc == 1 and data["verdict"] == "fail"
    (stored,) = Registry.open(db_url).find(TransferAssessmentRecord)
    imports = stored.body.evidence.imports
    assert {r["format"] for r in imports.values()} == {"lm-eval"}
    assert all(c["agrees"] for r in imports.values() for c in r["checks"])
