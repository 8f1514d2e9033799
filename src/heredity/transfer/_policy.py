"""Threshold policies: versioned data files that turn figures into verdicts (4.2, 4.6)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from heredity.errors import BadInput
from heredity.records import canonical_json, load_mapping, validate

POLICY_DIR = Path(__file__).parent / "policies"
DEFAULT_POLICY = "default"

Metric = Literal["proportion", "bias_score", "ece"]
#: The readable-answer floor of a bias rule that names none (docs/transfer.md, "Unreadable answers").
DEFAULT_MIN_READABLE = 0.9
_DIMENSION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_POLICY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$")


class ThresholdRule(BaseModel):
    """How much a dimension may degrade before it is a breach.

    ``proportion`` metrics (higher is better) may *drop*; ``bias_score`` (its magnitude) and
    ``ece`` may *grow*. ``mode: absolute`` reads ``limit`` in the metric's own units (0.05 =
    5 percentage points); ``mode: relative`` reads it as a share of the teacher's value, and
    ``floor`` is the smallest tolerance ever used, so a near-zero teacher cannot turn noise
    into a breach. ``min_readable`` (bias only) is the share of each model's answers, per
    context, that must be readable for the bias score to count as evidence.
    """

    model_config = ConfigDict(extra="forbid")

    metric: Metric = "proportion"
    mode: Literal["absolute", "relative"] = "absolute"
    limit: float = Field(ge=0.0, le=1.0)
    floor: float = Field(0.0, ge=0.0, le=1.0)
    min_readable: float | None = Field(None, ge=0.0, le=1.0)
    note: str | None = None

    @model_validator(mode="after")
    def _default_floor(self) -> ThresholdRule:
        if self.metric == "bias_score" and self.min_readable is None:
            self.min_readable = DEFAULT_MIN_READABLE
        return self

    @property
    def direction(self) -> Literal["drop", "growth"]:
        """``drop`` when higher is better, ``growth`` when lower is better."""
        return "drop" if self.metric == "proportion" else "growth"

    def tolerance(self, teacher_value: float) -> float:
        """The largest degradation (in metric units) this rule tolerates against a teacher."""
        if self.mode == "absolute":
            return max(self.limit, self.floor)
        base = abs(teacher_value) if self.metric == "bias_score" else teacher_value
        return max(self.limit * max(base, 0.0), self.floor)


class Bootstrap(BaseModel):
    """Settings of every bootstrap the assessment runs (fixed seed: results are repeatable)."""

    model_config = ConfigDict(extra="forbid")

    resamples: int = Field(2000, ge=200, le=100_000)
    seed: int = Field(0, ge=0)


class Policy(BaseModel):
    """A threshold policy: one rule per dimension, the statistical settings, an id and a version."""

    model_config = ConfigDict(extra="forbid")

    id: str
    version: str
    title: str | None = None
    description: str | None = None
    confidence: float = Field(0.95, ge=0.5, lt=1.0)
    power: float = Field(0.80, gt=0.0, lt=1.0)
    min_items: int = Field(10, ge=1)
    bootstrap: Bootstrap = Field(default_factory=lambda: Bootstrap(resamples=2000, seed=0))
    calibration_bins: int = Field(10, ge=2, le=100)
    calibration_warn_below: int = Field(300, ge=0)
    dimensions: dict[str, ThresholdRule]
    default_rule: ThresholdRule | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _POLICY_ID.match(value):
            raise ValueError("must be letters, digits, '.', '_' or '-'")
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return str(value)
        return value

    @field_validator("version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _check_dimensions(self) -> Policy:
        problems: list[str] = []
        if not self.dimensions:
            problems.append("dimensions: must name at least one dimension")
        for name, rule in self.dimensions.items():
            if not _DIMENSION_NAME.match(name):
                problems.append(f"dimensions.{name}: not a dimension id (lower-case, digits, '_')")
            elif name == "calibration" and rule.metric != "ece":
                problems.append("dimensions.calibration.metric: calibration is measured as ece")
            elif name != "calibration" and rule.metric == "ece":
                problems.append(f"dimensions.{name}.metric: ece is only valid for calibration")
            if rule.metric != "bias_score" and rule.min_readable is not None:
                problems.append(
                    f"dimensions.{name}.min_readable: only bias_score rules have a readable floor"
                )
        if self.default_rule is not None and self.default_rule.metric != "proportion":
            problems.append("default_rule.metric: the default rule must be a proportion rule")
        if self.default_rule is not None and self.default_rule.min_readable is not None:
            problems.append(
                "default_rule.min_readable: only bias_score rules have a readable floor"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def ref(self) -> str:
        """``id@version``, as written into every assessment."""
        return f"{self.id}@{self.version}"

    def digest(self) -> str:
        """sha256 of the policy's canonical JSON: pins the exact thresholds an assessment used.

        A rule without a readable floor (every rule but bias) is written as it was before the
        floor existed, so those policies keep their digests.
        """
        data = self.model_dump(mode="json")
        rules = [*data["dimensions"].values(), data["default_rule"]]
        for rule in rules:
            if isinstance(rule, dict) and rule.get("min_readable") is None:
                rule.pop("min_readable", None)
        text = canonical_json(data)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def rule_for(self, dimension: str) -> ThresholdRule:
        """The rule of a dimension, else the default rule; BadInput when neither exists."""
        rule = self.dimensions.get(dimension, self.default_rule)
        if rule is None:
            raise BadInput(
                f"policy {self.ref}: no threshold for dimension '{dimension}' and no default_rule"
            )
        return rule


def available_threshold_policies() -> list[str]:
    """Names of the policies shipped with Heredity."""
    return sorted(p.stem for p in POLICY_DIR.glob("*.yaml"))


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml", ".json"))


def load_policy(name_or_path: str | Path | Policy | None = None) -> Policy:
    """Load a shipped policy by name (``default``) or a policy file by path.

    A malformed file raises BadInput (ValidationFailed) whose details name every bad field.
    """
    if isinstance(name_or_path, Policy):
        return name_or_path
    if name_or_path is None:
        name_or_path = DEFAULT_POLICY
    text = str(name_or_path)
    shipped = POLICY_DIR / f"{text}.yaml"
    if isinstance(name_or_path, Path) or _looks_like_path(text):
        path = Path(name_or_path)
    elif shipped.is_file():
        path = shipped
    elif Path(text).is_file():
        path = Path(text)
    else:
        known = ", ".join(available_threshold_policies())
        raise BadInput(f"unknown policy '{text}' (shipped policies: {known})")
    data = load_mapping(path)
    return validate(Policy, data, f"policy {path}")
