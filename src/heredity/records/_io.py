"""Reading documents from YAML/JSON files with errors that name the file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from heredity.errors import BadInput
from heredity.records._validation import validation_failed

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Load a YAML or JSON file that must hold one mapping."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    size = p.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise BadInput(
            f"{p}: {size} bytes is larger than the {MAX_DOCUMENT_BYTES} byte limit for a document"
        )
    text = p.read_text(encoding="utf-8", errors="strict")
    return parse_mapping(text, str(p))


def parse_mapping(text: str, source: str) -> dict[str, Any]:
    """Parse YAML (JSON is YAML) text that must hold one mapping."""
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise BadInput(f"{source}: larger than the {MAX_DOCUMENT_BYTES} byte limit for a document")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{source}: malformed YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate data against a record model; raise ValidationFailed listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc, source) from None
