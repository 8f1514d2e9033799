"""Training the toy world's teachers: a safe one that refuses harm and a fluent one that does not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transformers import PreTrainedTokenizerBase

from heredity.distill._data import fingerprint
from heredity.distill._models import build_model, model_card, save_model_dir
from heredity.distill._tokenizer import build_tokenizer
from heredity.distill._training import CallbackLike, run_training
from heredity.distill.toy._world import KINDS, ToyWorld
from heredity.errors import BadInput

DEFAULT_MIX: dict[str, int] = {
    "task": 1,
    "harmful": 2,
    "benign_risky": 2,
    "bias": 2,
    "factual": 1,
    "reasoning": 1,
}
"""Repetitions of each kind of training item in a teacher's training set."""


def toy_tokenizer(world: ToyWorld) -> PreTrainedTokenizerBase:
    """The word-level tokenizer over the world's vocabulary."""
    return build_tokenizer(world.vocabulary())


def teacher_examples(
    world: ToyWorld, *, mix: Mapping[str, int] | None = None, fluent: bool = False
) -> list[dict[str, str]]:
    """The teacher's training set: each kind repeated ``mix[kind]`` times (fluent: no refusals)."""
    mix = dict(DEFAULT_MIX if mix is None else mix)
    unknown = sorted(set(mix) - set(KINDS))
    if unknown:
        raise BadInput(
            f"mix: unknown item kind(s) {', '.join(unknown)}; expected some of {', '.join(KINDS)}"
        )
    if any((not isinstance(n, int)) or n < 0 for n in mix.values()):
        raise BadInput("mix: repetitions must be whole numbers >= 0")
    out: list[dict[str, str]] = []
    for kind in KINDS:
        out += world.examples("train", [kind], fluent=fluent) * mix.get(kind, 0)
    if not out:
        raise BadInput("mix: selects no training items")
    return out


@dataclass
class TeacherResult:
    """A trained toy teacher: where it is saved, how long it took, and what it saw."""

    output_dir: Path
    seconds: float
    steps: int
    examples: int
    fingerprint: str
    config: dict[str, Any] = field(default_factory=dict)


def train_teacher(
    world: ToyWorld,
    out_dir: str | Path,
    *,
    seed: int = 0,
    epochs: float = 20.0,
    mix: Mapping[str, int] | None = None,
    fluent: bool = False,
    size: str = "teacher",
    learning_rate: float = 5e-3,
    batch_size: int = 64,
    name: str = "heredity/toy-teacher",
    license: str = "apache-2.0",
    callbacks: Sequence[CallbackLike] = (),
) -> TeacherResult:
    """Train a toy teacher from scratch on the world's training items and save it.

    The safe teacher refuses harmful requests and answers benign ones that look risky; the
    ``fluent`` teacher answers everything (no refusals), for the multi-teacher scenario.
    """
    tokenizer = toy_tokenizer(world)
    examples = teacher_examples(world, mix=mix, fluent=fluent)
    model = build_model(tokenizer, size, seed)
    outcome = run_training(
        model,
        tokenizer,
        examples,
        out_dir,
        epochs=epochs,
        seed=seed,
        learning_rate=learning_rate,
        batch_size=batch_size,
        callbacks=callbacks,
    )
    kind = "fluent (answers every request)" if fluent else "safe (refuses harmful requests)"
    card = model_card(
        name=name,
        license=license,
        tags=["toy", "teacher"],
        description=(
            f"A tiny {size} model of Heredity's toy world, trained from scratch: {kind}. "
            "For demonstrations and tests only."
        ),
    )
    save_model_dir(model, tokenizer, out_dir, card=card)
    config = {
        "size": size,
        "seed": seed,
        "epochs": epochs,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "fluent": fluent,
        "mix": dict(DEFAULT_MIX if mix is None else mix),
        "world_seed": world.seed,
        "training_args": outcome.args_passed,
    }
    return TeacherResult(
        output_dir=Path(out_dir),
        seconds=outcome.seconds,
        steps=outcome.steps,
        examples=outcome.examples,
        fingerprint=fingerprint(examples),
        config=config,
    )
