"""Public benchmarks in their published formats, read by each benchmark's own rules.

Nothing is downloaded: point a loader at a file you already have (and whose licence you have
checked). Each returns a :class:`Suite` whose ``notes`` (and description) say what was read and
what was flagged or left out. The rules are in the modules: XSTest in ``_xstest``, BBQ in
``_bbq``, TruthfulQA in ``_truthfulqa``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from heredity.errors import BadInput
from heredity.evaluate._bbq import (
    BBQ_INTERSECTIONAL,
    BBQ_UNKNOWN,
    BbqTarget,
    bbq_groups,
    bbq_target,
    load_bbq,
    load_bbq_files,
)
from heredity.evaluate._suite import Suite
from heredity.evaluate._truthfulqa import load_truthfulqa, truthfulqa_id
from heredity.evaluate._upstream import BENCHMARKS
from heredity.evaluate._xstest import load_xstest

__all__ = [
    "BBQ_INTERSECTIONAL",
    "BBQ_UNKNOWN",
    "BENCHMARKS",
    "BbqTarget",
    "bbq_groups",
    "bbq_target",
    "import_benchmark",
    "load_bbq",
    "load_truthfulqa",
    "load_xstest",
    "truthfulqa_id",
]


def import_benchmark(kind: str, files: Sequence[str | Path], *, name: str | None = None) -> Suite:
    """A suite from a benchmark's published file(s): ``kind`` is xstest, bbq or truthfulqa.

    BBQ takes one or more category files (one suite, sliced by category); XSTest and TruthfulQA
    take one file. Raises BadInput naming the file, line and field on bad input.
    """
    if kind not in BENCHMARKS:
        raise BadInput(f"benchmark {kind!r}: expected one of {', '.join(BENCHMARKS)}")
    if not files:
        raise BadInput(f"{kind}: no file given")
    suite_name = name or kind
    if kind == "bbq":
        return load_bbq_files(list(files), name=suite_name)
    if len(files) != 1:
        raise BadInput(
            f"{kind}: give one file ({len(files)} given); each {kind} file is a whole benchmark "
            "version, and versions share their questions"
        )
    if kind == "xstest":
        return load_xstest(files[0], name=suite_name)
    return load_truthfulqa(files[0], name=suite_name)
