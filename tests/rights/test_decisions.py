"""Who may review or authorize a rights assessment: the legal role, never a party to the plan.

A review or an authorization is a decision: the acting identity must hold the legal role and be
none of the plan's responsible party (by name or email, any case), the person who requested the
check (who recorded the assessment) and the person who recorded the distillation. The decider
recorded is the acting identity; an authorization rests on a file (digest stored) or a record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from rights_actors import admin_of, as_actor

from heredity.errors import ApprovalRefused, BadInput, RightsBlocked
from heredity.identity import add_actor
from heredity.records import DistillationDocument
from heredity.registry import Registry
from heredity.rights import RightsAuthorization, RightsReview, authorize, effective, gate, review

Plan = Callable[..., DistillationDocument]
LETTER = b"%PDF-1.7 xAI Order Form 2026-114: training on Output permitted\n"


def _assessment(registry: Registry, doc: DistillationDocument) -> str:
    """Record the plan's assessment as ``registry.actor`` (the requester); its id."""
    with pytest.raises(RightsBlocked) as err:
        gate(doc, registry)
    rid = err.value.record_id  # type: ignore[attr-defined]
    assert isinstance(rid, str)
    return rid


@pytest.fixture
def needs_review(registry: Registry, plan: Plan) -> str:
    """A needs_review assessment of Dana Smith's plan, requested by ``tester``."""
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    doc = doc.model_copy(
        update={"responsible": doc.responsible.model_copy(update={"email": "dana@acme.example"})}
    )
    return _assessment(registry, doc)


@pytest.fixture
def prohibited(registry: Registry, plan: Plan) -> str:
    """A prohibited assessment (xAI's terms forbid training on Output), requested by ``tester``."""
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
    return _assessment(registry, doc)


@pytest.fixture
def letter(tmp_path: Path) -> str:
    path = tmp_path / "xai-order-form.pdf"
    path.write_bytes(LETTER)
    return str(path)


def _refused(registry: Registry, match: str, decide: Callable[[], object]) -> None:
    """The decision is refused with ``match`` in its reason, and nothing is written."""
    before = registry.ledger_length()
    with pytest.raises(ApprovalRefused, match=match) as err:
        decide()
    assert err.value.exit_code == 1
    assert registry.ledger_length() == before
    assert not registry.find(RightsReview) and not registry.find(RightsAuthorization)


# -- the legal role ----------------------------------------------------------------------------
def test_a_review_needs_the_legal_role(registry: Registry, needs_review: str) -> None:
    add_actor(admin_of(registry), "sam", ["safety"])
    sam = as_actor(registry, "sam")
    _refused(
        registry,
        r"sam holds safety; to review rights assessment \S+ takes the legal role",
        lambda: review(sam, needs_review, "approve", "looks fine"),
    )
    nobody = as_actor(registry, "walk-in")
    _refused(
        registry,
        "walk-in holds no recorded role",
        lambda: review(nobody, needs_review, "approve", "looks fine"),
    )
    assert effective(registry, needs_review).state == "needs_review"


def test_an_authorization_needs_the_legal_role(
    registry: Registry, prohibited: str, letter: str
) -> None:
    add_actor(admin_of(registry), "alice", ["model_risk"])
    _refused(
        registry,
        "alice holds model_risk; to authorize rights assessment",
        lambda: authorize(as_actor(registry, "alice"), prohibited, letter, "permission"),
    )
    assert effective(registry, prohibited).state == "blocked"


# -- segregation of duties -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "email"),
    [("Dana Smith", None), ("dana smith", None), ("dana", "DANA@acme.example")],
    ids=["name", "name-any-case", "email-any-case"],
)
def test_the_plans_responsible_party_may_not_review_it(
    registry: Registry, needs_review: str, name: str, email: str | None
) -> None:
    add_actor(admin_of(registry), name, ["legal"], email=email)
    _refused(
        registry,
        "is the responsible party of acme/assistant@1's plan and cannot review",
        lambda: review(as_actor(registry, name), needs_review, "approve", "my own plan is fine"),
    )


def test_the_requester_of_the_check_may_not_review_it(
    registry: Registry, needs_review: str
) -> None:
    add_actor(admin_of(registry), "tester", ["legal"])
    _refused(
        registry,
        f"tester requested this rights check \\(assessment {needs_review}\\) and cannot review",
        lambda: review(registry, needs_review, "approve", "I asked, I answer"),
    )


