"""Schema revisions: a registry filled at an older revision upgrades with its data intact."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from heredity.records import load_document
from heredity.registry import Registry
from heredity.registry._db import _MIGRATIONS, write_transaction


def _alembic(reg: Registry, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with write_transaction(reg.engine) as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def _edge_columns(reg: Registry) -> set[str]:
    with reg.engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns("edges")}


def test_edge_child_entries_are_filled_on_upgrade(db_url: str, examples: Path) -> None:
    reg = Registry.open(db_url, actor="tester")
    try:
        for name in ("standard-kd.yaml", "multi-teacher.yaml", "sequence-level.yaml"):
            reg.record(load_document(examples / name))
        reg.set_model_status("acme/summariser-small@2", "approved", "passed review")
        before = reg.impact("acme/summariser-large@4")
        assert any(a.status == "approved" for a in before.affected)

        _alembic(reg, "downgrade", "0001")  # back to edges without the copies
        assert "child_status" not in _edge_columns(reg)
        assert "parent_id" in _edge_columns(reg)
    finally:
        reg.close()

    reg = Registry.open(db_url, actor="tester")  # opening migrates to the newest revision
    try:
        assert {"child_ref", "child_kind", "child_owner", "child_status"} <= _edge_columns(reg)
        with reg.engine.connect() as conn:
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("edges")}
        assert "ix_edges_down" in indexes and "ix_edges_parent" not in indexes
        assert reg.verify_ledger().ok  # every copy equals its child's entry
        assert reg.impact("acme/summariser-large@4") == before
    finally:
        reg.close()
