"""Evidence from elsewhere: Heredity results JSONL, Inspect logs and lm-eval ``--log_samples``.

One entry point, :func:`import_evidence`, detects the format from the file's content and hands
it to the reader of that tool's meaning; each returns the items and a report of how they were
read (:class:`~heredity.evaluate.ImportedEvidence`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from heredity.errors import BadInput
from heredity.evaluate._evidence import Format, ImportedEvidence, ImportReport, ReadOptions
from heredity.evaluate._inspect_log import evidence_from_log, read_inspect
from heredity.evaluate._lm_eval import read_lm_eval
from heredity.evaluate._suite import Suite
from heredity.files import write_file
from heredity.records import (
    RESULTS_LIMITS,
    ItemResult,
    field_problems,
    iter_lines,
    load_json,
    parse_json,
)

#: Results files: JSONL streamed up to this size (one line at most ``RESULTS_LIMITS.max_line_bytes``),
#: a file that is one JSON document up to ``RESULTS_LIMITS.max_document_bytes``.
MAX_RESULTS_BYTES = RESULTS_LIMITS.max_bytes
_CONTEXTS = ("ambiguous", "disambiguated")
_LM_EVAL_METRICS = ("acc", "exact_match", "acc_norm", "em", "correct")
_ZIP_MAGIC = b"PK\x03\x04"


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Non-blank lines, streamed within :data:`RESULTS_LIMITS` (not UTF-8: BadInput)."""
    for n, raw in iter_lines(path, RESULTS_LIMITS, bom=True):
        if raw.strip():
            yield n, raw


