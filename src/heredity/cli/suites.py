"""``suites list|show|import``: the evaluation suites Heredity ships, reads and imports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from heredity.cli._app import app, check_format, console, print_json

suites_app = typer.Typer(
    help="Evaluation suites: built-in, and loaded from files.", no_args_is_help=True
)
app.add_typer(suites_app, name="suites")


@suites_app.command("list")
def suites_list(fmt: str = typer.Option("text", "--format", help="text | json")) -> None:
    """List the built-in suites."""
    check_format(fmt, ("text", "json"))
    from heredity.evaluate import builtin_suites, get_suite

    suites = [get_suite(name) for name in builtin_suites()]
    if fmt == "json":
        print_json(
            [
                {
                    "name": s.name,
                    "description": s.description,
                    "items": len(s.items),
                    "dimensions": s.dimensions(),
                    "slices": s.slices(),
                    "digest": s.digest,
                }
                for s in suites
            ]
        )
        return
    table = Table("suite", "items", "dimensions", "slices", "description")
    for s in suites:
        table.add_row(
            s.name,
            str(len(s.items)),
            ", ".join(s.dimensions()),
            str(len(s.slices())),
            s.description,
        )
    console.print(table)


@suites_app.command("show")
def suites_show(
    name: str = typer.Argument(..., help="built-in suite name or suite file"),
    items: bool = typer.Option(False, "--items", help="print every item (JSONL)"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show a suite: digest, dimensions and slices (and its items with --items)."""
    check_format(fmt, ("text", "json"))
    from heredity.evaluate import get_suite

    suite = get_suite(name)
    if items:
        for item in suite.items:
            sys.stdout.write(json.dumps(item.canonical(), ensure_ascii=False) + "\n")
        return
    if fmt == "json":
        print_json(
            {
                "name": suite.name,
                "description": suite.description,
                "source": suite.source,
                "digest": suite.digest,
                "items": len(suite.items),
                "dimensions": suite.dimensions(),
                "slices": suite.slices(),
                "notes": suite.notes,
                "example": suite.items[0].canonical(),
            }
        )
        return
    table = Table(title=f"{suite.name} ({len(suite.items)} items)", show_header=False)
    table.add_row("description", suite.description or "-")
    table.add_row("digest", suite.digest)
    table.add_row("dimensions", ", ".join(suite.dimensions()))
    for slice_name, count in suite.slices().items():
        table.add_row(f"slice {slice_name}", str(count))
    console.print(table)


@suites_app.command("import")
def suites_import(
    kind: str = typer.Argument(..., help="xstest | bbq | truthfulqa"),
    files: list[Path] = typer.Argument(..., help="the benchmark's published file(s)"),
    out: Path = typer.Option(..., "--out", help="suite file to write (JSONL)"),
    name: str | None = typer.Option(None, "--name", help="suite name (default: the benchmark)"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Import a benchmark from its published files into a suite file, by its own rules.

    Several BBQ category files make one suite. Nothing is written when a file is refused.
    """
    check_format(fmt, ("text", "json"))
    from heredity.evaluate import import_benchmark, save_suite

    suite = import_benchmark(kind, files, name=name)
    save_suite(suite, out)
    if fmt == "json":
        print_json(
            {
                "name": suite.name,
                "out": str(out),
                "digest": suite.digest,
                "items": len(suite.items),
                "dimensions": suite.dimensions(),
                "slices": suite.slices(),
                "notes": suite.notes,
            }
        )
        return
    table = Table(title=f"{suite.name}: {len(suite.items)} items -> {out}", show_header=False)
    table.add_row("digest", suite.digest)
    table.add_row("dimensions", ", ".join(suite.dimensions()))
    table.add_row("slices", ", ".join(f"{k} {v}" for k, v in suite.slices().items()))
    for note in suite.notes:
        table.add_row("read / flagged", note)
    console.print(table)
