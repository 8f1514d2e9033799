"""``capture import``: framework configs into the document's normalised ``config`` (4.7)."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from heredity.capture import import_config
from heredity.capture._normalise import TRL_TRAINERS, V1_SCRIPTS
from heredity.cli._app import app, check_format, console, print_json

capture_app = typer.Typer(help="Capture distillation runs and configs.", no_args_is_help=True)
app.add_typer(capture_app, name="capture")


@capture_app.command("import")
def import_(
    file: Path = typer.Argument(..., help="the framework's config file (YAML/JSON)"),
    framework: str = typer.Option(
        ..., "--framework", help="distillkit | torchdistill | modelopt | trl | transformers"
    ),
    trainer: str | None = typer.Option(
        None,
        "--trainer",
        help=f"trl: {TRL_TRAINERS} (or the class name, e.g. GKDTrainer); "
        f"DistillKit v1: {' | '.join(V1_SCRIPTS)}",
    ),
    fmt: str = typer.Option("yaml", "--format", help="yaml | json"),
) -> None:
    """Print the ``config:`` section of a provenance document for a run that did not use the callback.

    Each key is read by its framework's own source; what cannot be known from the file (which TRL
    trainer, which DistillKit v1 script) must be given with ``--trainer`` or is refused (exit 2).
    """
    check_format(fmt, ("yaml", "json"))
    config, notes = import_config(file, framework, trainer=trainer)
    data = config.model_dump(mode="json", exclude_none=True)
    if fmt == "json":
        print_json({"config": data})
        return
    for note in notes:
        console.print(f"# {note}", style="dim", highlight=False, soft_wrap=True)
    typer.echo(yaml.safe_dump({"config": data}, sort_keys=False))