def detect_format(path: str | Path) -> Format:
    """Which results format a file holds, from its content (not its name)."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such results file")
    size = p.stat().st_size
    if size > MAX_RESULTS_BYTES:
        raise BadInput(
            f"{p}: {size} bytes is larger than the {MAX_RESULTS_BYTES} byte limit for a results file"
        )
    with p.open("rb") as fh:
        head = fh.read(4)
    if head == _ZIP_MAGIC:
        return "inspect"
    if p.suffix == ".eval":
        raise BadInput(f"{p}: not a readable Inspect log (an .eval log is a zip archive)")
    first = next(_lines(p), None)
    if first is None:
        raise BadInput(f"{p}: empty results file")
    n, raw = first
    if raw.lstrip().startswith(("{", "[")) and raw.strip() in ("{", "["):
        # A pretty-printed JSON document (Inspect's .json logs, lm-eval's results files).
        return _document_format(p, load_json(p, RESULTS_LIMITS, finite=False))
    try:
        obj = parse_json(raw, str(p), RESULTS_LIMITS, line=n, finite=False)
    except BadInput as exc:
        if "not valid JSON" not in exc.message:
            raise
        try:
            data = load_json(p, RESULTS_LIMITS, finite=False)
        except BadInput as whole:
            if "not valid JSON" not in whole.message:
                raise
            raise exc from None
        return _document_format(p, data)
    if isinstance(obj, dict) and ("eval" in obj and "status" in obj):
        return "inspect"
    if isinstance(obj, dict) and "doc_id" in obj:
        return "lm-eval"
    if isinstance(obj, dict) and "outcome" in obj:
        return "heredity"
    if isinstance(obj, list):
        return _document_format(p, obj)
    if isinstance(obj, dict) and "results" in obj and "configs" in obj:
        _lm_eval_results_file(p)
    raise BadInput(
        f"{p} line {n}: not a Heredity result (no 'outcome'), an lm-eval sample (no 'doc_id') "
        "nor an Inspect log"
    )


def _lm_eval_results_file(p: Path) -> None:
    raise BadInput(
        f"{p}: this is lm-eval's results summary; import the per-sample file it wrote beside it "
        "(samples_<task>_<date>.jsonl, from lm-eval --log_samples)"
    )


def _document_format(p: Path, data: Any) -> Format:
    if isinstance(data, dict) and "eval" in data and "status" in data:
        return "inspect"
    if isinstance(data, list) and data and isinstance(data[0], dict) and "doc_id" in data[0]:
        return "lm-eval"
    if isinstance(data, dict) and "results" in data and "configs" in data:
        _lm_eval_results_file(p)
    raise BadInput(f"{p}: JSON that is neither an Inspect log nor a list of lm-eval samples")


def import_evidence(
    path: str | Path,
    *,
    suite: Suite | None = None,
    options: ReadOptions | None = None,
    **fields: Any,
) -> ImportedEvidence:
    """Read per-item results from any supported file, with the report of how they were read.

    ``suite`` supplies dimension, slice, context and answer groups that foreign logs lack
    (matched by id and content). ``options`` (or its fields as keywords: ``dimension``,
    ``allow_partial``, ``score_map``, ``scorer``, ``metric``, ``lm_filter``, ``results``) say
    what the file alone does not (:class:`ReadOptions`).
    """
    opts = options or ReadOptions()
    if fields:
        try:
            opts = dataclasses.replace(opts, **fields)
        except TypeError as exc:
            raise TypeError(f"import_evidence: {exc}") from None
    p = Path(path)
    fmt = detect_format(p)
    if fmt != "lm-eval" and (opts.metric or opts.lm_filter or opts.results):
        raise BadInput(f"{p}: --metric, --filter and --results apply to lm-eval samples")
    if fmt == "heredity":
        items = read_results(p)
        return ImportedEvidence(
            items=items,
            report=ImportReport(
                format="heredity",
                source=str(p),
                tool="heredity",
                meaning="Heredity results: outcome 1 when the model did what the item expects",
                items=len(items),
                samples=len(items),
            ),
        )
    if fmt == "inspect":
        return read_inspect(
            p,
            suite=suite,
            dimension=opts.dimension,
            allow_partial=opts.allow_partial,
            score_map=opts.score_map,
            scorer=opts.scorer,
        )
    if opts.score_map is not None or opts.scorer is not None:
        raise BadInput(f"{p}: --score-map and --scorer apply to Inspect logs, not lm-eval samples")
    return read_lm_eval(
        p,
        suite=suite,
        dimension=opts.dimension,
        allow_partial=opts.allow_partial,
        metric=opts.metric,
        filter=opts.lm_filter,
        results=opts.results,
    )


def import_results(
    path: str | Path, *, suite: Suite | None = None, **fields: Any
) -> list[ItemResult]:
    """The items of :func:`import_evidence` (without its report)."""
    return import_evidence(path, suite=suite, **fields).items


def read_results(path: str | Path) -> list[ItemResult]:
    """Heredity's plain results JSONL: one :class:`ItemResult` object per line."""
    p = Path(path)
    out: list[ItemResult] = []
    seen: dict[str, int] = {}
    for n, raw in _lines(p):
        data = parse_json(raw, str(p), RESULTS_LIMITS, line=n)
        try:
            item = ItemResult.model_validate(data)
        except ValidationError as exc:
            problem = field_problems(exc)[0]
            raise BadInput(f"{p} line {n}: field '{problem.path}': {problem.message}") from None
        if item.id in seen:
            raise BadInput(f"{p} line {n}: field 'id': {item.id!r} already on line {seen[item.id]}")
        seen[item.id] = n
        out.append(item)
    if not out:
        raise BadInput(f"{p}: no results")
    return out


def write_results(items: list[ItemResult], path: str | Path) -> None:
    """Write results as Heredity's plain JSONL (unset optional fields left out; never through a
    symbolic link)."""
    write_file(
        path, [json.dumps(i.model_dump(mode="json", exclude_none=True)) + "\n" for i in items]
    )


def results_from_log(
    log: Any,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    source: str | None = None,
) -> list[ItemResult]:
    """Per-item results from an Inspect ``EvalLog`` (see :func:`evidence_from_log`)."""
    return evidence_from_log(log, suite=suite, dimension=dimension, source=source).items
