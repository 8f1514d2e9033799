"""The gate stores every assessment (ledgered) and blocks; reviews and authorizations clear it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rights_actors import admin_of, as_actor

from heredity.errors import BadInput, NotFound, RightsBlocked
from heredity.identity import add_actor
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
    load_knowledge_base,
    plan_rights,
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


def _file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7 written permission\n")
    return str(path)


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


def test_review_approve_clears_needs_review(
    registry: Registry, legal: Registry, plan: Plan
) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    rid = _blocked(registry, doc)
    assert effective(registry, rid).state == "needs_review"
    rec = review(legal, rid, "approve", "read the licence: outputs unrestricted")
    assert rec.body.reviewer == "lee" and rec.actor == "lee" and rec.key == rid
    eff = effective(registry, rid)
    assert eff.cleared and eff.state == "reviewed" and eff.reviews[0].decision == "approve"
    assert (eff.by, eff.record, eff.actor) == ("rights_review", rec.id, "lee")
    # the assessment itself is unchanged: the record shows the review separately
    assert registry.get(rid, RightsAssessment).body.cleared is False
    # a later rejection (by another legal reviewer) wins
    add_actor(admin_of(registry), "kim", ["legal"])
    review(as_actor(registry, "kim"), rid, "reject", "second opinion: no")
    eff2 = effective(registry, rid)
    assert not eff2.cleared and eff2.state == "rejected"
    assert eff2.reviews[0].reviewer == "kim" and eff2.actor == "kim"


def test_review_cannot_override_prohibited(registry: Registry, legal: Registry, plan: Plan) -> None:
    rid = _blocked(registry, plan(teachers=[{"licence": "llama3"}]))
    with pytest.raises(BadInput, match="authorization"):
        review(legal, rid, "approve", "looks fine to me")
    assert effective(registry, rid).state == "blocked"


def test_authorization_clears_prohibited(
    registry: Registry, legal: Registry, plan: Plan, tmp_path: Path
) -> None:
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
    letter = _file(tmp_path, "xai-order-form-2026-114.pdf")
    with pytest.raises(BadInput, match="not an authorization"):
        authorize(legal, _blocked(registry, plan(teachers=[{"licence": "unlisted"}])), letter, "y")
    rec = authorize(legal, rid, letter, "Order Form s.4 permits training")
    assert rec.body.overrides_verdict == "prohibited" and rec.key == rid
    eff = effective(registry, rid)
    assert eff.cleared and eff.state == "authorized"
    assert eff.authorizations[0].evidence == letter
    assert "authorized by lee on evidence file" in eff.explanation


def test_prohibited_and_needs_review_need_both(
    registry: Registry, legal: Registry, plan: Plan, tmp_path: Path
) -> None:
    doc = plan(
        teachers=[
            {"model": "a/b@1", "licence": "llama2"},
            {"model": "c/d@1", "licence": "unlisted"},
        ]
    )
    rid = _blocked(registry, doc)
    auth = authorize(
        legal, rid, _file(tmp_path, "meta-letter-17.pdf"), "Meta permitted this student in writing"
    )
    assert effective(registry, rid).state == "needs_review"
    rev = review(legal, rid, "approve", "unlisted licence read and found permissive")
    eff = effective(registry, rid)
    assert eff.cleared and eff.state == "authorized"
    assert [(d.kind, d.record) for d in eff.decided_by] == [
        ("rights_authorization", auth.id),
        ("rights_review", rev.id),
    ]
    assert eff.by == "rights_review" and eff.record == rev.id


def test_unmet_user_threshold_needs_authorization(
    registry: Registry, legal: Registry, plan: Plan, tmp_path: Path
) -> None:
    doc = plan(teachers=[{"licence": "llama3.1"}], use={"monthly_active_users": 900_000_000})
    rid = _blocked(registry, doc)
    eff = effective(registry, rid)
    assert eff.verdict == "conditional" and eff.needs_authorization and not eff.needs_review
    authorize(legal, rid, _file(tmp_path, "meta-licence-2026-3.pdf"), "separate licence from Meta")
    assert effective(registry, rid).cleared


@pytest.mark.parametrize(
    ("decision", "basis", "match"), [("maybe", "x", "^decision: "), ("approve", "  ", "^basis: ")]
)
def test_bad_review_input(
    registry: Registry, legal: Registry, plan: Plan, decision: str, basis: str, match: str
) -> None:
    rid = _blocked(registry, plan(teachers=[{"licence": "unlisted"}]))
    before = registry.ledger_length()
    with pytest.raises(BadInput, match=match):
        review(legal, rid, decision, basis)
    assert registry.ledger_length() == before


def test_unknown_or_wrong_record(registry: Registry, legal: Registry, plan: Plan) -> None:
    with pytest.raises(NotFound):
        review(legal, "rights_assess_nope", "approve", "x")
    other = registry.put(StatusChange(model="acme/x@1", status="approved", reason="r"))
    with pytest.raises(NotFound, match="not a rights assessment .it is a status change record"):
        effective(registry, other.id)
    ok = gate(plan(teachers=[{"licence": "mit"}]), registry)
    with pytest.raises(BadInput, match="already cleared"):
        review(legal, ok.id, "approve", "x")


def test_review_carries_over_to_the_run_only_for_the_same_facts(
    registry: Registry, legal: Registry, plan: Plan
) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    rid = _blocked(registry, doc)
    review(legal, rid, "approve", "internal licence reviewed by counsel")
    # The run fills in its configuration: same rights facts, so the review still holds.
    ran = doc.model_copy(
        update={"config": doc.config.model_copy(update={"seed": 5, "temperature": 2.0})}
    )
    assert gate(ran, registry).id == rid
    # A different intended use is a different question: blocked again.
    assert doc.intended_use is not None
    other_use = doc.intended_use.model_copy(update={"distribution": "open-weights"})
    _blocked(registry, doc.model_copy(update={"intended_use": other_use}))


ACME_DENY = """\
id: acme-internal
title: ACME internal model licence
kind: model_licence
version: "1"
evidence: primary
sources: [{url: "https://legal.acme.example/models"}]
summary: Our own models; students may not leave the company.
rules:
  - id: internal-only
    when: {distributed: true}
    effect: deny
    clause: "2.1"
    explain: Students of ACME models may not be distributed.
