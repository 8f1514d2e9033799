"""Evidence from elsewhere: Heredity results JSONL, Inspect logs and lm-eval ``--log_samples``.

One entry point, :func:`import_evidence`, detects the format from the file's content and hands
it to the reader of that tool's meaning; each returns the items and a report of how they were
read (:class:`~heredity.evaluate.Evidence`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from heredity.errors import BadInput
from heredity.evaluate._evidence import Evidence, Format, ImportReport
from heredity.evaluate._inspect_log import evidence_from_log, read_inspect
from heredity.evaluate._score_meaning import ScoreMap
from heredity.evaluate._suite import Suite, SuiteItem, letter_index
from heredity.records import ItemResult

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
    dimension: str | None = None,
    allow_partial: bool = False,
    score_map: ScoreMap | None = None,
    scorer: str | None = None,
) -> Evidence:
    """Read per-item results from any supported file, with the report of how they were read.

    ``suite`` supplies dimension, slice, context and answer groups that foreign logs lack
    (matched by id and content); ``dimension`` is the fallback when neither the file nor the
    suite has one. ``allow_partial`` accepts incomplete evidence (and says so in the report);
    ``score_map`` says what a scorer's values mean when Heredity cannot know; ``scorer`` picks
    one scorer of an Inspect log that has several.
    """
    p = Path(path)
    fmt = detect_format(p)
    if p.stat().st_size > MAX_RESULTS_BYTES:
        raise BadInput(f"{p}: larger than the {MAX_RESULTS_BYTES} byte limit")
    if fmt == "heredity":
        items = read_results(p)
        return Evidence(
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
            dimension=dimension,
            allow_partial=allow_partial,
            score_map=score_map,
            scorer=scorer,
        )
    if score_map is not None or scorer is not None:
        raise BadInput(f"{p}: --score-map and --scorer apply to Inspect logs, not lm-eval samples")
    return _lm_eval(p, suite=suite, dimension=dimension, allow_partial=allow_partial)


def import_results(
    path: str | Path,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    allow_partial: bool = False,
    score_map: ScoreMap | None = None,
    scorer: str | None = None,
) -> list[ItemResult]:
    """The items of :func:`import_evidence` (without its report)."""
    return import_evidence(
        path,
        suite=suite,
        dimension=dimension,
        allow_partial=allow_partial,
        score_map=score_map,
        scorer=scorer,
    ).items


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
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err.get("loc", ())) or "(line)"
            msg = "required field is missing" if err.get("type") == "missing" else err.get("msg")
            raise BadInput(f"{p} line {n}: field '{loc}': {msg}") from None
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


def _outcome(value: Any) -> int | None:
    """Full credit -> 1, anything less -> 0 (C/I letters, booleans, numbers)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return int(value >= 1.0 - 1e-9)
    if isinstance(value, str):
        v = value.strip().upper()
        if v in ("C", "CORRECT", "TRUE", "YES", "1", "1.0"):
            return 1
        if v in ("I", "INCORRECT", "P", "PARTIAL", "N", "FALSE", "NO", "0", "0.0"):
            return 0
    return None


def _build(
    source: str,
    where: str,
    item_id: str,
    outcome: int,
    *,
    suite_item: SuiteItem | None,
    dimension: str | None,
    meta: dict[str, Any],
    answer: str | None = None,
    chosen: str | None = None,
    confidence: float | None = None,
    detector: str | None = None,
) -> ItemResult:
    dim = meta.get("dimension") or (suite_item.dimension if suite_item else None) or dimension
    if not dim:
        raise BadInput(
            f"{source} {where}: item {item_id!r} has no dimension: pass a suite that holds it, "
            "or a dimension"
        )
    slice_ = meta.get("slice") or (suite_item.slice if suite_item else None) or "all"
    context = meta.get("context") if meta.get("context") in _CONTEXTS else None
    if context is None and suite_item is not None:
        context = suite_item.context
    group = meta.get("answer_group")
    if group is None and chosen and suite_item is not None and suite_item.groups:
        try:
            pos = letter_index(chosen)
        except ValueError:
            pos = -1
        if 0 <= pos < len(suite_item.groups):
            group = suite_item.groups[pos]
    try:
        return ItemResult(
            id=item_id,
            dimension=str(dim),
            slice=str(slice_),
            outcome=1 if outcome else 0,
            confidence=confidence,
            context=context,
            answer_group=group,
            answer=answer[:200] if answer else None,
            detector=detector,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err.get("loc", ()))
        raise BadInput(f"{source} {where}: field '{loc}': {err.get('msg')}") from None


