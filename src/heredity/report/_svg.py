"""Inline SVG plots for the HTML scorecard (no plotting library, no external assets)."""

from __future__ import annotations

import math
from html import escape

from heredity.report._common import VERDICT_LABEL, fmt_value, measure
from heredity.transfer import Comparison, DimensionResult

TEACHER_COLOUR = "#1f5fa8"
STUDENT_COLOUR = "#d9730d"
LOST_COLOUR = "#c0392b"
GAINED_COLOUR = "#27864a"
VERDICT_COLOUR = {
    "transferred": "#27864a",
    "within_tolerance": "#8a6d00",
    "breach": "#c0392b",
    "inconclusive": "#6b6b6b",
}

_WIDTH = 760
_LABEL_W = 240
_VERDICT_W = 140
_ROW_H = 44
_TOP = 34


def _domain(c: Comparison) -> tuple[float, float]:
    if c.metric == "proportion":
        return (0.0, 1.0)
    if c.metric == "bias_score":
        return (-1.0, 1.0)
    hi = 0.0
    for est in (c.teacher, c.student):
        for v in [est.value, *(est.ci or ())]:
            if v is not None:
                hi = max(hi, v)
    return (0.0, max(0.25, min(1.0, math.ceil(hi * 1.25 * 20) / 20)))


def _x(value: float, domain: tuple[float, float]) -> float:
    lo, hi = domain
    span = _WIDTH - _LABEL_W - _VERDICT_W - 20
    frac = 0.0 if hi == lo else (min(max(value, lo), hi) - lo) / (hi - lo)
    return _LABEL_W + 10 + frac * span


def _tick(value: float, metric: str) -> str:
    return f"{value * 100:.0f}%" if metric == "proportion" else f"{value:.2f}"


def _whisker(c: Comparison, which: str, y: float, domain: tuple[float, float]) -> list[str]:
    est = c.teacher if which == "teacher" else c.student
    colour = TEACHER_COLOUR if which == "teacher" else STUDENT_COLOUR
    out: list[str] = []
    if est.ci is not None:
        x0, x1 = _x(est.ci[0], domain), _x(est.ci[1], domain)
        out.append(
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        for xe in (x0, x1):
            out.append(
                f'<line x1="{xe:.1f}" y1="{y - 4:.1f}" x2="{xe:.1f}" y2="{y + 4:.1f}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
    if est.value is not None:
        xv = _x(est.value, domain)
        tip = escape(f"{which}: {fmt_value(c.metric, est.value)} (n={est.n})")
        if which == "teacher":
            shape = f'<circle cx="{xv:.1f}" cy="{y:.1f}" r="5" fill="{colour}">'
        else:
            shape = (
                f'<rect x="{xv - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}">'
            )
        tag = "circle" if which == "teacher" else "rect"
        out.append(f"{shape}<title>{tip}</title></{tag}>")
    return out


def dimension_plot(dimensions: list[DimensionResult]) -> str:
    """Teacher (circle) and student (square) per dimension, each with its interval whiskers."""
    height = _TOP + _ROW_H * len(dimensions) + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" role="img" '
        'aria-label="teacher and student per dimension with 95% intervals">',
        '<g font-family="sans-serif" font-size="12">',
        f'<circle cx="{_LABEL_W + 14}" cy="14" r="5" fill="{TEACHER_COLOUR}"/>'
        f'<text x="{_LABEL_W + 24}" y="18">teacher</text>',
        f'<rect x="{_LABEL_W + 89}" y="9" width="10" height="10" fill="{STUDENT_COLOUR}"/>'
        f'<text x="{_LABEL_W + 104}" y="18">student (whiskers: 95% interval)</text>',
    ]
    for i, d in enumerate(dimensions):
        top = _TOP + i * _ROW_H
        axis_y = top + _ROW_H - 12
        domain = _domain(d)
        label = f"{d.name} ({measure(d)})"
        parts.append(
            f'<text x="4" y="{top + 18}" class="dim" font-size="11">{escape(label)}</text>'
        )
        x0, x1 = _x(domain[0], domain), _x(domain[1], domain)
        parts.append(
            f'<line x1="{x0:.1f}" y1="{axis_y}" x2="{x1:.1f}" y2="{axis_y}" stroke="#999"/>'
        )
        for v in (domain[0], (domain[0] + domain[1]) / 2, domain[1]):
            xv = _x(v, domain)
            parts.append(
                f'<line x1="{xv:.1f}" y1="{axis_y}" x2="{xv:.1f}" y2="{axis_y + 3}" stroke="#999"/>'
                f'<text x="{xv:.1f}" y="{axis_y + 12}" font-size="9" fill="#666" '
                f'text-anchor="middle">{escape(_tick(v, d.metric))}</text>'
            )
        parts.extend(_whisker(d, "teacher", top + 10, domain))
        parts.extend(_whisker(d, "student", top + 22, domain))
        colour = VERDICT_COLOUR.get(d.verdict, "#333")
        parts.append(
            f'<text x="{_WIDTH - _VERDICT_W + 10}" y="{top + 20}" fill="{colour}" '
            f'font-weight="bold">{escape(VERDICT_LABEL[d.verdict])}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def flips_plot(dimensions: list[DimensionResult]) -> str:
    """Flips per slice: items lost by the student to the left, gained to the right."""
    rows: list[tuple[str, int, int]] = []
    for d in dimensions:
        if d.metric == "ece":
            continue
        slices = d.slices if len(d.slices) > 1 else []
        if not slices:
            rows.append((d.name, len(d.flips.lost), len(d.flips.gained)))
        for s in slices:
            rows.append((f"{d.name} / {s.name}", len(s.flips.lost), len(s.flips.gained)))
    scale = max([1] + [max(lost, gained) for _, lost, gained in rows])
    row_h = 22
    height = 30 + row_h * len(rows) + 10
    mid = _LABEL_W + (_WIDTH - _LABEL_W) / 2
    half = (_WIDTH - _LABEL_W) / 2 - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" role="img" '
        'aria-label="flips per slice: items lost and gained by the student">',
        '<g font-family="sans-serif" font-size="12">',
        f'<text x="{mid - 8:.1f}" y="16" text-anchor="end" fill="{LOST_COLOUR}">'
        "lost (teacher right, student wrong)</text>",
        f'<text x="{mid + 8:.1f}" y="16" fill="{GAINED_COLOUR}">'
        "gained (teacher wrong, student right)</text>",
        f'<line x1="{mid:.1f}" y1="24" x2="{mid:.1f}" y2="{height - 6}" stroke="#999"/>',
    ]
    for i, (label, lost, gained) in enumerate(rows):
        y = 30 + i * row_h
        parts.append(f'<text x="4" y="{y + 13}">{escape(label)}</text>')
        wl = half * lost / scale
        wg = half * gained / scale
        parts.append(
            f'<rect x="{mid - wl:.1f}" y="{y + 3}" width="{wl:.1f}" height="14" '
            f'fill="{LOST_COLOUR}"><title>{lost} lost</title></rect>'
            f'<rect x="{mid:.1f}" y="{y + 3}" width="{wg:.1f}" height="14" '
            f'fill="{GAINED_COLOUR}"><title>{gained} gained</title></rect>'
            f'<text x="{mid - wl - 4:.1f}" y="{y + 14}" text-anchor="end" '
            f'font-size="10">{lost}</text>'
            f'<text x="{mid + wg + 4:.1f}" y="{y + 14}" font-size="10">{gained}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
