"""Capture: gate a run on its rights and record it as it happens; normalise configs (4.7, 4.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heredity.capture._facts import (
    dataset_fingerprint,
    dataset_fingerprints,
    framework_versions,
    git_revision,
    hardware,
)
from heredity.capture._normalise import FRAMEWORKS, import_config, load_framework_config, normalise
from heredity.records import fingerprint
from heredity.registry._digest import model_files, signing_ignore_paths

if TYPE_CHECKING:
    from heredity.capture._callback import (
        AsPassed,
        HeredityCallback,
        PlanMismatch,
        TeacherMismatch,
        attach,
        snapshot,
    )

_CALLBACK = (
    "AsPassed",
    "HeredityCallback",
    "PlanMismatch",
    "TeacherMismatch",
    "attach",
    "snapshot",
)


def __getattr__(name: str) -> Any:
    # The callback needs transformers (and so torch); import it only when asked for.
    if name in _CALLBACK:
        from heredity.capture import _callback

        return getattr(_callback, name)
    raise AttributeError(f"module 'heredity.capture' has no attribute {name!r}")


__all__ = [
    "FRAMEWORKS",
    "AsPassed",
    "HeredityCallback",
    "PlanMismatch",
    "TeacherMismatch",
    "attach",
    "dataset_fingerprint",
    "dataset_fingerprints",
    "fingerprint",
    "framework_versions",
    "git_revision",
    "hardware",
    "import_config",
    "load_framework_config",
    "model_files",
    "normalise",
    "signing_ignore_paths",
    "snapshot",
]
