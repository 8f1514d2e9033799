"""What the ledger hashes for each entity, and the catalogue entry an edge carries.

A leaf of the registry package: the write layer, the bulk path and ``ledger verify`` all build
an entity's state here, so what is written and what is verified cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, func, select

from heredity.records import DatasetRecord, ModelRecord
from heredity.registry._schema import datasets, models, nodes

STATUSES = ("registered", "approved", "deployed", "suspended", "retired")
MODEL_ATTRS = (
    "licence",
    "provider",
    "access",
    "architecture",
    "parameters",
    "base_model",
    "digest",
    "path",
    "owner",
    "status",
    "card",
)
DATASET_ATTRS = ("kind", "licence", "examples", "source", "fingerprint", "owner")


def utcnow() -> dt.datetime:
    """The current time, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A datetime with a time zone (naive values, as SQLite returns them, are UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def model_state(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What the ledger hashes for a model: every column but the internal id."""
    return {
        "ref": f"{row['name']}@{row['version']}",
        "name": row["name"],
        "version": row["version"],
    } | {c: row[c] for c in MODEL_ATTRS}


def dataset_state(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What the ledger hashes for a dataset: every column but the internal id."""
    return {
        "ref": f"{row['name']}@{row['version']}",
        "name": row["name"],
        "version": row["version"],
    } | {c: row[c] for c in DATASET_ATTRS}


def model_state_of(rec: ModelRecord) -> dict[str, Any]:
    """:func:`model_state` of the row a model record is stored as."""
    return {"ref": rec.ref, "name": rec.name, "version": rec.version} | {
        c: getattr(rec, c) for c in MODEL_ATTRS
    }


def dataset_state_of(rec: DatasetRecord) -> dict[str, Any]:
    """:func:`dataset_state` of the row a dataset record is stored as."""
    return {"ref": rec.ref, "name": rec.name, "version": rec.version} | {
        c: getattr(rec, c) for c in DATASET_ATTRS
    }


def record_state(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What the ledger hashes for a stored record: its header and its body."""
    created = row["created_at"]
    created = aware(created).isoformat() if isinstance(created, dt.datetime) else created
    return {
        "id": row["id"],
        "kind": row["kind"],
        "subject": row["subject"],
        "key": row["key"],
        "created_at": created,
        "actor": row["actor"],
        "hash": row["hash"],
        "body": row["body"],
    }


def edge_state(parent: str, child: str, relation: str, record_id: str | None) -> dict[str, Any]:
    """What the ledger hashes for a lineage edge."""
    return {"parent": parent, "child": child, "relation": relation, "record_id": record_id}


def edge_entity(parent: str, relation: str, child: str) -> str:
    """The ledger entity of a lineage edge."""
    return f"edge:{parent}|{relation}|{child}"


def catalogue_entry_select() -> Select[Any]:
    """``(node_id, ref, kind, owner, status)`` of every node: what an edge into it carries."""
    return (
        select(
            nodes.c.id.label("node_id"),
            nodes.c.ref,
            nodes.c.kind,
            func.coalesce(models.c.owner, datasets.c.owner).label("owner"),
            models.c.status,
        )
        .outerjoin(models, models.c.node_id == nodes.c.id)
        .outerjoin(datasets, datasets.c.node_id == nodes.c.id)
    )


def catalogue_entries(
    conn: Connection, node_ids: Sequence[int]
) -> dict[int, tuple[str, str, str | None, str | None]]:
    """``node id -> (ref, kind, owner, status)`` for the given nodes."""
    q = catalogue_entry_select().where(nodes.c.id.in_(list(node_ids)))
    return {int(r[0]): (r[1], r[2], r[3], r[4]) for r in conn.execute(q)}
