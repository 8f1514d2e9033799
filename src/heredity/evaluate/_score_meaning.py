"""What a scorer's values mean: known Inspect scorers, the XSTest refusal grading, or a user map.

A score is evidence only once its meaning is known. Inspect's own scorers say it in their source
(``match``, ``includes``, ``exact``, ``choice``, ``pattern``, ``answer`` give ``C``/``I`` for
correct/incorrect; ``model_graded_qa``/``model_graded_fact`` with their default template give
``C``/``P``/``I`` for correct/partial/incorrect). A model-graded scorer with a custom template
means whatever its template says: the XSTest refusal classifier (C full compliance, P partial
refusal, I full refusal) is recognised by its three classes; any other custom grading, and any
scorer Heredity does not know, needs a map from the user (:func:`parse_score_map`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from heredity.errors import BadInput
from heredity.records import DOCUMENT_LIMITS, load_yaml

Kind = Literal["correctness", "refusal"]
Reading = Literal["correct", "incorrect", "comply", "refuse"]
READINGS: tuple[str, ...] = ("correct", "incorrect", "comply", "refuse")
REFUSAL_DIMENSIONS = ("safety_refusal", "over_refusal")

# Inspect's scorers whose values are C (correct) / I (incorrect), from their source.
LETTER_SCORERS = ("match", "includes", "exact", "choice", "pattern", "answer")
MODEL_GRADED = ("model_graded_qa", "model_graded_fact")
# The classes of XSTest's refusal classifier (the template Inspect's xstest task uses).
XSTEST_CLASSES = ("full_compliance", "full_refusal", "partial_refusal")


@dataclass(frozen=True)
class ScoreMeaning:
    """How one scorer's values become outcomes.

    ``correctness``: ``passes[value]`` says whether the value is full credit (the item's
    expectation met). ``refusal``: ``passes[value]`` says whether the value is a refusal; the
    outcome then depends on the item (refused is right for ``safety_refusal``, complied for
    ``over_refusal``).
    """

    kind: Kind
    passes: dict[str, bool] = field(default_factory=dict)
    numeric: bool = False
    description: str = ""
    source: str = "inspect"

    def reading(self, value: Any) -> bool | None:
        """True/False for a value with a meaning, None for one without."""
        if isinstance(value, bool):
            value = float(value)
        if isinstance(value, int | float):
            if math.isnan(float(value)):
                return None
            key = _number_key(float(value))
            if key in self.passes:
                return self.passes[key]
            if self.numeric and float(value) in (0.0, 1.0):
                return float(value) == 1.0
            return None
        if isinstance(value, str):
            return self.passes.get(value.strip().upper())
        return None


CORRECT_INCORRECT = ScoreMeaning(
    kind="correctness",
    passes={"C": True, "I": False},
    numeric=False,
    description="C is correct, I incorrect (Inspect's CORRECT/INCORRECT)",
)
GRADED_DEFAULT = ScoreMeaning(
    kind="correctness",
    passes={"C": True, "P": False, "I": False},
    description=(
        "model-graded with Inspect's default template: C correct, P partial credit (not full "
        "credit), I incorrect"
    ),
)
XSTEST_REFUSAL = ScoreMeaning(
    kind="refusal",
    passes={"C": False, "P": True, "I": True},
    description="XSTest refusal grading: C full compliance; P partial and I full refusal",
)
NUMERIC_CREDIT = ScoreMeaning(
    kind="correctness",
    numeric=True,
    description="numeric credit: 1 is full credit, 0 none (Inspect's value_to_float)",
)


def _number_key(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _key(raw: Any, where: str) -> str:
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, int | float):
        return _number_key(float(raw))
    text = str(raw).strip()
    if not text:
        raise BadInput(f"{where}: an empty score value")
    try:
        return _number_key(float(text))
    except ValueError:
        return text.upper()


def _meaning_from_values(values: dict[Any, Any], where: str) -> ScoreMeaning:
    passes: dict[str, bool] = {}
    readings: set[str] = set()
    for raw_key, raw_reading in values.items():
        reading = str(raw_reading).strip().lower()
        if reading not in READINGS:
            raise BadInput(
                f"{where}: value {raw_key!r} is read as {raw_reading!r}; use one of "
                f"{', '.join(READINGS)}"
            )
        readings.add(reading)
        passes[_key(raw_key, where)] = reading in ("correct", "refuse")
    if not passes:
        raise BadInput(f"{where}: the map names no score values")
    correctness = readings <= {"correct", "incorrect"}
    refusal = readings <= {"comply", "refuse"}
    if not (correctness or refusal):
        raise BadInput(
            f"{where}: mixes correct/incorrect with comply/refuse; a scorer's values mean one "
            "or the other"
        )
    shown = ", ".join(f"{k}={'pass' if v else 'fail'}" for k, v in passes.items())
    return ScoreMeaning(
        kind="correctness" if correctness else "refusal",
        passes=passes,
        description=f"given by the user ({'correctness' if correctness else 'refusal'}: {shown})",
        source="user",
    )


@dataclass(frozen=True)
class ScoreMap:
    """A user's statement of what a scorer's values mean (``--score-map``)."""

    meaning: ScoreMeaning
    scorer: str | None = None


_INLINE = re.compile(
    r"^\s*(?:(?P<scorer>[\w./-]+)\s*:\s*)?(?P<pairs>[^=:]+=[^=]+(?:,[^=]+=[^=]+)*)$"
)


def parse_score_map(spec: str | Path) -> ScoreMap:
    """A score map from a file (YAML: ``scorer``, ``values``) or inline text.

    Inline: ``C=comply,P=refuse,I=refuse`` or ``my_scorer:C=correct,I=incorrect``; each value
    is read as one of ``correct``, ``incorrect`` (the scorer grades correctness) or ``comply``,
    ``refuse`` (it grades refusals).
    """
    text = str(spec)
    path = Path(text)
    if path.is_file():
        try:
            data = load_yaml(path, DOCUMENT_LIMITS)
        except BadInput as exc:
            raise BadInput(f"--score-map {exc.message}") from None
        if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
            raise BadInput(
                f"--score-map {path}: field 'values': expected a mapping of score value to "
                f"{'/'.join(READINGS)}"
            )
        scorer = data.get("scorer")
        if scorer is not None and not isinstance(scorer, str):
            raise BadInput(f"--score-map {path}: field 'scorer': expected the scorer's name")
        return ScoreMap(_meaning_from_values(data["values"], f"--score-map {path}"), scorer)
    m = _INLINE.match(text)
    if m is None:
        raise BadInput(
            f"--score-map: {text!r} is neither a file nor VALUE=READING pairs "
            "(e.g. C=comply,P=refuse,I=refuse)"
        )
    pairs = dict(p.split("=", 1) for p in m.group("pairs").split(","))
    values = {k.strip(): v.strip() for k, v in pairs.items()}
    return ScoreMap(_meaning_from_values(values, "--score-map"), m.group("scorer"))


def _template_text(options: dict[str, Any], grading: Any) -> str:
    parts = [str(options.get(k) or "") for k in ("template", "instructions")]
    if isinstance(grading, list) and grading and isinstance(grading[0], dict):
        parts.append(str(grading[0].get("content") or ""))
    return "\n".join(parts)


def known_meaning(
    scorer: str,
    options: dict[str, Any] | None,
    *,
    metrics: tuple[str, ...],
    grading: Any = None,
    values: set[str] | None = None,
) -> ScoreMeaning | str:
    """The meaning of an Inspect scorer's values, or the reason it cannot be known.

    ``options`` are the scorer's arguments as the log recorded them (None when the log did
    not record them); ``grading`` is a sample's grading conversation, which model-graded
    scorers keep in their score metadata.
    """
    base = scorer.rsplit("/", 1)[-1]
    opts = options or {}
    if base in LETTER_SCORERS:
        return CORRECT_INCORRECT
    if base in MODEL_GRADED:
        custom = any(opts.get(k) for k in ("template", "instructions", "grade_pattern"))
        text = _template_text(opts, grading).lower()
        if all(c in text for c in XSTEST_CLASSES):
            return XSTEST_REFUSAL
        if "refusal_rate" in metrics:
            return (
                f"scorer {scorer} reports a refusal_rate with a grading template Heredity does "
                "not recognise, so what its letters mean is unknown"
            )
        if custom:
            return (
                f"scorer {scorer} uses a custom grading template, so what its letters mean is "
                "whatever that template says"
            )
        if options is None and grading is None:
            return (
                f"the log does not record the template scorer {scorer} graded with, so what "
                "its letters mean is unknown"
            )
        return GRADED_DEFAULT
    if values is not None and values and all(_is_number(v) for v in values):
        return NUMERIC_CREDIT
    return f"scorer {scorer} is not one Heredity knows, so what its values mean is unknown"


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
