"""Markdown scorecard (4.6)."""

from __future__ import annotations

import json
from collections.abc import Sequence

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
)
from heredity.report._context import ReportContext, context_markdown, stamp_json
from heredity.transfer import MultiTeacherAssessment, TransferAssessment


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(columns: Sequence[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _body(a: TransferAssessment, level: int) -> list[str]:
    h = "#" * level
    lines = [
        f"**Verdict: {OVERALL_LABEL[a.verdict]}** · teacher `{a.teacher}` · student `{a.student}` "
        f"· policy `{a.policy}` (`{a.policy_digest[:19]}`)",
        "",
    ]
    lines += _table(SCORECARD_COLUMNS, table_rows(a.dimensions, scorecard=True))
    lines += ["", f"{h} Why", ""]
    for d in a.dimensions:
        extra = needs(d)
        lines.append(
            f"- **{d.name}** — {VERDICT_LABEL[d.verdict]}: {d.reason}"
            + (f" ({extra})" if extra else "")
        )
    for d in a.dimensions:
        if len(d.slices) > 1:
            lines += ["", f"{h} Slices of {d.name}", ""]
            lines += _table(SLICE_COLUMNS, table_rows(d.slices, scorecard=False))
        if d.components:
            lines += ["", f"{h} {d.name} by context", ""]
            lines += _table(SLICE_COLUMNS, table_rows(d.components, scorecard=False))
    flipped = [d for d in a.dimensions if d.metric != "ece" and (d.flips.lost or d.flips.gained)]
    if flipped:
        lines += ["", f"{h} Flips", ""]
        for d in flipped:
            lines.append(f"- **{d.name}** lost: {', '.join(d.flips.lost) or '—'}")
            lines.append(f"- **{d.name}** gained: {', '.join(d.flips.gained) or '—'}")
    calibrated = [d for d in a.dimensions if d.calibration is not None]
    if calibrated:
        lines += ["", f"{h} Calibration", ""]
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
        lines += _table(
            ("dimension", "n", "teacher ECE / Brier", "student ECE / Brier", "note"), rows
        )
    if a.agreement:
        lines += ["", f"{h} Agreement with the teacher", ""]
        lines += [f"- {k}: {fmt_agreement(str(k), v)}" for k, v in a.agreement.items()]
    if a.unpaired.teacher_only or a.unpaired.student_only:
        lines += ["", f"{h} Unpaired items", ""]
        lines.append(f"- teacher only: {', '.join(a.unpaired.teacher_only) or '—'}")
        lines.append(f"- student only: {', '.join(a.unpaired.student_only) or '—'}")
    if a.warnings:
        lines += ["", f"{h} Warnings", ""]
        lines += [f"- {w}" for w in a.warnings]
    return lines


def render_markdown(assessment: Assessment, *, context: ReportContext | None = None) -> str:
    """A Markdown scorecard of a single- or multi-teacher assessment (``context``: its header)."""
    lines = [f"# {title_of(assessment)}", ""]
    if context is not None:
        lines += [*context_markdown(context), ""]
    if isinstance(assessment, TransferAssessment):
        lines += _body(assessment, 2)
        return "\n".join(lines) + "\n"
    m: MultiTeacherAssessment = assessment
    lines.append(
        f"**Verdict: {OVERALL_LABEL[m.verdict]}** · student `{m.student}` · policy `{m.policy}`"
    )
    lines += ["", "## Coherence per slice", ""]
    if m.incoherent_slices:
        lines.append("Incoherent slices: " + ", ".join(f"`{s}`" for s in m.incoherent_slices))
    else:
        lines.append("No incoherent slice: the student holds up against every responsible teacher.")
    lines.append("")
    lines += _table(COHERENCE_COLUMNS, [coherence_row(r) for r in m.slices])
    for role in m.teachers:
        lines += ["", f"## Against `{role.teacher}` ({', '.join(role.dimensions)})", ""]
        if role.assessment is None:
            lines.append("No results on this teacher's dimensions.")
        else:
            lines += _body(role.assessment, 3)
    if m.warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- {w}" for w in m.warnings]
    return "\n".join(lines) + "\n"


def render_json(
    assessment: Assessment, *, indent: int | None = 2, context: ReportContext | None = None
) -> str:
    """The assessment's JSON contract as text (full precision); ``context`` adds ``report_context``."""
    data = assessment.model_dump(mode="json")
    if context is not None:
        data = stamp_json(data, context)
    return json.dumps(data, indent=indent, ensure_ascii=False)
