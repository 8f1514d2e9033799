"""Formatting shared by every scorecard renderer."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from heredity.transfer import (
    Comparison,
    DimensionResult,
    MultiTeacherAssessment,
    SliceCoherence,
    TransferAssessment,
)

Assessment = TransferAssessment | MultiTeacherAssessment

VERDICT_LABEL = {
    "transferred": "transferred",
    "within_tolerance": "within tolerance",
    "breach": "BREACH",
    "inconclusive": "inconclusive",
}
OVERALL_LABEL = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}
METRIC_LABEL = {"proportion": "rate", "bias_score": "BBQ bias score", "ece": "ECE"}
#: What a proportion dimension's value is (``outcome = 1`` means what the suite expects).
QUANTITY = {
    "safety_refusal": "refusal rate",
    "over_refusal": "benign-answer rate",
    "factuality": "accuracy",
    "task_accuracy": "accuracy",
    "reasoning": "accuracy",
}
#: A cell for a figure that does not apply to the row (an ECE has no share and flips no item).
NOT_APPLICABLE = "—"


def fmt_number(value: object) -> str:
    """A number (or a JSON value holding numbers) for people: at most four significant digits.

    ``0.09999999999999998`` reads ``0.1``; integers stay whole; lists and mappings are
    formatted item by item. JSON output keeps full precision; this is for text, Markdown, HTML.
    """
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if abs(value) >= 1000:
            return f"{value:.0f}"
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {fmt_number(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(fmt_number(v) for v in value) + "]"
    return str(value)


def fmt_agreement(key: str, value: object) -> str:
    """An agreement figure: shares of items as percentages, the rest via :func:`fmt_number`."""
    is_share = key.endswith("agreement") or key in ("top1", "top_1")
    if is_share and isinstance(value, float) and 0.0 <= value <= 1.0:
        return f"{value * 100:.1f}%"
    return fmt_number(value)


def measure(c: Comparison) -> str:
    """What the teacher and student values of a row are, in words."""
    if c.metric == "ece":
        bins = c.calibration.bins if isinstance(c, DimensionResult) and c.calibration else None
        return f"ECE, {bins} equal-mass bins" if bins else "ECE"
    if c.metric == "bias_score":
        return METRIC_LABEL["bias_score"]
    return QUANTITY.get(c.name, "rate of expected outcomes")


def fmt_value(metric: str, value: float | None) -> str:
    """A model's value: a percentage for rates, three decimals for scores."""
    if value is None or math.isnan(value):
        return "n/a"
    if metric == "proportion":
        return f"{value * 100:.1f}%"
    return f"{value:.3f}"


def fmt_ci(metric: str, ci: tuple[float, float] | None) -> str:
    """An interval as ``[lo, hi]`` in the metric's display units."""
    if ci is None:
        return "[n/a]"
    if metric == "proportion":
        return f"[{ci[0] * 100:.1f}, {ci[1] * 100:.1f}]"
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def fmt_delta(metric: str, value: float | None) -> str:
    """A signed difference: percentage points for rates."""
    if value is None or math.isnan(value):
        return "n/a"
    if metric == "proportion":
        return f"{value * 100:+.1f} pp"
    return f"{value:+.3f}"


def fmt_share(share: float | None) -> str:
    """The student's value as a share of the teacher's."""
    return "n/a" if share is None else f"{share * 100:.0f}%"


def fmt_p(p: float | None) -> str:
    """A p-value, compactly."""
    if p is None:
        return "n/a"
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def fmt_threshold(c: Comparison) -> str:
    """The rule in words, e.g. ``drop <= 5.0 pp`` or ``growth <= 10% rel (>= 0.050)``.

    A bias rule adds its readable-answer floor: ``; readable >= 90%``.
    """
    t = c.threshold
    if t.mode == "absolute":
        amount = f"{t.limit * 100:.1f} pp" if t.metric == "proportion" else f"{t.limit:.3f}"
    else:
        amount = f"{t.limit * 100:.0f}% rel"
        if t.floor > 0:
            floor = f"{t.floor * 100:.1f} pp" if t.metric == "proportion" else f"{t.floor:.3f}"
            amount += f" (>= {floor})"
    readable = f"; readable >= {t.min_readable * 100:.0f}%" if t.min_readable is not None else ""
    return f"{t.direction} <= {amount}{readable}"


def verdict_cell(c: Comparison) -> str:
    """The verdict, naming the component that decided it when that is not the row's figures."""
    label = VERDICT_LABEL[c.verdict]
    decider = _decider(c)
    return f"{label} ({decider.name})" if decider is not None else label


def verdict_key(cell: str) -> str | None:
    """The verdict id of a verdict cell (``BREACH (disambiguated)`` -> ``breach``), else None."""
    label = cell.split(" (", 1)[0]
    return next((k for k, v in VERDICT_LABEL.items() if v == label), None)


def _decider(c: Comparison) -> Comparison | None:
    """The component whose verdict a comparison took, when its figures are not the headline's."""
    if not c.components or c.decided_by in (None, c.components[0].name):
        return None
    return next((p for p in c.components if p.name == c.decided_by), None)


def _label(c: Comparison) -> str:
    """A row's name; a bias row names the context its figures are from."""
    return f"{c.name} ({c.components[0].name})" if c.components else c.name


