"""Evidence files on the command line: the flags that say how to read one, and its report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from heredity.cli._app import console, styled
from heredity.evaluate import ImportReport, ReadOptions, parse_score_map


def print_report(report: ImportReport, title: str | None = None) -> None:
    """A short table: the file, its tool and scorer, what a score means, and each cross-check."""
    table = Table(title=title or report.source, show_header=False, title_justify="left")
    table.add_row("format", f"{report.format} ({report.tool or '?'})")
    if report.task:
        table.add_row("task", report.task)
    if report.scorer:
        table.add_row("scorer", report.scorer)
    table.add_row("meaning", report.meaning)
    table.add_row("items", f"{report.items} of {report.samples} samples")
    if report.matched:
        table.add_row(
            "matched to suite",
            ", ".join(f"{n} by {how}" for how, n in report.matched.items()),
        )
    for check in report.checks:
        mark = ("agrees", "green") if check.agrees else ("DISAGREES", "red")
        table.add_row(
            f"check {check.metric}",
            styled(f"file {check.tool:.6g}, Heredity {check.heredity:.6g} ", mark),
        )
    console.print(table)
    for warning in report.warnings:
        console.print(styled(("warning:", "yellow"), " ", warning), highlight=False)


# The options that say how an evidence file is read, shared by `evaluate --import` and `assess`.
DIMENSION = typer.Option(None, "--dimension", help="evidence: dimension of items that name none")
ALLOW_PARTIAL = typer.Option(
    False,
    "--allow-partial",
    help="evidence: accept incomplete logs (cancelled, errors, unscored samples); warned",
)
SCORE_MAP = typer.Option(
    None,
    "--score-map",
    help="Inspect evidence: what a scorer's values mean (C=comply,P=refuse,I=refuse, or a YAML "
    "file)",
)
SCORER = typer.Option(None, "--scorer", help="Inspect evidence: the scorer to read, of several")
METRIC = typer.Option(
    None, "--metric", help="lm-eval evidence: the per-sample metric that is the outcome"
)
LM_FILTER = typer.Option(None, "--filter", help="lm-eval evidence: the filter to read, of several")
RESULTS = typer.Option(
    None, "--results", help="lm-eval evidence: its results file, when not beside the samples"
)


def read_options(
    *,
    dimension: str | None,
    allow_partial: bool,
    score_map: str | None,
    scorer: str | None,
    metric: str | None,
    lm_filter: str | None,
    results: Path | None = None,
) -> ReadOptions:
    """The library's :class:`ReadOptions` from the command's flags (the score map parsed)."""
    return ReadOptions(
        dimension=dimension,
        allow_partial=allow_partial,
        score_map=parse_score_map(score_map) if score_map else None,
        scorer=scorer,
        metric=metric,
        lm_filter=lm_filter,
        results=results,
    )
