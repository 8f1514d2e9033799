"""Self-contained HTML scorecard: tables and inline SVG plots, no scripts, no external assets."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from heredity.report._common import (
    COHERENCE_COLUMNS,
    OVERALL_LABEL,
    SCORECARD_COLUMNS,
    SLICE_COLUMNS,
    VERDICT_LABEL,
    Assessment,
    coherence_row,
    fmt_agreement,
    needs,
    table_rows,
    title_of,
    verdict_key,
)
from heredity.report._context import ReportContext, context_html
from heredity.report._svg import VERDICT_COLOUR, dimension_plot, flips_plot
from heredity.transfer import DimensionResult, TransferAssessment

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.badge{display:inline-block;padding:.2rem .6rem;border-radius:4px;color:#fff;font-weight:bold}
.pass{background:#27864a}.fail{background:#c0392b}.inconclusive{background:#6b6b6b}
.v-transferred{color:#27864a}.v-within_tolerance{color:#8a6d00}
.v-breach{color:#c0392b;font-weight:bold}.v-inconclusive{color:#6b6b6b}
.meta{color:#555;font-size:.85rem}.report-context p{margin:.2rem 0}.ids{font-family:monospace;font-size:.8rem}
svg.plot{border:1px solid #eee;margin:.5rem 0}
"""


