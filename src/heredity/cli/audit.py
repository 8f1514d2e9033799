"""``audit`` (tests 8.1-8.5 and the maturity level) and ``evidence`` (an auditor's pack)."""

from __future__ import annotations

from pathlib import Path

import typer

from heredity.cli._app import (
    app,
    check_format,
    console,
    echo,
    open_registry,
    print_json,
    styled,
)
from heredity.files import write_file


@app.command("audit")
def audit_command(
    model: str | None = typer.Option(
        None, "--model", help="audit one model (default: every distilled model)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json | html"),
    out: Path | None = typer.Option(None, "--out", help="also write the report to this file"),
) -> None:
    """Run the conformance tests 8.1-8.5; exit 1 when any test fails (a CI gate)."""
    from heredity.govern import audit, audit_html, audit_text
    from heredity.report import inventory_context, stamp_html, stamp_json

    check_format(fmt, ("text", "json", "html"))
    registry = open_registry()
    report = audit(registry, model)
    ctx = inventory_context(registry, [m.ref for m in report.models])
    data = stamp_json(report.to_json(), ctx)
    if fmt == "json":
        import json

        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = stamp_html(audit_html(report), ctx)
    else:
        text = audit_text(report)
    if out is not None:
        write_file(out, text)
    if fmt == "json":
        print_json(data)
    else:
        echo(text, nl=False)
    if report.failed:
        raise typer.Exit(1)


@app.command("evidence")
def evidence_command(
    model: str = typer.Argument(..., help="name@version"),
    out: Path = typer.Option(..., "--out", help="directory to write the pack into"),
) -> None:
    """Write an auditor's evidence pack: records, scorecards, approvals, ledger, an HTML index."""
    from heredity.govern import write_evidence

    pack = write_evidence(open_registry(), model, out)
    console.print(
        styled(
            "evidence pack for ",
            (model, "bold"),
            f": {len(pack.files)} files in {pack.out_dir} "
            f"(open {Path(pack.out_dir) / 'index.html'}); ledger ",
            ("verified", "green") if pack.ledger_ok else ("FAILED verification", "red"),
        )
    )
    for s in pack.skipped:
        console.print(styled((f"skipped {s}", "dim")))
    if not pack.ledger_ok:
        raise typer.Exit(1)
