"""Incidents reach every descendant, suspend the right approvals, and closing restores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from govern_world import RESPONSIBLE, TEACHER, World

from cli_identity import as_cli
from heredity.cli import main
from heredity.errors import ApprovalRefused, BadInput, Conflict
from heredity.govern import (
    POLICY_DIR,
    add_actor,
    approval_state,
    clear_model,
    close_incident,
    current_approval,
    decide,
    deploy,
    incident_html,
    list_incidents,
    open_incident,
    request_approval,
)
from heredity.registry import StatusChange

G1, G2, G2B, U = "acme/gen1@1", "acme/gen2@1", "acme/gen2b@1", "acme/unrelated@1"


def _family(world: World) -> dict[str, str]:
    """teacher -> gen1 (logits) -> gen2 (synthetic data made by gen1); gen2b unapproved; an unrelated line."""
    world.ensure_teacher()
    approvals = {TEACHER: world.approve(TEACHER, deploy_it=False)}
    approvals[G1] = world.approve(world.distil(G1))
    approvals[G2] = world.approve(world.distil(G2, teacher=G1, synthetic=True))
    world.distil(G2B, teacher=G1)
    approvals[U] = world.approve(world.distil(U, teacher="acme/other@1"))
    return approvals


def test_incident_two_generations_up_suspends_the_right_approvals(world: World) -> None:
    approvals = _family(world)
    view = open_incident(
        world.who("ray"), TEACHER, kind="safety", summary="jailbreak found in the teacher"
    )
    assert {s.model: s.previous_status for s in view.suspended} == {
        TEACHER: "approved",
        G1: "deployed",
        G2: "deployed",
    }
    assert set(view.affected_models) == {G1, G2, G2B}
    assert view.affected_datasets == ["acme/gen2-data@2026-10"]  # made by gen1, trained gen2
    assert any(a.ref == G2 and G1 in a.path for a in view.impact.affected)
    for ref in (TEACHER, G1, G2):
        assert world.reg.get_model(ref).status == "suspended"
        assert current_approval(world.reg, ref) is None
        assert approval_state(world.reg, approvals[ref]).status == "suspended"
    assert world.reg.get_model(U).status == "deployed"
    assert world.reg.get_model(G2B).status == "registered"
    assert approval_state(world.reg, approvals[U]).status == "approved"
    owners = {o.owner: o for o in view.owners}
    assert owners[RESPONSIBLE].email == "dana@acme.example"
    assert set(owners[RESPONSIBLE].models) >= {G1, G2, G2B}
    assert world.reg.find(StatusChange, subject=G2)[0].body.reason.startswith(f"incident {view.id}")
    with pytest.raises(ApprovalRefused, match="suspended by incident"):
        deploy(world.who("eve"), G2)
    html = incident_html(view)
    assert G2 in html and "Owners to notify" in html


def test_closing_restores_nothing_each_model_is_reapproved_or_cleared(world: World) -> None:
    _family(world)
    view = open_incident(world.who("ray"), G1, kind="data", summary="poisoned synthetic data")
    assert {s.model for s in view.suspended} == {G1, G2}
    closed = close_incident(world.who("ray"), view.id, resolution="generator fixed")
    assert closed.status == "closed"
    assert [s.resolved for s in closed.suspended] == [False, False]
    assert (
        world.reg.get_model(G1).status == "suspended"
        and world.reg.get_model(G2).status == "suspended"
    )
    with pytest.raises(Conflict, match="already closed"):
        close_incident(world.who("ray"), view.id, resolution="again")
    # explicit clearance: only an approver role, never the responsible party
    with pytest.raises(ApprovalRefused, match="eve holds engineer; to clear"):
        clear_model(world.who("eve"), view.id, G1, reason="fine")
    add_actor(world.admin, RESPONSIBLE, ["model_risk"])
    with pytest.raises(ApprovalRefused, match="responsible party"):
        clear_model(world.who(RESPONSIBLE), view.id, G1, reason="fine")
    with pytest.raises(BadInput, match="was not suspended"):
        clear_model(world.who("alice"), view.id, U, reason="fine")
    after = clear_model(world.who("alice"), view.id, G1, reason="gen1 never saw the poisoned data")
    assert world.reg.get_model(G1).status == "deployed"
    assert current_approval(world.reg, G1) is not None
    # re-approval of the other one, on fresh evidence
    req = request_approval(world.who("eve"), G2)
    decide(world.who("alice"), req.id, approve=True, reason="re-evaluated")
    decide(world.who("sam"), req.id, approve=True, reason="re-evaluated")
    final = {s.model: s for s in list_incidents(world.reg, status="closed")[0].suspended}
    assert final[G1].resolved and "cleared by alice" in final[G1].resolution
    assert final[G2].resolved and final[G2].resolution == f"re-approved ({req.id})"
    assert world.reg.get_model(G2).status == "approved"
    deploy(world.who("eve"), G2)
    assert after.suspended[0].model == G1 or after.suspended[1].model == G1


def test_policy_says_which_incident_kinds_suspend(world: World, tmp_path: Path) -> None:
    data = yaml.safe_load((POLICY_DIR / "default.yaml").read_text())
    data.update(id="safety-only", incidents={"suspend": ["safety"]})
    path = tmp_path / "safety-only.yaml"
    path.write_text(yaml.safe_dump(data))
    world.distil(G1)
    req = request_approval(world.who("eve"), G1, policy=str(path))
    decide(world.who("alice"), req.id, approve=True, reason="r")
    decide(world.who("sam"), req.id, approve=True, reason="r")
    world.approve(world.distil(U), deploy_it=False)  # same teacher, default policy
    view = open_incident(world.who("ray"), TEACHER, kind="bias", summary="bias found")
    assert [s.model for s in view.suspended] == [U]
    assert [n.model_dump() for n in view.not_suspended] == [
        {
            "model": G1,
            "status": "approved",
            "reason": "policy safety-only@1 does not suspend for bias incidents",
        }
    ]
    with pytest.raises(BadInput, match="^kind: 'vibes'") as err:
        open_incident(world.reg, TEACHER, kind="vibes", summary="x")
    assert err.value.param == "kind"


def test_incident_cli(world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _family(world)
    capsys.readouterr()
    args = as_cli(db_url, "ray")
    assert (
        main(
            [
                *args,
                "incident",
                "open",
                G1,
                "--kind",
                "rights",
                "--summary",
                "terms changed",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {s["model"] for s in data["suspended"]} == {G1, G2}
    assert main([*args, "incident", "show", data["id"], "--format", "html"]) == 0
    assert "<html" in capsys.readouterr().out
    assert main([*args, "incident", "list"]) == 0
    capsys.readouterr()
    assert (
        main([*args, "incident", "close", data["id"], "--resolution", "done", "--format", "json"])
        == 0
    )
    closed = json.loads(capsys.readouterr().out)
    assert closed["status"] == "closed"
    assert {s["resolution"] for s in closed["suspended"]} == {"awaiting re-approval or clearance"}
    assert main([*args, "incident", "open", G1, "--kind", "nope", "--summary", "x"]) == 2
