"""Dataset fingerprints under the one JSON policy; plans fingerprinted before it still match."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from test_callback import _plan, _trainer

from heredity.capture import PlanMismatch, attach, dataset_fingerprints, fingerprint, snapshot
from heredity.registry import Registry

ROWS = [{"text": "naïve café"}, {"text": "日本語"}, {"text": "plain"}]


def _old_fingerprint(rows: list[dict[str, Any]]) -> str:
    """How the capture callback fingerprinted data before the one JSON policy."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, separators=(",", ":"), default=str).encode())
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


def test_both_fingerprints_in_one_pass() -> None:
    now, legacy, n = dataset_fingerprints(ROWS)
    assert (now, n) == (fingerprint(ROWS), 3)
    assert legacy == _old_fingerprint(ROWS) != now
    assert dataset_fingerprints(None) == (None, None, None)


@pytest.mark.parametrize("planned", ["today", "legacy", "other"])
def test_a_plan_fingerprint_of_either_policy_matches_the_data(
    registry: Registry, tmp_path: Path, planned: str
) -> None:
    trainer = _trainer(tmp_path / "student", steps=1)
    as_passed = snapshot(trainer.args, ROWS)
    assert as_passed.legacy_fingerprint == _old_fingerprint(ROWS)
    value = {
        "today": fingerprint(ROWS),
        "legacy": _old_fingerprint(ROWS),
        "other": _old_fingerprint(ROWS[:2]),
    }[planned]
    plan = _plan()
    plan["datasets"][0] |= {"fingerprint": value, "examples": 3}
    cb = attach(trainer, plan, registry, as_passed=as_passed)
    if planned == "other":
        with pytest.raises(PlanMismatch, match="datasets\\[0\\].fingerprint"):
            cb.train()
        return
    cb.train()
    assert cb.record is not None
