"""Entity checks for ``ledger verify``: stored rows must match the state their last event hashed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, select

from heredity.registry._ledger import VerifyResult, payload_hash
from heredity.registry._schema import datasets, edges, ledger, models, nodes, records
from heredity.registry._state import (
    catalogue_entry_select,
    dataset_state,
    edge_entity,
    edge_state,
    model_state,
    record_state,
)


def verify_entities(conn: Connection, chain: VerifyResult) -> VerifyResult:
    """Check every stored row against the state its entity's last event hashed."""
    last: dict[str, tuple[int, str, str]] = {}
    for seq, entity, action, p_hash in conn.execute(
        select(ledger.c.seq, ledger.c.entity, ledger.c.action, ledger.c.payload_hash).order_by(
            ledger.c.seq
        )
    ):
        last[entity] = (int(seq), action, p_hash)

    current: dict[str, Any] = {}
    for row in conn.execute(select(models)).mappings():
        current[f"model:{row['name']}@{row['version']}"] = ("model", row)
    for row in conn.execute(select(datasets)).mappings():
        current[f"dataset:{row['name']}@{row['version']}"] = ("dataset", row)
    for row in conn.execute(select(records)).mappings():
        current[f"record:{row['id']}"] = ("record", row)
    p, c = nodes.alias("p"), nodes.alias("c")
    for parent, child, relation, record_id in conn.execute(
        select(p.c.ref, c.c.ref, edges.c.relation, edges.c.record_id)
        .join(p, p.c.id == edges.c.parent_id)
        .join(c, c.c.id == edges.c.child_id)
    ):
        current[edge_entity(parent, relation, child)] = (
            "edge",
            edge_state(parent, child, relation, record_id),
        )

    def bad(seq: int, problem: str) -> VerifyResult:
        return chain.model_copy(
            update={
                "ok": False,
                "first_bad_seq": seq,
                "problem": problem,
                "checked_entities": len(last),
            }
        )

    for entity, (seq, action, p_hash) in sorted(last.items(), key=lambda kv: kv[1][0]):
        kind_row = current.pop(entity, None)
        if action.endswith(".retract"):
            if kind_row is not None:
                return bad(seq, f"{entity} was retracted by event {seq} but is still stored")
            continue
        if kind_row is None:
            return bad(seq, f"{entity} (last written by event {seq}) is missing: a row was deleted")
        kind, row = kind_row
        if kind == "model":
            state = model_state(row)
        elif kind == "dataset":
            state = dataset_state(row)
        elif kind == "record":
            state = record_state(row)
            if payload_hash(row["body"]) != row["hash"]:
                return bad(seq, f"{entity}: its body was changed (content hash differs)")
        else:
            state = row
        if payload_hash(state) != p_hash:
            return bad(
                seq, f"{entity} was changed behind Heredity's back (differs from event {seq})"
            )
    stale = _stale_child_entry(conn)
    if stale is not None:
        entity, child = stale
        seq = last[entity][0] if entity in last else chain.events
        return bad(
            seq,
            f"{entity}: the copy of {child}'s catalogue entry it carries differs from the "
            "catalogue (changed behind Heredity's back)",
        )
    if current:
        entity = sorted(current)[0]
        return bad(chain.events, f"{entity} is stored but was never written through the ledger")
    return chain.model_copy(update={"checked_entities": len(last)})


def _stale_child_entry(conn: Connection) -> tuple[str, str] | None:
    """The first edge whose copy of its child's entry (ref, kind, owner, status) is not the
    child's: ``(edge entity, child ref)``, or None."""
    p = nodes.alias("p")
    entry = catalogue_entry_select().subquery("entry")
    row = conn.execute(
        select(p.c.ref, entry.c.ref, edges.c.relation)
        .join(p, p.c.id == edges.c.parent_id)
        .join(entry, entry.c.node_id == edges.c.child_id)
        .where(
            ~and_(
                edges.c.child_ref == entry.c.ref,
                edges.c.child_kind == entry.c.kind,
                edges.c.child_owner.is_not_distinct_from(entry.c.owner),
                edges.c.child_status.is_not_distinct_from(entry.c.status),
            )
        )
        .order_by(edges.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return edge_entity(row[0], row[2], row[1]), row[1]
