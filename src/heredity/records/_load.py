"""Loading distillation provenance documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heredity.records._distillation import DistillationDocument
from heredity.records._io import load_mapping, parse_mapping, validate
from heredity.records._reading import DOCUMENT_LIMITS, check_tree


def load_document(path: str | Path) -> DistillationDocument:
    """Read and validate a distillation provenance document from a YAML or JSON file."""
    return validate(DistillationDocument, load_mapping(path), str(path))


def parse_document(data: str | dict[str, Any], source: str = "document") -> DistillationDocument:
    """Validate a document given as YAML text or as an already parsed mapping.

    A mapping is held to the same limits as a file (depth, size, finite numbers, no NUL).
    """
    if isinstance(data, str):
        mapping = parse_mapping(data, source)
    else:
        check_tree(data, source, DOCUMENT_LIMITS)
        mapping = data
    return validate(DistillationDocument, mapping, source)
