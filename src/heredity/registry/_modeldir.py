"""Reading what a local model directory says about itself: config.json, model card, LICENSE."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from heredity.errors import BadInput
from heredity.records import (
    DOCUMENT_LIMITS,
    InputLimits,
    decode_text,
    load_json,
    parse_json,
    read_front_matter,
)


def read_card(path: Path) -> dict[str, Any]:
    """YAML front matter of the model card (``README.md``), or ``{}`` (limits: see
    :func:`~heredity.records.read_front_matter`)."""
    return read_front_matter(path / "README.md")


def read_licence_file(path: Path) -> str | None:
    """First non-empty line of a LICENSE/LICENCE file, if any."""
    for name in ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md"):
        f = path / name
        if f.is_file():
            with f.open("rb") as fh:  # the first line is all that is needed: never the whole file
                head = fh.read(64 * 1024).decode("utf-8", errors="replace")
            for line in head.splitlines():
                if line.strip():
                    return line.strip()
    return None


def read_config(path: Path) -> dict[str, Any]:
    """``config.json`` of a model directory (within the document limits), or ``{}``."""
    cfg = path / "config.json"
    if not cfg.is_file():
        return {}
    data = load_json(cfg, DOCUMENT_LIMITS, finite=False)
    return data if isinstance(data, dict) else {}


#: safetensors' own cap on a header (its ``MAX_HEADER_SIZE``).
SAFETENSORS_HEADER_LIMITS = InputLimits("safetensors header", 100_000_000)


def _safetensors_header(f: Path) -> dict[str, Any]:
    with f.open("rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise BadInput(f"{f}: not a safetensors file (shorter than its 8-byte header size)")
        (size,) = struct.unpack("<Q", head)
        cap = SAFETENSORS_HEADER_LIMITS.max_bytes
        if size > cap:
            raise BadInput(f"{f}: a safetensors header of {size} bytes is over the {cap} limit")
        raw = fh.read(size)
    header = parse_json(decode_text(raw, str(f)), str(f), SAFETENSORS_HEADER_LIMITS)
    if not isinstance(header, dict):
        raise BadInput(f"{f}: the safetensors header is not a JSON object")
    return header


def count_parameters(path: Path) -> int | None:
    """Parameter count from the safetensors headers (no tensors are loaded)."""
    total, seen = 0, False
    for f in sorted(path.glob("*.safetensors")):
        for key, info in _safetensors_header(f).items():
            if key == "__metadata__":
                continue
            shape = info.get("shape", []) if isinstance(info, dict) else None
            if not isinstance(shape, list) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
            ):
                raise BadInput(f"{f}: tensor {key!r}: shape must be a list of whole numbers")
            n = 1
            for dim in shape:
                n *= dim
            total += n
            seen = True
    return total if seen else None


def describe(path: Path) -> dict[str, Any]:
    """Facts about a model directory: architecture, parameters, licence, base model, card."""
    if not path.is_dir():
        raise BadInput(f"{path}: not a model directory")
    cfg = read_config(path)
    card = read_card(path)
    archs = cfg.get("architectures") or []
    base = card.get("base_model")
    if isinstance(base, list):
        base = base[0] if base else None
    licence = card.get("license")
    if licence == "other" and card.get("license_name"):
        licence = card.get("license_name")
    return {
        "architecture": cfg.get("model_type") or (archs[0] if archs else None),
        "parameters": count_parameters(path),
        "licence": licence,
        "base_model": base,
        "card": card,
        "licence_file": read_licence_file(path),
    }
