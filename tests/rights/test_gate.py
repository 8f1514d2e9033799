"""The gate stores every assessment (ledgered) and blocks; reviews and authorizations clear it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from heredity.errors import BadInput, NotFound, RightsBlocked
from heredity.records import DistillationDocument
from heredity.registry import Registry, StatusChange
from heredity.rights import (
    ASSESSMENT_KIND,
    RightsAssessment,
    assessments_for,
    authorize,
    clearing_assessment,
    effective,
    gate,
    review,
)

Plan = Callable[..., DistillationDocument]


def _blocked(registry: Registry, doc: DistillationDocument) -> str:
    with pytest.raises(RightsBlocked) as err:
        gate(doc, registry)
    assert isinstance(err.value.assessment, RightsAssessment)
    assert not err.value.assessment.cleared
    assert err.value.exit_code == 1
    rid: str = err.value.record_id  # type: ignore[attr-defined]
    assert rid in str(err.value)
    return rid


def test_cleared_plan_is_stored_and_passes(registry: Registry, plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "apache-2.0"}])
    before = registry.ledger_length()
    rec = gate(doc, registry)
    assert rec.kind == ASSESSMENT_KIND and rec.subject == doc.student.ref
    assert rec.body.cleared is True and rec.body.verdict == "permitted"
    assert rec.created_at is not None
    assert registry.ledger_length() == before + 1
    assert effective(registry, rec.id).state == "cleared"
    assert clearing_assessment(registry, doc.student.ref) is not None


def test_blocked_plan_is_stored_then_raises(registry: Registry, plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "llama2"}])
    rid = _blocked(registry, doc)
    stored = registry.get(rid, RightsAssessment)
    assert stored.body.verdict == "prohibited"
    assert [r.id for r in assessments_for(registry, doc.student.ref)] == [rid]
    assert effective(registry, rid).state == "blocked"
    assert clearing_assessment(registry, doc.student.ref) is None


def test_review_approve_clears_needs_review(registry: Registry, plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    rid = _blocked(registry, doc)
    assert effective(registry, rid).state == "needs_review"
    rec = review(registry, rid, "approve", "read the licence: outputs unrestricted", "Lee (Legal)")
    assert rec.body.reviewer == "Lee (Legal)" and rec.key == rid
    eff = effective(registry, rid)
    assert eff.cleared and eff.state == "reviewed" and eff.reviews[0].decision == "approve"
    # the assessment itself is unchanged: the record shows the review separately
    assert registry.get(rid, RightsAssessment).body.cleared is False
    # a later rejection wins
    review(registry, rid, "reject", "second opinion: no")
    eff2 = effective(registry, rid)
    assert not eff2.cleared and eff2.state == "rejected"
    assert eff2.reviews[0].reviewer == "tester"


def test_review_cannot_override_prohibited(registry: Registry, plan: Plan) -> None:
    rid = _blocked(registry, plan(teachers=[{"licence": "llama3"}]))
    with pytest.raises(BadInput, match="authorization"):
        review(registry, rid, "approve", "looks fine to me")
    assert effective(registry, rid).state == "blocked"


def test_authorization_clears_prohibited(registry: Registry, plan: Plan) -> None:
    doc = plan(
        teachers=[
            {
                "licence": "xai-enterprise",
                "access": "api",
                "provider": "xai",
                "signals": ["generated_text"],
            }
        ]
    )
    rid = _blocked(registry, doc)
    with pytest.raises(BadInput, match="not an authorization"):
        authorize(registry, _blocked(registry, plan(teachers=[{"licence": "unlisted"}])), "x", "y")
    rec = authorize(
        registry, rid, "contracts/xai-order-form-2026-114.pdf", "Order Form s.4 permits training"
    )
    assert rec.body.overrides_verdict == "prohibited" and rec.key == rid
    eff = effective(registry, rid)
    assert eff.cleared and eff.state == "authorized"
    assert eff.authorizations[0].evidence == "contracts/xai-order-form-2026-114.pdf"
    assert "authorized on evidence" in eff.explanation


def test_prohibited_and_needs_review_need_both(registry: Registry, plan: Plan) -> None:
    doc = plan(
        teachers=[
            {"model": "a/b@1", "licence": "llama2"},
            {"model": "c/d@1", "licence": "unlisted"},
        ]
    )
    rid = _blocked(registry, doc)
    authorize(registry, rid, "meta-letter-17", "Meta permitted this student in writing")
    assert effective(registry, rid).state == "needs_review"
    review(registry, rid, "approve", "unlisted licence read and found permissive")
    assert effective(registry, rid).cleared


def test_unmet_user_threshold_needs_authorization(registry: Registry, plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "llama3.1"}], use={"monthly_active_users": 900_000_000})
    rid = _blocked(registry, doc)
    eff = effective(registry, rid)
    assert eff.verdict == "conditional" and eff.needs_authorization and not eff.needs_review
    authorize(registry, rid, "meta-licence-2026-3", "separate licence from Meta")
    assert effective(registry, rid).cleared


@pytest.mark.parametrize(
    ("decision", "basis", "match"), [("maybe", "x", "^decision: "), ("approve", "  ", "^basis: ")]
)
def test_bad_review_input(
    registry: Registry, plan: Plan, decision: str, basis: str, match: str
) -> None:
    rid = _blocked(registry, plan(teachers=[{"licence": "unlisted"}]))
    before = registry.ledger_length()
    with pytest.raises(BadInput, match=match):
        review(registry, rid, decision, basis)
    assert registry.ledger_length() == before


def test_unknown_or_wrong_record(registry: Registry, plan: Plan) -> None:
    with pytest.raises(NotFound):
        review(registry, "rights_assess_nope", "approve", "x")
    other = registry.put(StatusChange(model="acme/x@1", status="approved", reason="r"))
    with pytest.raises(NotFound, match="not a rights assessment .it is a status change record"):
        effective(registry, other.id)
    ok = gate(plan(teachers=[{"licence": "mit"}]), registry)
    with pytest.raises(BadInput, match="already cleared"):
        review(registry, ok.id, "approve", "x")


def test_review_carries_over_to_the_run_only_for_the_same_facts(
    registry: Registry, plan: Plan
) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    rid = _blocked(registry, doc)
    review(registry, rid, "approve", "internal licence reviewed by counsel", reviewer="lee")
    # The run fills in its configuration: same rights facts, so the review still holds.
    ran = doc.model_copy(
        update={"config": doc.config.model_copy(update={"seed": 5, "temperature": 2.0})}
    )
    assert gate(ran, registry).id == rid
    # A different intended use is a different question: blocked again.
    assert doc.intended_use is not None
    other_use = doc.intended_use.model_copy(update={"distribution": "open-weights"})
    _blocked(registry, doc.model_copy(update={"intended_use": other_use}))
