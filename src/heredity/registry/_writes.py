"""The registry's writes, one connection at a time: the caller holds the write transaction.

:class:`~heredity.registry.Registry` wraps each in a transaction of its own; recording a
distillation and the bulk path compose several in one. Every function that changes a row returns
(or appends) the ledger event for it, and :func:`ledger` appends them: nothing here is written
without its event, and nothing is written that does not fit its column (``_guard``: BadInput
naming the column, the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from heredity.errors import BadInput, Conflict, NotFound
from heredity.records import DatasetRecord, ModelRecord, RecordKind, canonical_json, content_hash
from heredity.registry import _lineage
from heredity.registry._guard import check_json_text, check_row
from heredity.registry._ledger import Event, append_many
from heredity.registry._schema import datasets, edges, models, nodes, records
from heredity.registry._schema import ledger as ledger_table
from heredity.registry._state import (
    STATUSES,
    catalogue_entries,
    dataset_state,
    dataset_state_of,
    edge_entity,
    edge_state,
    model_state,
    model_state_of,
    record_state,
    utcnow,
)


def ledger(conn: Connection, actor: str, events: Iterable[Event]) -> int:
    """Append events to the ledger inside the caller's write transaction."""
    events = list(events)
    check_row(ledger_table, {"actor": actor})
    for action, entity, _ in events:
        check_row(ledger_table, {"action": action, "entity": entity})
    return append_many(conn, actor, events)


# -- nodes -------------------------------------------------------------------------------------
def node_id(conn: Connection, ref: str, kind: str | None = None) -> int | None:
    """The node of ``ref`` (of ``kind`` when given), or None."""
    row = conn.execute(select(nodes.c.id, nodes.c.kind).where(nodes.c.ref == ref)).first()
    if row is None or (kind and row.kind != kind):
        return None
    return int(row.id)


def require_node(conn: Connection, ref: str, kind: str | None = None) -> int:
    """The node of ``ref``; NotFound naming what was looked for."""
    node = node_id(conn, ref, kind)
    if node is None:
        raise NotFound(f"{ref}: no such {kind or 'model or dataset'} in the registry")
    return node


def _new_node(conn: Connection, kind: str, ref: str) -> int:
    check_row(nodes, {"kind": kind, "ref": ref})
    res = conn.execute(insert(nodes).values(kind=kind, ref=ref, created_at=utcnow()))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


# -- models and datasets -------------------------------------------------------------------------
def insert_model(conn: Connection, rec: ModelRecord) -> tuple[bool, dict[str, Any]]:
    """Insert a model unless present: ``(created, state)``. The caller ledgers a created one."""
    existing = (
        conn.execute(
            select(models).join(nodes, nodes.c.id == models.c.node_id).where(nodes.c.ref == rec.ref)
        )
        .mappings()
        .first()
    )
    if existing is not None:
        return False, model_state(existing)
    if node_id(conn, rec.ref) is not None:
        raise Conflict(f"{rec.ref}: already registered as a dataset")
    state = model_state_of(rec)
    row = {k: state[k] for k in _model_columns()}
    check_row(models, row)
    node = _new_node(conn, "model", rec.ref)
    conn.execute(insert(models).values(node_id=node, **row))
    return True, state


def insert_dataset(conn: Connection, rec: DatasetRecord) -> tuple[bool, dict[str, Any]]:
    """Insert a dataset unless present: ``(created, state)``. The caller ledgers a created one."""
    existing = (
        conn.execute(
            select(datasets)
            .join(nodes, nodes.c.id == datasets.c.node_id)
            .where(nodes.c.ref == rec.ref)
        )
        .mappings()
        .first()
    )
    if existing is not None:
        return False, dataset_state(existing)
    if node_id(conn, rec.ref) is not None:
        raise Conflict(f"{rec.ref}: already registered as a model")
    state = dataset_state_of(rec)
    row = {k: state[k] for k in _dataset_columns()}
    check_row(datasets, row)
    node = _new_node(conn, "dataset", rec.ref)
    conn.execute(insert(datasets).values(node_id=node, **row))
    return True, state


