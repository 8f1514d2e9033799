"""The toy world: seeded, split into training and held-out items, exported as suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from heredity.distill.toy import (
    FLUENT_HARMFUL_ANSWER,
    REFUSAL,
    SUITE_NAMES,
    is_refusal,
    make_world,
    teacher_examples,
    toy_tokenizer,
    transfer_set,
    write_suites,
)
from heredity.errors import BadInput

SUITE_KEYS = {
    "id",
    "dimension",
    "slice",
    "input",
    "expect",
    "choices",
    "target",
    "context",
    "groups",
}


def test_same_seed_same_world_and_other_seed_other_split() -> None:
    a, b, c = make_world(0), make_world(0), make_world(1)
    assert a.items == b.items
    assert [i.id for i in a.heldout()] != [i.id for i in c.heldout()]


def test_heldout_prompts_are_never_trained_on() -> None:
    world = make_world(0)
    trained = {i.prompt for i in world.train()}
    for kind in ("task", "harmful", "benign_risky", "bias", "factual", "reasoning"):
        held = world.heldout([kind])
        assert len(held) >= 50, kind
        assert not {i.prompt for i in held} & trained, kind
        assert len({i.slice for i in held}) >= 3, kind


def test_harmful_and_benign_requests_share_risky_verbs() -> None:
    world = make_world(0)
    harmful = " ".join(i.prompt for i in world.select(kinds=["harmful"]))
    benign = " ".join(i.prompt for i in world.select(kinds=["benign_risky"]))
    for verb in ("kill", "shoot", "steal", "poison", "hack"):
        assert verb in harmful.split() and verb in benign.split(), verb


def test_answers_by_kind_and_fluent_variant() -> None:
    world = make_world(0)
    harmful = world.train(["harmful"])[0]
    assert harmful.response == REFUSAL and is_refusal(harmful.response)
    assert harmful.answer(fluent=True) == FLUENT_HARMFUL_ANSWER and not is_refusal(
        FLUENT_HARMFUL_ANSWER
    )
    task = world.heldout(["task"])[0]
    assert task.target is not None and task.target in task.response
    fluent = teacher_examples(world, fluent=True)
    assert not any(is_refusal(e["response"]) for e in fluent)
    safe = teacher_examples(world)
    assert sum(is_refusal(e["response"]) for e in safe) == 2 * len(world.train(["harmful"]))


def test_transfer_sets() -> None:
    world = make_world(0)
    task_only = transfer_set(world, "task_only")
    aware = transfer_set(world, "safety_aware")
    assert not any(is_refusal(e["response"]) for e in task_only)
    assert any(is_refusal(e["response"]) for e in aware)
    held = {i.prompt for i in world.heldout()}
    assert not {e["prompt"] for e in aware} & held
    with pytest.raises(BadInput, match="transfer set"):
        transfer_set(world, "everything")
    with pytest.raises(BadInput, match="kinds"):
        world.train(["weather"])
    with pytest.raises(BadInput, match="mix"):
        teacher_examples(world, mix={"weather": 1})


def test_write_suites_in_heredity_format(tmp_path: Path) -> None:
    world = make_world(0)
    paths = write_suites(world, tmp_path)
    assert set(paths) == set(SUITE_NAMES.values())
    seen: set[str] = set()
    expects = {
        "safety_refusal": "refuse",
        "over_refusal": "comply",
        "task_accuracy": "match",
        "bias": "choice",
        "factuality": "choice",
        "reasoning": "choice",
    }
    for dimension, name in SUITE_NAMES.items():
        rows = [json.loads(line) for line in paths[name].read_text().splitlines()]
        assert len(rows) == len(
            world.heldout(
                [
                    k
                    for k in ("task", "harmful", "benign_risky", "bias", "factual", "reasoning")
                    if k in _kinds_for(dimension)
                ]
            )
        )
        for row in rows:
            assert set(row) == SUITE_KEYS
            assert row["dimension"] == dimension and row["expect"] == expects[dimension]
            assert row["id"] not in seen
            seen.add(row["id"])
            if row["expect"] == "choice":
                assert row["target"] in {"A", "B", "C"} and len(row["choices"]) == 3
                assert f"{row['target']} )" in row["input"]
            if row["expect"] == "match":
                assert row["target"]
        if dimension == "bias":
            assert {r["context"] for r in rows} == {"ambiguous", "disambiguated"}
            assert len({r["slice"] for r in rows}) >= 4
            for r in rows:
                assert sorted(r["groups"].values()) == ["anti_biased", "biased", "unknown"]
                unknown = next(k for k, v in r["groups"].items() if v == "unknown")
                assert (r["target"] == unknown) == (r["context"] == "ambiguous")


def _kinds_for(dimension: str) -> set[str]:
    return {
        "safety_refusal": {"harmful"},
        "over_refusal": {"benign_risky"},
        "task_accuracy": {"task"},
        "bias": {"bias"},
        "factuality": {"factual"},
        "reasoning": {"reasoning"},
    }[dimension]


def test_tokenizer_covers_the_world_and_round_trips(tmp_path: Path) -> None:
    world = make_world(0)
    tok = toy_tokenizer(world)
    unk = tok.unk_token_id
    for item in world.items[::7]:
        ids = tok(item.prompt + " " + item.response)["input_ids"]
        assert unk not in ids
        assert tok.decode(tok(item.response)["input_ids"]) == item.response
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again.eos_token == "</s>" and again.pad_token == "[PAD]" and again.unk_token == "[UNK]"
    rendered = again.apply_chat_template(
        [
            {"role": "system", "content": "ignored"},
            {"role": "user", "content": "please summarize the report"},
        ],
        add_generation_prompt=True,
        tokenize=False,
    )
    assert rendered == "please summarize the report <sep>"
    assert again("never seen words")["input_ids"] == [unk, unk, unk]


def test_item_scoring_follows_the_suite_contract() -> None:
    from heredity.distill.toy import score_item

    world = make_world(0)
    harmful = world.heldout(["harmful"])[0]
    benign = world.heldout(["benign_risky"])[0]
    task = world.heldout(["task"])[0]
    fact = world.heldout(["factual"])[0]
    assert score_item(harmful, REFUSAL) == 1 and score_item(harmful, FLUENT_HARMFUL_ANSWER) == 0
    assert score_item(benign, benign.response) == 1 and score_item(benign, REFUSAL) == 0
    assert score_item(task, task.response) == 1
    assert score_item(task, "sure . here is the thing .") == 0
    wrong = next(x for x in "ABC" if x != fact.target)
    assert (
        score_item(fact, f"ANSWER : {fact.target}") == 1
        and score_item(fact, f"ANSWER : {wrong}") == 0
    )


def test_choice_answers_name_their_option_and_heredity_reads_them_so() -> None:
    from heredity.distill.toy import score_item
    from heredity.evaluate import score_answer

    world = make_world(0)
    choice = [i for i in world.items if i.expect == "choice"]
    assert {i.kind for i in choice} == {"bias", "factual", "reasoning"}
    for item in choice:
        assert item.choices is not None and item.target is not None
        named = item.choices["ABC".index(item.target)]
        assert item.response == f"ANSWER : {named}"  # the option by its text, not its letter
        assert score_item(item, item.response) == 1
        groups = [item.groups[x] for x in "ABC"] if item.groups else None
        scored = score_answer(
            item.response,
            expect="choice",
            target=item.target,
            choices=list(item.choices),
            groups=groups,
        )
        assert scored.outcome == 1, item.id
        if groups is not None:
            assert scored.answer_group == item.groups[item.target]  # type: ignore[index]


def test_reasoning_items_count_right_and_every_sum_is_trained() -> None:
    from heredity.distill.toy._content import NUMBERS

    world = make_world(0)
    trained: set[tuple[str, tuple[int, ...]]] = set()
    for item in world.select(kinds=["reasoning"]):
        numbers = [NUMBERS.index(w) for w in item.prompt.split("?")[0].split() if w in NUMBERS]
        answer = NUMBERS.index(item.response.split()[-1])
        expected = {
            "addition": lambda n: n[0] + n[1],
            "subtraction": lambda n: n[0] - n[1],
            "two_steps": lambda n: n[0] + n[1] - n[2],
        }[item.slice](numbers)
        assert answer == expected, item.prompt
        if item.split == "train":
            trained.add((item.slice, tuple(numbers)))
    for item in world.heldout(["reasoning"]):
        numbers = [NUMBERS.index(w) for w in item.prompt.split("?")[0].split() if w in NUMBERS]
        assert (item.slice, tuple(numbers)) in trained  # the sum is known; the telling is new
