"""The registry stores and returns typed records; the dict path stays inside the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from heredity.errors import NotFound
from heredity.records import ModelRecord, RecordHeader, RecordKind, content_hash
from heredity.registry import Registry, StatusChange
from heredity.rights import RightsReview

SRC = Path(__file__).resolve().parents[2] / "src" / "heredity"


def _note(i: int) -> StatusChange:
    return StatusChange(model="acme/a@1", status="approved", reason=f"note {i}")


def test_put_get_find(registry: Registry) -> None:
    first = registry.put(_note(1), subject="acme/a@1", key="k1")
    second = registry.put(_note(2), subject="acme/a@1", key="k2")
    assert first.kind == RecordKind.STATUS_CHANGE and first.actor == "tester"
    assert first.hash == content_hash(first.body.dump())
    got = registry.get(first.id, StatusChange)
    assert got == first and isinstance(got.body, StatusChange)
    assert [r.id for r in registry.find(StatusChange, subject="acme/a@1")] == [second.id, first.id]
    assert [r.id for r in registry.find(StatusChange, key="k1")] == [first.id]
    assert registry.find(StatusChange, subject="nobody") == []
    header = registry.header(second.id)
    assert isinstance(header, RecordHeader) and header.key == "k2"
    assert [h.id for h in registry.headers("status_change")] == [second.id, first.id]
    assert registry.verify_ledger().ok


def test_get_refuses_another_kind_and_unknown_ids(registry: Registry) -> None:
    rec = registry.put(_note(1))
    with pytest.raises(NotFound, match=r"not a rights review \(it is a status change record\)"):
        registry.get(rec.id, RightsReview)
    with pytest.raises(NotFound, match="no such record"):
        registry.get("nope", StatusChange)
    with pytest.raises(NotFound):
        registry.header("nope")


def test_ledger_events_newest_first(registry: Registry) -> None:
    for i in range(4):
        registry.add_model(ModelRecord(name=f"acme/m{i}", version="1"))
    oldest = registry.ledger_events(limit=2)
    newest = registry.ledger_events(limit=2, newest_first=True)
    assert [e.entity for e in oldest] == ["model:acme/m0@1", "model:acme/m1@1"]
    assert [e.entity for e in newest] == ["model:acme/m3@1", "model:acme/m2@1"]
    assert newest[0].seq > newest[1].seq


def test_nothing_outside_the_registry_uses_its_dict_path() -> None:
    internal = re.compile(r"\.(_put_record|_row|_rows)\(|\b(put_record|get_record|find_records)\(")
    users = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "registry" not in p.relative_to(SRC).parts and internal.search(p.read_text())
    ]
    assert users == []