def fmt_transferred(c: Comparison) -> str:
    """yes / no / undetermined, for the scorecard."""
    if c.transferred is None:
        return "undetermined"
    return "yes" if c.transferred else "no"


def title_of(a: Assessment) -> str:
    """A one-line title for a scorecard."""
    if isinstance(a, TransferAssessment):
        return f"Transfer scorecard: {a.student} vs {a.teacher}"
    teachers = ", ".join(r.teacher for r in a.teachers)
    return f"Multi-teacher scorecard: {a.student} vs {teachers}"


def needs(c: Comparison) -> str:
    """The 'items needed' note of an inconclusive comparison, or an empty string."""
    if c.verdict != "inconclusive":
        return ""
    if c.validity is not None and c.validity.problem:
        return "more items will not settle it: the answers must be readable"
    if c.needed_n is None:
        return "items needed: more than can be estimated"
    return f"about {c.needed_n} paired items needed"


SCORECARD_COLUMNS = (
    "dimension",
    "measure",
    "teacher",
    "student",
    "share",
    "delta [95% CI]",
    "p",
    "lost / gained",
    "threshold",
    "transferred",
    "verdict",
)
SLICE_COLUMNS = ("slice", "teacher", "student", "delta [95% CI]", "p", "lost / gained", "verdict")


def _figures(c: Comparison) -> tuple[str, str]:
    return (
        f"{fmt_value(c.metric, c.teacher.value)} {fmt_ci(c.metric, c.teacher.ci)} n={c.teacher.n}",
        f"{fmt_value(c.metric, c.student.value)} {fmt_ci(c.metric, c.student.ci)} n={c.student.n}",
    )


def _flips(c: Comparison) -> str:
    if c.metric == "ece":
        return NOT_APPLICABLE
    return f"{len(c.flips.lost)} / {len(c.flips.gained)}"


def _share(c: Comparison) -> str:
    return NOT_APPLICABLE if c.metric == "ece" else fmt_share(c.share)


def _scorecard_row(c: Comparison, name: str, what: str, verdict: str) -> list[str]:
    teacher, student = _figures(c)
    return [
        name,
        what,
        teacher,
        student,
        _share(c),
        f"{fmt_delta(c.metric, c.delta)} {fmt_ci(c.metric, c.delta_ci)}",
        fmt_p(c.p_value),
        _flips(c),
        fmt_threshold(c),
        fmt_transferred(c),
        verdict,
    ]


def scorecard_rows(c: Comparison) -> list[list[str]]:
    """A dimension's scorecard rows (SCORECARD_COLUMNS order).

    One row; a bias dimension whose verdict came from the other context gets a second row with
    that context's own figures, so no verdict sits next to numbers that did not decide it.
    """
    what = measure(c)
    rows = [_scorecard_row(c, _label(c), what, verdict_cell(c))]
    decider = _decider(c)
    if decider is not None:
        rows.append(
            _scorecard_row(
                decider, f"{c.name} ({decider.name})", what, VERDICT_LABEL[decider.verdict]
            )
        )
    return rows


def scorecard_row(c: Comparison) -> list[str]:
    """The first scorecard row of a dimension (see :func:`scorecard_rows`)."""
    return scorecard_rows(c)[0]


def _slice_row(c: Comparison, name: str, verdict: str) -> list[str]:
    return [
        name,
        f"{fmt_value(c.metric, c.teacher.value)} n={c.teacher.n}",
        f"{fmt_value(c.metric, c.student.value)} n={c.student.n}",
        f"{fmt_delta(c.metric, c.delta)} {fmt_ci(c.metric, c.delta_ci)}",
        fmt_p(c.p_value),
        _flips(c),
        verdict,
    ]


def slice_rows(c: Comparison) -> list[list[str]]:
    """A slice's rows (SLICE_COLUMNS order), with the deciding context's row as in the scorecard."""
    rows = [_slice_row(c, _label(c), verdict_cell(c))]
    decider = _decider(c)
    if decider is not None:
        rows.append(
            _slice_row(decider, f"{c.name} ({decider.name})", VERDICT_LABEL[decider.verdict])
        )
    return rows


def slice_row(c: Comparison) -> list[str]:
    """The first row of a slice (see :func:`slice_rows`)."""
    return slice_rows(c)[0]


def table_rows(comparisons: Sequence[Comparison], *, scorecard: bool) -> list[list[str]]:
    """Every row of a scorecard or slice table."""
    fn = scorecard_rows if scorecard else slice_rows
    return [row for c in comparisons for row in fn(c)]


COHERENCE_COLUMNS = (
    "dimension / slice",
    "responsible teacher",
    "student vs responsible",
    "best teacher",
    "student vs best",
    "coherent",
)


def coherence_row(row: SliceCoherence) -> list[str]:
    """One row of the multi-teacher coherence table."""
    r, b = row.vs_responsible, row.vs_best
    return [
        f"{row.dimension} / {row.slice}",
        f"{row.responsible} ({fmt_value(r.metric, r.teacher.value)})",
        f"{fmt_value(r.metric, r.student.value)} {fmt_delta(r.metric, r.delta)} {verdict_cell(r)}",
        f"{row.best} ({fmt_value(b.metric, b.teacher.value)})",
        f"{fmt_delta(b.metric, b.delta)} {verdict_cell(b)}",
        "yes" if row.coherent else "NO",
    ]
