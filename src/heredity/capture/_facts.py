"""What a run can tell about itself: versions, hardware, git revision, dataset fingerprints."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any


def framework_versions() -> dict[str, str]:
    """Versions of the packages a distillation run depends on (those installed)."""
    out = {"python": platform.python_version()}
    for pkg in (
        "heredity",
        "torch",
        "transformers",
        "trl",
        "accelerate",
        "tokenizers",
        "datasets",
        "peft",
    ):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


def hardware() -> dict[str, Any]:
    info: dict[str, Any] = {
        "machine": platform.machine(),
        "system": platform.system(),
        "cpus": os.cpu_count() or 0,
    }
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = bool(torch.cuda.is_available())
        if info["cuda"]:
            info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except ImportError:
        pass
    return info


def git_revision(where: str | Path | None = None) -> str | None:
    """The commit of the training code (``+dirty`` when it has uncommitted changes), if in git."""
    cwd = (
        Path(where)
        if where
        else Path(sys.argv[0]).resolve().parent
        if sys.argv and sys.argv[0]
        else Path.cwd()
    )
    if not cwd.is_dir():
        cwd = Path.cwd()
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10
        )
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(examples: Iterable[Any]) -> tuple[str, int]:
    """SHA-256 over the canonical JSON of every example, and how many there were."""
    h = hashlib.sha256()
    n = 0
    for ex in examples:
        h.update(
            json.dumps(_plain(ex), sort_keys=True, separators=(",", ":"), default=str).encode()
        )
        h.update(b"\n")
        n += 1
    return "sha256:" + h.hexdigest(), n


def _hf_rows(dataset: Any, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    for batch in dataset.iter(batch_size=batch_size):
        columns = list(batch)
        for i in range(len(batch[columns[0]]) if columns else 0):
            yield {c: batch[c][i] for c in columns}


def dataset_fingerprint(dataset: Any) -> tuple[str | None, int | None]:
    """Content fingerprint of a training dataset and its size (``None, None`` when unreadable).

    The same :func:`fingerprint` over the rows whatever holds them: a list of dicts, a torch
    dataset, or a Hugging Face ``datasets.Dataset`` (read in batches; its own ``_fingerprint``
    hashes the history of transforms and cache-file times, not the content, so it is not used).
    A streaming (iterable) dataset has no length and is not consumed: ``None, None``.
    """
    if dataset is None:
        return None, None
    try:
        if not hasattr(dataset, "__len__"):
            return None, None
        if hasattr(dataset, "_fingerprint") and hasattr(dataset, "iter"):
            return fingerprint(_hf_rows(dataset))
        return fingerprint(dataset[i] for i in range(len(dataset)))
    except (TypeError, KeyError, IndexError, NotImplementedError):
        return None, None
