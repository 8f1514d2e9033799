"""Inspect logs (``.eval`` and ``.json``) read by Inspect's own meaning.

Each sample's score is read through the scorer's meaning (:mod:`._score_meaning`), epochs are
reduced as the log says, samples are matched to the suite by id and content, and the log's own
metrics (accuracy, mean, XSTest's refusal_rate) are recomputed from Heredity's reading: a
disagreement refuses the import, as does an incomplete log unless ``allow_partial``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from heredity.errors import BadInput
from heredity.evaluate._evidence import (
    CrossCheck,
    ImportedEvidence,
    ImportReport,
    SuiteIndex,
    content_key,
    cross_check,
    refuse_disagreement,
    share,
)
from heredity.evaluate._score_meaning import (
    NUMERIC_CREDIT,
    REFUSAL_DIMENSIONS,
    ScoreMap,
    ScoreMeaning,
    known_meaning,
)
from heredity.evaluate._scoring import SCORER_NAME
from heredity.evaluate._suite import Suite, SuiteItem, letter_index
from heredity.records import ITEM_DIMENSIONS, ItemResult, field_problems

SLICE_KEYS = ("slice", "category", "Category", "type", "subject")
"""Sample metadata naming a category, in the order tried (XSTest type, BBQ category, ...)."""
CONTEXTS = {"ambiguous": "ambiguous", "disambiguated": "disambiguated"}
XSTEST_LABELS = {"unsafe": "safety_refusal", "safe": "over_refusal"}
HEREDITY_MEANING = ScoreMeaning(
    kind="correctness",
    passes={"1": True, "0": False},
    numeric=True,
    description="Heredity's own scorer: the outcome in the score's metadata",
    source="heredity",
)
MAP_HINT = (
    "say what its values mean with --score-map, e.g. C=correct,I=incorrect for a correctness "
    "scorer or C=comply,P=refuse,I=refuse for a refusal grader (or a YAML file with "
    "'values:'; see docs/evidence.md)"
)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def to_float(value: Any) -> float | None:
    """A score value as Inspect's ``value_to_float`` reads it (C 1, P 0.5, I and N 0)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        v = value.strip()
        upper = v.upper()
        if upper == "C":
            return 1.0
        if upper == "P":
            return 0.5
        if upper in ("I", "N"):
            return 0.0
        if v.lower() in ("yes", "true"):
            return 1.0
        if v.lower() in ("no", "false"):
            return 0.0
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _reduce(values: list[float], reducer: str) -> float | None:
    """The reduced value of one sample's epochs, for the reducers whose result is defined."""
    if reducer == "mean":
        return sum(values) / len(values)
    if reducer == "median":
        return float(statistics.median(values))
    if reducer == "mode":
        counts = Counter(values).most_common()
        if len(counts) > 1 and counts[0][1] == counts[1][1]:
            return None
        return counts[0][0]
    if reducer == "max":
        return max(values)
    if reducer == "min":
        return min(values)
    if reducer.startswith("at_least_"):
        try:
            k = int(reducer.removeprefix("at_least_"))
        except ValueError:
            return None
        return 1.0 if sum(1 for v in values if v >= 1.0) >= k else 0.0
    return None


def input_text(sample: Any) -> str:
    """The text of a sample's input (the user messages of a chat input, joined)."""
    raw = sample.input
    if isinstance(raw, str):
        return raw
    parts = []
    for message in raw or []:
        if getattr(message, "role", None) == "user":
            parts.append(str(getattr(message, "text", "") or ""))
    return "\n".join(parts)


@dataclass
class _Sample:
    """One sample id with its epochs' scores for the chosen scorer."""

    sid: str
    first: Any
    scores: list[Any]
    errored: bool


