"""Framework configs -> the document's ``config`` in normalised meaning (4.7).

The same word means different things in different frameworks: TRL GKD's ``temperature`` is a
*sampling* temperature (its loss runs at 1.0), torchdistill's ``alpha`` weighs the *hard labels*,
DistillKit divides by the sum of its weights. Each framework is read by its own source
(``_trl``, ``_torchdistill``, ``_distillkit``, ``_modelopt``); what Heredity cannot know is refused
with what to supply. The result keeps the config as passed under ``raw.passed`` and a note for
every value saying how it was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from heredity.capture._distillkit import V1_SCRIPTS, normalise_distillkit
from heredity.capture._modelopt import normalise_modelopt
from heredity.capture._read import training_args
from heredity.capture._torchdistill import normalise_torchdistill
from heredity.capture._trl import CHOICES as TRL_TRAINERS
from heredity.capture._trl import normalise_trl
from heredity.errors import BadInput
from heredity.records import CONFIG_LIMITS, Config, load_mapping_file, validate

FRAMEWORKS = ("trl", "distillkit", "torchdistill", "modelopt", "transformers")

__all__ = [
    "FRAMEWORKS",
    "TRL_TRAINERS",
    "V1_SCRIPTS",
    "import_config",
    "load_framework_config",
    "normalise",
]


def load_framework_config(path: str | Path) -> dict[str, Any]:
    """Read a framework's YAML/JSON config, keeping custom tags (torchdistill's
    ``!import_call``...) as data, within :data:`~heredity.records.CONFIG_LIMITS`."""
    return load_mapping_file(path, CONFIG_LIMITS, keep_tags=True, finite=False)


def _transformers(raw: Mapping[str, Any], trainer: str | None) -> tuple[dict[str, Any], list[str]]:
    facts, notes = training_args(raw)
    if trainer not in (None, "Trainer"):
        return facts, [
            f"{trainer}: a transformers Trainer subclass; its loss is its own, not in its "
            "arguments (a distilling trainer reports its settings itself)",
            *notes,
        ]
    fields = {
        "objective": "the model's own loss on the labels",
        "loss": "ce",
        "kd_weight": 0.0,
        "hard_label_weight": 1.0,
        "terms": [{"name": "model_loss", "role": "hard_label", "weight": 1.0, "loss": "ce"}],
    }
    return fields | facts, [
        "transformers Trainer: the model's own loss (cross-entropy on the labels for LM heads)",
        *notes,
    ]


def normalise(
    framework: str,
    raw: Mapping[str, Any],
    *,
    version: str | None = None,
    trainer: str | None = None,
    trainer_mro: Sequence[str] = (),
) -> tuple[Config, list[str]]:
    """Turn a framework's raw config into the document's ``config`` (raw kept under ``raw``).

    ``trainer`` names the TRL trainer (``gkd`` or ``GKDTrainer``...) or the DistillKit v1 script;
    ``trainer_mro`` (class names, most specific first) lets a subclass be read as its TRL base.
    """
    if framework not in FRAMEWORKS:
        raise BadInput(f"--framework: {framework!r} is not one of {', '.join(FRAMEWORKS)}")
    if not isinstance(raw, Mapping):
        raise BadInput(f"{framework} config: expected a mapping, got {type(raw).__name__}")
    trainer_name = trainer
    if framework == "trl":
        fields, notes, trainer_name = normalise_trl(
            raw, trainer, version=version, trainer_mro=trainer_mro
        )
    elif framework == "distillkit":
        fields, notes = normalise_distillkit(raw, trainer)
    elif framework in ("torchdistill", "modelopt"):
        if trainer:
            raise BadInput(
                f"--trainer: {framework} has no trainer choice; --trainer is for trl and DistillKit v1"
            )
        reader = normalise_torchdistill if framework == "torchdistill" else normalise_modelopt
        fields, notes = reader(raw)
    else:
        fields, notes = _transformers(raw, trainer)
    fw = {"name": framework, "version": version, "trainer": trainer_name}
    data = {"framework": fw, **fields, "raw": {"passed": dict(raw), "notes": notes}}
    return validate(Config, data, f"{framework} config"), notes


def import_config(
    path: str | Path, framework: str, *, trainer: str | None = None
) -> tuple[Config, list[str]]:
    """``heredity capture import FILE --framework F [--trainer T]``: read a config and normalise it."""
    raw = load_framework_config(path)
    try:
        return normalise(framework, raw, trainer=trainer)
    except BadInput as exc:
        if exc.message.startswith(("--", str(path))):
            raise
        # Name the file as well as the key (``num_train_epochs: expected a number``).
        raise type(exc)(f"{path}: {exc.message}", details=exc.details) from None
