"""One JSON policy for every hash: what it is, and that the ledger, documents and bulk path use it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from heredity.records import (
    canonical_json,
    content_hash,
    document_hash,
    event_material,
    fingerprint,
    fingerprints,
    load_document,
)
from heredity.registry._ledger import event_hash, payload_hash

ROWS = [{"prompt": "Où est la gare ?", "response": "À gauche — 200 m."}, {"prompt": "b", "n": 2}]


def test_the_policy_sorted_compact_utf8() -> None:
    data = {"b": [1, 2.5, None], "a": "é", "c": {"z": True, "y": "x"}}
    assert canonical_json(data) == '{"a":"é","b":[1,2.5,null],"c":{"y":"x","z":true}}'
    assert content_hash(data) == hashlib.sha256(canonical_json(data).encode()).hexdigest()
    assert payload_hash(data) == content_hash(data)  # the ledger hashes with the same policy


def test_event_material_is_the_canonical_json_of_the_event() -> None:
    fields = (7, "2026-12-02T00:00:00+00:00", "Zoë", "record.put", "record:x\u2028y", "a" * 64, "0")
    assert event_material(*fields) == canonical_json(list(fields))
    assert event_hash(*fields) == content_hash(list(fields))


def test_document_hash_is_the_content_hash_of_the_document(examples: Path) -> None:
    doc = load_document(examples / "standard-kd.yaml")
    assert (
        document_hash(doc) == content_hash(doc.model_dump(mode="json")) == content_hash(doc.dump())
    )


def test_fingerprints_today_and_as_computed_before_the_one_policy() -> None:
    now, legacy, n = fingerprints(ROWS)
    assert n == 2 and now == fingerprint(ROWS)
    expected_now = hashlib.sha256()
    expected_legacy = hashlib.sha256()
    for row in ROWS:
        expected_now.update(canonical_json(row).encode() + b"\n")
        # the capture callback's old encoding: ASCII escapes
        old = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str)
        expected_legacy.update(old.encode() + b"\n")
    assert now == "sha256:" + expected_now.hexdigest()
    assert legacy == "sha256:" + expected_legacy.hexdigest() != now
    ascii_only = [{"prompt": "a", "response": "b"}]
    assert fingerprints(ascii_only)[0] == fingerprints(ascii_only)[1]  # the same for ASCII data
