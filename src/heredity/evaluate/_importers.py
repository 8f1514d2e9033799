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
from heredity.records import ItemResult, field_problems

MAX_RESULTS_BYTES = 2 * 1024 * 1024 * 1024
_CONTEXTS = ("ambiguous", "disambiguated")
_LM_EVAL_METRICS = ("acc", "exact_match", "acc_norm", "em", "correct")
_ZIP_MAGIC = b"PK\x03\x04"


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("r", encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.strip():
                yield n, raw


def detect_format(path: str | Path) -> Format:
    """Which results format a file holds, from its content (not its name)."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such results file")
    with p.open("rb") as fh:
        head = fh.read(4)
    if head == _ZIP_MAGIC:
        return "inspect"
    if p.suffix == ".eval":
        raise BadInput(f"{p}: not a readable Inspect log (an .eval log is a zip archive)")
    try:
        first = next(_lines(p), None)
    except UnicodeDecodeError:
        raise BadInput(f"{p}: not UTF-8 text, nor an Inspect .eval log") from None
    if first is None:
        raise BadInput(f"{p}: empty results file")
    n, raw = first
    if raw.lstrip().startswith(("{", "[")) and raw.strip() in ("{", "["):
        # A pretty-printed JSON document (Inspect's .json logs, lm-eval's results files).
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise BadInput(f"{p} line {exc.lineno}: not valid JSON ({exc.msg})") from None
        return _document_format(p, data)
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError:
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise BadInput(f"{p} line {n}: not valid JSON ({exc.msg})") from None
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
    if p.stat().st_size > MAX_RESULTS_BYTES:
        raise BadInput(f"{p}: larger than the {MAX_RESULTS_BYTES} byte limit")
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
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{p} line {n}: not valid JSON ({exc.msg})") from None
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
    """Write results as Heredity's plain JSONL (unset optional fields left out)."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for item in items:
            fh.write(json.dumps(item.model_dump(mode="json", exclude_none=True)) + "\n")


def results_from_log(
    log: Any,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    source: str | None = None,
) -> list[ItemResult]:
    """Per-item results from an Inspect ``EvalLog`` (see :func:`evidence_from_log`)."""
    return evidence_from_log(log, suite=suite, dimension=dimension, source=source).items
