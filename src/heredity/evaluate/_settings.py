"""Generation settings of an evaluation run, and the hashes that key its cache."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from heredity.records import canonical_json


class EvalSettings(BaseModel):
    """How a model is run on a suite. Greedy by default so teacher and student runs are comparable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_tokens: int = Field(64, ge=1, le=32768, description="maximum new tokens per answer")
    temperature: float = Field(
        0.0, ge=0.0, description="sent to API models; local models are greedy"
    )
    do_sample: bool = Field(
        False, description="local (hf) models: sample instead of greedy decoding"
    )
    seed: int = 0
    device: str = Field("cpu", description="device for local models")
    grader: str | None = Field(None, description="Inspect model string bound to the grader role")
    logprobs: bool | None = Field(
        None,
        description="request logprobs (confidence of choice answers); None: on for local models",
    )
    max_connections: int | None = Field(
        None,
        ge=1,
        description="concurrency / local batch size; None: local models take the whole suite "
        "in as few equal batches as fit (at most 64 items each)",
    )

    def resolved(self, *, local: bool) -> EvalSettings:
        """The settings with automatic values decided (these are what the hash covers)."""
        if self.logprobs is None:
            return self.model_copy(update={"logprobs": local})
        return self

    def digest(self) -> str:
        """``sha256:`` of the canonical settings."""
        return "sha256:" + hashlib.sha256(canonical_json(self.model_dump()).encode()).hexdigest()


def cache_key(model_identity: str, suite_digest: str, settings_hash: str) -> str:
    """Key of a stored evaluation: weights digest (or model string), suite digest, settings."""
    data: dict[str, Any] = {
        "model": model_identity,
        "suite": suite_digest,
        "settings": settings_hash,
    }
    return "eval:" + hashlib.sha256(canonical_json(data).encode()).hexdigest()
