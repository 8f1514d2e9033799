"""Initial registry: nodes, models, datasets, edges, records, ledger.

Revision ID: 0001
Revises:

The tables are spelled out as they were at this revision (not imported from the schema module),
so later revisions change them only through their own steps.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TABLES = ("ledger", "records", "edges", "datasets", "models", "nodes")


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("ref", sa.String(300), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "models",
        sa.Column("node_id", _ID, sa.ForeignKey("nodes.id"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("licence", sa.String(100)),
        sa.Column("provider", sa.String(100)),
        sa.Column("access", sa.String(20)),
        sa.Column("architecture", sa.String(100)),
        sa.Column("parameters", sa.BigInteger),
        sa.Column("base_model", sa.String(300)),
        sa.Column("digest", sa.String(80)),
        sa.Column("path", sa.Text),
        sa.Column("owner", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("card", sa.JSON, nullable=False),
    )
    op.create_table(
        "datasets",
        sa.Column("node_id", _ID, sa.ForeignKey("nodes.id"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("licence", sa.String(100)),
        sa.Column("examples", sa.BigInteger),
        sa.Column("source", sa.Text),
        sa.Column("fingerprint", sa.String(80)),
        sa.Column("owner", sa.String(200)),
    )
    op.create_table(
        "edges",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("parent_id", _ID, sa.ForeignKey("nodes.id"), nullable=False),
        sa.Column("child_id", _ID, sa.ForeignKey("nodes.id"), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(80)),
        sa.UniqueConstraint("parent_id", "child_id", "relation", name="uq_edge"),
        sa.Index("ix_edges_child", "child_id", "parent_id"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300)),
        sa.Column("key", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Index("ix_records_kind_subject", "kind", "subject"),
        sa.Index("ix_records_kind_key", "kind", "key"),
    )
    op.create_table(
        "ledger",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(400), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Index("ix_ledger_entity", "entity"),
    )
    # Child-side lookups: "who is below this node" (impact, students).
    op.create_index("ix_edges_parent", "edges", ["parent_id", "child_id"])


def downgrade() -> None:
    op.drop_index("ix_edges_parent", "edges")
    for name in _TABLES:
        op.drop_table(name)
