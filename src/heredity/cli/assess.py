"""``assess``: teacher and student on the same suites, paired, with a verdict per dimension (4.2, 4.6)."""

from __future__ import annotations

from pathlib import Path

import typer

from heredity.cli._app import app, check_format, console, err_console, open_registry, styled
from heredity.cli._evidence import (
    ALLOW_PARTIAL,
    DIMENSION,
    LM_FILTER,
    METRIC,
    SCORE_MAP,
    SCORER,
    read_options,
)
from heredity.errors import BadInput
from heredity.files import write_file


@app.command()
def assess(
    teacher: list[str] = typer.Option(
        [], "--teacher", help="teacher ref (repeat for multi-teacher students)"
    ),
    student: str | None = typer.Option(None, "--student", help="student ref (name@version)"),
    suite: list[str] = typer.Option(
        [], "--suite", help="suite name or file (default: the student's plan)"
    ),
    policy: str | None = typer.Option(
        None, "--policy", help="threshold policy id or file (default: the plan's)"
    ),
    teacher_results: Path | None = typer.Option(
        None,
        "--teacher-results",
        help="the teacher's evidence: Inspect log, lm-eval samples or Heredity JSONL",
    ),
    student_results: Path | None = typer.Option(
        None, "--student-results", help="the student's evidence (same formats)"
    ),
    dimension: str | None = DIMENSION,
    allow_partial: bool = ALLOW_PARTIAL,
    score_map: str | None = SCORE_MAP,
    scorer: str | None = SCORER,
    metric: str | None = METRIC,
    lm_filter: str | None = LM_FILTER,
    refresh: bool = typer.Option(
        False, "--refresh", help="re-run evaluations instead of reusing them"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json | md | html"),
    out: Path | None = typer.Option(None, "--out", help="write the scorecard to this file"),
    store: bool = typer.Option(
        True, "--store/--no-store", help="store the assessment in the registry"
    ),
) -> None:
    """Assess what a student kept of its teacher(s); exit 1 when any dimension is a breach."""
    check_format(fmt, ("text", "json", "md", "html"))
    from heredity.report import render_html, render_json, render_markdown, render_text
    from heredity.transfer import (
        MultiTeacherAssessment,
        TransferAssessment,
        assess_files,
        assess_models,
    )

    assessment: TransferAssessment | MultiTeacherAssessment
    imported = teacher_results is not None or student_results is not None
    if imported:
        if teacher_results is None or student_results is None:
            raise BadInput("--teacher-results and --student-results go together")
        if len(teacher) > 1:
            raise BadInput("--teacher: give one teacher with --teacher-results")
        if len(suite) > 1:
            raise BadInput("--suite: give at most one suite with results files")
        registry = open_registry(create=True) if (teacher and student and store) else None
        assessment, stored = assess_files(
            teacher_results,
            student_results,
            teacher_ref=teacher[0] if teacher else None,
            student_ref=student,
            suite=suite[0] if suite else None,
            options=read_options(
                dimension=dimension,
                allow_partial=allow_partial,
                score_map=score_map,
                scorer=scorer,
                metric=metric,
                lm_filter=lm_filter,
            ),
            policy=policy,
            registry=registry,
        )
    else:
        if dimension or allow_partial or score_map or scorer or metric or lm_filter:
            raise BadInput(
                "--dimension, --allow-partial, --score-map and --scorer go with results files; "
                "to reuse evidence already imported, import it with `heredity evaluate --import`"
            )
        if not teacher or not student:
            raise BadInput(
                "--teacher and --student are required (or give --teacher-results/--student-results)"
            )
        registry = open_registry()
        with console.status("evaluating") as status:
            assessment, stored = assess_models(
                registry,
                teacher,
                student,
                suites=suite or None,
                policy=policy,
                refresh=refresh,
                progress=lambda msg: status.update(styled(msg)),
            )
    from heredity.report import assessment_context

    ctx = assessment_context(registry, stored)
    rendered = {
        "json": lambda: render_json(assessment, context=ctx),
        "md": lambda: render_markdown(assessment, context=ctx),
        "html": lambda: render_html(assessment, context=ctx),
    }
    if out is not None:
        text = rendered.get(fmt, rendered["html"])()
        write_file(out, text)
        err_console.print(f"scorecard written to {out}")
    if fmt == "text":
        render_text(assessment, console, context=ctx)
        if stored is not None:
            console.print(f"stored as {stored.id}")
    elif out is None:
        typer.echo(rendered[fmt]())
    if assessment.verdict == "fail":
        raise typer.Exit(1)
