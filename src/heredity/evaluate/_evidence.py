"""What every importer of foreign evidence returns: the items, and a report of how they were read.

An importer reads a file by its tool's own meaning, matches its samples to a suite's items (by id,
else by content), recomputes the tool's own summary numbers from what it read, and refuses when
they disagree (DESIGN.md, "Reading other tools' evidence"). The report travels with the
evaluation run into the registry, so an assessment can say how its evidence was read.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import BadInput
from heredity.evaluate._score_meaning import ScoreMap
from heredity.evaluate._suite import CHOICE_INSTRUCTION, Suite, SuiteItem, letter
from heredity.records import ItemResult

Format = Literal["heredity", "inspect", "lm-eval"]
MatchedBy = Literal["id", "content"]
# Two readings of the same numbers agree when they differ by no more than this (the tools write
# their metrics as floats computed in a different order).
AGREEMENT_TOLERANCE = 1e-6


class CrossCheck(BaseModel):
    """One of the tool's own summary numbers, recomputed from the items Heredity read."""

    model_config = ConfigDict(extra="forbid")

    metric: str = Field(description="the tool's name for it (accuracy, refusal_rate, acc,none)")
    tool: float = Field(description="what the tool wrote in the file")
    heredity: float = Field(description="the same number computed from Heredity's reading")
    agrees: bool
    reading: str = Field(description="how Heredity's number was computed")


class ImportReport(BaseModel):
    """How a file was read: tool, scorer and its meaning, completeness, matching, cross-checks."""

    model_config = ConfigDict(extra="forbid")

    format: Format
    source: str
    tool: str | None = Field(None, description="tool and version that wrote the file")
    task: str | None = None
    model: str | None = Field(None, description="the model as the file names it")
    scorer: str | None = None
    meaning: str = Field(description="what a score means, in words")
    samples: int = Field(0, description="samples in the file (every epoch)")
    items: int = Field(0, description="items imported")
    unscored: int = 0
    errors: int = 0
    status: str | None = Field(None, description="the tool's status of the run (success, ...)")
    partial: bool = Field(False, description="incomplete evidence accepted with allow_partial")
    matched: dict[str, int] = Field(
        default_factory=dict, description="items matched to the suite by id / by content"
    )
    checks: list[CrossCheck] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """How to read an evidence file where the file alone does not say.

    ``dimension``: for items that name none. ``allow_partial``: accept incomplete evidence (the
    report says so). Inspect logs: ``score_map`` says what a scorer's values mean, ``scorer``
    picks one of several. lm-eval samples: ``metric`` is the per-sample metric that is the
    outcome, ``lm_filter`` one of several filters, ``results`` lm-eval's results file when it
    is not beside the samples.
    """

    dimension: str | None = None
    allow_partial: bool = False
    score_map: ScoreMap | None = None
    scorer: str | None = None
    metric: str | None = None
    lm_filter: str | None = None
    results: str | Path | None = None

    def reading(self) -> dict[str, Any]:
        """What distinguishes one reading of a file from another (for cache keys)."""
        return {
            "dimension": self.dimension,
            "allow_partial": self.allow_partial,
            "score_map": self.score_map.meaning.description if self.score_map else None,
            "scorer": self.scorer,
            "metric": self.metric,
            "filter": self.lm_filter,
        }


@dataclass
class ImportedEvidence:
    """Items read from a file and the report of how they were read."""

    items: list[ItemResult]
    report: ImportReport


# -- matching samples to suite items by content ---------------------------------------------


def _norm_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def content_key(prompt: str, choices: Sequence[str] | None = None) -> str:
    """A digest of an item's content: its prompt and its set of choices, normalised.

    Whitespace and case are folded and the choices are taken as a set (tools order them
    differently), so the same question asked by two tools gets the same key whatever ids and
    option order each gave it.
    """
    h = hashlib.sha256(_norm_text(prompt).encode("utf-8"))
    for choice in sorted(_norm_text(c) for c in choices or ()):
        h.update(b"\x1f" + choice.encode("utf-8"))
    return "sha256:" + h.hexdigest()


