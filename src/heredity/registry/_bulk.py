"""The bulk path: many models, datasets and edges per transaction, ledger included.

Rows go to the database without SQLAlchemy's per-row statement processing: plain ``executemany``
on SQLite and ``COPY`` on PostgreSQL, with the columns' own bind processors applied first so the
stored values are exactly what the ordinary write path stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, select, text

from heredity.errors import BadInput, Conflict
from heredity.records import DatasetRecord, ModelRecord
from heredity.registry._db import is_postgres
from heredity.registry._ledger import event_hash, head, now_iso, payload_hash
from heredity.registry._lineage import check_relations, paused_gc
from heredity.registry._registry import DATASET_ATTRS, MODEL_ATTRS
from heredity.registry._schema import datasets, edges, ledger, models, nodes

if TYPE_CHECKING:
    from heredity.registry._registry import Registry

Item = ModelRecord | DatasetRecord

_NODE_COLS = ("id", "kind", "ref", "created_at")
# Column order of the bulk rows: the registry's own attribute lists, after the identity columns.
_MODEL_COLS = ("node_id", "name", "version", *MODEL_ATTRS)
_DATASET_COLS = ("node_id", "name", "version", *DATASET_ATTRS)
_EDGE_COLS = (
    "parent_id",
    "child_id",
    "relation",
    "record_id",
    "child_ref",
    "child_kind",
    "child_owner",
    "child_status",
)
_LEDGER_COLS = ("seq", "ts", "actor", "action", "entity", "payload_hash", "prev_hash", "hash")
# canonical_json's encoder (json.dumps with these options builds one per call).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
# Refs per lookup query (SQLite allows 32766 bound parameters since 3.32).
_CHUNK = 5000
# SQLite page cache for a bulk transaction, in KiB (the default is 2 MiB).
_SQLITE_CACHE_KIB = 262_144


def bulk_ingest(
    reg: Registry,
    items: Sequence[Item],
    links: Iterable[tuple[str, str, str]] = (),
) -> int:
    """Insert new models/datasets and edges ``(parent, child, relation)`` in one transaction.

    Every item must be new and every edge must join items of this batch or already stored ones.
    Returns the number of ledger events written. A failure (duplicate, unknown ref, cycle) writes
    nothing.
    """
    from heredity.registry._registry import (
        _utcnow,
        catalogue_entries,
        dataset_state,
        edge_entity,
        model_state,
    )

    links = list(links)
    check_relations(sorted({rel for _, _, rel in links}))
    # Every row, state and event built here lives until the commit: no point in collecting.
    with paused_gc(), reg.writing() as conn:
        if not is_postgres(reg.engine):
            conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
        next_id = (
            int(conn.execute(select(func.coalesce(func.max(nodes.c.id), 0))).scalar() or 0) + 1
        )
        now = _utcnow()
        node_rows: list[tuple[Any, ...]] = []
        model_rows: list[tuple[Any, ...]] = []
        dataset_rows: list[tuple[Any, ...]] = []
        events: list[tuple[str, str, Any]] = []
        ids: dict[str, int] = {}
        for item in items:
            ref = item.ref
            if ref in ids:
                raise Conflict(f"{ref}: listed twice in one bulk batch")
            ids[ref] = next_id
            if isinstance(item, ModelRecord):
                node_rows.append((next_id, "model", ref, now))
                # The ledger state is model_state() of the row (checked on the batch's first model).
                state = {"ref": ref, "name": item.name, "version": item.version} | {
                    c: getattr(item, c) for c in MODEL_ATTRS
                }
                row = (next_id, *[state[c] for c in _MODEL_COLS[1:]])
                if not model_rows:
                    _same_state(state, model_state(dict(zip(_MODEL_COLS, row, strict=True))))
                model_rows.append(row)
                events.append(("model.add", f"model:{ref}", state))
            else:
                node_rows.append((next_id, "dataset", ref, now))
                state = {"ref": ref, "name": item.name, "version": item.version} | {
                    c: getattr(item, c) for c in DATASET_ATTRS
                }
                row = (next_id, *[state[c] for c in _DATASET_COLS[1:]])
                if not dataset_rows:
                    _same_state(state, dataset_state(dict(zip(_DATASET_COLS, row, strict=True))))
                dataset_rows.append(row)
                events.append(("dataset.add", f"dataset:{ref}", state))
            next_id += 1
        existing = _existing(conn, list(ids))
        if existing:
            raise Conflict(f"{existing[0]}: already registered (bulk ingest takes new items only)")
        missing = sorted({r for p, c, _ in links for r in (p, c) if r not in ids})
        if missing:
            ids |= _lookup(conn, missing)
            unknown = [r for r in missing if r not in ids]
            if unknown:
                raise BadInput(
                    f"edge names {unknown[0]}, which is neither in the batch nor registered"
                )
        # Each edge carries its child's catalogue entry: from the batch, or from the registry.
        entries: dict[str, tuple[str, str, str | None, str | None]] = {}
        for item in items:
            if isinstance(item, ModelRecord):
                entries[item.ref] = (item.ref, "model", item.owner, item.status)
            else:
                entries[item.ref] = (item.ref, "dataset", item.owner, None)
        stored = sorted({c for _, c, _ in links if c not in entries})
        for i in range(0, len(stored), _CHUNK):
            chunk = [ids[r] for r in stored[i : i + _CHUNK]]
            for entry in catalogue_entries(conn, chunk).values():
                entries[entry[0]] = entry
        edge_rows = [(ids[p], ids[c], rel, None, *entries[c]) for p, c, rel in links]
        events += [
            (
                "edge.add",
                edge_entity(p, rel, c),
                {"parent": p, "child": c, "relation": rel, "record_id": None},
            )
            for p, c, rel in links
        ]
        _insert(conn, nodes, _NODE_COLS, node_rows)
        _insert(conn, models, _MODEL_COLS, model_rows)
        _insert(conn, datasets, _DATASET_COLS, dataset_rows)
        _insert(conn, edges, _EDGE_COLS, edge_rows)
        if edge_rows:  # the entries built here must be what the catalogue says
            first = edge_rows[0]
            if tuple(first[4:]) != catalogue_entries(conn, [first[1]])[first[1]]:
                raise RuntimeError("bulk edge entries differ from the registry's catalogue")
        if is_postgres(reg.engine) and node_rows:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('nodes', 'id'), :v)"), {"v": next_id - 1}
            )
            if len(node_rows) * 10 >= next_id - 1:
                # The batch is a tenth or more of the registry: refresh the planner's statistics
                # now, as autovacuum would a minute later, so lineage queries right after plan well.
                conn.exec_driver_sql("ANALYZE nodes, models, datasets, edges")
        # Edges from an older node to a newer one cannot close a loop; check only the others.
        backwards = sorted({c for p, c, _ in links if ids[p] >= ids[c]})
        if backwards:
            reg._refuse_cycles(conn, backwards)
        _append_ledger(conn, reg.actor, events)
        return len(events)


def _append_ledger(conn: Connection, actor: str, events: list[tuple[str, str, Any]]) -> None:
    """The ledger append of ``append_many`` (same hashes, same rows), written in one bulk insert."""
    seq, prev = head(conn)
    ts = now_iso()
    rows: list[tuple[Any, ...]] = []
    for action, entity, payload in events:
        seq += 1
        p_hash = hashlib.sha256(_ENCODER.encode(payload).encode("utf-8")).hexdigest()
        h = hashlib.sha256(
            _event_material(seq, ts, actor, action, entity, p_hash, prev).encode("utf-8")
        )
        rows.append((seq, ts, actor, action, entity, p_hash, prev, h.hexdigest()))
        prev = rows[-1][-1]
    if rows:  # the fast path must hash exactly as the ledger does
        first = rows[0]
        if first[5] != payload_hash(events[0][2]) or first[7] != event_hash(*first[:7]):
            raise RuntimeError("bulk ledger hashing differs from heredity.registry._ledger")
    _insert(conn, ledger, _LEDGER_COLS, rows)


def _event_material(
    seq: int, ts: str, actor: str, action: str, entity: str, p_hash: str, prev: str
) -> str:
    """``canonical_json([seq, ts, actor, action, entity, p_hash, prev])``, written directly."""
    s = encode_basestring
    return f"[{seq:d},{s(ts)},{s(actor)},{s(action)},{s(entity)},{s(p_hash)},{s(prev)}]"


def _same_state(fast: dict[str, Any], reference: dict[str, Any]) -> None:
    if fast != reference:
        raise RuntimeError("bulk ledger state differs from the registry's own state function")


def _insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain tuples: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite."""
    if not rows:
        return
    dialect = conn.dialect
    procs = [
        (i, p)
        for i, name in enumerate(columns)
        if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if procs:
        converted = []
        for row in rows:
            values = list(row)
            for i, proc in procs:
                values[i] = proc(values[i])
            converted.append(tuple(values))
        rows = converted
    names = ", ".join(columns)
    if dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _existing(conn: Connection, refs: list[str]) -> list[str]:
    return list(_lookup(conn, refs))


def _lookup(conn: Connection, refs: list[str]) -> dict[str, int]:
    """``ref -> node id`` for the refs already stored."""
    out: dict[str, int] = {}
    if conn.dialect.name == "postgresql":
        # One array parameter: PostgreSQL plans a 5,000-item IN list slowly.
        for ref, node in conn.execute(
            text("SELECT ref, id FROM nodes WHERE ref = ANY(:refs)"), {"refs": refs}
        ):
            out[ref] = int(node)
        return out
    for i in range(0, len(refs), _CHUNK):
        for ref, node in conn.execute(
            select(nodes.c.ref, nodes.c.id).where(nodes.c.ref.in_(refs[i : i + _CHUNK]))
        ):
            out[ref] = int(node)
    return out
