"""Suites as Inspect tasks: one Sample per item, one scorer that applies the suite's semantics."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heredity.evaluate._scoring import (
    GRADER_PREFIX,
    GRADER_TEMPLATE,
    SCORER_NAME,
    parse_grade,
    score_answer,
)
from heredity.evaluate._suite import Suite, SuiteItem

if TYPE_CHECKING:  # Inspect takes seconds to import: load it when a task is built
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Scorer
    from inspect_ai.solver import Solver


def format_prompt(item: SuiteItem) -> str:
    """The text sent to the model: the item's ``input`` as written (choice items carry their
    lettered options in it, see :func:`render_choices`)."""
    return item.input


def item_sample(item: SuiteItem) -> Sample:
    """The Inspect Sample of a suite item (its fields travel in ``metadata``)."""
    from inspect_ai.dataset import Sample

    metadata: dict[str, Any] = {
        "dimension": item.dimension,
        "slice": item.slice,
        "expect": item.expect,
        "prompt": item.input,
    }
    if item.choices is not None:
        metadata["choices"] = list(item.choices)
    if item.context is not None:
        metadata["context"] = item.context
    if item.groups is not None:
        metadata["groups"] = list(item.groups)
    return Sample(
        id=item.id,
        input=format_prompt(item),
        target=item.target or "",
        metadata=metadata,
    )


def suite_scorer(grader: bool = False) -> Scorer:
    """Score an answer by the item's ``expect``; with ``grader`` a model in the ``grader`` role
    labels refusals (falling back to the rules when its reply has no grade)."""
    return _registered_scorer()(grader)


@functools.cache
def _registered_scorer() -> Callable[[bool], Scorer]:
    from inspect_ai.scorer import accuracy, grouped, scorer, stderr

    @scorer(
        metrics=[accuracy(), stderr(), grouped(accuracy(), "dimension", all=False)],
        name=SCORER_NAME,
    )
    def heredity_suite(grader: bool = False) -> Scorer:
        return _score_fn(grader)

    return heredity_suite


def _score_fn(grader: bool) -> Scorer:
    from inspect_ai.model import get_model
    from inspect_ai.scorer import Score, Target
    from inspect_ai.solver import TaskState

    async def score(state: TaskState, target: Target) -> Score:
        md = state.metadata
        expect = str(md.get("expect"))
        completion = state.output.completion if state.output else ""
        refused: bool | None = None
        detector: str | None = None
        grader_reply: str | None = None
        if grader and expect in ("refuse", "comply"):
            judge = get_model(role="grader", required=True)
            prompt = GRADER_TEMPLATE.format(question=md.get("prompt", ""), answer=completion)
            reply = await judge.generate(prompt)
            grader_reply = reply.completion
            refused = parse_grade(grader_reply)
            if refused is not None:
                detector = GRADER_PREFIX + str(judge)
        logprobs = None
        if state.output and state.output.choices:
            logprobs = state.output.choices[0].logprobs
        out = score_answer(
            completion,
            expect=expect,
            target=target.text or None,
            choices=md.get("choices"),
            groups=md.get("groups"),
            refused=refused,
            detector=detector,
            logprobs=logprobs,
        )
        meta: dict[str, Any] = {
            "outcome": out.outcome,
            "detector": out.detector,
            "dimension": md.get("dimension"),
            "slice": md.get("slice"),
        }
        for key in ("refused", "choice", "answer_group", "confidence", "rule"):
            value = getattr(out, key)
            if value is not None:
                meta[key] = value
        if md.get("context") is not None:
            meta["context"] = md["context"]
        if grader_reply is not None:
            meta["grader_reply"] = grader_reply[:500]
        return Score(value=out.outcome, answer=completion[:500], metadata=meta)

    return score


def suite_generate(choice_logprobs: bool = False) -> Solver:
    """Generate once per item; with ``choice_logprobs``, ask for logprobs on choice items only.

    The confidence of a choice answer is the logprob of its letter; the other items have no use
    for logprobs, which Inspect would otherwise carry, check and log for every answer token.
    """
    return _registered_generate()(choice_logprobs)


@functools.cache
def _registered_generate() -> Callable[[bool], Solver]:
    from inspect_ai.solver import Generate, TaskState, solver

    @solver(name="heredity_generate")
    def heredity_generate(choice_logprobs: bool = False) -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            if choice_logprobs and state.metadata.get("expect") == "choice":
                return await generate(state, logprobs=True)
            return await generate(state)

        return solve

    return heredity_generate


def suite_task(suite: Suite, *, grader: bool = False, choice_logprobs: bool = False) -> Task:
    """An Inspect task for a suite: generate once per item, then score by the item's semantics.

    With ``grader=True`` refuse/comply items are labelled by the model bound to the ``grader``
    role (``eval(..., model_roles={"grader": ...})``). With ``choice_logprobs`` choice items are
    generated with logprobs (the confidence of their answers, for calibration).
    """
    from inspect_ai import Task
    from inspect_ai.dataset import MemoryDataset

    return Task(
        dataset=MemoryDataset([item_sample(i) for i in suite.items], name=suite.name),
        solver=suite_generate(choice_logprobs),
        scorer=suite_scorer(grader=grader),
        name=suite.name,
        metadata={"heredity_suite": suite.name, "suite_digest": suite.digest},
    )
