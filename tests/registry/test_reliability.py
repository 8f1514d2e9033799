"""Concurrent writers and a bulk ingest killed part-way, on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import sqlalchemy as sa

from heredity.registry import Registry, StatusChange

_WRITER = r"""
import sys
from heredity.records import ModelRecord
from heredity.registry import Registry, StatusChange
url, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
reg = Registry.open(url, actor=who)
for i in range(count):
    if i % 2:
        note = StatusChange(model=f"w{who}", status="noted", reason=f"write {i}")
        reg.put(note, subject=f"w{who}")
    else:
        reg.add_model(ModelRecord(name=f"w{who}/m{i}", version="1"))
"""

_BULK = r"""
import sys
from heredity.records import ModelRecord
from heredity.registry import Registry
url = sys.argv[1]
reg = Registry.open(url, actor="bulk")
for b in range(10_000):
    items = [ModelRecord(name=f"bulk/b{b}-m{i}", version="1") for i in range(200)]
    links = [(f"bulk/b{b}-m0@1", f"bulk/b{b}-m{i}@1", "distilled_from") for i in range(1, 200)]
    reg.bulk_ingest(items, links)
"""


def test_four_concurrent_writers(db_url: str) -> None:
    Registry.open(db_url).close()  # migrate once before the race
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, db_url, str(w), "500"], stderr=subprocess.PIPE
        )
        for w in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    reg = Registry.open(db_url)
    try:
        events = reg.ledger_events()
        assert len(events) == 2000
        seqs = [e.seq for e in events]
        assert len(set(seqs)) == len(seqs) == 2000
        assert Counter(e.actor for e in events) == {str(w): 500 for w in range(4)}
        assert len(reg.list_models()) == 1000
        assert sum(len(reg.find(StatusChange, subject=f"w{w}")) for w in range(4)) == 1000
        assert reg.verify_ledger().ok
    finally:
        reg.close()


def test_bulk_ingest_killed_part_way(db_url: str) -> None:
    reg = Registry.open(db_url)
    proc = subprocess.Popen([sys.executable, "-c", _BULK, db_url], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while reg.ledger_length() < 2000:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "bulk ingest made no progress"
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    reg.close()
    reopened = Registry.open(db_url)
    try:
        result = reopened.verify_ledger()
        assert result.ok, result.problem
        with reopened.engine.connect() as conn:
            models = conn.execute(sa.text("SELECT COUNT(*) FROM models")).scalar()
            edges = conn.execute(sa.text("SELECT COUNT(*) FROM edges")).scalar()
        # Whole batches only: 200 models and 199 edges each, never a part of one.
        assert models and models % 200 == 0
        assert edges == models // 200 * 199
        assert result.events == models + edges
    finally:
        reopened.close()
