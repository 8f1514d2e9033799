"""Reading documents from YAML/JSON files with errors that name the file and field.

The parsing itself, with its limits, is :mod:`heredity.records._reading`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from heredity.records._reading import (
    DOCUMENT_LIMITS,
    load_mapping_file,
    parse_structured,
    require_mapping,
)
from heredity.records._validation import validation_failed

MAX_DOCUMENT_BYTES = DOCUMENT_LIMITS.max_bytes

M = TypeVar("M", bound=BaseModel)


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Load a YAML or JSON file that must hold one mapping (within :data:`DOCUMENT_LIMITS`)."""
    return load_mapping_file(path, DOCUMENT_LIMITS)


def parse_mapping(text: str, source: str) -> dict[str, Any]:
    """Parse YAML or JSON text that must hold one mapping (within :data:`DOCUMENT_LIMITS`)."""
    return require_mapping(parse_structured(text, source, DOCUMENT_LIMITS), source)


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate data against a record model; raise ValidationFailed listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc, source) from None