"""


def test_an_earlier_review_does_not_clear_a_different_judgement_of_the_same_facts(
    registry: Registry, legal: Registry, plan: Plan, tmp_path: Path
) -> None:
    doc = plan(teachers=[{"licence": "acme-internal"}], use={"distribution": "api"})
    rid = _blocked(registry, doc)  # unknown licence: needs_review
    review(legal, rid, "approve", "counsel read the ACME licence")
    assert gate(doc, registry).id == rid
    # The knowledge base learns the licence, which forbids this use: same facts, now prohibited.
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    (kb_dir / "acme-internal.yaml").write_text(ACME_DENY)
    kb = load_knowledge_base([kb_dir])
    with pytest.raises(RightsBlocked) as err:
        gate(doc, registry, kb=kb)
    assert err.value.record_id != rid
    assert effective(registry, err.value.record_id).state == "blocked"  # type: ignore[arg-type]


def test_a_rejection_of_the_current_judgement_is_not_undone_by_an_earlier_approval(
    registry: Registry, legal: Registry, plan: Plan
) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    first = _blocked(registry, doc)
    review(legal, first, "approve", "fine")
    # The run fills in its configuration: same facts, another document, so another assessment,
    # cleared by the earlier approval while nothing decides it ...
    ran = doc.model_copy(update={"config": doc.config.model_copy(update={"seed": 9})})
    assert gate(ran, registry).id == first
    (second, _) = [r.id for r in registry.find(RightsAssessment, subject=doc.student.ref)]
    assert second != first
    # ... until a reviewer rejects it: then the rejection of the current judgement decides.
    add_actor(admin_of(registry), "kim", ["legal"])
    review(as_actor(registry, "kim"), second, "reject", "on reflection: no")
    with pytest.raises(RightsBlocked):
        gate(ran, registry)
    state = plan_rights(registry, ran, registry.get(second, RightsAssessment).body)
    assert state.state == "rejected" and state.actor == "kim" and not state.cleared