def results_from_log(
    log: Any,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    source: str | None = None,
) -> list[ItemResult]:
    """Per-item results from an Inspect ``EvalLog`` (see :func:`evidence_from_log`)."""
    return evidence_from_log(log, suite=suite, dimension=dimension, source=source).items


def _lm_confidence(resps: Any) -> tuple[float | None, int | None]:
    """Softmax over per-choice loglikelihoods: probability of the argmax and its position."""
    if not isinstance(resps, list) or len(resps) < 2:
        return None, None
    lls: list[float] = []
    for r in resps:
        v = r[0] if isinstance(r, list) and r else r
        if isinstance(v, list) and v:
            v = v[0]
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None, None
        lls.append(float(v))
    top = max(lls)
    exps = [math.exp(x - top) for x in lls]
    pos = lls.index(top)
    return exps[pos] / sum(exps), pos


def _lm_doc(p: Path, n: int, obj: Any) -> tuple[str, dict[str, Any], int, Any]:
    if not isinstance(obj, dict):
        raise BadInput(f"{p} line {n}: expected a JSON object")
    if "doc_id" not in obj:
        raise BadInput(f"{p} line {n}: field 'doc_id': required field is missing")
    raw_doc = obj.get("doc")
    doc: dict[str, Any] = raw_doc if isinstance(raw_doc, dict) else {}
    item_id = str(doc.get("id") if doc.get("id") is not None else obj["doc_id"])
    for metric in _LM_EVAL_METRICS:
        if metric in obj:
            outcome = _outcome(obj[metric])
            if outcome is None:
                raise BadInput(f"{p} line {n}: field '{metric}': not a 0/1 score")
            return item_id, doc, outcome, obj.get("filtered_resps", obj.get("resps"))
    raise BadInput(
        f"{p} line {n}: field 'acc': required field is missing (no {'/'.join(_LM_EVAL_METRICS)})"
    )


def read_lm_eval(
    path: str | Path, *, suite: Suite | None = None, dimension: str | None = None
) -> list[ItemResult]:
    """lm-eval ``--log_samples`` output (JSONL, or a JSON list): one record per doc."""
    p = Path(path)
    if p.suffix == ".json":
        data = json.loads(p.read_text(encoding="utf-8"))
        records = list(enumerate(data, start=1))
    else:
        records = []
        for n, raw in _lines(p):
            try:
                records.append((n, json.loads(raw)))
            except json.JSONDecodeError as exc:
                raise BadInput(f"{p} line {n}: not valid JSON ({exc.msg})") from None
    by_id = suite.by_id() if suite else {}
    out: list[ItemResult] = []
    seen: set[str] = set()
    for n, obj in records:
        item_id, doc, outcome, resps = _lm_doc(p, n, obj)
        if item_id in seen:
            raise BadInput(f"{p} line {n}: field 'doc_id': {item_id!r} appears twice")
        seen.add(item_id)
        conf, pos = _lm_confidence(resps)
        chosen = chr(ord("A") + pos) if pos is not None and pos < 26 else None
        meta = {k: doc[k] for k in ("dimension", "slice", "context") if isinstance(doc.get(k), str)}
        out.append(
            _build(
                str(p),
                f"line {n}",
                item_id,
                outcome,
                suite_item=by_id.get(item_id),
                dimension=dimension,
                meta=meta,
                chosen=chosen,
                confidence=conf,
                detector="lm-eval",
            )
        )
    if not out:
        raise BadInput(f"{p}: no samples")
    return out


def _lm_eval(
    p: Path, *, suite: Suite | None, dimension: str | None, allow_partial: bool
) -> Evidence:
    items = read_lm_eval(p, suite=suite, dimension=dimension)
    return Evidence(
        items=items,
        report=ImportReport(
            format="lm-eval",
            source=str(p),
            tool="lm-eval",
            meaning="lm-eval per-sample metric",
            items=len(items),
            samples=len(items),
        ),
    )
