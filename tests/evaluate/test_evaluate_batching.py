"""How a local model's suite is cut into generation batches, and what reaches Inspect."""

from __future__ import annotations

import math

import pytest

from heredity.evaluate import (
    EvalSettings,
    ModelTarget,
    Suite,
    SuiteItem,
    eval_arguments,
    local_batch_size,
)
from heredity.evaluate._run import MAX_LOCAL_BATCH


@pytest.mark.parametrize("items", [1, 40, 63, 64, 65, 200, 424, 1000])
def test_batches_are_equal_and_few_and_never_over_the_cap(items: int) -> None:
    size = local_batch_size(items, vocab_size=600, max_tokens=24)
    batches = math.ceil(items / size)
    assert size <= MAX_LOCAL_BATCH
    assert batches == math.ceil(items / MAX_LOCAL_BATCH)  # as few batches as the cap allows
    assert (batches - 1) * size < items <= batches * size  # equal, the last one at most short


def test_known_cuts() -> None:
    assert local_batch_size(200, 600, 24) == 50  # four full batches: no wait for a fifth
    assert local_batch_size(424, 600, 24) == 61
    assert local_batch_size(64, 600, 24) == 64


def test_large_vocabularies_keep_the_kept_logits_within_budget() -> None:
    size = local_batch_size(500, vocab_size=128_256, max_tokens=64)
    assert size * 8 * 128_256 * 64 <= 1 << 30
    assert 1 <= size < MAX_LOCAL_BATCH
    assert local_batch_size(10, vocab_size=10**9, max_tokens=10**3) == 1


def _suite(n: int) -> Suite:
    items = [
        SuiteItem(
            id=f"i{i}", dimension="safety_refusal", slice="s", input=f"q {i}", expect="refuse"
        )
        for i in range(n)
    ]
    return Suite(name="t", items=items)


def test_inspect_arguments_for_local_and_api_models(tmp_path) -> None:
    (tmp_path / "config.json").write_text('{"vocab_size": 600, "max_position_embeddings": 128}')
    local = ModelTarget(ref="m", inspect_model="hf/local", path=str(tmp_path))
    args = eval_arguments(local, _suite(200), EvalSettings(max_tokens=24).resolved(local=True))
    assert args["max_connections"] == 50 and "logprobs" not in args  # asked for per item
    assert args["model_args"] == {"model_path": str(tmp_path), "device": "cpu", "do_sample": False}
    assert args["log_realtime"] is False and "temperature" not in args
    pinned = eval_arguments(local, _suite(200), EvalSettings(max_connections=8))
    assert pinned["max_connections"] == 8
    api = ModelTarget(ref="openai/gpt-x", inspect_model="openai/gpt-x")
    api_args = eval_arguments(api, _suite(200), EvalSettings(grader="openai/judge"))
    assert "max_connections" not in api_args and api_args["temperature"] == 0.0
    assert api_args["model_roles"] == {"grader": "openai/judge"}