def _table(columns: Sequence[str], rows: list[list[str]], verdict_col: int | None = None) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            cls = ""
            if verdict_col is not None and i == verdict_col:
                key = verdict_key(cell)
                cls = f' class="v-{key}"' if key else ""
            cells.append(f"<td{cls}>{escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _flip_details(d: DimensionResult) -> str:
    groups = d.slices if len(d.slices) > 1 else [d]
    items = []
    for g in groups:
        if not (g.flips.lost or g.flips.gained):
            continue
        label = d.name if g is d else f"{d.name} / {g.name}"
        items.append(
            f"<li><b>{escape(label)}</b> lost: <span class='ids'>"
            f"{escape(', '.join(g.flips.lost) or '—')}</span>; gained: <span class='ids'>"
            f"{escape(', '.join(g.flips.gained) or '—')}</span></li>"
        )
    if not items:
        return ""
    return (
        f"<details><summary>flipped items of {escape(d.name)}</summary><ul>"
        + "".join(items)
        + "</ul></details>"
    )


def _body(a: TransferAssessment, level: int) -> str:
    h2, h3 = f"h{level}", f"h{level + 1}"
    parts = [
        f"<p><span class='badge {a.verdict}'>{OVERALL_LABEL[a.verdict]}</span> "
        f"<span class='meta'>teacher <b>{escape(a.teacher)}</b> · student "
        f"<b>{escape(a.student)}</b> · policy {escape(a.policy)} "
        f"({escape(a.policy_digest[:19])})</span></p>",
        _table(
            SCORECARD_COLUMNS,
            table_rows(a.dimensions, scorecard=True),
            verdict_col=len(SCORECARD_COLUMNS) - 1,
        ),
        f"<{h2}>Teacher and student per dimension</{h2}>",
        dimension_plot(a.dimensions),
        f"<{h2}>Why</{h2}><ul>",
    ]
    for d in a.dimensions:
        extra = needs(d)
        colour = VERDICT_COLOUR.get(d.verdict, "#333")
        parts.append(
            f"<li><b>{escape(d.name)}</b> — <span style='color:{colour}'>"
            f"{escape(VERDICT_LABEL[d.verdict])}</span>: {escape(d.reason)}"
            + (f" <i>({escape(extra)})</i>" if extra else "")
            + "</li>"
        )
    parts.append("</ul>")
    parts += [f"<{h2}>Flips per slice</{h2}>", flips_plot(a.dimensions)]
    parts += [_flip_details(d) for d in a.dimensions]
    for d in a.dimensions:
        if len(d.slices) > 1:
            parts.append(f"<{h3}>Slices of {escape(d.name)}</{h3}>")
            parts.append(
                _table(SLICE_COLUMNS, table_rows(d.slices, scorecard=False), len(SLICE_COLUMNS) - 1)
            )
        if d.components:
            parts.append(f"<{h3}>{escape(d.name)} by context</{h3}>")
            parts.append(
                _table(
                    SLICE_COLUMNS, table_rows(d.components, scorecard=False), len(SLICE_COLUMNS) - 1
                )
            )
    calibrated = [d for d in a.dimensions if d.calibration is not None]
    if calibrated:
        rows = []
        for d in calibrated:
            c = d.calibration
            assert c is not None
            rows.append(
                [
                    d.name,
                    str(c.n),
                    f"{c.teacher.ece:.3f} / {c.teacher.brier:.3f}",
                    f"{c.student.ece:.3f} / {c.student.brier:.3f}",
                    c.warning or "",
                ]
            )
        parts.append(f"<{h2}>Calibration</{h2}>")
        parts.append(
            _table(("dimension", "n", "teacher ECE / Brier", "student ECE / Brier", "note"), rows)
        )
    if a.agreement:
        parts.append(f"<{h2}>Agreement with the teacher</{h2}><ul>")
        parts += [
            f"<li>{escape(str(k))}: {escape(fmt_agreement(str(k), v))}</li>"
            for k, v in a.agreement.items()
        ]
        parts.append("</ul>")
    if a.unpaired.teacher_only or a.unpaired.student_only:
        parts.append(
            f"<{h2}>Unpaired items</{h2}><p class='ids'>teacher only: "
            f"{escape(', '.join(a.unpaired.teacher_only) or '—')}<br>student only: "
            f"{escape(', '.join(a.unpaired.student_only) or '—')}</p>"
        )
    if a.warnings:
        parts.append(f"<{h2}>Warnings</{h2}><ul>")
        parts += [f"<li>{escape(w)}</li>" for w in a.warnings]
        parts.append("</ul>")
    return "\n".join(p for p in parts if p)


def render_html(assessment: Assessment, *, context: ReportContext | None = None) -> str:
    """A self-contained HTML page: scorecard table, SVG plots with interval whiskers, flips.

    With ``context`` the page opens with its provenance header (made when, by whom, from which
    registry at which ledger head, of which records and suites).
    """
    title = title_of(assessment)
    if isinstance(assessment, TransferAssessment):
        body = _body(assessment, 2)
    else:
        m = assessment
        incoherent = (
            "Incoherent slices: " + ", ".join(m.incoherent_slices)
            if m.incoherent_slices
            else "No incoherent slice."
        )
        sections = [
            f"<p><span class='badge {m.verdict}'>{OVERALL_LABEL[m.verdict]}</span> "
            f"<span class='meta'>student <b>{escape(m.student)}</b> · policy "
            f"{escape(m.policy)}</span></p>",
            f"<h2>Coherence per slice</h2><p>{escape(incoherent)}</p>",
            _table(COHERENCE_COLUMNS, [coherence_row(r) for r in m.slices]),
        ]
        for role in m.teachers:
            sections.append(
                f"<h2>Against {escape(role.teacher)} ({escape(', '.join(role.dimensions))})</h2>"
            )
            if role.assessment is None:
                sections.append("<p>No results on this teacher's dimensions.</p>")
            else:
                sections.append(_body(role.assessment, 3))
        if m.warnings:
            sections.append("<h2>Warnings</h2><ul>")
            sections += [f"<li>{escape(w)}</li>" for w in m.warnings]
            sections.append("</ul>")
        body = "\n".join(sections)
    header = context_html(context) + "\n" if context is not None else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><h1>{escape(title)}</h1>\n{header}{body}\n"
        "<p class='meta'>Generated by Heredity (AG-343 4.2, 4.6).</p></body></html>\n"
    )
