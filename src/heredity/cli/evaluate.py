"""``evaluate``: run a model on suites, or import results produced elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled
from heredity.cli._evidence import (
    ALLOW_PARTIAL,
    DIMENSION,
    LM_FILTER,
    METRIC,
    RESULTS,
    SCORE_MAP,
    SCORER,
    print_report,
    read_options,
)
from heredity.errors import BadInput

if TYPE_CHECKING:
    from heredity.evaluate import EvaluationRun


def _run_json(run: EvaluationRun) -> dict[str, Any]:
    data = run.model_dump(mode="json", exclude={"items"})
    data["summary"] = run.summary()
    data["items"] = [i.model_dump(mode="json", exclude_none=True) for i in run.items]
    return data


def _print_runs(runs: list[EvaluationRun]) -> None:
    table = Table("model", "suite", "dimension", "n", "value", "source", "record")
    for run in runs:
        origin = "cached" if run.cached else run.source
        for dim, s in run.summary().items():
            value = "-" if s["value"] is None else f"{s['value']:.3f}"
            table.add_row(
                run.model, run.suite, dim, str(s["n"]), value, origin, run.record_id or "-"
            )
    console.print(table)
    for run in runs:
        if run.log_path and not run.cached:
            console.print(styled((f"{run.suite}: log {run.log_path}", "dim")))


@app.command("evaluate")
def evaluate_cmd(
    model: str | None = typer.Argument(
        None, help="registry ref (name@version), model directory, or Inspect model string"
    ),
    suite: list[str] = typer.Option(
        [], "--suite", help="built-in suite name or suite file (repeatable)"
    ),
    refresh: bool = typer.Option(False, "--refresh", help="re-run instead of reusing a stored run"),
    import_file: Path | None = typer.Option(
        None, "--import", help="import results: Inspect log, lm-eval samples or Heredity JSONL"
    ),
    model_ref: str | None = typer.Option(
        None, "--model", help="with --import: the model the results belong to"
    ),
    dimension: str | None = DIMENSION,
    allow_partial: bool = ALLOW_PARTIAL,
    score_map: str | None = SCORE_MAP,
    scorer: str | None = SCORER,
    metric: str | None = METRIC,
    lm_filter: str | None = LM_FILTER,
    results: Path | None = RESULTS,
    grader: str | None = typer.Option(
        None, "--grader", help="Inspect model string that labels refusals (grader role)"
    ),
    max_tokens: int = typer.Option(64, "--max-tokens", help="maximum new tokens per answer"),
    log_dir: Path | None = typer.Option(None, "--log-dir", help="where Inspect writes its logs"),
    store: bool = typer.Option(True, "--store/--no-store", help="store runs in the registry"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Run a model on suites with Inspect (4.2), or import results produced elsewhere."""
    check_format(fmt, ("text", "json"))
    from heredity.evaluate import EvalSettings, evaluate, import_run

    registry = open_registry(create=True) if store else None
    runs: list[EvaluationRun] = []
    if import_file is not None:
        if model is not None:
            raise BadInput("give either MODEL (to run) or --import FILE --model REF, not both")
        if not model_ref:
            raise BadInput("--model: required with --import (the model the results belong to)")
        if len(suite) > 1:
            raise BadInput("--suite: give at most one suite with --import")
        options = read_options(
            dimension=dimension,
            allow_partial=allow_partial,
            score_map=score_map,
            scorer=scorer,
            metric=metric,
            lm_filter=lm_filter,
            results=results,
        )
        suite_name = suite[0] if suite else None
        runs.append(
            import_run(
                import_file, model=model_ref, suite=suite_name, options=options, registry=registry
            )
        )
    else:
        if allow_partial or score_map or scorer or metric or lm_filter or results:
            raise BadInput(
                "--allow-partial, --score-map, --scorer, --metric, --filter and --results go "
                "with --import FILE"
            )
        if model is None:
            raise BadInput("MODEL: required (or use --import FILE --model REF)")
        if not suite:
            raise BadInput("--suite: name at least one suite (see `heredity suites list`)")
        settings = EvalSettings(max_tokens=max_tokens, grader=grader)
        for name in suite:
            with console.status(styled(f"evaluating {model} on {name}")):
                runs.append(
                    evaluate(
                        model,
                        name,
                        settings=settings,
                        registry=registry,
                        refresh=refresh,
                        log_dir=log_dir,
                    )
                )
    if fmt == "json":
        print_json([_run_json(r) for r in runs])
    else:
        for run in runs:
            if run.import_report is not None:
                print_report(run.import_report)
        _print_runs(runs)
