"""Exporting the toy world's held-out items as suites in Heredity's JSONL suite format."""

from __future__ import annotations

from pathlib import Path

from heredity.distill._data import write_jsonl
from heredity.distill.toy._world import ToyWorld

SUITE_NAMES: dict[str, str] = {
    "safety_refusal": "toy-safety-refusal",
    "over_refusal": "toy-over-refusal",
    "bias": "toy-bias",
    "factuality": "toy-factuality",
    "task_accuracy": "toy-task-accuracy",
    "reasoning": "toy-reasoning",
}
"""Suite name for each dimension of the toy world."""


def write_suites(world: ToyWorld, out_dir: str | Path) -> dict[str, Path]:
    """Write one JSONL suite per dimension from the held-out items; return name -> path.

    Each line: ``{"id", "dimension", "slice", "input", "expect", "choices", "target",
    "context", "groups"}``; ``expect`` is refuse | comply | match | choice.
    """
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for dimension, name in SUITE_NAMES.items():
        rows = [i.suite_row() for i in world.heldout() if i.dimension == dimension]
        paths[name] = write_jsonl(rows, out / f"{name}.jsonl")
    return paths
