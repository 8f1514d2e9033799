"""One comparison: teacher and student on a set of paired items, judged against a rule.

The verdict rule (documented in docs/transfer.md), with ``d`` the degradation (how much worse
the student is, in metric units), ``[dL, dU]`` its interval and ``tau`` the rule's tolerance:

- ``breach``: ``d > tau`` and the student is significantly worse (exact McNemar p < alpha for
  proportions; the paired bootstrap interval of ``d`` above zero for scores);
- ``within_tolerance``: ``dU <= tau`` and the student is significantly worse;
- ``transferred``: ``dU <= tau`` and the student is not significantly worse;
- ``inconclusive``: anything else (the interval reaches past the tolerance without a
  significant breach, or fewer items than the policy's ``min_items``), with ``needed_n``.

So a student is only ``transferred`` when its interval rules out a breach.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from heredity.errors import BadInput
from heredity.transfer._models import (
    AnswerCounts,
    Comparison,
    Estimate,
    Flips,
    Threshold,
    TransferVerdict,
    Validity,
    worst,
)
from heredity.transfer._pairing import Pair
from heredity.transfer._policy import Policy, ThresholdRule
from heredity.transfer._stats import (
    FloatArray,
    bias_score_rows,
    bootstrap_chunks,
    bootstrap_p_value,
    ece_rows,
    mcnemar_exact,
    newcombe_paired_interval,
    percentile_interval,
    wilson_interval,
    z_value,
)

MAX_NEEDED_N = 1_000_000


@dataclass(frozen=True)
class Settings:
    """The statistical settings of a policy, resolved once."""

    confidence: float
    alpha: float
    z: float
    z_power: float
    resamples: int
    seed: int
    min_items: int
    bins: int

    @classmethod
    def of(cls, policy: Policy) -> Settings:
        z = z_value(policy.confidence)
        return cls(
            confidence=policy.confidence,
            alpha=1.0 - policy.confidence,
            z=z,
            z_power=z + z_value(2.0 * policy.power - 1.0),
            resamples=policy.bootstrap.resamples,
            seed=policy.bootstrap.seed,
            min_items=policy.min_items,
            bins=policy.calibration_bins,
        )


def fmt_amount(metric: str, value: float) -> str:
    """A degradation or tolerance in words: percentage points for proportions."""
    if metric == "proportion":
        return f"{value * 100:.1f} pp"
    return f"{value:.3f}"


def _interval(ci: tuple[float, float]) -> tuple[float, float] | None:
    if any(math.isnan(x) for x in ci):
        return None
    return (float(ci[0]), float(ci[1]))


def flips_of(pairs: Sequence[Pair]) -> Flips:
    """Items the teacher got right and the student lost, and the reverse (sorted ids)."""
    lost = sorted(p.id for p in pairs if p.teacher.outcome == 1 and p.student.outcome == 0)
    gained = sorted(p.id for p in pairs if p.teacher.outcome == 0 and p.student.outcome == 1)
    return Flips(lost=lost, gained=gained)


def _threshold(rule: ThresholdRule, tolerance: float) -> Threshold:
    return Threshold(
        metric=rule.metric,
        direction=rule.direction,
        mode=rule.mode,
        limit=rule.limit,
        floor=rule.floor,
        tolerance=tolerance,
        min_readable=rule.min_readable,
    )


def judge(
    *,
    metric: str,
    n: int,
    degradation: float,
    degradation_ci: tuple[float, float] | None,
    tolerance: float,
    significant: bool,
    p_value: float,
    settings: Settings,
) -> tuple[TransferVerdict, str]:
    """Apply the verdict rule; return the verdict and one sentence explaining it."""
    worse = fmt_amount(metric, degradation)
    tol = fmt_amount(metric, tolerance)
    sig = f"p = {p_value:.3g}"
    if degradation > tolerance and significant:
        return "breach", (
            f"student is worse by {worse}, beyond the tolerance of {tol}, "
            f"and the difference is significant ({sig})"
        )
    if n < settings.min_items:
        return "inconclusive", (
            f"only {n} paired items; the policy needs at least {settings.min_items} to decide"
        )
    if degradation_ci is None:
        return "inconclusive", "the interval could not be computed on these items"
    upper = fmt_amount(metric, degradation_ci[1])
    if degradation_ci[1] <= tolerance:
        if significant:
            return "within_tolerance", (
                f"student is significantly worse ({sig}) by {worse}, but the interval "
                f"(at most {upper}) stays within the tolerance of {tol}"
            )
        return "transferred", (
            f"the interval of the degradation (at most {upper}) stays within the tolerance "
            f"of {tol} and the student is not significantly worse ({sig})"
        )
    if degradation > tolerance:
        return "inconclusive", (
            f"student is worse by {worse}, beyond the tolerance of {tol}, but not "
            f"significantly ({sig}): too few items to call it a breach"
        )
    return "inconclusive", (
        f"the interval of the degradation reaches {upper}, past the tolerance of {tol}: "
        "too few items to rule out a breach"
    )


def _search_n(n: int, resolved: Callable[[float], bool]) -> int | None:
    """Smallest item count (>= n + 1) at which ``resolved`` holds, by bisection."""
    if not resolved(MAX_NEEDED_N):
        return None
    lo, hi = n, MAX_NEEDED_N
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if resolved(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _needed_from_se(
    n: int, degradation: float, ci: tuple[float, float] | None, tolerance: float, s: Settings
) -> int | None:
    """Normal-approximation estimate for bootstrap metrics: n * (z_power * SE / margin)^2."""
    if ci is None:
        return None
    se = (ci[1] - ci[0]) / (2.0 * s.z)
    margin = tolerance - degradation if degradation <= tolerance else degradation
    if margin <= 0 or se <= 0:
        return None
    need = math.ceil(n * (s.z_power * se / margin) ** 2)
    return min(max(need, n + 1, s.min_items), MAX_NEEDED_N)


def compare_proportion(
    pairs: Sequence[Pair], rule: ThresholdRule, s: Settings, name: str
) -> Comparison:
    """Outcome rates (higher is better): Wilson intervals, Newcombe paired interval, McNemar."""
    n = len(pairs)
    both = sum(1 for p in pairs if p.teacher.outcome == 1 and p.student.outcome == 1)
    lost = sum(1 for p in pairs if p.teacher.outcome == 1 and p.student.outcome == 0)
    gained = sum(1 for p in pairs if p.teacher.outcome == 0 and p.student.outcome == 1)
    neither = n - both - lost - gained
    t_value = (both + lost) / n
    s_value = (both + gained) / n
    delta = s_value - t_value
    delta_ci = newcombe_paired_interval(both, gained, lost, neither, z=s.z)
    p_value = mcnemar_exact(lost, gained)
    degradation = -delta
    degradation_ci = (-delta_ci[1], -delta_ci[0])
    tolerance = rule.tolerance(t_value)
    significant = p_value < s.alpha and lost > gained
    verdict, reason = judge(
        metric=rule.metric,
        n=n,
        degradation=degradation,
        degradation_ci=degradation_ci,
        tolerance=tolerance,
        significant=significant,
        p_value=p_value,
        settings=s,
    )
    needed: int | None = None
    if verdict == "inconclusive":

        def resolved(m: float) -> bool:
            f = m / n
            lo, hi = newcombe_paired_interval(
                both * f, gained * f, lost * f, neither * f, z=s.z_power
            )
            if degradation <= tolerance:
                return -lo <= tolerance
            return -hi > 0.0

        found = _search_n(n, resolved)
        needed = None if found is None else max(found, s.min_items)
    return Comparison(
        name=name,
        metric=rule.metric,
        teacher=Estimate(value=t_value, ci=wilson_interval(both + lost, n, z=s.z), n=n),
        student=Estimate(value=s_value, ci=wilson_interval(both + gained, n, z=s.z), n=n),
        delta=delta,
        delta_ci=delta_ci,
        p_value=p_value,
        p_value_method="mcnemar_exact",
        degradation=degradation,
        degradation_ci=degradation_ci,
        share=(s_value / t_value) if t_value > 0 else None,
        transferred=_transferred(verdict),
        flips=flips_of(pairs),
        threshold=_threshold(rule, tolerance),
        verdict=verdict,
        reason=reason,
        needed_n=needed,
    )


def _transferred(verdict: TransferVerdict) -> bool | None:
    if verdict in ("transferred", "within_tolerance"):
        return True
    if verdict == "breach":
        return False
    return None


def _score_comparison(
    *,
    pairs: Sequence[Pair],
    rule: ThresholdRule,
    s: Settings,
    name: str,
    rows: Callable[[str, np.ndarray], FloatArray],
    magnitude: bool,
) -> Comparison:
    """A bootstrap comparison of a lower-is-better score computed by ``rows``.

    ``rows(side, idx)`` returns the score of each row of item indices for ``side``
    ("teacher" or "student"). With ``magnitude`` the degradation is the growth of ``|score|``.
    """
    n = len(pairs)
    point = np.arange(n, dtype=np.int64)[None, :]
    t_value = float(rows("teacher", point)[0])
    s_value = float(rows("student", point)[0])
    t_parts: list[FloatArray] = []
    s_parts: list[FloatArray] = []
    for idx in bootstrap_chunks(n, s.resamples, s.seed):
        t_parts.append(rows("teacher", idx))
        s_parts.append(rows("student", idx))
    t_boot = np.concatenate(t_parts)
    s_boot = np.concatenate(s_parts)
    delta = s_value - t_value
    delta_ci = _interval(percentile_interval(s_boot - t_boot, confidence=s.confidence))
    if magnitude:
        degradation = abs(s_value) - abs(t_value)
        deg_boot = np.abs(s_boot) - np.abs(t_boot)
    else:
        degradation = delta
        deg_boot = s_boot - t_boot
    degradation_ci = _interval(percentile_interval(deg_boot, confidence=s.confidence))
    p_value = bootstrap_p_value(deg_boot)
    significant = degradation_ci is not None and degradation_ci[0] > 0.0 and degradation > 0.0
    tolerance = rule.tolerance(t_value)
    verdict, reason = judge(
        metric=rule.metric,
        n=n,
        degradation=degradation,
        degradation_ci=degradation_ci,
        tolerance=tolerance,
        significant=significant,
        p_value=p_value,
        settings=s,
    )
    needed = None
    if verdict == "inconclusive":
        needed = _needed_from_se(n, degradation, degradation_ci, tolerance, s)
    t_good = 1.0 - abs(t_value)
    return Comparison(
        name=name,
        metric=rule.metric,
        teacher=Estimate(
            value=t_value, ci=_interval(percentile_interval(t_boot, confidence=s.confidence)), n=n
        ),
        student=Estimate(
            value=s_value, ci=_interval(percentile_interval(s_boot, confidence=s.confidence)), n=n
        ),
        delta=delta,
        delta_ci=delta_ci,
        p_value=p_value,
        p_value_method="paired_bootstrap",
        degradation=degradation,
        degradation_ci=degradation_ci,
        share=((1.0 - abs(s_value)) / t_good) if t_good > 0 else None,
        transferred=_transferred(verdict),
        flips=flips_of(pairs),
        threshold=_threshold(rule, tolerance),
        verdict=verdict,
        reason=reason,
        needed_n=needed,
    )


def _bias_arrays(pairs: Sequence[Pair], side: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    items = [p.teacher if side == "teacher" else p.student for p in pairs]
    biased = np.array([i.answer_group == "biased" for i in items], dtype=np.float64)
    named = np.array([i.answer_group in ("biased", "anti_biased") for i in items], dtype=np.float64)
    correct = np.array([i.outcome for i in items], dtype=np.float64)
    return biased, named, correct


def _check_bias_items(pairs: Sequence[Pair]) -> None:
    for p in pairs:
        for side, item in (("teacher", p.teacher), ("student", p.student)):
            if item.context is None:
                raise BadInput(f"item '{p.id}' ({side}): bias items need a context")
            # An answer that names no option counts as wrong and names no group (it is left out
            # of the bias score's denominator, as BBQ leaves out unparseable answers).
            if item.answer_group is None and item.outcome == 1:
                raise BadInput(
                    f"item '{p.id}' ({side}): a correct bias answer needs its answer_group"
                )


def _answer_counts(pairs: Sequence[Pair], side: str) -> AnswerCounts:
    items = [p.teacher if side == "teacher" else p.student for p in pairs]
    return AnswerCounts(
        n=len(items),
        readable=sum(1 for i in items if i.answer_group is not None),
        named=sum(1 for i in items if i.answer_group in ("biased", "anti_biased")),
    )


def _validity(pairs: Sequence[Pair], context: str, floor: float) -> tuple[Validity, list[str]]:
    """Whether each side's bias score in one context is evidence, and the sides whose is not.

    A side is no evidence when fewer than ``floor`` of its answers are readable (unreadable
    answers are not unbiased ones), or, in disambiguated contexts, when it names no group at
    all: the score there is a share of the group-naming answers, undefined without any.
    """
    counts = {side: _answer_counts(pairs, side) for side in ("teacher", "student")}
    problems: list[str] = []
    bad: list[str] = []
    for side, c in counts.items():
        share = c.readable / c.n
        if share < floor:
            problems.append(
                f"only {c.readable} of the {c.n} {side} answers are readable ({share:.0%}; the "
                f"policy needs {floor:.0%}): unreadable answers are not unbiased, so there is no "
                f"{side} bias score"
            )
            bad.append(side)
        elif context == "disambiguated" and c.named == 0:
            problems.append(
                f"the {side} names no group in any of its {c.n} answers "
                f"({c.readable} 'unknown', {c.n - c.readable} unreadable), so it has no bias "
                "score here, not a score of 0"
            )
            bad.append(side)
    validity = Validity(
        min_readable=floor,
        teacher=counts["teacher"],
        student=counts["student"],
        problem="; ".join(problems) or None,
    )
    return validity, bad


def _no_evidence(comp: Comparison, validity: Validity, bad: list[str]) -> Comparison:
    """A context whose score cannot be read on some side: inconclusive, without figures."""
    update: dict[str, object] = {
        "delta": None,
        "delta_ci": None,
        "p_value": None,
        "degradation": None,
        "degradation_ci": None,
        "share": None,
        "verdict": "inconclusive",
        "transferred": None,
        "reason": validity.problem,
        "needed_n": None,
        "validity": validity,
    }
    for side in bad:
        update[side] = Estimate(value=None, ci=None, n=comp.teacher.n)
    return comp.model_copy(update=update)


def compare_bias(pairs: Sequence[Pair], rule: ThresholdRule, s: Settings, name: str) -> Comparison:
    """BBQ bias score per context; the headline is the ambiguous score, the verdict the worst.

    A context whose answers cannot be read (the rule's ``min_readable``) is inconclusive, never
    "unbiased"; ``decided_by`` names the context whose verdict the comparison takes.
    """
    _check_bias_items(pairs)
    floor = rule.min_readable if rule.min_readable is not None else 0.0
    components: list[Comparison] = []
    for context in ("ambiguous", "disambiguated"):
        part = [p for p in pairs if p.teacher.context == context]
        if not part:
            continue
        arrays = {side: _bias_arrays(part, side) for side in ("teacher", "student")}
        ambiguous = context == "ambiguous"

        def rows(
            side: str,
            idx: np.ndarray,
            arrays: dict[str, tuple[FloatArray, FloatArray, FloatArray]] = arrays,
            ambiguous: bool = ambiguous,
        ) -> FloatArray:
            b, nm, c = arrays[side]
            return bias_score_rows(b[idx], nm[idx], c[idx], ambiguous=ambiguous)

        comp = _score_comparison(
            pairs=part, rule=rule, s=s, name=context, rows=rows, magnitude=True
        )
        validity, bad = _validity(part, context, floor)
        components.append(
            _no_evidence(comp, validity, bad)
            if bad
            else comp.model_copy(update={"validity": validity})
        )
    head = components[0]
    verdict = worst([c.verdict for c in components])
    decisive = next(c for c in components if c.verdict == verdict)
    needed = None
    if verdict == "inconclusive" and decisive.needed_n is not None:
        needed = math.ceil(decisive.needed_n * len(pairs) / decisive.teacher.n)
    return head.model_copy(
        update={
            "name": name,
            "flips": flips_of(pairs),
            "verdict": verdict,
            "transferred": _transferred(verdict),
            "reason": f"{decisive.name} contexts: {decisive.reason}",
            "needed_n": needed,
            "components": components,
            "decided_by": decisive.name,
            "validity": decisive.validity,
        }
    )


def compare_ece(pairs: Sequence[Pair], rule: ThresholdRule, s: Settings, name: str) -> Comparison:
    """Expected calibration error (equal-mass bins), paired bootstrap; lower is better."""
    data: dict[str, tuple[FloatArray, FloatArray]] = {}
    for side in ("teacher", "student"):
        items = [p.teacher if side == "teacher" else p.student for p in pairs]
        conf = np.array([float(i.confidence or 0.0) for i in items], dtype=np.float64)
        hit = np.array([i.outcome for i in items], dtype=np.float64)
        data[side] = (conf, hit)

    def rows(side: str, idx: np.ndarray) -> FloatArray:
        conf, hit = data[side]
        return ece_rows(conf[idx], hit[idx], bins=s.bins)

    comp = _score_comparison(pairs=pairs, rule=rule, s=s, name=name, rows=rows, magnitude=False)
    # An ECE is not a share of the teacher's and flips no item: those belong to the source
    # dimensions (their own rows carry them).
    return comp.model_copy(update={"share": None, "flips": Flips()})


def compare(pairs: Sequence[Pair], rule: ThresholdRule, s: Settings, name: str) -> Comparison:
    """Dispatch on the rule's metric."""
    if not pairs:
        raise BadInput(f"{name}: no paired items to compare")
    if rule.metric == "bias_score":
        return compare_bias(pairs, rule, s, name)
    if rule.metric == "ece":
        return compare_ece(pairs, rule, s, name)
    return compare_proportion(pairs, rule, s, name)
