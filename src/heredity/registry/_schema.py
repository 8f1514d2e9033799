"""Database tables (SQLAlchemy Core) at the newest revision; the Alembic migrations under
``migrations/`` create and change them (indexes that depend on the backend live there too)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

nodes = Table(
    "nodes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),
    Column("ref", String(300), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("node_id", Id, ForeignKey("nodes.id"), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("version", String(64), nullable=False),
    Column("licence", String(100)),
    Column("provider", String(100)),
    Column("access", String(20)),
    Column("architecture", String(100)),
    Column("parameters", BigInteger),
    Column("base_model", String(300)),
    Column("digest", String(80)),
    Column("path", Text),
    Column("owner", String(200)),
    Column("status", String(20), nullable=False),
    Column("card", JSON, nullable=False),
)

datasets = Table(
    "datasets",
    metadata,
    Column("node_id", Id, ForeignKey("nodes.id"), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("version", String(64), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("licence", String(100)),
    Column("examples", BigInteger),
    Column("source", Text),
    Column("fingerprint", String(80)),
    Column("owner", String(200)),
)

edges = Table(
    "edges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("parent_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("child_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("relation", String(20), nullable=False),
    Column("record_id", String(80)),
    # The child's catalogue entry, copied onto each edge into it and kept in step by every write
    # (refs, kinds and owners never change; a status change updates the copies in the same
    # transaction; ``ledger verify`` checks them). A covering index on these lets the impact
    # search read a node's children and what it reports about them in one index probe.
    Column("child_ref", String(300), nullable=False),
    Column("child_kind", String(8), nullable=False),
    Column("child_owner", String(200)),
    Column("child_status", String(20)),
    UniqueConstraint("parent_id", "child_id", "relation", name="uq_edge"),
    Index("ix_edges_child", "child_id", "parent_id"),
)

records = Table(
    "records",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(300)),
    Column("key", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("body", JSON, nullable=False),
    Index("ix_records_kind_subject", "kind", "subject"),
    Index("ix_records_kind_key", "kind", "key"),
)

ledger = Table(
    "ledger",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("ts", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(400), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_ledger_entity", "entity"),
)
