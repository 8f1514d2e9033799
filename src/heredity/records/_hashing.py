"""Canonical JSON and the hashes over it: one policy for every hash Heredity stores.

The policy: keys sorted, no whitespace (``,`` and ``:``), text as UTF-8 (``ensure_ascii=False``),
anything JSON cannot hold as its ``str()``. Record hashes, ledger payload and event hashes,
document and facts hashes, suite and settings digests and dataset fingerprints are all SHA-256
over this text; the ledger's stored hashes were computed with exactly this policy, so it must not
change (a change would make every stored record look tampered with).

Dataset fingerprints were once computed with ASCII escapes (``ensure_ascii=True``); those of
data with non-ASCII text differ from today's. :func:`fingerprints` gives both, so a plan that
names a fingerprint computed then still matches its data.

A leaf module: it imports nothing from Heredity.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any, Protocol

# json.dumps with these options builds an encoder per call; one shared encoder is the same text.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
_LEGACY_ASCII = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


class _Dumpable(Protocol):
    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


def canonical_json(data: Any) -> str:
    """Deterministic JSON of ``data`` under the one policy above (what every hash covers)."""
    return _ENCODER.encode(data)


def sha256_hex(text: str) -> str:
    """SHA-256 of UTF-8 text, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(data: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``data``: a stored body's or a ledger payload's hash."""
    return sha256_hex(_ENCODER.encode(data))


def document_hash(document: _Dumpable) -> str:
    """SHA-256 (hex) of a pydantic document's JSON form (a distillation document's identity)."""
    return content_hash(document.model_dump(mode="json"))


def event_material(
    seq: int, ts: str, actor: str, action: str, entity: str, p_hash: str, prev: str
) -> str:
    """``canonical_json([seq, ts, actor, action, entity, p_hash, prev])``, written directly
    (the ledger hashes millions of these on the bulk path)."""
    s = encode_basestring
    return f"[{seq:d},{s(ts)},{s(actor)},{s(action)},{s(entity)},{s(p_hash)},{s(prev)}]"


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(examples: Iterable[Any]) -> str:
    """``sha256:<hex>`` over the canonical JSON of every example, one per line, in order."""
    h = hashlib.sha256()
    for ex in examples:
        h.update(_ENCODER.encode(_plain(ex)).encode("utf-8") + b"\n")
    return "sha256:" + h.hexdigest()


def fingerprints(examples: Iterable[Any]) -> tuple[str, str, int]:
    """:func:`fingerprint` and, in the same pass, the fingerprint as computed before the one JSON
    policy (ASCII escapes; it differs only for data with non-ASCII text), and the count."""
    now, legacy, n = hashlib.sha256(), hashlib.sha256(), 0
    for ex in examples:
        plain = _plain(ex)
        now.update(_ENCODER.encode(plain).encode("utf-8") + b"\n")
        legacy.update(_LEGACY_ASCII.encode(plain).encode("utf-8") + b"\n")
        n += 1
    return "sha256:" + now.hexdigest(), "sha256:" + legacy.hexdigest(), n


__all__ = [
    "canonical_json",
    "content_hash",
    "document_hash",
    "event_material",
    "fingerprint",
    "fingerprints",
    "sha256_hex",
]
