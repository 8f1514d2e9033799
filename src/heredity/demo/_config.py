"""Sizes of the demo: the full run of ``make demo`` and the smaller one the tests run."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DemoConfig(BaseModel):
    """How much training and evaluation the demo does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    world_seed: int = 0
    teacher_epochs: float = Field(20.0, gt=0)
    fluent_epochs: float = Field(20.0, gt=0)
    student_steps: int = Field(220, gt=0, description="optimisation steps of each student")
    student_seed: int = Field(1, description="seed of the Scenario A students")
    max_tokens: int = Field(24, gt=0, description="generation length in evaluations")
    items_per_suite: int | None = Field(None, gt=0, description="cap on held-out items per suite")
    threads: int = Field(1, gt=0)


FULL = DemoConfig()
# The tests' configuration: a shorter-trained teacher and 40 held-out items per dimension; the
# students keep their full training (fewer steps and they do not learn the tasks at all).
QUICK = DemoConfig(teacher_epochs=14.0, fluent_epochs=6.0, items_per_suite=40)