def test_the_distiller_may_not_review_it(registry: Registry, plan: Plan, legal: Registry) -> None:
    doc = plan(teachers=[{"licence": "some-unlisted-licence"}])
    rid = _assessment(legal, doc)  # lee requested it: lee may not review it either
    as_actor(registry, "eng").record(doc)  # eng ran (recorded) the distillation
    add_actor(admin_of(registry), "eng", ["legal"])
    _refused(
        registry,
        r"eng ran the distillation of acme/assistant@1 \(record dist_\w+\) and cannot review",
        lambda: review(as_actor(registry, "eng"), rid, "approve", "ran it, it is fine"),
    )
    _refused(
        registry,
        "lee requested this rights check",
        lambda: review(legal, rid, "approve", "fine"),
    )


def test_the_same_duties_bind_an_authorization(
    registry: Registry, prohibited: str, letter: str
) -> None:
    add_actor(admin_of(registry), "tester", ["legal"])
    _refused(
        registry,
        "tester requested this rights check",
        lambda: authorize(registry, prohibited, letter, "my own permission"),
    )
    add_actor(admin_of(registry), "Dana Smith", ["legal"])
    _refused(
        registry,
        "is the responsible party",
        lambda: authorize(as_actor(registry, "Dana Smith"), prohibited, letter, "mine"),
    )


# -- who is recorded -----------------------------------------------------------------------------
def test_the_reviewer_recorded_is_the_acting_identity(
    registry: Registry, needs_review: str, legal: Registry
) -> None:
    rec = review(
        legal, needs_review, "approve", "read with counsel", on_behalf_of="Lee Chen (Legal)"
    )
    assert rec.actor == "lee" and rec.body.reviewer == "lee" and rec.body.role == "legal"
    assert rec.body.on_behalf_of == "Lee Chen (Legal)"
    eff = effective(registry, needs_review)
    assert eff.cleared and eff.actor == "lee" and eff.reviews[0].actor == "lee"
    assert "approved by lee on behalf of Lee Chen (Legal)" in eff.explanation
    with pytest.raises(TypeError):
        review(legal, needs_review, "approve", "x", reviewer="Lee Chen (Legal)")  # type: ignore[call-arg]


# -- evidence that is evidence -------------------------------------------------------------------
@pytest.mark.parametrize(
    "evidence", ["email from a friend", "contracts/missing.pdf", "   "], ids=str.strip
)
def test_an_authorization_needs_a_file_or_a_record(
    registry: Registry, prohibited: str, legal: Registry, evidence: str
) -> None:
    before = registry.ledger_length()
    with pytest.raises(BadInput, match="^evidence: ") as err:
        authorize(legal, prohibited, evidence, "a friend said it is fine")
    assert err.value.exit_code == 2
    assert registry.ledger_length() == before
    assert effective(registry, prohibited).state == "blocked"


def test_a_directory_or_the_assessment_itself_is_not_evidence(
    registry: Registry, prohibited: str, legal: Registry, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="is not a file"):
        authorize(legal, prohibited, str(tmp_path), "the folder")
    with pytest.raises(BadInput, match="is the assessment being authorized"):
        authorize(legal, prohibited, prohibited, "itself")


def test_a_file_is_stored_with_its_digest_and_size(
    registry: Registry, prohibited: str, legal: Registry, letter: str
) -> None:
    rec = authorize(legal, prohibited, letter, "Order Form s.4 permits training on Output")
    f = rec.body.evidence_file
    assert f is not None and rec.body.evidence_record is None
    assert f.sha256 == hashlib.sha256(LETTER).hexdigest() and f.size == len(LETTER)
    assert f.path == str(Path(letter).resolve())
    assert rec.actor == rec.body.authorizer == "lee" and rec.body.role == "legal"
    eff = effective(registry, prohibited)
    assert eff.state == "authorized" and eff.by == "rights_authorization"
    assert (eff.record, eff.actor) == (rec.id, "lee")
    stored = registry.get(rec.id, RightsAuthorization).body
    assert stored.evidence_file == f


def test_a_stored_record_is_evidence(
    registry: Registry, prohibited: str, legal: Registry, plan: Plan
) -> None:
    other = gate(plan(teachers=[{"licence": "mit"}], student="acme/other"), registry)
    rec = authorize(legal, prohibited, other.id, "the record holds the provider's permission")
    assert rec.body.evidence_record is not None and rec.body.evidence_file is None
    assert rec.body.evidence_record.id == other.id
    assert rec.body.evidence_record.kind == "rights_assessment"
    assert effective(registry, prohibited).cleared
