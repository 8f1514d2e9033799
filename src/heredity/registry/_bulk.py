"""The bulk path: many models, datasets and edges per transaction, ledger included.

Rows go to the database without SQLAlchemy's per-row statement processing: plain ``executemany``
on SQLite and ``COPY`` on PostgreSQL, with the columns' own bind processors applied first so the
stored values are exactly what the ordinary write path stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text

from heredity.errors import BadInput, Conflict
from heredity.records import DatasetRecord, ModelRecord
from heredity.registry import _db, _writes
from heredity.registry._guard import check_rows
from heredity.registry._ledger import COLUMNS, Event, event_rows, head, now_iso
from heredity.registry._lineage import check_relations, paused_gc
from heredity.registry._schema import datasets, edges, ledger, models, nodes
from heredity.registry._state import (
    DATASET_ATTRS,
    MODEL_ATTRS,
    catalogue_entries,
    dataset_state_of,
    edge_entity,
    edge_state,
    model_state_of,
    utcnow,
)

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
# Refs per lookup query (SQLite allows 32766 bound parameters since 3.32).
_CHUNK = 5000
# SQLite page cache for a bulk transaction, in KiB (the default is 2 MiB).
_SQLITE_CACHE_KIB = 262_144


def bulk_ingest(
    engine: Engine,
    actor: str,
    items: Sequence[Item],
    links: Iterable[tuple[str, str, str]] = (),
) -> int:
    """Insert new models/datasets and edges ``(parent, child, relation)`` in one transaction.

    Every item must be new and every edge must join items of this batch or already stored ones.
    Returns the number of ledger events written. A failure (duplicate, unknown ref, cycle) writes
    nothing.
    """
    links = list(links)
    check_relations(sorted({rel for _, _, rel in links}))
    postgres = _db.is_postgres(engine)
    # Every row, state and event built here lives until the commit: no point in collecting.
    with paused_gc(), _db.write_transaction(engine) as conn:
        if not postgres:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
        next_id = (
            int(conn.execute(select(func.coalesce(func.max(nodes.c.id), 0))).scalar() or 0) + 1
        )
        now = utcnow()
        node_rows: list[tuple[Any, ...]] = []
        model_rows: list[tuple[Any, ...]] = []
        dataset_rows: list[tuple[Any, ...]] = []
        events: list[Event] = []
        ids: dict[str, int] = {}
        for item in items:
            ref = item.ref
            if ref in ids:
                raise Conflict(f"{ref}: listed twice in one bulk batch")
            ids[ref] = next_id
            # The ledger states are those of the write layer; each row is its state's columns.
            if isinstance(item, ModelRecord):
                node_rows.append((next_id, "model", ref, now))
                state = model_state_of(item)
                model_rows.append((next_id, *[state[c] for c in _MODEL_COLS[1:]]))
                events.append(("model.add", f"model:{ref}", state))
            else:
                node_rows.append((next_id, "dataset", ref, now))
                state = dataset_state_of(item)
                dataset_rows.append((next_id, *[state[c] for c in _DATASET_COLS[1:]]))
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
            ("edge.add", edge_entity(p, rel, c), edge_state(p, c, rel, None)) for p, c, rel in links
        ]
        _insert(conn, nodes, _NODE_COLS, node_rows)
        _insert(conn, models, _MODEL_COLS, model_rows)
        _insert(conn, datasets, _DATASET_COLS, dataset_rows)
        _insert(conn, edges, _EDGE_COLS, edge_rows)
        if postgres and node_rows:
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
            _writes.refuse_cycles(conn, backwards)
        # The events are made by the ledger's own function; only the insert is the bulk one.
        seq, prev = head(conn)
        _insert(conn, ledger, COLUMNS, event_rows(seq, prev, now_iso(), actor, events))
        return len(events)


def _insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain tuples: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite."""
    if not rows:
        return
    check_rows(table, columns, rows)
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
