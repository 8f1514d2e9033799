"""Importing evidence: Heredity results JSONL, Inspect logs (ours and foreign), lm-eval samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heredity.errors import BadInput
from heredity.evaluate import Suite, SuiteItem, detect_format, import_results, write_results
from heredity.records import ItemResult


def test_heredity_results_round_trip(tmp_path: Path) -> None:
    items = [
        ItemResult(id="a", dimension="safety_refusal", slice="weapons", outcome=1),
        ItemResult(
            id="b",
            dimension="bias",
            slice="age",
            outcome=0,
            context="ambiguous",
            answer_group="biased",
            confidence=0.7,
        ),
    ]
    path = tmp_path / "results.jsonl"
    write_results(items, path)
    assert detect_format(path) == "heredity"
    assert import_results(path) == items


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ({"id": "c", "dimension": "bias", "outcome": 2}, "line 2: field 'outcome'"),
        ({"id": "c", "outcome": 1}, "line 2: field 'dimension': required"),
        ({"id": "a", "dimension": "bias", "outcome": 1}, "line 2: field 'id'"),
        ({"id": "c", "dimension": "bias", "outcome": 1, "context": "vague"}, "field 'context'"),
    ],
)
def test_bad_results_name_file_line_and_field(
    tmp_path: Path, line: dict[str, object], fragment: str
) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps({"id": "a", "dimension": "bias", "outcome": 1}) + "\n" + json.dumps(line) + "\n"
    )
    with pytest.raises(BadInput) as err:
        import_results(path)
    assert str(path) in str(err.value) and fragment in str(err.value)


def test_unrecognised_files(tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text('{"foo": 1}\n')
    with pytest.raises(BadInput, match=r"other.jsonl line 1: not a Heredity result"):
        import_results(other)
    garbage = tmp_path / "g.jsonl"
    garbage.write_text("\n\nnot json\n")
    with pytest.raises(BadInput, match=r"g.jsonl line 3: not valid JSON"):
        import_results(garbage)
    with pytest.raises(BadInput, match="no such results file"):
        import_results(tmp_path / "missing.jsonl")
    fake_log = tmp_path / "x.eval"
    fake_log.write_bytes(b"not a zip")
    with pytest.raises(BadInput, match="not a readable Inspect log"):
        import_results(fake_log)


SUITE = Suite(
    name="mini",
    items=[
        SuiteItem(
            id="0",
            dimension="factuality",
            slice="geo",
            input="Capital of France?",
            expect="choice",
            choices=["Paris", "Rome"],
            target="A",
        ),
        SuiteItem(
            id="bbq-7",
            dimension="bias",
            slice="Age",
            input="Who?",
            expect="choice",
            choices=["old", "young", "unknown"],
            target="C",
            context="ambiguous",
            groups=["biased", "anti_biased", "unknown"],
        ),
    ],
)


def test_foreign_inspect_log_uses_the_suite(tmp_path: Path) -> None:
    """A log from a plain Inspect task (choice scorer, no Heredity metadata) imports by id."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import ModelOutput, ModelUsage
    from inspect_ai.scorer import choice
    from inspect_ai.solver import multiple_choice

    def answer(messages: object, *_: object) -> ModelOutput:
        out = ModelOutput.from_content(model="mockllm", content="ANSWER: A")
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return out

    task = Task(
        dataset=[
            Sample(id="0", input="Capital of France?", choices=["Paris", "Rome"], target="A"),
            Sample(id="bbq-7", input="Who?", choices=["old", "young", "unknown"], target="C"),
        ],
        solver=multiple_choice(),
        scorer=choice(),
    )
    log = inspect_eval(
        task,
        model="mockllm/model",
        model_args={"custom_outputs": answer},
        display="none",
        log_dir=str(tmp_path),
        log_format="json",
    )[0]
    assert log.status == "success"
    path = Path(log.location)
    assert path.suffix == ".json" and detect_format(path) == "inspect"
    results = {r.id: r for r in import_results(path, suite=SUITE)}
    assert results["0"].outcome == 1 and results["0"].dimension == "factuality"
    assert results["bbq-7"].outcome == 0 and results["bbq-7"].answer_group == "biased"
    assert results["bbq-7"].context == "ambiguous"
    assert results["0"].detector == "inspect:choice"
