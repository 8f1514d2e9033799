"""Per-item evaluation results: the plain results format every evaluation reduces to."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Dimension = Literal[
    "safety_refusal",
    "over_refusal",
    "bias",
    "factuality",
    "task_accuracy",
    "reasoning",
    "calibration",
    "agreement",
]
ITEM_DIMENSIONS: tuple[str, ...] = (
    "safety_refusal",
    "over_refusal",
    "bias",
    "factuality",
    "task_accuracy",
    "reasoning",
)
"""Dimensions a suite item can measure directly."""
DIMENSIONS: tuple[str, ...] = (*ITEM_DIMENSIONS, "calibration", "agreement")
"""Every dimension of a transfer assessment (calibration and agreement are derived)."""


class ItemResult(BaseModel):
    """One item of one model's run: ``outcome`` is 1 when the model did what the suite expects."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1)
    dimension: str = Field(min_length=1)
    slice: str = "all"
    outcome: Literal[0, 1]
    confidence: float | None = Field(None, ge=0.0, le=1.0)
    context: Literal["ambiguous", "disambiguated"] | None = None
    answer_group: Literal["biased", "anti_biased", "unknown"] | None = None
    answer: str | None = Field(None, description="the model's answer or a short excerpt")
    detector: str | None = Field(
        None, description="which detector labelled it (rules, grader:MODEL)"
    )
