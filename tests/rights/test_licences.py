"""Table-driven: for every knowledge-base id, a plan it allows (or allows with conditions) and
one it does not. Each case names the clause that decides; the test checks that the clause is in
the knowledge-base file and is what the engine cited (verdicts are not copied into the code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rights_ids import REQUIRED_IDS

from heredity.errors import Conflict
from heredity.records import DistillationDocument
from heredity.rights import StaticContext, assess, load_knowledge_base

KB = load_knowledge_base()
BASE = "base/model@1"


def T(licence: str, **kw: Any) -> dict[str, Any]:
    return {"licence": licence, **kw}


def api(licence: str, provider: str, **kw: Any) -> dict[str, Any]:
    return {
        "licence": licence,
        "access": "api",
        "provider": provider,
        "signals": ["generated_text"],
        **kw,
    }


DIST = {"distribution": "open-weights"}
NC = {"commercial": False}

# (licence, label, plan kwargs, registry facts {ref: licence},
#  local dirs {ref: (card licence, LICENSE text)},
#  expected verdict, expected cleared, (licence, clause) that decides)
CASES: list[
    tuple[
        str,
        str,
        dict[str, Any],
        dict[str, str],
        dict[str, tuple[str, str]],
        str,
        bool,
        tuple[str, str] | None,
    ]
] = [
    # Llama 2 / 3: no improving other LLMs, except the same family
    (
        "llama2",
        "into a Llama 2 derivative",
        dict(teachers=[T("llama2")], init_from=BASE),
        {BASE: "llama2"},
        {},
        "conditional",
        True,
        ("llama2", "1.b.iv"),
    ),
    (
        "llama2",
        "into a model from scratch",
        dict(teachers=[T("llama2")]),
        {},
        {},
        "prohibited",
        False,
        ("llama2", "1.b.v"),
    ),
    (
        "llama3",
        "into a Llama 3 derivative, distributed as Llama-3-helper",
        dict(teachers=[T("llama3")], init_from=BASE, student="acme/Llama-3-helper", use=DIST),
        {BASE: "llama3"},
        {},
        "conditional",
        True,
        ("llama3", "1.b.i"),
    ),
    (
        "llama3",
        "into a Llama 3 derivative, distributed as Llama-helper",
        dict(teachers=[T("llama3")], init_from=BASE, student="acme/Llama-helper", use=DIST),
        {BASE: "llama3"},
        {},
        "conditional",
        False,
        ("llama3", "1.b.i"),
    ),
    (
        "llama3",
        "into a Llama 3 derivative kept internal",
        dict(teachers=[T("llama3")], init_from=BASE),
        {BASE: "llama3"},
        {},
        "conditional",
        True,
        ("llama3", "1.b.iv"),
    ),
    (
        "llama3",
        "into a Qwen-based student",
        dict(teachers=[T("llama3")], init_from=BASE),
        {BASE: "apache-2.0"},
        {},
        "prohibited",
        False,
        ("llama3", "1.b.v"),
    ),
    # Llama 3.1+: naming when distributed or made available
    (
        "llama3.1",
        "internal student",
        dict(teachers=[T("llama3.1")]),
        {},
        {},
        "conditional",
        True,
        ("llama3.1", "1.b.iv"),
    ),
    (
        "llama3.1",
        "distributed without the Llama prefix",
        dict(teachers=[T("llama3.1")], use=DIST),
        {},
        {},
        "conditional",
        False,
        ("llama3.1", "1.b.i"),
    ),
    (
        "llama3.1",
        "served by API with the Llama prefix",
        dict(teachers=[T("llama3.1")], student="acme/Llama-helper", use={"distribution": "api"}),
        {},
        {},
        "conditional",
        True,
        ("llama3.1", "1.b.i"),
    ),
    (
        "llama3.2",
        "distributed with the Llama prefix",
        dict(teachers=[T("llama3.2")], student="acme/Llama-mini", use=DIST),
        {},
        {},
        "conditional",
        True,
        ("llama3.2", "1.b.i"),
    ),
    (
        "llama3.2",
        "used in an EU region",
        dict(teachers=[T("llama3.2")], use={"regions": ["DE"]}),
        {},
        {},
        "needs_review",
        False,
        ("llama3.2", "Acceptable Use Policy (multimodal models)"),
    ),
    (
        "llama3.3",
        "internal, modest users",
        dict(teachers=[T("llama3.3")]),
        {},
        {},
        "conditional",
        True,
        ("llama3.3", "2"),
    ),
    (
        "llama3.3",
        "above 700M monthly users",
        dict(teachers=[T("llama3.3")], use={"monthly_active_users": 800_000_000}),
        {},
        {},
        "conditional",
        False,
        ("llama3.3", "2"),
    ),
    (
        "llama4",
        "internal in the UK",
        dict(teachers=[T("llama4")]),
        {},
        {},
        "conditional",
        True,
        ("llama4", "1.b.iv"),
    ),
    (
        "llama4",
        "used in the EU",
        dict(teachers=[T("llama4")], use={"regions": ["EU"]}),
        {},
        {},
        "needs_review",
        False,
        ("llama4", "Acceptable Use Policy (multimodal models)"),
    ),
    (
        "llama4",
        "distributed edge model without the prefix",
        dict(teachers=[T("llama4")], use={"distribution": "edge"}),
        {},
        {},
        "conditional",
        False,
        ("llama4", "1.b.i"),
    ),
    # Gemma: the student is a Model Derivative
    (
        "gemma",
        "self-hosted distillation",
        dict(teachers=[T("gemma")]),
        {},
        {},
        "conditional",
        True,
        ("gemma", "1.1(e)"),
    ),
    (
        "gemma",
        "through the Gemini API, competing with Google",
        dict(teachers=[api("gemma", "google")], use={"competes_with": ["google"]}),
        {},
        {},
        "prohibited",
        False,
        ("gemini-api-terms", "Use restrictions (competing models)"),
    ),
    # permissive licences: allowed; not cleared when the evidence or lineage says otherwise
    (
        "apache-2.0",
        "Apache teacher",
        dict(teachers=[T("apache-2.0")]),
        {},
        {},
        "permitted",
        True,
        ("apache-2.0", "2"),
    ),
    (
        "apache-2.0",
        "Apache base, open weights",
        dict(teachers=[T("mit")], init_from=BASE, use=DIST),
        {BASE: "apache-2.0"},
        {},
        "conditional",
        True,
        ("apache-2.0", "4"),
    ),
    (
        "apache-2.0",
        "declared Apache but the card says Llama 3",
        dict(teachers=[T("apache-2.0")]),
        {},
        {"org/teacher-0@1": ("llama3", "")},
        "refused",
        False,
        None,
    ),
    (
        "mit",
        "MIT teacher (DeepSeek-R1 style)",
        dict(teachers=[T("mit")]),
        {},
        {},
        "permitted",
        True,
        ("mit", "permission grant"),
    ),
    (
        "mit",
        "declared MIT but the LICENSE file is Llama 2",
        dict(teachers=[T("mit")]),
        {},
        {
            "org/teacher-0@1": (
                "",
                "LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date",
            )
        },
        "prohibited",
        False,
        ("llama2", "1.b.v"),
    ),
    (
        "cc-by-4.0",
        "CC BY data, distributed student",
        dict(
            teachers=[T("apache-2.0")],
            use=DIST,
            datasets=[
                {
                    "name": "pub/data",
                    "version": "1",
                    "kind": "real",
                    "licence": "CC-BY-4.0",
                    "examples": 5,
                }
            ],
        ),
        {},
        {},
        "conditional",
        True,
        ("cc-by-4.0", "3(a)"),
    ),
    (
        "cc-by-4.0",
        "CC BY declared but card says CC BY-NC, commercial",
        dict(teachers=[T("cc-by-4.0")]),
        {},
        {"org/teacher-0@1": ("cc-by-nc-4.0", "")},
        "refused",
        False,
        None,
    ),
    (
        "cc-by-nc-4.0",
        "non-commercial research",
        dict(
            teachers=[T("apache-2.0")],
            use=NC,
            datasets=[
                {
                    "name": "pub/nc",
                    "version": "1",
                    "kind": "real",
                    "licence": "cc-by-nc-4.0",
                    "examples": 5,
                }
            ],
        ),
        {},
        {},
        "conditional",
        True,
        ("cc-by-nc-4.0", "2(a)(1)"),
    ),
    (
        "cc-by-nc-4.0",
        "commercial use",
        dict(teachers=[T("cc-by-nc-4.0")]),
        {},
        {},
        "prohibited",
        False,
        ("cc-by-nc-4.0", "2(a)(1)"),
    ),
    (
        "openmdw-1.0",
        "OpenMDW teacher",
        dict(teachers=[T("openmdw-1.0")]),
        {},
        {},
        "permitted",
        True,
        ("openmdw-1.0", "outputs paragraph"),
    ),
    (
        "openmdw-1.0",
        "OpenMDW declared, card names an unknown licence",
        dict(teachers=[T("openmdw-1.0")]),
        {},
        {"org/teacher-0@1": ("acme-secret-licence", "")},
        "refused",
        False,
        None,
    ),
    # OpenRAIL family and DeepSeek v1: the student must carry the use restrictions
    (
        "bigscience-openrail-m",
        "support assistant",
        dict(teachers=[T("bigscience-openrail-m")]),
        {},
        {},
        "conditional",
        True,
        ("bigscience-openrail-m", "1 (Derivatives of the Model), 4.a"),
    ),
    (
        "bigscience-openrail-m",
        "medical advice assistant",
        dict(teachers=[T("bigscience-openrail-m")], use={"purpose": "medical advice chatbot"}),
        {},
        {},
        "needs_review",
        False,
        ("bigscience-openrail-m", "Attachment A"),
    ),
    (
        "bigscience-bloom-rail-1.0",
        "support assistant",
        dict(teachers=[T("bigscience-bloom-rail-1.0")]),
        {},
        {},
        "conditional",
        True,
        ("bigscience-bloom-rail-1.0", "4.a, 5"),
    ),
    (
        "bigscience-bloom-rail-1.0",
        "BLOOM teacher derived from Llama 2",
        dict(teachers=[T("bigscience-bloom-rail-1.0")]),
        {"org/teacher-0@1": "bigscience-bloom-rail-1.0", "up/llama2@1": "llama2"},
        {},
        "prohibited",
        False,
        ("llama2", "1.b.v"),
    ),
    (
        "creativeml-openrail-m",
        "distributed student",
        dict(teachers=[T("creativeml-openrail-m")], use=DIST),
        {},
        {},
        "conditional",
        True,
        ("creativeml-openrail-m", "4"),
    ),
    (
        "creativeml-openrail-m",
        "card disagrees (Gemma)",
        dict(teachers=[T("creativeml-openrail-m")]),
        {},
        {"org/teacher-0@1": ("gemma", "")},
        "refused",
        False,
        None,
    ),
    (
        "deepseek-license-v1",
        "commercial assistant",
        dict(teachers=[T("deepseek")]),
        {},
        {},
        "conditional",
        True,
        ("deepseek-license-v1", "1 (Derivatives of the Model), 4.a"),
    ),
    (
        "deepseek-license-v1",
        "military use",
        dict(teachers=[T("deepseek-license-v1")], use={"purpose": "military logistics planner"}),
        {},
        {},
        "prohibited",
        False,
        ("deepseek-license-v1", "Attachment A"),
    ),
    # Qwen / Tongyi
    (
        "tongyi-qianwen",
        "into a Tongyi Qianwen derivative",
        dict(teachers=[T("tongyi-qianwen")], init_from=BASE),
        {BASE: "tongyi-qianwen"},
        {},
        "conditional",
        True,
        ("tongyi-qianwen", "4"),
    ),
    (
        "tongyi-qianwen",
        "into another LLM",
        dict(teachers=[T("tongyi-qianwen")]),
        {},
        {},
        "prohibited",
        False,
        ("tongyi-qianwen", "5.b"),
    ),
    (
        "tongyi-qianwen-research",
        "research on a Qwen base",
        dict(teachers=[T("tongyi-qianwen-research")], init_from=BASE, use=NC),
        {BASE: "tongyi-qianwen"},
        {},
        "conditional",
        True,
        ("tongyi-qianwen-research", "2.a"),
    ),
    (
        "tongyi-qianwen-research",
        "commercial",
        dict(teachers=[T("tongyi-qianwen-research")], init_from=BASE),
        {BASE: "tongyi-qianwen"},
        {},
        "prohibited",
        False,
        ("tongyi-qianwen-research", "2.a"),
    ),
    (
        "qwen",
        "distributed student",
        dict(teachers=[T("qwen")], use=DIST),
        {},
        {},
        "conditional",
        True,
        ("qwen", "5.b"),
    ),
    (
        "qwen",
        "commercial above 100M users",
        dict(teachers=[T("qwen")], use={"monthly_active_users": 200_000_000}),
        {},
        {},
        "conditional",
        False,
        ("qwen", "4"),
    ),
    (
        "qwen-research",
        "non-commercial",
        dict(teachers=[T("qwen-research")], use=NC),
        {},
        {},
        "conditional",
        True,
        ("qwen-research", "2.a"),
    ),
    (
        "qwen-research",
        "commercial",
        dict(teachers=[T("qwen-research")]),
        {},
        {},
        "prohibited",
        False,
        ("qwen-research", "2.a"),
    ),
    # Mistral
    (
        "mistral-research",
        "internal research",
        dict(teachers=[T("mrl")], use=NC),
        {},
        {},
        "conditional",
        True,
        ("mistral-research", "4.2"),
    ),
    (
        "mistral-research",
        "commercial",
        dict(teachers=[T("mistral-research")]),
        {},
        {},
        "prohibited",
        False,
        ("mistral-research", "3.2"),
    ),
    (
        "mistral-non-production",
        "non-production evaluation",
        dict(teachers=[T("mnpl")], use=NC),
        {},
        {},
        "conditional",
        True,
        ("mistral-non-production", "3.2"),
    ),
    (
        "mistral-non-production",
        "commercial student on its weights",
        dict(teachers=[T("apache-2.0")], init_from=BASE),
        {BASE: "mistral-non-production"},
        {},
        "prohibited",
        False,
        ("mistral-non-production", "3.2"),
    ),
    (
        "mistral-non-production",
        "commercial use of outputs",
        dict(teachers=[T("mistral-non-production")]),
        {},
        {},
        "needs_review",
        False,
        ("mistral-non-production", "3.2, 4.2"),
    ),
    # NVIDIA, Grok 2
    (
        "nvidia-open-model",
        "outputs as teacher",
        dict(teachers=[T("nvidia-open-model-license")]),
        {},
        {},
        "permitted",
        True,
        ("nvidia-open-model", "2.1 (outputs), 1 (Derivative Model)"),
    ),
    (
        "nvidia-open-model",
        "card names Llama 3",
        dict(teachers=[T("nvidia-open-model")]),
        {},
        {"org/teacher-0@1": ("llama3", "")},
        "refused",
        False,
        None,
    ),
    (
        "grok2-community",
        "fine-tuning Grok 2 itself",
        dict(teachers=[T("grok2-community")], init_from=BASE),
        {BASE: "grok2-community"},
        {},
        "conditional",
        True,
        ("grok2-community", "commercial use"),
    ),
    (
        "grok2-community",
        "into another model",
        dict(teachers=[T("grok2-community")]),
        {},
        {},
        "prohibited",
        False,
        ("grok2-community", "use restrictions (training other models)"),
    ),
    # provider terms
    (
        "openai-terms",
        "non-competing extraction tool",
        dict(teachers=[api("openai-terms", "openai")], use={"purpose": "invoice field extraction"}),
        {},
        {},
        "conditional",
        True,
        ("openai-terms", "Content (ownership of Output)"),
    ),
    (
        "openai-terms",
        "general assistant that says it competes with nobody",
        dict(teachers=[api("openai-terms", "openai")]),
        {},
        {},
        "needs_review",
        False,
        ("openai-terms", "What you cannot do (use Output to develop competing models)"),
    ),
    (
        "openai-terms",
        "competing student",
        dict(teachers=[api("openai-terms", "openai")], use={"competes_with": ["openai"]}),
        {},
        {},
        "prohibited",
        False,
        ("openai-terms", "What you cannot do (use Output to develop competing models)"),
    ),
    (
        "openai-services",
        "API, extraction tool that competes with nobody",
        dict(
            teachers=[api("openai-services", "openai")], use={"purpose": "invoice field extraction"}
        ),
        {},
        {},
        "permitted",
        True,
        ("openai-services", "3.3(e)"),
    ),
    (
        "openai-services",
        "API, general assistant that says it competes with nobody",
        dict(teachers=[api("openai-services", "openai")]),
        {},
        {},
        "needs_review",
        False,
        ("openai-services", "3.3(e)"),
    ),
    (
        "openai-services",
        "API, internal classifier that competes",
        dict(
            teachers=[api("openai-services", "openai")],
            use={"competes_with": ["openai"], "purpose": "ticket classifier"},
        ),
        {},
        {},
        "conditional",
        True,
        ("openai-services", "3.3(e), Permitted Exception (a)"),
    ),
    (
        "openai-services",
        "API, competing assistant",
        dict(teachers=[api("openai-services", "openai")], use={"competes_with": ["OpenAI"]}),
        {},
        {},
        "prohibited",
        False,
        ("openai-services", "3.3(e)"),
    ),
    (
        "anthropic-commercial",
        "non-competing extraction tool",
        dict(
            teachers=[api("anthropic-commercial", "anthropic")],
            use={"purpose": "invoice field extraction"},
        ),
        {},
        {},
        "conditional",
        True,
        ("anthropic-commercial", "support article 12326764"),
    ),
    (
        "anthropic-commercial",
        "general assistant",
        dict(teachers=[api("anthropic-commercial", "anthropic")]),
        {},
        {},
        "needs_review",
        False,
        ("anthropic-commercial", "Usage Policy (model scraping or distillation)"),
    ),
    (
        "anthropic-commercial",
        "competing model",
        dict(
            teachers=[api("anthropic-commercial", "anthropic")],
            use={"competes_with": ["anthropic"]},
        ),
        {},
        {},
        "prohibited",
        False,
        ("anthropic-commercial", "D.4(a)"),
    ),
    (
        "anthropic-consumer",
        "non-competing summariser",
        dict(
            teachers=[api("anthropic-consumer", "anthropic")],
            use={"purpose": "email summarisation tool"},
        ),
        {},
        {},
        "conditional",
        True,
        ("anthropic-consumer", "3"),
    ),
    (
        "anthropic-consumer",
        "competing",
        dict(
            teachers=[api("anthropic-consumer", "anthropic")], use={"competes_with": ["anthropic"]}
        ),
        {},
        {},
        "prohibited",
        False,
        ("anthropic-consumer", "3"),
    ),
    (
        "gemini-api-terms",
        "generated text, summariser that competes with nobody, US only",
        dict(
            teachers=[api("gemini-api-terms", "google")],
            use={"regions": ["US"], "purpose": "email summarisation tool"},
        ),
        {},
        {},
        "permitted",
        True,
        ("gemini-api-terms", "Use of generated content"),
    ),
    (
        "gemini-api-terms",
        "serving UK users: Paid Services",
        dict(
            teachers=[api("gemini-api-terms", "google")],
            use={"purpose": "email summarisation tool"},
        ),
        {},
        {},
        "conditional",
        True,
        ("gemini-api-terms", "Region restrictions (Paid Services)"),
    ),
    (
        "gemini-api-terms",
        "logits from the API",
        dict(
            teachers=[api("gemini-api-terms", "google", signals=["logits"])],
            use={"purpose": "email summarisation tool"},
        ),
        {},
        {},
        "needs_review",
        False,
        ("gemini-api-terms", "Use restrictions (reverse engineering, extraction, replication)"),
    ),
    (
        "gemini-api-terms",
        "competing model",
        dict(teachers=[api("gemini-api-terms", "google")], use={"competes_with": ["google"]}),
        {},
        {},
        "prohibited",
        False,
        ("gemini-api-terms", "Use restrictions (competing models)"),
    ),
    (
        "xai-enterprise",
        "any training on Output",
        dict(teachers=[api("xai-enterprise", "xai")]),
        {},
        {},
        "prohibited",
        False,
        ("xai-enterprise", "3.2(i)"),
    ),
    (
        "deepseek-api",
        "R1 through the API",
        dict(teachers=[api("mit", "deepseek")]),
        {},
        {},
        "permitted",
        True,
        ("deepseek-api", "Inputs and Outputs (permitted uses)"),
    ),
    (
        "deepseek-api",
        "V3 v1 weights through the API, military use",
        dict(
            teachers=[api("deepseek-license-v1", "deepseek")], use={"purpose": "military targeting"}
        ),
        {},
        {},
        "prohibited",
        False,
        ("deepseek-license-v1", "Attachment A"),
    ),
]


def _context(
    tmp_path: Path, models: dict[str, str], dirs: dict[str, tuple[str, str]]
) -> StaticContext:
    facts: dict[str, Any] = {ref: {"licence": lic} for ref, lic in models.items()}
    parents: dict[str, list[tuple[str, str]]] = {}
    # a model "up/..." in the facts is the weight-init parent of teacher 0
    for ref in models:
        if ref.startswith("up/"):
            parents.setdefault("org/teacher-0@1", []).append((ref, "weight_init"))
    paths: dict[str, Path] = {}
    for i, (ref, (card, text)) in enumerate(dirs.items()):
        d = tmp_path / f"dir{i}"
        d.mkdir()
        (d / "config.json").write_text("{}")
        if card:
            (d / "README.md").write_text(f"---\nlicense: {card}\n---\n# model\n")
        if text:
            (d / "LICENSE").write_text(text)
        paths[ref] = d
    return StaticContext(models=facts, parents=parents, dirs=paths)


@pytest.mark.parametrize(
    ("licence", "label", "kw", "models", "dirs", "verdict", "cleared", "decides"),
    CASES,
    ids=[f"{c[0]}: {c[1]}" for c in CASES],
)
def test_licence_table(
    plan: Callable[..., DistillationDocument],
    tmp_path: Path,
    licence: str,
    label: str,
    kw: dict[str, Any],
    models: dict[str, str],
    dirs: dict[str, tuple[str, str]],
    verdict: str,
    cleared: bool,
    decides: tuple[str, str] | None,
) -> None:
    doc = plan(**kw)
    if verdict == "refused":  # the plan contradicts the model card: refused, never judged
        with pytest.raises(Conflict) as caught:
            assess(doc, _context(tmp_path, models, dirs), KB)
        card = next(iter(dirs.values()))[0]
        assert f"says {card}; the plan says {licence}" in str(caught.value)
        assert "teachers[0].licence" in str(caught.value) and "model card" in str(caught.value)
        return
    a = assess(doc, _context(tmp_path, models, dirs), KB)
    assert a.verdict == verdict, "\n".join(a.blocking)
    assert a.cleared is cleared
    if decides is not None:
        lid, clause = decides
        # the clause exists in the knowledge-base file ...
        assert clause in {r.clause for r in KB.licences[lid].rules}
        # ... and it is what the engine cited for this plan
        cited = {h.clause for f in a.findings for h in f.rules if h.licence == lid}
        assert clause in cited
        hits = [h for f in a.findings for h in f.rules if h.licence == lid and h.clause == clause]
        if cleared:
            assert all(h.verdict in ("permitted", "conditional") for h in hits)
        elif verdict in ("prohibited", "needs_review"):
            assert any(h.verdict == verdict for h in hits), f"{clause} did not decide {verdict}"
        else:  # conditional but not cleared: an obligation of that clause is unmet
            unmet = [o for o in a.obligations if o.satisfied is False and o.source == lid]
            assert unmet and all(clause in o.explanation for o in unmet)


def test_table_covers_every_id() -> None:
    ok = {c[0] for c in CASES if c[6]}
    not_ok = {c[0] for c in CASES if not c[6]}
    # xai-enterprise allows nothing without an Order Form: its "allowed" path is an authorization
    # (tests/rights/test_gate.py::test_authorization_clears_prohibited).
    assert set(REQUIRED_IDS) - ok == {"xai-enterprise"}
    assert set(REQUIRED_IDS) <= not_ok