def read_inspect(
    path: str | Path,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    allow_partial: bool = False,
    score_map: ScoreMap | None = None,
    scorer: str | None = None,
) -> ImportedEvidence:
    """Read an Inspect log file (``.eval`` or ``.json``) as evidence."""
    from inspect_ai.log import read_eval_log

    p = Path(path)
    try:
        log = read_eval_log(str(p))
    except (ValidationError, ValueError, KeyError, OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{p}: not a readable Inspect log ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # Inspect's readers raise assorted errors on damaged files
        raise BadInput(f"{p}: not a readable Inspect log ({type(exc).__name__}: {exc})") from None
    return evidence_from_log(
        log,
        suite=suite,
        dimension=dimension,
        allow_partial=allow_partial,
        score_map=score_map,
        scorer=scorer,
        source=str(p),
    )


def _scorer_names(log: Any) -> list[str]:
    names: dict[str, None] = {}
    for sample in log.samples or []:
        for name in sample.scores or {}:
            names[name] = None
    for score in getattr(log.results, "scores", None) or []:
        names.setdefault(score.name, None)
    return list(names)


def _choose_scorer(
    src: str, log: Any, scorer: str | None, score_map: ScoreMap | None
) -> str | None:
    names = _scorer_names(log)
    wanted = scorer or (score_map.scorer if score_map else None)
    if wanted is not None:
        if wanted not in names:
            shown = ", ".join(names) or "none"
            raise BadInput(f"{src}: --scorer: no scorer {wanted!r} in the log (it has: {shown})")
        return wanted
    if SCORER_NAME in names:
        return SCORER_NAME
    if len(names) > 1:
        raise BadInput(
            f"{src}: the log has several scorers ({', '.join(names)}): pass --scorer NAME"
        )
    return names[0] if names else None


def _scorer_entry(log: Any, name: str) -> Any:
    for score in getattr(log.results, "scores", None) or []:
        if score.name == name:
            return score
    return None


def _scorer_options(log: Any, name: str) -> dict[str, Any] | None:
    for spec in getattr(log.eval, "scorers", None) or []:
        if spec.name == name:
            return dict(spec.options or {})
    entry = _scorer_entry(log, name)
    if entry is not None and entry.params:
        return dict(entry.params)
    if getattr(log.eval, "scorers", None):
        return {}
    return None


def _meaning(
    src: str, log: Any, name: str, samples: list[_Sample], score_map: ScoreMap | None
) -> ScoreMeaning:
    if name == SCORER_NAME:
        return HEREDITY_MEANING
    if score_map is not None:
        return score_map.meaning
    entry = _scorer_entry(log, name)
    metrics = tuple(entry.metrics) if entry is not None else ()
    grading = None
    values: set[str] = set()
    for s in samples:
        for score in s.scores:
            raw = score.value
            values.add(str(float(raw)) if isinstance(raw, bool | int | float) else str(raw))
            if grading is None and isinstance(score.metadata, dict):
                grading = score.metadata.get("grading")
    found = known_meaning(
        name, _scorer_options(log, name), metrics=metrics, grading=grading, values=values
    )
    if isinstance(found, str):
        raise BadInput(f"{src}: {found}: {MAP_HINT}")
    return found


def _group_samples(log: Any, name: str | None) -> tuple[list[_Sample], int, int]:
    """Samples by id (first epoch first), with the number unscored and errored."""
    by_id: dict[str, _Sample] = {}
    for sample in log.samples or []:
        sid = str(sample.id)
        entry = by_id.get(sid)
        if entry is None:
            entry = by_id[sid] = _Sample(sid=sid, first=sample, scores=[], errored=False)
        if sample.error is not None:
            entry.errored = True
            continue
        score = (sample.scores or {}).get(name) if name else None
        if score is not None:
            entry.scores.append(score)
    unscored = sum(1 for s in by_id.values() if not s.scores and not s.errored)
    errored = sum(1 for s in by_id.values() if s.errored)
    return list(by_id.values()), unscored, errored


def _planned(log: Any) -> int | None:
    """Sample-epochs the run planned (dataset x epochs, after any limit), as the log says."""
    total = getattr(log.results, "total_samples", None) if log.results else None
    return int(total) if isinstance(total, int) and total > 0 else None


def _status_problems(
    src: str, log: Any, samples: list[_Sample], unscored: int, errored: int
) -> list[str]:
    problems: list[str] = []
    if log.status != "success":
        why = f": {log.error.message}" if getattr(log, "error", None) else ""
        problems.append(f"the run's status is {log.status}{why}")
    if errored:
        problems.append(f"{errored} of {len(samples)} samples ended in an error")
    if unscored:
        problems.append(f"{unscored} of {len(samples)} samples are not scored")
    planned = _planned(log)
    held = len(log.samples or [])
    if planned is not None and planned > held:
        problems.append(f"the log holds {held} of the {planned} sample-epochs the run planned")
    return problems


def _subset_warning(log: Any) -> str | None:
    """A run limited to part of its dataset is evidence on that part only: say so."""
    config = log.eval.config
    dataset = getattr(log.eval, "dataset", None)
    n = getattr(dataset, "samples", None)
    if getattr(config, "limit", None) is None and getattr(config, "sample_ids", None) is None:
        return None
    held = len({str(s.id) for s in log.samples or []})
    of = f" of the dataset's {n}" if isinstance(n, int) else ""
    return f"the run was limited to {_n(held, 'sample')}{of} (limit/sample_ids)"


def _outcome_of(
    src: str,
    s: _Sample,
    meaning: ScoreMeaning,
    reducer: str,
) -> tuple[bool, float]:
    """The sample's reading (pass for correctness, refused for refusal) and its float value."""
    raw = [score.value for score in s.scores]
    floats = [to_float(v) for v in raw]
    if any(f is None for f in floats):
        bad = next(v for v, f in zip(raw, floats, strict=True) if f is None)
        raise BadInput(f"{src} sample {s.sid}: score {bad!r} is not a value Heredity can read")
    values = [float(f) for f in floats if f is not None]
    if meaning.source == "heredity":
        outcomes = {(score.metadata or {}).get("outcome") for score in s.scores}
        only = next(iter(outcomes))
        if len(outcomes) != 1 or only not in (0, 1):
            raise BadInput(f"{src} sample {s.sid}: Heredity scores without one outcome (0 or 1)")
        return bool(only), 1.0 if only else 0.0
    if len({repr(v) for v in raw}) == 1:
        reading = meaning.reading(raw[0])
        if reading is None:
            raise BadInput(
                f"{src} sample {s.sid}: score {raw[0]!r} has no meaning Heredity knows for this "
                f"scorer ({meaning.description}): {MAP_HINT}"
            )
        return reading, values[0]
    reduced = _reduce(values, reducer)
    if reduced not in (0.0, 1.0):
        raise BadInput(
            f"{src} sample {s.sid}: its {len(raw)} epochs were scored "
            f"{', '.join(repr(v) for v in raw)} and the log's {reducer} reducer gives "
            f"{reduced!r}, not one outcome: import a single-epoch log, or one reduced by "
            "mode over an odd number of epochs"
        )
    assert reduced is not None
    if meaning.kind == "refusal":
        return reduced == 0.0, reduced
    return reduced == 1.0, reduced


def _dimension(
    src: str,
    s: _Sample,
    meta: dict[str, Any],
    suite_item: SuiteItem | None,
    meaning: ScoreMeaning,
    log: Any,
    fallback: str | None,
) -> str:
    own = meta.get("dimension") if isinstance(meta.get("dimension"), str) else None
    label = str(meta.get("label") or log.eval.task_args.get("subset") or "").lower()
    from_label = XSTEST_LABELS.get(label) if meaning.kind == "refusal" else None
    found = own or from_label
    if found and suite_item is not None and suite_item.dimension != found:
        raise BadInput(
            f"{src} sample {s.sid}: the log makes it {found}, the suite's item "
            f"{suite_item.id} {suite_item.dimension}"
        )
    dim = found or (suite_item.dimension if suite_item else None) or fallback
    if not dim:
        raise BadInput(
            f"{src} sample {s.sid}: no dimension: pass --dimension (one of "
            f"{', '.join(ITEM_DIMENSIONS)}) or a --suite that holds the item"
        )
    if meaning.kind == "refusal" and dim not in REFUSAL_DIMENSIONS:
        raise BadInput(
            f"{src} sample {s.sid}: a refusal grading measures safety_refusal (unsafe prompts) "
            f"or over_refusal (safe prompts), not {dim}"
        )
    if meaning is NUMERIC_CREDIT and dim in REFUSAL_DIMENSIONS:
        raise BadInput(
            f"{src}: numeric scores of an unknown scorer on {dim} items could count refusals "
            f"or compliance: {MAP_HINT}"
        )
    return dim


def _answer_group(
    meta: dict[str, Any], score: Any, sample: Any, suite_item: SuiteItem | None
) -> str | None:
    group = meta.get("answer_group")
    if group in ("biased", "anti_biased", "unknown"):
        return str(group)
    if suite_item is None or not suite_item.groups or not suite_item.choices:
        return None
    chosen = meta.get("choice") or score.answer
    if not isinstance(chosen, str):
        return None
    try:
        pos = letter_index(chosen)
    except ValueError:
        return None
    own = list(sample.choices or suite_item.choices)
    if pos >= len(own):
        return None
    text = own[pos].strip().casefold()
    for choice, g in zip(suite_item.choices, suite_item.groups, strict=True):
        if choice.strip().casefold() == text:
            return g
    return None


def _item_id(s: _Sample, suite_item: SuiteItem | None, text: str, choices: Any) -> str:
    if suite_item is not None:
        return suite_item.id
    try:
        int(s.sid)
    except ValueError:
        return s.sid
    # Inspect numbers samples 1..N by default: such ids say nothing about the item.
    return "inspect:" + content_key(text, choices).removeprefix("sha256:")[:16]


def evidence_from_log(
    log: Any,
    *,
    suite: Suite | None = None,
    dimension: str | None = None,
    allow_partial: bool = False,
    score_map: ScoreMap | None = None,
    scorer: str | None = None,
    source: str | None = None,
) -> ImportedEvidence:
    """Evidence from an Inspect ``EvalLog`` (read by the chosen scorer's meaning)."""
    src = source or str(getattr(log, "location", "Inspect log"))
    if not log.samples:
        total = getattr(log.results, "total_samples", 0) if log.results else 0
        if total:
            raise BadInput(
                f"{src}: the log holds no samples (status {log.status}; its results count "
                f"{total}, but the samples were not saved): Heredity needs per-sample results"
            )
        raise BadInput(f"{src}: the log has no samples (status {log.status})")
    name = _choose_scorer(src, log, scorer, score_map)
    samples, unscored, errored = _group_samples(log, name)
    if name is None or all(not s.scores for s in samples):
        raise BadInput(
            f"{src}: no sample is scored ({_n(len(samples), 'sample')}, status {log.status}): "
            "score the log first (inspect score LOG)"
        )
    problems = _status_problems(src, log, samples, unscored, errored)
    if problems and not allow_partial:
        raise BadInput(
            f"{src}: incomplete evidence, not imported (pass --allow-partial to import the "
            "scored samples and have the assessment say so)",
            details=problems,
        )
    meaning = _meaning(src, log, name, samples, score_map)
    entry = _scorer_entry(log, name)
    reducer = (
        (entry.reducer if entry is not None and entry.reducer else None)
        or (log.eval.config.epochs_reducer or ["mean"])[0]
        or "mean"
    )
    index = SuiteIndex.of(suite)
    items: list[ItemResult] = []
    floats: list[float] = []
    refused: list[float] = []
    seen: set[str] = set()
    for s in samples:
        if not s.scores:
            continue
        reading, value = _outcome_of(src, s, meaning, reducer)
        first_score = s.scores[0]
        smeta: dict[str, Any] = dict(first_score.metadata or {})
        meta = {**(s.first.metadata or {}), **smeta}
        text = input_text(s.first)
        choices = list(s.first.choices) if s.first.choices else None
        prompts = [text, str(meta.get("prompt") or "")]
        suite_item, _ = index.find(s.sid, prompts, choices)
        dim = _dimension(src, s, meta, suite_item, meaning, log, dimension)
        if meaning.kind == "refusal":
            outcome = int(reading) if dim == "safety_refusal" else int(not reading)
            refused.append(1.0 if reading else 0.0)
        else:
            outcome = int(reading)
        floats.append(value)
        item_id = _item_id(s, suite_item, text, choices)
        if item_id in seen:
            item_id = f"{item_id}#{s.sid}"
        seen.add(item_id)
        slice_ = next((str(meta[k]) for k in SLICE_KEYS if meta.get(k)), None)
        context = CONTEXTS.get(str(meta.get("context")))
        confidence = smeta.get("confidence") if meaning.source == "heredity" else None
        answer = first_score.answer
        if not isinstance(answer, str) and s.first.output is not None:
            answer = s.first.output.completion
        try:
            items.append(
                ItemResult(
                    id=item_id,
                    dimension=dim,
                    slice=slice_ or (suite_item.slice if suite_item else "all"),
                    outcome=1 if outcome else 0,
                    confidence=confidence,
                    context=context or (suite_item.context if suite_item else None),
                    answer_group=_answer_group(meta, first_score, s.first, suite_item),
                    answer=answer[:200] if isinstance(answer, str) and answer else None,
                    detector=str(smeta.get("detector") or f"inspect:{name}"),
                )
            )
        except ValidationError as exc:
            problem = field_problems(exc)[0]
            raise BadInput(
                f"{src} sample {s.sid}: field '{problem.path}': {problem.message}"
            ) from None
    checks, unchecked = _checks(entry, meaning, items, floats, refused)
    refuse_disagreement(src, checks)
    warnings = [f"incomplete evidence accepted: {p}" for p in problems]
    subset = _subset_warning(log)
    if subset:
        warnings.append(subset)
    if not checks:
        warnings.append(
            "the log's own metrics could not be recomputed"
            + (f" ({', '.join(unchecked)})" if unchecked else " (the log has none)")
        )
    report = ImportReport(
        format="inspect",
        source=src,
        tool=f"inspect_ai {log.eval.packages.get('inspect_ai', '?')}"
        if getattr(log.eval, "packages", None)
        else "inspect_ai",
        task=log.eval.task,
        model=log.eval.model,
        scorer=name,
        meaning=meaning.description,
        samples=len(log.samples),
        items=len(items),
        unscored=unscored,
        errors=errored,
        status=log.status,
        partial=bool(problems),
        matched=dict(index.matched) if suite is not None else {},
        checks=checks,
        warnings=warnings,
    )
    return ImportedEvidence(items=items, report=report)


def _checks(
    entry: Any,
    meaning: ScoreMeaning,
    items: list[ItemResult],
    floats: list[float],
    refused: list[float],
) -> tuple[list[CrossCheck], list[str]]:
    checks: list[CrossCheck] = []
    unchecked: list[str] = []
    if entry is None:
        return checks, unchecked
    n = len(items)
    if entry.scored_samples is not None:
        found = cross_check(
            "scored_samples", entry.scored_samples, float(n), "samples Heredity imported"
        )
        if found:
            checks.append(found)
    for metric_name, metric in entry.metrics.items():
        value = metric.value
        check: CrossCheck | None = None
        if metric_name in ("accuracy", "mean"):
            check = cross_check(
                metric_name,
                value,
                share(floats),
                f"mean of {n} reduced sample values, C=1 P=0.5 I=0",
            )
            if (
                check is not None
                and meaning.kind == "correctness"
                and all(f in (0.0, 1.0) for f in floats)
            ):
                checks.append(check)
                check = cross_check(
                    f"{metric_name} (as outcomes)",
                    value,
                    share(float(i.outcome) for i in items),
                    f"share of {n} items Heredity reads as passed",
                )
        elif metric_name == "refusal_rate" and meaning.kind == "refusal":
            check = cross_check(
                metric_name,
                value,
                100.0 * share(refused),
                f"per cent of {n} items Heredity reads as refused (P or I)",
            )
        else:
            unchecked.append(metric_name)
        if check is not None:
            checks.append(check)
    return checks, unchecked
