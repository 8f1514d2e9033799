"""Terminal scorecard with Rich."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from heredity.report._common import (
    COHERENCE_COLUMNS,
    OVERALL_LABEL,
    SCORECARD_COLUMNS,
    SLICE_COLUMNS,
    VERDICT_LABEL,
    Assessment,
    coherence_row,
    needs,
    table_rows,
    title_of,
    verdict_key,
)
from heredity.report._context import ReportContext, context_lines
from heredity.transfer import TransferAssessment

VERDICT_STYLE = {
    "transferred": "green",
    "within_tolerance": "yellow",
    "breach": "bold red",
    "inconclusive": "dim",
}
OVERALL_STYLE = {"pass": "bold green", "fail": "bold red", "inconclusive": "bold yellow"}


def _style(cell: str) -> str:
    key = verdict_key(cell)
    return VERDICT_STYLE[key] if key else ""


def _table(title: str, columns: Sequence[str], rows: list[list[str]]) -> Table:
    table = Table(title=Text(title), title_justify="left", show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell, style=_style(cell)) for cell in row])
    return table


def _body(a: TransferAssessment, console: Console) -> None:
    head = Text()
    head.append("Verdict: ")
    head.append(OVERALL_LABEL[a.verdict], style=OVERALL_STYLE[a.verdict])
    head.append(f"   policy {a.policy}")
    console.print(head)
    console.print(_table("Scorecard", SCORECARD_COLUMNS, table_rows(a.dimensions, scorecard=True)))
    for d in a.dimensions:
        line = Text(f"{d.name}: ")
        line.append(VERDICT_LABEL[d.verdict], style=VERDICT_STYLE[d.verdict])
        line.append(f" — {d.reason}")
        extra = needs(d)
        if extra:
            line.append(f" ({extra})", style="italic")
        console.print(line)
    for d in a.dimensions:
        if len(d.slices) > 1:
            console.print(
                _table(f"Slices of {d.name}", SLICE_COLUMNS, table_rows(d.slices, scorecard=False))
            )
        if d.components:
            rows = table_rows(d.components, scorecard=False)
            console.print(_table(f"{d.name} by context", SLICE_COLUMNS, rows))
    if a.unpaired.teacher_only or a.unpaired.student_only:
        console.print(
            f"Unpaired: {len(a.unpaired.teacher_only)} teacher-only, "
            f"{len(a.unpaired.student_only)} student-only items"
        )
    for w in a.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))


def render_text(
    assessment: Assessment,
    console: Console | None = None,
    *,
    context: ReportContext | None = None,
) -> None:
    """Print a scorecard of a single- or multi-teacher assessment to a Rich console."""
    out = console if console is not None else Console()
    out.print(Text(title_of(assessment), style="bold"))
    if context is not None:
        for line in context_lines(context):
            out.print(Text(line, style="dim"), soft_wrap=True)
    if isinstance(assessment, TransferAssessment):
        _body(assessment, out)
        return
    m = assessment
    head = Text("Verdict: ")
    head.append(OVERALL_LABEL[m.verdict], style=OVERALL_STYLE[m.verdict])
    head.append(f"   policy {m.policy}")
    out.print(head)
    if m.incoherent_slices:
        out.print(Text("Incoherent slices: " + ", ".join(m.incoherent_slices), style="bold red"))
    out.print(
        _table("Coherence per slice", COHERENCE_COLUMNS, [coherence_row(r) for r in m.slices])
    )
    for role in m.teachers:
        out.rule(Text(f"against {role.teacher} ({', '.join(role.dimensions)})"))
        if role.assessment is None:
            out.print("No results on this teacher's dimensions.")
        else:
            _body(role.assessment, out)
    for w in m.warnings:
        out.print(Text(f"warning: {w}", style="yellow"))
