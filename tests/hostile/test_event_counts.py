"""The ledger events ``record`` reports are its own transaction's, however many others write.

Two processes record at once while a third keeps adding models; each recording's events are
exactly those the ledger holds for its own writes (its models, datasets, edges and record), and
the counts add up to the ledger's length.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from heredity.registry import Registry

_RECORDER = r"""
import json, sys
from heredity.cli import main
sys.exit(main(["--db", sys.argv[1], "record", sys.argv[2], "--format", "json"]))
"""

_NOISE = r"""
import sys
from heredity.records import ModelRecord
from heredity.registry import Registry
reg = Registry.open(sys.argv[1], actor="noise")
for i in range(int(sys.argv[2])):
    reg.add_model(ModelRecord(name=f"noise/m{i}", version="1"))
"""


def _plans(examples: Path, tmp_path: Path, n: int) -> list[Path]:
    base = yaml.safe_load((examples / "standard-kd.yaml").read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        base["student"]["name"] = f"acme/student-{i}"
        base["datasets"][0]["name"] = f"acme/tickets-{i}"
        path = tmp_path / f"plan-{i}.yaml"
        path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
        out.append(path)
    return out


def test_record_counts_only_its_own_events_under_concurrency(
    db_url: str, examples: Path, tmp_path: Path
) -> None:
    Registry.open(db_url).close()
    plans = _plans(examples, tmp_path, 4)
    noise = subprocess.Popen([sys.executable, "-c", _NOISE, db_url, "300"])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RECORDER, db_url, str(p)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in plans
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
        results.append(json.loads(out))
    assert noise.wait(timeout=600) == 0

    with Registry.open(db_url, create=False) as reg:
        events = {e.seq: e for e in reg.ledger_events()}
        assert reg.verify_ledger().ok
    claimed: list[int] = []
    for i, res in enumerate(results):
        seqs = res["ledger_events"]
        assert seqs == sorted(seqs) and seqs == list(range(seqs[0], seqs[-1] + 1))
        mine = {events[s].entity for s in seqs}
        assert f"record:{res['id']}" in mine
        assert f"dataset:acme/tickets-{i}@2026-10" in mine
        assert not any(e.startswith("model:noise/") for e in mine)
        assert all(events[s].actor == events[seqs[0]].actor for s in seqs)
        claimed += seqs
    assert len(claimed) == len(set(claimed))
    noise_events = [s for s, e in events.items() if e.entity.startswith("model:noise/")]
    assert len(noise_events) == 300
    assert len(claimed) + len(noise_events) == len(events)