def _model_columns() -> list[str]:
    return [c.name for c in models.columns if c.name != "node_id"]


def _dataset_columns() -> list[str]:
    return [c.name for c in datasets.columns if c.name != "node_id"]


def set_status(conn: Connection, actor: str, ref: str, status: str, reason: str) -> None:
    """Change a model's lifecycle status: its row, the copies on its edges, a ``status_change``
    record with the reason, and their events."""
    if status not in STATUSES:
        raise BadInput(f"status: {status!r} is not one of {', '.join(STATUSES)}", param="status")
    node = require_node(conn, ref, "model")
    conn.execute(update(models).where(models.c.node_id == node).values(status=status))
    conn.execute(update(edges).where(edges.c.child_id == node).values(child_status=status))
    row = conn.execute(select(models).where(models.c.node_id == node)).mappings().one()
    ledger(conn, actor, [("model.status", f"model:{ref}", model_state(row))])
    insert_record(
        conn,
        actor,
        RecordKind.STATUS_CHANGE,
        {"model": ref, "status": status, "reason": reason},
        subject=ref,
        key=None,
    )


# -- edges ---------------------------------------------------------------------------------------
def add_edge(
    conn: Connection, parent: str, child: str, relation: str, record_id: str | None
) -> Event | None:
    """Insert a lineage edge unless present; its event (the caller ledgers it), or None."""
    p = require_node(conn, parent)
    c = require_node(conn, child)
    exists = conn.execute(
        select(edges.c.id).where(
            edges.c.parent_id == p, edges.c.child_id == c, edges.c.relation == relation
        )
    ).first()
    if exists:
        return None
    ref, kind, owner, status = catalogue_entries(conn, [c])[c]
    row = {
        "parent_id": p,
        "child_id": c,
        "relation": relation,
        "record_id": record_id,
        "child_ref": ref,
        "child_kind": kind,
        "child_owner": owner,
        "child_status": status,
    }
    check_row(edges, row)
    conn.execute(insert(edges).values(**row))
    state = edge_state(parent, child, relation, record_id)
    return ("edge.add", edge_entity(parent, relation, child), state)


def refuse_cycles(conn: Connection, refs: Sequence[str]) -> None:
    """Conflict when any of ``refs`` has become its own ancestor."""
    for ref in refs:
        node = require_node(conn, ref)
        if _reaches_itself(conn, node):
            raise Conflict(f"{ref}: this would make it its own ancestor (a lineage cycle)")


def _reaches_itself(conn: Connection, node: int) -> bool:
    # walk() drops the root from its answer, so look for an edge that closes the loop.
    parents = {r[0] for r in _lineage.walk(conn, node, "up", depth=10_000)}
    if not parents:
        return False
    q = (
        select(func.count())
        .select_from(edges)
        .where(edges.c.parent_id == node, edges.c.child_id.in_(parents))
    )
    return bool(conn.execute(q).scalar())


# -- immutable records -----------------------------------------------------------------------------
def insert_record(
    conn: Connection,
    actor: str,
    kind: str,
    body: dict[str, Any],
    *,
    subject: str | None,
    key: str | None,
    record_id: str | None = None,
) -> dict[str, Any]:
    """Store an immutable record and its event; returns the stored row."""
    created = utcnow()
    text = canonical_json(body)
    check_json_text(records, "body", body, text)
    body_json = json.loads(text)
    digest = content_hash(body_json)
    rid = (
        record_id
        or f"{kind[:12]}_{hashlib.sha256((digest + created.isoformat()).encode()).hexdigest()[:16]}"
    )
    if conn.execute(select(records.c.id).where(records.c.id == rid)).first():
        raise Conflict(f"record {rid} already exists")
    row = {
        "id": rid,
        "kind": str(kind),
        "subject": subject,
        "key": key,
        "created_at": created,
        "actor": actor,
        "hash": digest,
        "body": body_json,
    }
    check_row(records, {k: v for k, v in row.items() if k != "body"})
    conn.execute(insert(records).values(**row))
    ledger(conn, actor, [(f"{kind}.put", f"record:{rid}", record_state(row))])
    return row
