"""What a run can tell about itself: versions, hardware, git revision, dataset fingerprints."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from heredity.records import fingerprints


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
    """The machine a run happens on: platform, Python, CPU count, memory and accelerators."""

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


def _hf_rows(dataset: Any, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    for batch in dataset.iter(batch_size=batch_size):
        columns = list(batch)
        for i in range(len(batch[columns[0]]) if columns else 0):
            yield {c: batch[c][i] for c in columns}


def dataset_fingerprints(dataset: Any) -> tuple[str | None, str | None, int | None]:
    """Content fingerprint of a training dataset, its fingerprint as computed before the one JSON
    policy (``heredity.records.fingerprints``) and its size; ``None``s when unreadable.

    The same fingerprint over the rows whatever holds them: a list of dicts, a torch dataset,
    or a Hugging Face ``datasets.Dataset`` (read in batches; its own ``_fingerprint`` hashes the
    history of transforms and cache-file times, not the content, so it is not used). A
    streaming (iterable) dataset has no length and is not consumed.
    """
    if dataset is None or not hasattr(dataset, "__len__"):
        return None, None, None
    try:
        if hasattr(dataset, "_fingerprint") and hasattr(dataset, "iter"):
            return fingerprints(_hf_rows(dataset))
        return fingerprints(dataset[i] for i in range(len(dataset)))
    except (TypeError, KeyError, IndexError, NotImplementedError):
        return None, None, None


def dataset_fingerprint(dataset: Any) -> tuple[str | None, int | None]:
    """Content fingerprint of a training dataset and its size (``None, None`` when unreadable)."""
    fp, _, n = dataset_fingerprints(dataset)
    return fp, n
