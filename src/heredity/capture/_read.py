"""Typed reads of framework config values: a wrong type is BadInput naming the key, never a crash.

Values written in YAML may arrive as text (PyYAML reads ``2e-5`` as a string; TRL's parser and
transformers convert it); numbers in text are accepted where the tool itself would convert them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from heredity.errors import BadInput

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _where(where: str, key: str) -> str:
    return f"{where}{key}" if where else key


def number(src: Mapping[str, Any], key: str, where: str = "") -> float | None:
    """``src[key]`` as a finite float; None when absent or null."""
    value = src.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadInput(f"{_where(where, key)}: expected a number, got {value!r}")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            raise BadInput(f"{_where(where, key)}: expected a number, got {value!r}") from None
    else:
        raise BadInput(f"{_where(where, key)}: expected a number, got {value!r}")
    if not math.isfinite(out):
        raise BadInput(f"{_where(where, key)}: expected a finite number, got {value!r}")
    return out


def integer(src: Mapping[str, Any], key: str, where: str = "") -> int | None:
    """``src[key]`` as a whole number; None when absent or null."""
    value = src.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadInput(f"{_where(where, key)}: expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise BadInput(f"{_where(where, key)}: expected a whole number, got {value!r}")


def boolean(src: Mapping[str, Any], key: str, where: str = "") -> bool | None:
    """``src[key]`` as true/false (YAML booleans, or the words argparse accepts); None when absent."""
    value = src.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise BadInput(f"{_where(where, key)}: expected true or false, got {value!r}")


def text(src: Mapping[str, Any], key: str, where: str = "") -> str | None:
    """``src[key]`` as a string; None when absent or null."""
    value = src.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"{_where(where, key)}: expected text, got {value!r}")
    return value


def mapping(src: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any] | None:
    """``src[key]`` as a mapping; None when absent or null."""
    value = src.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise BadInput(f"{_where(where, key)}: expected a mapping, got {value!r}")
    return {str(k): v for k, v in value.items()}


def unit_interval(value: float | None, key: str, where: str = "") -> float | None:
    """Check a value the tool requires to lie in [0, 1]."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise BadInput(f"{_where(where, key)}: must be between 0 and 1, got {value}")
    return value


def training_args(src: Mapping[str, Any], where: str = "") -> tuple[dict[str, Any], list[str]]:
    """transformers ``TrainingArguments`` facts: epochs or steps, seed, learning rate, batch size.

    transformers trains for ``max_steps`` when it is above 0 and then ignores ``num_train_epochs``
    (``TrainingArguments``: "overrides num_train_epochs"); a value absent from the config is not
    recorded, whatever its default.
    """
    out: dict[str, Any] = {}
    notes: list[str] = []
    epochs = number(src, "num_train_epochs", where)
    steps = integer(src, "max_steps", where)
    if steps is not None and steps > 0:
        out["max_steps"] = steps
        if epochs is not None:
            notes.append(
                f"max_steps={steps} governs the run: transformers ignores "
                f"num_train_epochs={epochs:g} when max_steps > 0, so no epochs are recorded"
            )
    elif epochs is not None:
        if epochs <= 0:
            raise BadInput(f"{_where(where, 'num_train_epochs')}: must be above 0, got {epochs:g}")
        out["epochs"] = epochs
    seed = integer(src, "seed", where)
    if seed is not None:
        out["seed"] = seed
    lr = number(src, "learning_rate", where)
    if lr is not None:
        if lr <= 0:
            raise BadInput(f"{_where(where, 'learning_rate')}: must be above 0, got {lr:g}")
        out["learning_rate"] = lr
    batch = integer(src, "per_device_train_batch_size", where)
    if batch is not None:
        if batch <= 0:
            raise BadInput(f"{_where(where, 'per_device_train_batch_size')}: must be above 0")
        out["batch_size"] = batch
    return out, notes


def beta_loss(beta: float) -> str:
    """The divergence a generalized-JSD ``beta`` selects (TRL's convention: 0 forward, 1 reverse)."""
    if beta == 0.0:
        return "forward_kl"
    if beta == 1.0:
        return "reverse_kl"
    return "jsd"
