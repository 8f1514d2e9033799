"""Sizes of the demo: the full run of ``make demo`` and the quick smoke run of the default tests."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DemoConfig(BaseModel):
    """How much training and evaluation the demo does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    world_seed: int = 0
    teacher_epochs: float = Field(20.0, gt=0)
    fluent_epochs: float = Field(10.0, gt=0)
    student_steps: int = Field(400, gt=0, description="optimisation steps of each student")
    student_seed: int = Field(1, description="seed of the students")
    max_tokens: int = Field(
        10, gt=0, description="generation length in evaluations (what scoring reads of an answer)"
    )
    items_per_suite: int | None = Field(None, gt=0, description="cap on held-out items per suite")
    examples_cap: int | None = Field(
        None, gt=0, description="cap on each transfer set (a seeded sample, in order)"
    )
    threads: int = Field(1, gt=0, description="CPU threads of each worker process")


FULL = DemoConfig()
"""What ``make demo`` runs: models trained until they learn the world, every held-out item."""

QUICK = DemoConfig(
    teacher_epochs=1.0,
    fluent_epochs=1.0,
    student_steps=4,
    max_tokens=8,
    items_per_suite=5,
    examples_cap=256,
)
"""The default tests' smoke run: every step of the narrative, on barely trained models and
five items per dimension (its outcomes mean nothing; ``-m slow`` checks the full run's)."""
