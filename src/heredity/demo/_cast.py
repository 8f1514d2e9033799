"""The demo's cast (the models it makes) and what one of its stages may use of the run.

A leaf of the demo package: the run (``_run``) and its governance act (``_governance``) both
import it, and neither imports the other's internals.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from heredity.registry import Registry

TEACHER = "acme/toy-teacher@1"
FLUENT = "acme/toy-fluent@1"
TASK_ONLY = "acme/toy-task-only@1"
SAFETY_AWARE = "acme/toy-safety-aware@1"
BLEND = "acme/toy-blend@1"
SEQ = "acme/toy-seq@1"
API_STUDENT = "acme/toy-rival@1"
STUDENTS = (TASK_ONLY, SAFETY_AWARE, SEQ, BLEND)


class Stage(Protocol):
    """What a stage of the demo uses of the run: its registry, where it writes, its narration."""

    @property
    def registry(self) -> Registry: ...

    @property
    def out(self) -> Path: ...

    @property
    def reports(self) -> Path: ...

    @property
    def summary(self) -> dict[str, Any]: ...

    def say(self, text: str) -> None: ...

    def heading(self, text: str) -> None: ...

    def step(self, label: str) -> AbstractContextManager[None]: ...
