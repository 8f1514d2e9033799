"""Competing-use clauses: a plan's own "competes with nobody" is not a clearance when the student
is general-purpose and used commercially or made available (issue 12, section 2).

Every terms file whose words forbid competing use gets the same plan facts and must treat them
the same way; narrow students the terms themselves name as non-competing keep the treatment those
terms give them; an absent ``competes_with`` stays fail-closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from heredity.records import DistillationDocument
from heredity.rights import RightsAssessment, assess, load_knowledge_base

KB = load_knowledge_base()
Plan = Callable[..., DistillationDocument]

# A commercial general chatbot, hosted for customers, that says it competes with nobody.
GENERAL_CHATBOT: dict[str, Any] = {
    "purpose": "general chat assistant for our customers",
    "commercial": True,
    "distribution": "api",
    "competes_with": [],
    "regions": ["US"],
}

# (provider, terms id, the competing-use clause of those terms)
COMPETE_TERMS = [
    ("openai", "openai-services", "3.3(e)"),
    ("openai", "openai-terms", "What you cannot do (use Output to develop competing models)"),
    ("anthropic", "anthropic-commercial", "D.4(a)"),
    ("anthropic", "anthropic-consumer", "3"),
    ("google", "gemini-api-terms", "Use restrictions (competing models)"),
]


def _api_teacher(licence: str, provider: str, model: str = "vendor/model@1") -> dict[str, Any]:
    return {
        "model": model,
        "licence": licence,
        "access": "api",
        "provider": provider,
        "signals": ["generated_text"],
    }


def _hits(a: RightsAssessment, licence: str, clause: str) -> list[Any]:
    return [h for f in a.findings for h in f.rules if h.licence == licence and h.clause == clause]


def _finding_verdict(a: RightsAssessment, licence: str) -> str:
    return next(f.verdict for f in a.findings if f.licence == licence)


def test_the_terms_that_forbid_competing_use_are_the_ones_tested() -> None:
    """The list above is every file with a competing-use prohibition (a new one must join it)."""
    forbidding = {
        spec.id
        for spec in KB.licences.values()
        if any(r.effect == "deny" and r.when.competes is True for r in spec.rules)
    }
    assert forbidding == {lid for _, lid, _ in COMPETE_TERMS}


def test_gpt4o_general_chatbot_is_not_cleared_by_its_own_declaration(plan: Plan) -> None:
    """Issue 12: a commercial general chatbot trained on GPT-4o output was `permitted`."""
    doc = plan(
        teachers=[_api_teacher("openai-services", "openai", "openai/gpt-4o@2024-08-06")],
        use=GENERAL_CHATBOT,
    )
    a = assess(doc, kb=KB)
    assert a.verdict == "needs_review" and not a.cleared
    reasons = [r for r in a.teachers[0].reasons if r.startswith("openai-services 3.3(e):")]
    assert reasons and "legal reviewer" in reasons[0] and "confirm" in reasons[0]


@pytest.mark.parametrize(("provider", "terms", "clause"), COMPETE_TERMS)
@pytest.mark.parametrize("rivals", [[], ["meta"]], ids=["nobody", "someone-else"])
def test_self_declared_non_competing_general_student_needs_review(
    plan: Plan, provider: str, terms: str, clause: str, rivals: list[str]
) -> None:
    doc = plan(
        teachers=[_api_teacher(terms, provider)], use={**GENERAL_CHATBOT, "competes_with": rivals}
    )
    a = assess(doc, kb=KB)
    assert a.verdict == "needs_review" and not a.cleared
    assert _finding_verdict(a, terms) == "needs_review"
    deciding = [h for h in _hits(a, terms, clause) if h.verdict == "needs_review"]
    assert deciding and deciding[0].status == "applies", (
        f"{terms} {clause} did not send it to review"
    )
    reason = next(r for r in a.teachers[0].reasons if r.startswith(f"{terms} {clause}: "))
    assert "self-declaration" in reason and "legal reviewer" in reason and "confirm" in reason
    # nothing of those terms says the plan is allowed
    assert not [
        h for f in a.findings for h in f.rules if h.licence == terms and h.effect == "allow"
    ]


@pytest.mark.parametrize(("provider", "terms", "clause"), COMPETE_TERMS)
@pytest.mark.parametrize(
    "use",
    [
        {"distribution": "internal"},  # commercial, used in-house
        {"commercial": False, "distribution": "open-weights"},  # free, but given to others
    ],
    ids=["commercial-internal", "non-commercial-distributed"],
)
def test_commercial_or_made_available_is_enough(
    plan: Plan, provider: str, terms: str, clause: str, use: dict[str, Any]
) -> None:
    doc = plan(teachers=[_api_teacher(terms, provider)], use={**GENERAL_CHATBOT, **use})
    a = assess(doc, kb=KB)
    assert any(h.verdict == "needs_review" for h in _hits(a, terms, clause))


@pytest.mark.parametrize(("provider", "terms", "clause"), COMPETE_TERMS)
def test_internal_non_commercial_general_student_is_taken_at_its_word(
    plan: Plan, provider: str, terms: str, clause: str
) -> None:
    """Neither sold nor made available: the competing-use clause does not send it to review."""
    use = {**GENERAL_CHATBOT, "commercial": False, "distribution": "internal"}
    a = assess(plan(teachers=[_api_teacher(terms, provider)], use=use), kb=KB)
    assert not [h for h in _hits(a, terms, clause) if h.verdict != "permitted"]


@pytest.mark.parametrize(("provider", "terms", "clause"), COMPETE_TERMS)
def test_absent_competes_with_stays_fail_closed(
    plan: Plan, provider: str, terms: str, clause: str
) -> None:
    use = {**GENERAL_CHATBOT, "competes_with": "__absent__"}
    a = assess(plan(teachers=[_api_teacher(terms, provider)], use=use), kb=KB)
    assert a.verdict == "needs_review" and _finding_verdict(a, terms) == "needs_review"
    deny = next(h for h in _hits(a, terms, clause) if h.effect == "deny")
    assert deny.status == "undetermined" and "intended_use.competes_with" in deny.missing


@pytest.mark.parametrize(("provider", "terms", "clause"), COMPETE_TERMS)
def test_absent_purpose_cannot_show_the_student_is_narrow(
    plan: Plan, provider: str, terms: str, clause: str
) -> None:
    use = {**GENERAL_CHATBOT, "purpose": "__absent__"}
    a = assess(plan(teachers=[_api_teacher(terms, provider)], use=use), kb=KB)
    assert a.verdict == "needs_review" and not a.cleared
    hit = next(h for h in _hits(a, terms, clause) if h.effect == "review")
    assert hit.status == "undetermined" and "intended_use.purpose" in hit.missing


# -- narrow students the terms name: the treatment those terms give them --------------------------
NARROW = {"commercial": True, "competes_with": [], "regions": ["US"]}


@pytest.mark.parametrize(
    ("terms", "provider", "use", "verdict", "decides"),
    [
        # OpenAI 3.3(e) Permitted Exception (a): an internal classifier, whoever it competes with
        (
            "openai-services",
            "openai",
            {"purpose": "support ticket classifier", "distribution": "internal"},
            "conditional",
            "3.3(e), Permitted Exception (a)",
        ),
        # ... but once distributed the exception lapses, and the agreement's own words treat such a
        # model as one that can compete: the plan's "competes with nobody" goes to a reviewer
        (
            "openai-services",
            "openai",
            {"purpose": "support ticket classifier", "distribution": "api"},
            "needs_review",
            "3.3(e), Permitted Exception (a)",
        ),
        # a narrow tool outside the exception's kinds: the restriction reaches only competing models
        (
            "openai-services",
            "openai",
            {"purpose": "invoice field extraction", "distribution": "api"},
            "permitted",
            "3.3(e)",
        ),
        # Anthropic's support article: classifiers, summarisation and extraction tools
        (
            "anthropic-commercial",
            "anthropic",
            {"purpose": "invoice field extraction", "distribution": "api"},
            "conditional",
            "support article 12326764",
        ),
        # an embeddings model is not one of the article's examples: the Usage Policy decides
        (
            "anthropic-commercial",
            "anthropic",
            {"purpose": "embedding model for search", "distribution": "internal"},
            "needs_review",
            "Usage Policy (model scraping or distillation)",
        ),
        (
            "gemini-api-terms",
            "google",
            {"purpose": "email summarisation tool", "distribution": "api"},
            "permitted",
            "Use of generated content",
        ),
    ],
    ids=[
        "openai internal classifier",
        "openai distributed classifier",
        "openai extraction tool",
        "anthropic extraction tool",
        "anthropic embeddings",
        "gemini summariser",
    ],
)
def test_narrow_student_gets_what_the_terms_give(
    plan: Plan, terms: str, provider: str, use: dict[str, Any], verdict: str, decides: str
) -> None:
    a = assess(plan(teachers=[_api_teacher(terms, provider)], use={**NARROW, **use}), kb=KB)
    assert a.verdict == verdict, "\n".join(a.blocking)
    assert any(h.verdict == verdict for h in _hits(a, terms, decides))
    assert a.cleared is (verdict in ("permitted", "conditional"))


@pytest.mark.parametrize(
    ("purpose", "narrow"),
    [
        ("support ticket classifier", True),
        ("invoice field extraction", True),
        ("news summaries for the intranet", True),
        ("categorising expense reports", True),
        ("embeddings for product search", True),
        ("customer-support assistant", False),  # an assistant is general-purpose
        ("general-purpose chatbot", False),
        ("chat assistant that also summarises emails", False),  # a narrow word does not excuse it
        ("assistant for our organisation's staff", False),  # "organisation" is not organising data
        ("translation", False),  # not a kind the terms name: not shown to be narrow
    ],
)
def test_what_counts_as_general_purpose(plan: Plan, purpose: str, narrow: bool) -> None:
    use = {**GENERAL_CHATBOT, "purpose": purpose}
    a = assess(plan(teachers=[_api_teacher("gemini-api-terms", "google")], use=use), kb=KB)
    review = _hits(a, "gemini-api-terms", "Use restrictions (competing models)")
    assert (not any(h.verdict == "needs_review" for h in review)) is narrow


def test_what_each_provider_gives_the_general_chatbot(plan: Plan) -> None:
    """Through each provider's API, the same plan: one consistent answer per terms' words."""
    expected = {
        "openai": "needs_review",  # 3.3(e): competing models; the declaration needs confirming
        "anthropic": "needs_review",  # D.4(a) (and the Usage Policy's authorization)
        "google": "needs_review",  # competing models
        "xai": "prohibited",  # 3.2(i): no training on Output at all without an Order Form
        "deepseek": "permitted",  # the terms name distillation as allowed; no competing clause
    }
    got = {
        p: assess(plan(teachers=[_api_teacher("mit", p)], use=GENERAL_CHATBOT), kb=KB).verdict
        for p in expected
    }
    assert got == expected
