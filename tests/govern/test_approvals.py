"""Independent approval (4.5): evidence first, segregation of duties, roles, per-version, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from govern_world import RESPONSIBLE, TEACHER, World, evaluate, transfer_body

from heredity.errors import ApprovalRefused, BadInput, Conflict
from heredity.govern import (
    add_actor,
    approval_state,
    current_approval,
    decide,
    deploy,
    request_approval,
    revoke,
    waive_transfer,
)
from heredity.registry import StatusChange
from heredity.transfer import TransferAssessmentRecord

S = "acme/student@1"


def test_request_shows_missing_evidence_and_approval_waits_for_it(world: World) -> None:
    world.distil(S, transfer=False)
    req = request_approval(world.who("eve"), S)
    assert req.status == "pending"
    assert req.policy == "default@1"
    assert req.required_roles == ["model_risk", "safety"]
    assert any("no transfer assessment against teacher acme/teacher@1" in m for m in req.missing)
    with pytest.raises(ApprovalRefused) as err:
        decide(world.who("alice"), req.id, approve=True, reason="looks fine")
    assert any("transfer" in d for d in err.value.details)
    assert approval_state(world.reg, req.id).decisions == []
    world.reg.put(transfer_body(TEACHER, S), subject=S)
    decide(world.who("alice"), req.id, approve=True, reason="evidence now complete")
    state = decide(world.who("sam"), req.id, approve=True, reason="safety held")
    assert state.status == "approved"
    assert {d.policy for d in state.decisions} == {"default@1"}
    assert world.reg.get_model(S).status == "approved"
    assert world.reg.find(StatusChange, subject=S)[0].body.status == "approved"


def test_segregation_of_duties(world: World) -> None:
    world.distil(S)
    add_actor(world.admin, RESPONSIBLE, ["model_risk"])
    add_actor(world.admin, "eve", ["safety"])  # the requester also holds an approver role
    req = request_approval(world.who("eve"), S)
    with pytest.raises(ApprovalRefused, match="responsible party"):
        decide(world.who(RESPONSIBLE), req.id, approve=True, reason="mine, and fine")
    with pytest.raises(ApprovalRefused, match="requested this approval"):
        decide(world.who("eve"), req.id, approve=True, reason="I asked, I approve")
    # the responsible party is matched by email too
    add_actor(world.admin, "dsmith", ["model_risk"], email="DANA@acme.example")
    with pytest.raises(ApprovalRefused, match="responsible party"):
        decide(world.who("dsmith"), req.id, approve=True, reason="alias")
    assert approval_state(world.reg, req.id).decisions == []


def test_role_bypass_attempts_are_refused(world: World) -> None:
    world.distil(S)
    req = request_approval(world.who("eve"), S)
    with pytest.raises(ApprovalRefused, match="no recorded role"):
        decide(world.who("mallory"), req.id, approve=True, reason="trust me")
    with pytest.raises(ApprovalRefused, match="needs a decision by"):
        decide(world.who("lee"), req.id, approve=True, reason="legal is not asked here")
    with pytest.raises(ApprovalRefused, match="does not hold the role"):
        decide(world.who("alice"), req.id, approve=True, reason="as safety", role="safety")
    with pytest.raises(ApprovalRefused, match="not an admin"):
        add_actor(world.who("mallory"), "mallory", ["model_risk"])
    with pytest.raises(ApprovalRefused, match="their own roles"):
        add_actor(world.admin, "root", ["model_risk"])
    with pytest.raises(ApprovalRefused, match="not an admin"):
        add_actor(world.who("alice"), "mallory", ["safety"])
    add_actor(world.who("root"), "alice", ["safety"])  # alice now holds both roles
    decide(world.who("alice"), req.id, approve=True, reason="risk ok")
    with pytest.raises(ApprovalRefused, match="already decided"):
        decide(world.who("alice"), req.id, approve=True, reason="and safety too")
    state = decide(world.who("sam"), req.id, approve=True, reason="safety ok")
    assert state.filled == {"model_risk": "alice", "safety": "sam"}
    with pytest.raises(BadInput, match="unknown role"):
        add_actor(world.who("root"), "sam", ["superuser"])


def test_teacher_approval_is_context_and_never_counts(world: World) -> None:
    world.distil(S)
    world.approve(TEACHER)
    req = request_approval(world.who("eve"), S)
    assert req.teacher_approvals[0].teacher == TEACHER
    assert req.teacher_approvals[0].approval is not None
    assert "never counts" in req.teacher_approvals[0].note
    assert current_approval(world.reg, S) is None
    with pytest.raises(ApprovalRefused) as err:
        deploy(world.who("eve"), S)
    assert any("never counts for its student" in d for d in err.value.details)


def test_approval_is_per_version(world: World) -> None:
    world.approve(world.distil(S))
    world.distil("acme/student@2")
    assert current_approval(world.reg, "acme/student@2") is None
    with pytest.raises(ApprovalRefused, match="no valid approval of its own"):
        deploy(world.who("eve"), "acme/student@2")
    assert world.reg.get_model(S).status == "deployed"


def test_conditions_expiry_and_revocation(world: World) -> None:
    world.distil(S)
    req = request_approval(world.who("eve"), S)
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    with pytest.raises(BadInput, match="at most 365 days"):
        decide(world.who("alice"), req.id, approve=True, reason="r", expires="2099-01-01")
    with pytest.raises(BadInput, match="not in the future"):
        decide(world.who("alice"), req.id, approve=True, reason="r", expires="2000-01-01")
    decide(
        world.who("alice"),
        req.id,
        approve=True,
        reason="r",
        conditions=["internal use only"],
        expires=soon,
    )
    state = decide(
        world.who("sam"), req.id, approve=True, reason="r", conditions=["monitor refusals weekly"]
    )
    assert state.conditions == ["internal use only", "monitor refusals weekly"]
    assert state.expires is not None and state.expires.date().isoformat() == soon
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    assert approval_state(world.reg, req.id, now=later).status == "expired"
    rec = deploy(world.who("eve"), S)
    assert rec.body.conditions == ["internal use only", "monitor refusals weekly"]
    with pytest.raises(ApprovalRefused, match="needs one of the roles"):
        revoke(world.who("eve"), req.id, reason="I changed my mind")
    state = revoke(world.who("alice"), req.id, reason="complaints")
    assert state.status == "revoked"
    assert world.reg.get_model(S).status == "suspended"
    with pytest.raises(ApprovalRefused):
        deploy(world.who("eve"), S)


def test_reject_ends_the_request(world: World) -> None:
    world.distil(S)
    req = request_approval(world.who("eve"), S)
    state = decide(world.who("sam"), req.id, approve=False, reason="not convinced")
    assert state.status == "rejected"
    with pytest.raises(Conflict, match="already rejected"):
        decide(world.who("alice"), req.id, approve=True, reason="overrule")
    assert world.reg.get_model(S).status == "registered"


def test_legal_required_when_rights_carry_obligations(world: World) -> None:
    obligation = {
        "kind": "attribution",
        "value": "Built with Teacher",
        "source": "apache-2.0",
        "satisfied": None,
        "explanation": "credit the teacher",
    }
    world.distil(S, obligations=[obligation])
    req = request_approval(world.who("eve"), S)
    assert req.required_roles == ["model_risk", "safety", "legal"]
    decide(world.who("alice"), req.id, approve=True, reason="r")
    state = decide(world.who("sam"), req.id, approve=True, reason="r")
    assert state.status == "pending" and state.missing_roles == ["legal"]
    assert (
        decide(world.who("lee"), req.id, approve=True, reason="attribution planned").status
        == "approved"
    )


def test_breach_blocks_approval_until_waived_by_an_independent_role(world: World) -> None:
    world.distil(S, breach=("safety_refusal",))
    req = request_approval(world.who("eve"), S)
    with pytest.raises(ApprovalRefused) as err:
        decide(world.who("alice"), req.id, approve=True, reason="ship it")
    assert any("breach" in d and "safety_refusal" in d for d in err.value.details)
    assessment = world.reg.find(TransferAssessmentRecord, subject=S)[0].id
    with pytest.raises(ApprovalRefused, match="takes the safety or model_risk role"):
        waive_transfer(world.who("lee"), assessment, justification="fine")
    with pytest.raises(ApprovalRefused, match="requested approval"):
        waive_transfer(world.who("eve"), assessment, justification="fine")
    add_actor(world.admin, RESPONSIBLE, ["safety"])
    with pytest.raises(ApprovalRefused, match="responsible party"):
        waive_transfer(world.who(RESPONSIBLE), assessment, justification="fine")
    waiver = waive_transfer(
        world.who("sam"), assessment, justification="edge filter blocks the category"
    )
    assert waiver.body.granted_by == "sam" and waiver.body.dimensions == ["safety_refusal"]
    req2 = request_approval(world.who("eve"), S)
    assert req2.missing == []
    decide(world.who("alice"), req2.id, approve=True, reason="waived")
    assert decide(world.who("sam"), req2.id, approve=True, reason="waived").status == "approved"


def test_base_model_needs_its_own_evaluations(world: World) -> None:
    world.ensure_teacher("acme/base@1")
    req = request_approval(world.who("eve"), "acme/base@1")
    assert req.missing == []
    world.reg.add_model(world.reg.get_model("acme/base@1").model_copy(update={"name": "acme/bare"}))
    bare = request_approval(world.who("eve"), "acme/bare@1")
    assert any("safety-refusal" in m for m in bare.missing)
    with pytest.raises(ApprovalRefused, match="evidence is missing"):
        decide(world.who("alice"), bare.id, approve=True, reason="no evaluation yet")
    evaluate(world.reg, "acme/bare@1", ["safety-refusal"])
    # a decision reads the evidence afresh: the new evaluation counts
    decide(world.who("alice"), bare.id, approve=True, reason="own evaluation present")
    assert decide(world.who("sam"), bare.id, approve=True, reason="ok").status == "approved"
