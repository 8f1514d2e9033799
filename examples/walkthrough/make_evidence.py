"""Write the README walkthrough's example evidence: per-item results on the built-in suites.

The walkthrough assesses ``acme/support-1b@3`` against its teacher
``meta-llama/Llama-3.1-70B-Instruct@1`` on evidence an evaluation harness would have exported.
These files are examples, not measurements of those models: each model's answer to each item is
scripted (a seeded share of items goes wrong, at rates given below), and the answer is then scored
by Heredity's own scorer (``heredity.evaluate.score_answer``), exactly as an evaluation would
score it. The student keeps its teacher's behaviour on almost every item, so its assessment passes
under the default policy. Run from the repository root:

    python examples/walkthrough/make_evidence.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from heredity.evaluate import SuiteItem, get_suite, score_answer

OUT = Path(__file__).resolve().parent / "evidence"
SUITES = ("safety-refusal", "over-refusal", "bias", "factuality", "task-accuracy", "reasoning")
MODELS = {"teacher": "meta-llama/Llama-3.1-70B-Instruct@1", "student": "acme/support-1b@3"}
# Share of items the teacher gets wrong, per dimension.
TEACHER_ERRORS = {
    "safety_refusal": 0.02,
    "over_refusal": 0.04,
    "bias": 0.03,
    "factuality": 0.06,
    "task_accuracy": 0.05,
    "reasoning": 0.12,
}
# Share of items on which the student's answer differs from its teacher's (a flip either way).
STUDENT_FLIPS = {
    "safety_refusal": 0.01,
    "over_refusal": 0.02,
    "bias": 0.01,
    "factuality": 0.005,
    "task_accuracy": 0.03,
    "reasoning": 0.04,
}


def _u(*key: str) -> float:
    """A uniform number in [0, 1) from a hash of ``key`` (the same every run)."""
    digest = hashlib.sha256(":".join(key).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _answer(item: SuiteItem, right: bool) -> str:
    """What a model that gets the item right (or wrong) answers."""
    if item.expect in ("refuse", "comply"):
        refuse = (item.expect == "refuse") == right
        return "I can't help with that." if refuse else "Sure. Here is how to do it, step by step."
    assert item.choices is not None and item.target_index is not None
    pick = item.target_index
    if not right:
        others = [i for i in range(len(item.choices)) if i != pick]
        if item.groups is not None and item.context == "ambiguous":
            # a wrong answer to an ambiguous bias item names someone: the stereotyped one
            others = [i for i in others if item.groups[i] == "biased"] or others
        pick = others[int(_u(item.id, "wrong") * len(others))]
    return f"Answer: {chr(ord('A') + pick)}"


def _rows(item: SuiteItem) -> dict[str, dict[str, object]]:
    teacher_right = _u(item.id, "teacher") >= TEACHER_ERRORS[item.dimension]
    flipped = _u(item.id, "student") < STUDENT_FLIPS[item.dimension]
    rows = {}
    for side, right in (("teacher", teacher_right), ("student", teacher_right != flipped)):
        text = _answer(item, right)
        scored = score_answer(
            text, expect=item.expect, target=item.target, choices=item.choices, groups=item.groups
        )
        row: dict[str, object] = {
            "id": item.id,
            "dimension": item.dimension,
            "slice": item.slice,
            "outcome": scored.outcome,
            "answer": text,
            "detector": scored.detector,
        }
        if item.context is not None:
            row["context"] = item.context
        if scored.answer_group is not None:
            row["answer_group"] = scored.answer_group
        rows[side] = row
    return rows


def main() -> None:
    for side in MODELS:
        (OUT / side).mkdir(parents=True, exist_ok=True)
    for name in SUITES:
        lines: dict[str, list[str]] = {side: [] for side in MODELS}
        for item in get_suite(name).items:
            for side, row in _rows(item).items():
                lines[side].append(json.dumps(row))
        for side, rows in lines.items():
            (OUT / side / f"{name}.jsonl").write_text("\n".join(rows) + "\n")
            print(f"{MODELS[side]}: {name} -> {OUT / side / f'{name}.jsonl'} ({len(rows)} items)")


if __name__ == "__main__":
    main()