def question_of(item: SuiteItem) -> str:
    """The question of a choice item without the lettered options Heredity renders into it."""
    if not item.choices:
        return item.input
    options = "\n".join(f"{letter(i)}) {c}" for i, c in enumerate(item.choices))
    suffix = f"\n{options}\n{CHOICE_INSTRUCTION}"
    return item.input[: -len(suffix)] if item.input.endswith(suffix) else item.input


@dataclass
class SuiteIndex:
    """A suite's items by id and by content key, for matching imported samples to them."""

    suite: Suite | None
    by_id: dict[str, SuiteItem] = field(default_factory=dict)
    by_content: dict[str, SuiteItem | None] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=lambda: {"id": 0, "content": 0})

    @classmethod
    def of(cls, suite: Suite | None) -> SuiteIndex:
        index = cls(suite=suite)
        if suite is None:
            return index
        index.by_id = suite.by_id()
        for item in suite.items:
            keys = {content_key(item.input, item.choices)}
            if item.choices:
                keys.add(content_key(question_of(item), item.choices))
            for key in keys:
                # Two items with the same content cannot be told apart: None marks the key.
                index.by_content[key] = None if key in index.by_content else item
        return index

    def find(
        self,
        sample_id: str | None,
        prompts: Iterable[str],
        choices: Sequence[str] | None = None,
    ) -> tuple[SuiteItem | None, MatchedBy | None]:
        """The suite item a sample answers: the same id with the same content, else the same
        content. An id that names an item with other content is not a match (tools number
        their samples 1..N)."""
        texts = [p for p in prompts if p]
        keys = {content_key(p, choices) for p in texts}
        if choices:
            keys |= {content_key(p) for p in texts}
        if sample_id is not None and sample_id in self.by_id:
            item = self.by_id[sample_id]
            own = {content_key(item.input, item.choices), content_key(item.input)}
            if item.choices:
                own |= {
                    content_key(question_of(item), item.choices),
                    content_key(question_of(item)),
                }
            if not texts or own & keys:
                self.matched["id"] += 1
                return item, "id"
        for key in keys:
            hit = self.by_content.get(key)
            if hit is not None:
                self.matched["content"] += 1
                return hit, "content"
        return None, None


# -- cross-checks ----------------------------------------------------------------------------


def cross_check(metric: str, tool: Any, heredity: float, reading: str) -> CrossCheck | None:
    """Compare one tool number with Heredity's; None when the tool wrote no usable number."""
    if isinstance(tool, bool) or not isinstance(tool, int | float) or math.isnan(float(tool)):
        return None
    agrees = abs(float(tool) - heredity) <= AGREEMENT_TOLERANCE
    return CrossCheck(
        metric=metric, tool=float(tool), heredity=heredity, agrees=agrees, reading=reading
    )


def refuse_disagreement(source: str, checks: Sequence[CrossCheck]) -> None:
    """Raise when any recomputed number differs from the tool's own, naming both."""
    bad = [c for c in checks if not c.agrees]
    if not bad:
        return
    raise BadInput(
        f"{source}: Heredity's reading disagrees with the tool's own summary, so it is not used",
        details=[
            f"{c.metric}: the file says {c.tool:.6g}, Heredity's reading gives {c.heredity:.6g} "
            f"({c.reading})"
            for c in bad
        ],
    )


def share(values: Iterable[float]) -> float:
    """Mean of the values (0.0 for none)."""
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def dimension_of(
    source: str,
    where: str,
    sample_dimension: str | None,
    suite_item: SuiteItem | None,
    dimension: str | None,
) -> str:
    """The dimension of an imported item: the file's, the suite's, else the caller's fallback."""
    dim = sample_dimension or (suite_item.dimension if suite_item else None) or dimension
    if not dim:
        raise BadInput(
            f"{source} {where}: no dimension: pass --dimension (e.g. task_accuracy, "
            "safety_refusal) or a --suite that holds the item"
        )
    return dim
