"""Approval policies are versioned data; a published version cannot change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from govern_world import World

from heredity.errors import BadInput, Conflict
from heredity.govern import (
    POLICY_DIR,
    decide,
    load_policy_file,
    publish_policy,
    published_policies,
    request_approval,
    resolve_policy,
)


def _write(tmp_path: Path, name: str, **changes: object) -> Path:
    data = yaml.safe_load((POLICY_DIR / "default.yaml").read_text())
    data.update({"id": "strict"} | changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def test_published_policy_cannot_be_changed(world: World, tmp_path: Path) -> None:
    v1 = _write(tmp_path, "strict.yaml")
    first = publish_policy(world.reg, load_policy_file(v1))
    assert publish_policy(world.reg, load_policy_file(v1)).id == first.id  # unchanged: no-op
    edited = _write(tmp_path, "strict.yaml", approvers={"roles": ["model_risk"]})
    with pytest.raises(Conflict, match="cannot be edited"):
        publish_policy(world.reg, load_policy_file(edited))
    with pytest.raises(Conflict):
        resolve_policy(world.reg, str(edited))
    v2 = _write(tmp_path, "strict-2.yaml", version="2", approvers={"roles": ["model_risk"]})
    second = publish_policy(world.reg, load_policy_file(v2))
    assert second.body.supersedes == "strict@1"
    assert [r.body.ref for r in published_policies(world.reg)][:2] == ["strict@2", "strict@1"]
    policy, _ = resolve_policy(world.reg, "strict")
    assert policy.ref == "strict@2"
    assert resolve_policy(world.reg, "strict@1")[0].approvers.roles == ["model_risk", "safety"]


def test_decisions_name_the_policy_version(world: World, tmp_path: Path) -> None:
    world.distil("acme/s@1")
    path = _write(tmp_path, "one-role.yaml", approvers={"roles": ["model_risk"]})
    req = request_approval(world.who("eve"), "acme/s@1", policy=str(path))
    assert req.policy == "strict@1" and req.required_roles == ["model_risk"]
    state = decide(world.who("alice"), req.id, approve=True, reason="one role suffices here")
    assert state.status == "approved"
    assert [d.policy for d in state.decisions] == ["strict@1"]


def test_bad_policy_file_names_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", approvers={"roles": ["chief"]})
    with pytest.raises(BadInput, match="approvers"):
        load_policy_file(path)
    with pytest.raises(BadInput, match="no such file"):
        load_policy_file(tmp_path / "missing.yaml")
