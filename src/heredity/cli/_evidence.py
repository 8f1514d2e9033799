"""Showing how imported evidence was read: its cross-checks and warnings."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from heredity.cli._app import console
from heredity.evaluate import ImportReport


def print_report(report: ImportReport, title: str | None = None) -> None:
    """A short table: the file, its tool and scorer, what a score means, and each cross-check."""
    table = Table(title=escape(title or report.source), show_header=False, title_justify="left")
    table.add_row("format", escape(f"{report.format} ({report.tool or '?'})"))
    if report.task:
        table.add_row("task", escape(report.task))
    if report.scorer:
        table.add_row("scorer", escape(report.scorer))
    table.add_row("meaning", escape(report.meaning))
    table.add_row("items", f"{report.items} of {report.samples} samples")
    if report.matched:
        table.add_row(
            "matched to suite",
            ", ".join(f"{n} by {how}" for how, n in report.matched.items()),
        )
    for check in report.checks:
        mark = "[green]agrees[/]" if check.agrees else "[red]DISAGREES[/]"
        table.add_row(
            f"check {escape(check.metric)}",
            f"file {check.tool:.6g}, Heredity {check.heredity:.6g} {mark}",
        )
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
