"""Edges carry their child's catalogue entry; one covering index serves the downward search.

Revision ID: 0002
Revises: 0001

``edges`` gains ``child_ref``, ``child_kind``, ``child_owner`` and ``child_status``, filled
from the catalogue. ``ix_edges_parent`` (parent, child) gives way to ``ix_edges_down``, which
also holds those columns, so an impact search reads a node's children and their entries from
the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ENTRY = ("child_ref", "child_kind", "child_owner", "child_status")


def upgrade() -> None:
    # NOT NULL columns need a default to be added to a filled table; every row is set below.
    op.add_column(
        "edges", sa.Column("child_ref", sa.String(300), nullable=False, server_default="")
    )
    op.add_column("edges", sa.Column("child_kind", sa.String(8), nullable=False, server_default=""))
    op.add_column("edges", sa.Column("child_owner", sa.String(200)))
    op.add_column("edges", sa.Column("child_status", sa.String(20)))
    op.execute(
        "UPDATE edges SET"
        " child_ref = (SELECT n.ref FROM nodes n WHERE n.id = edges.child_id),"
        " child_kind = (SELECT n.kind FROM nodes n WHERE n.id = edges.child_id),"
        " child_owner = COALESCE("
        "(SELECT m.owner FROM models m WHERE m.node_id = edges.child_id),"
        " (SELECT d.owner FROM datasets d WHERE d.node_id = edges.child_id)),"
        " child_status = (SELECT m.status FROM models m WHERE m.node_id = edges.child_id)"
    )
    op.drop_index("ix_edges_parent", "edges")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("edges", "child_ref", server_default=None)
        op.alter_column("edges", "child_kind", server_default=None)
        op.create_index(
            "ix_edges_down", "edges", ["parent_id"], postgresql_include=["child_id", *_ENTRY]
        )
    else:
        # SQLite has no INCLUDE: the same columns as trailing keys make the index covering.
        op.create_index("ix_edges_down", "edges", ["parent_id", "child_id", *_ENTRY])


def downgrade() -> None:
    op.drop_index("ix_edges_down", "edges")
    op.create_index("ix_edges_parent", "edges", ["parent_id", "child_id"])
    with op.batch_alter_table("edges") as batch:
        for name in reversed(_ENTRY):
            batch.drop_column(name)
