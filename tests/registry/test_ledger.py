"""The ledger: every write is chained; tampering behind Heredity's back is found and named."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from heredity.records import load_document
from heredity.registry import Registry


@pytest.fixture
def filled(registry: Registry, examples: Path) -> Registry:
    for name in ("standard-kd.yaml", "sequence-level.yaml", "self-distillation.yaml"):
        registry.record(load_document(examples / name))
    assert registry.verify_ledger().ok
    return registry


def _sql(reg: Registry, statement: str, **params: object) -> None:
    with reg.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_chain_links_every_event(filled: Registry) -> None:
    events = filled.ledger_events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur.prev_hash == prev.hash
    assert {e.actor for e in events} == {"tester"}


def test_changed_model_row_is_named(filled: Registry) -> None:
    _sql(filled, "UPDATE models SET licence = 'mit' WHERE name = 'acme/summariser-large'")
    result = filled.verify_ledger()
    assert not result.ok
    assert "model:acme/summariser-large@4" in (result.problem or "")
    assert result.first_bad_seq is not None


def test_changed_record_body_is_named(filled: Registry) -> None:
    rid = filled.distillation_for("acme/support-1b@3").id  # type: ignore[union-attr]
    _sql(filled, "UPDATE records SET body = :b WHERE id = :i", b='{"method": "forged"}', i=rid)
    result = filled.verify_ledger()
    assert not result.ok and rid in (result.problem or "")


def test_deleted_ledger_row_is_named(filled: Registry) -> None:
    _sql(filled, "DELETE FROM ledger WHERE seq = 5")
    result = filled.verify_ledger()
    assert not result.ok and result.first_bad_seq == 5 and "deleted" in (result.problem or "")


def test_deleted_edge_is_named(filled: Registry) -> None:
    _sql(filled, "DELETE FROM edges WHERE relation = 'generated'")
    result = filled.verify_ledger()
    assert (
        not result.ok
        and "generated" in (result.problem or "")
        and "missing" in (result.problem or "")
    )


def test_reordered_ledger_rows_are_found(filled: Registry) -> None:
    _sql(filled, "UPDATE ledger SET seq = -1 WHERE seq = 3")
    _sql(filled, "UPDATE ledger SET seq = 3 WHERE seq = 4")
    _sql(filled, "UPDATE ledger SET seq = 4 WHERE seq = -1")
    result = filled.verify_ledger()
    assert not result.ok and result.first_bad_seq == 3


def test_edited_event_is_found(filled: Registry) -> None:
    _sql(filled, "UPDATE ledger SET actor = 'mallory' WHERE seq = 2")
    result = filled.verify_ledger()
    assert not result.ok and result.first_bad_seq == 2 and "changed" in (result.problem or "")


def test_row_inserted_behind_the_ledger_is_found(filled: Registry) -> None:
    with filled.engine.begin() as conn:
        node = conn.execute(
            sa.text(
                "INSERT INTO nodes (kind, ref, created_at)"
                " VALUES ('model', 'x/ghost@1', CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO models (node_id, name, version, status, card)"
                " VALUES (:n, 'x/ghost', '1', 'registered', '{}')"
            ),
            {"n": node},
        )
    result = filled.verify_ledger()
    assert (
        not result.ok
        and "x/ghost@1" in (result.problem or "")
        and "never written" in (result.problem or "")
    )


def test_changed_copy_of_a_child_entry_on_an_edge_is_named(filled: Registry) -> None:
    """Edges carry their child's status for the impact search; a forged copy is found."""
    _sql(
        filled,
        "UPDATE edges SET child_status = 'approved' WHERE child_ref = 'acme/support-1b@3'",
    )
    result = filled.verify_ledger()
    assert not result.ok
    problem = result.problem or ""
    assert "acme/support-1b@3's catalogue entry" in problem and "edge:" in problem
    assert result.first_bad_seq is not None


def test_status_change_keeps_the_edge_copies_in_step(filled: Registry) -> None:
    filled.set_model_status("acme/support-1b@3", "suspended", "incident 7")
    assert filled.verify_ledger().ok
    affected = {a.ref: a for a in filled.impact("meta-llama/Llama-3.1-70B-Instruct@1").affected}
    assert affected["acme/support-1b@3"].status == "suspended"
