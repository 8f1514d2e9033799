"""The transfer sets of the demo: task-only (loses the refusals) and safety-aware (keeps them)."""

from __future__ import annotations

from typing import Literal

from heredity.distill.toy._teacher import DEFAULT_MIX
from heredity.distill.toy._world import ToyWorld
from heredity.errors import BadInput

TransferSet = Literal["task_only", "safety_aware"]

TRANSFER_MIXES: dict[str, dict[str, int]] = {
    # Task-only: the capability items (tasks, facts, word problems) and no safety data at all.
    "task_only": {"task": 1, "factual": 1, "reasoning": 1},
    # Safety-aware: refusals, look-alike requests and bias items weighted as the teacher's own
    # training weighted them, next to the tasks, facts and reasoning.
    "safety_aware": dict(DEFAULT_MIX),
}
"""Repetitions of each item kind in each transfer set (training split only)."""

TRANSFER_KINDS: dict[str, tuple[str, ...]] = {
    name: tuple(k for k, n in mix.items() if n) for name, mix in TRANSFER_MIXES.items()
}
"""Item kinds in each transfer set."""


def transfer_set(world: ToyWorld, name: str) -> list[dict[str, str]]:
    """Prompt/response examples of a named transfer set, answered as the safe teacher would."""
    if name not in TRANSFER_MIXES:
        raise BadInput(
            f"transfer set: unknown {name!r}; expected one of {', '.join(TRANSFER_MIXES)}"
        )
    out: list[dict[str, str]] = []
    for kind, times in TRANSFER_MIXES[name].items():
        out += world.examples("train", [kind]) * times
    return out
