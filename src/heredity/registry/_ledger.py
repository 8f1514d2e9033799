"""The append-only, hash-chained ledger: every write appends an event in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, insert, select

from heredity.records import content_hash, event_material, sha256_hex
from heredity.registry._schema import ledger

GENESIS = "0" * 64
#: The ledger's columns, in the order of :func:`event_rows`.
COLUMNS = ("seq", "ts", "actor", "action", "entity", "payload_hash", "prev_hash", "hash")
Event = tuple[str, str, Any]


class LedgerEvent(BaseModel):
    """One ledger row."""

    seq: int
    ts: str
    actor: str
    action: str
    entity: str
    payload_hash: str
    prev_hash: str
    hash: str


class VerifyResult(BaseModel):
    """Outcome of ``ledger verify``: ``ok`` or the first problem found."""

    ok: bool
    events: int
    checked_entities: int = 0
    first_bad_seq: int | None = None
    problem: str | None = None
    head: str | None = None


def payload_hash(payload: Any) -> str:
    """SHA-256 (hex) of a payload's canonical JSON."""
    return content_hash(payload)


def event_hash(
    seq: int, ts: str, actor: str, action: str, entity: str, p_hash: str, prev: str
) -> str:
    """The hash of one event: over its fields and the previous event's hash."""
    return sha256_hex(event_material(seq, ts, actor, action, entity, p_hash, prev))


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row.seq), str(row.hash))


def events_after(conn: Connection, seq: int) -> list[LedgerEvent]:
    """The events after ``seq``, oldest first: inside a write transaction (which holds the
    ledger lock), exactly the events that transaction appended after reading ``seq``."""
    rows = conn.execute(select(ledger).where(ledger.c.seq > seq).order_by(ledger.c.seq))
    return [LedgerEvent(**dict(r)) for r in rows.mappings()]


def event_rows(
    seq: int, prev: str, ts: str, actor: str, events: Iterable[Event]
) -> list[tuple[Any, ...]]:
    """The ledger rows (in :data:`COLUMNS` order) of ``(action, entity, payload)`` events appended
    after event ``seq`` whose hash is ``prev``: the one place events are made."""
    rows: list[tuple[Any, ...]] = []
    for action, entity, payload in events:
        seq += 1
        p_hash = content_hash(payload)
        h = event_hash(seq, ts, actor, action, entity, p_hash, prev)
        rows.append((seq, ts, actor, action, entity, p_hash, prev, h))
        prev = h
    return rows


def append_many(conn: Connection, actor: str, events: Iterable[Event]) -> int:
    """Append ``(action, entity, payload)`` events; the caller holds the write lock. Returns the new head seq."""
    seq, prev = head(conn)
    rows = event_rows(seq, prev, now_iso(), actor, events)
    if rows:
        conn.execute(insert(ledger), [dict(zip(COLUMNS, r, strict=True)) for r in rows])
        return int(rows[-1][0])
    return seq


def verify_chain(rows: Iterable[Sequence[Any]]) -> VerifyResult:
    """Recompute the chain over rows ordered by seq; name the first row that does not fit."""
    expected_seq, prev, count = 1, GENESIS, 0
    for seq, ts, actor, action, entity, p_hash, prev_hash, h in rows:
        count += 1
        if seq != expected_seq:
            problem = (
                f"event {expected_seq} is missing (found {seq} next): a row was deleted"
                if seq > expected_seq
                else f"event {seq} is out of order"
            )
            return VerifyResult(ok=False, events=count, first_bad_seq=expected_seq, problem=problem)
        if prev_hash != prev:
            return VerifyResult(
                ok=False,
                events=count,
                first_bad_seq=seq,
                problem=f"event {seq} does not chain to event {seq - 1} (previous hash differs): "
                "rows were reordered, replaced or deleted",
            )
        if event_hash(seq, ts, actor, action, entity, p_hash, prev_hash) != h:
            return VerifyResult(
                ok=False,
                events=count,
                first_bad_seq=seq,
                problem=f"event {seq} ({action} {entity}) was changed: its hash does not match its content",
            )
        prev = h
        expected_seq += 1
    return VerifyResult(ok=True, events=count, head=prev if count else None)
