"""Helpers for rights tests: build real DistillationDocument plans from a few facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rights_actors import admin_of, as_actor

from heredity.identity import add_actor
from heredity.records import DistillationDocument, parse_document
from heredity.registry import Registry

ABSENT = "__absent__"
DEFAULT_USE: dict[str, Any] = {
    "purpose": "customer-support assistant",
    "commercial": True,
    "distribution": "internal",
    "competes_with": [],
    "monthly_active_users": 1000,
    "regions": ["UK"],
}


def build_plan(
    teachers: list[dict[str, Any]],
    *,
    student: str = "acme/assistant",
    init_from: str | None = None,
    use: dict[str, Any] | None = None,
    datasets: list[dict[str, Any]] | None = None,
    method: str | None = None,
) -> DistillationDocument:
    """A plan with sensible defaults; ``use`` overrides intended_use keys (ABSENT removes one)."""
    ts = []
    for i, t in enumerate(teachers):
        full = {"model": f"org/teacher-{i}@1", "access": "open-weights", "signals": ["logits"], **t}
        ts.append(full)
    intended = {**DEFAULT_USE, **(use or {})}
    intended = {k: v for k, v in intended.items() if v != ABSENT}
    student_block: dict[str, Any] = {"name": student, "version": "1"}
    if init_from:
        student_block["init_from"] = init_from
    doc: dict[str, Any] = {
        "heredity": 1,
        "kind": "distillation",
        "student": student_block,
        "teachers": ts,
        "method": method or ("multi_teacher" if len(ts) > 1 else "standard_kd"),
        "datasets": datasets
        or [
            {
                "name": "acme/tickets",
                "version": "1",
                "kind": "real",
                "licence": "proprietary",
                "examples": 100,
            }
        ],
        "intended_use": intended,
        "responsible": {"name": "Dana Smith"},
        "date": "2026-11-01",
    }
    if len(ts) > 1:
        doc["rationale"] = "test composition"
    return parse_document(doc, "test plan")


@pytest.fixture
def plan() -> Callable[..., DistillationDocument]:
    """The plan builder."""
    return build_plan


@pytest.fixture
def legal(registry: Registry) -> Registry:
    """The registry acted on by ``lee``, who holds the legal role (recorded by ``tester``)."""
    add_actor(admin_of(registry), "lee", ["legal"], email="lee@acme.example")
    return as_actor(registry, "lee")
