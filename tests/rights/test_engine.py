"""The engine: multi-teacher combination, API routes, synthetic-data teachers, init_from,
inheritance through lineage (static and a real registry), unknown licences, the JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from heredity.errors import Conflict
from heredity.records import DatasetRecord, DistillationDocument, ModelRecord
from heredity.registry import Registry
from heredity.rights import RegistryContext, StaticContext, assess, load_knowledge_base

KB = load_knowledge_base()
Plan = Callable[..., DistillationDocument]


def _verdicts(a: object) -> dict[str, str]:
    return {t.model: t.verdict for t in a.teachers}  # type: ignore[attr-defined]


# -- the JSON contract ----------------------------------------------------------------------------
def test_json_contract(plan: Plan) -> None:
    a = assess(plan(teachers=[{"licence": "llama3.1"}], use={"distribution": "api"}), kb=KB)
    data = json.loads(json.dumps(a.model_dump(mode="json")))
    assert {"verdict", "cleared", "teachers", "obligations", "knowledge_base"} <= set(data)
    assert data["verdict"] in ("permitted", "conditional", "prohibited", "needs_review")
    assert isinstance(data["cleared"], bool)
    t = data["teachers"][0]
    assert {"model", "licence", "verdict", "reasons", "clauses", "obligations"} <= set(t)
    assert t["licence"] == "llama3.1" and t["verdict"] == "conditional" and "1.b.i" in t["clauses"]
    prefix = next(o for o in data["obligations"] if o["kind"] == "name_prefix")
    assert set(prefix) == {"kind", "value", "source", "satisfied", "explanation"}
    assert prefix == {**prefix, "value": "Llama", "source": "llama3.1", "satisfied": False}
    assert data["knowledge_base"] == KB.version


# -- combination ----------------------------------------------------------------------------------
def test_multi_teacher_takes_the_worst(plan: Plan) -> None:
    doc = plan(
        teachers=[
            {"model": "meta/llama@1", "licence": "llama3.1"},
            {"model": "mistral/small@1", "licence": "apache-2.0"},
            {
                "model": "oai/gpt@1",
                "licence": "openai-services",
                "access": "api",
                "provider": "openai",
                "signals": ["generated_text"],
            },
        ],
        use={"competes_with": ["openai"]},
    )
    a = assess(doc, kb=KB)
    assert _verdicts(a) == {
        "meta/llama@1": "conditional",
        "mistral/small@1": "permitted",
        "oai/gpt@1": "prohibited",
    }
    assert a.verdict == "prohibited" and not a.cleared
    # without the competing teacher: conditional beats permitted
    doc2 = plan(
        teachers=[
            {"model": "meta/llama@1", "licence": "llama3.1"},
            {"model": "mistral/small@1", "licence": "apache-2.0"},
        ]
    )
    assert assess(doc2, kb=KB).verdict == "conditional"
    # an unknown licence beats conditional but not prohibited
    doc3 = plan(
        teachers=[
            {"model": "meta/llama@1", "licence": "llama3.1"},
            {"model": "x/y@1", "licence": "mystery-licence"},
        ]
    )
    assert assess(doc3, kb=KB).verdict == "needs_review"


# -- API routes add platform terms ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("provider", "terms"),
    [
        ("google", "gemini-api-terms"),
        ("openai", "openai-services"),
        ("anthropic", "anthropic-commercial"),
        ("xai", "xai-enterprise"),
        ("deepseek", "deepseek-api"),
    ],
)
def test_api_route_adds_platform_terms(plan: Plan, provider: str, terms: str) -> None:
    api = assess(
        plan(
            teachers=[
                {
                    "licence": "apache-2.0",
                    "access": "api",
                    "provider": provider,
                    "signals": ["generated_text"],
                }
            ]
        ),
        kb=KB,
    )
    assert terms in api.teachers[0].terms
    assert any(f.topic == "platform" and f.licence == terms for f in api.findings)
    own = assess(
        plan(teachers=[{"licence": "apache-2.0", "access": "open-weights", "provider": provider}]),
        kb=KB,
    )
    assert own.teachers[0].terms == ["apache-2.0"] and own.verdict == "permitted"


def test_same_weights_self_hosted_versus_gemini_api(plan: Plan) -> None:
    use = {"competes_with": ["google"]}
    hosted = assess(plan(teachers=[{"licence": "gemma", "provider": "google"}], use=use), kb=KB)
    via_api = assess(
        plan(
            teachers=[
                {
                    "licence": "gemma",
                    "access": "api",
                    "provider": "google",
                    "signals": ["generated_text"],
                }
            ],
            use=use,
        ),
        kb=KB,
    )
    assert hosted.verdict == "conditional" and hosted.cleared
    assert via_api.verdict == "prohibited"


def test_api_without_provider_or_route_is_not_guessed(plan: Plan) -> None:
    a = assess(plan(teachers=[{"licence": "apache-2.0", "access": "api"}]), kb=KB)
    assert a.verdict == "needs_review"
    # a generator known only by provider: the route is unknown, so platform terms might apply
    doc = plan(
        teachers=[{"licence": "apache-2.0"}],
        datasets=[
            {
                "name": "s/d",
                "version": "1",
                "kind": "synthetic",
                "generated_by": ["g/m@1"],
                "examples": 3,
            }
        ],
    )
    ctx = StaticContext(models={"g/m@1": {"licence": "gemma", "provider": "google"}})
    b = assess(doc, ctx, KB)
    assert b.verdict == "needs_review"
    assert any("gemini-api-terms" in r for t in b.teachers for r in t.reasons)


# -- competes_with --------------------------------------------------------------------------------
GENERAL = "customer-support assistant"
NARROW = "invoice field extraction"


@pytest.mark.parametrize(
    ("competes", "purpose", "verdict"),
    [
        (None, GENERAL, "needs_review"),  # unknown: fail closed
        (None, NARROW, "needs_review"),
        # a commercial general-purpose student's own "competes with nobody" is for a reviewer
        ([], GENERAL, "needs_review"),
        (["meta"], GENERAL, "needs_review"),
        # a narrow tool outside 3.3(e)'s Permitted Exception kinds is taken at its word
        ([], NARROW, "permitted"),
        (["meta"], NARROW, "permitted"),
        (["OpenAI"], GENERAL, "prohibited"),
        (["OpenAI"], NARROW, "prohibited"),
    ],
)
def test_competes_with_absent_empty_or_named(
    plan: Plan, competes: list[str] | None, purpose: str, verdict: str
) -> None:
    use = {
        "competes_with": competes if competes is not None else "__absent__",
        "purpose": purpose,
        "regions": ["US"],
    }
    doc = plan(
        teachers=[
            {
                "licence": "openai-services",
                "access": "api",
                "provider": "openai",
                "signals": ["generated_text"],
            }
        ],
        use=use,
    )
    a = assess(doc, kb=KB)
    assert a.verdict == verdict
    hits = [h for f in a.findings for h in f.rules if h.licence == "openai-services"]
    if competes is None:
        deny = next(h for h in hits if h.rule == "no-competing-models")
        assert deny.status == "undetermined" and "intended_use.competes_with" in deny.missing
    if competes is not None and verdict == "needs_review":
        review = next(h for h in hits if h.rule == "unconfirmed-non-competing")
        assert review.status == "applies" and "legal reviewer" in review.explanation


# -- synthetic-data teachers ----------------------------------------------------------------------
def _synthetic(generator: str) -> list[dict[str, object]]:
    return [
        {
            "name": "acme/synth",
            "version": "1",
            "kind": "synthetic",
            "generated_by": [generator],
            "examples": 1000,
        }
    ]


def test_generated_by_only_teacher_is_judged(plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "apache-2.0"}], datasets=_synthetic("meta/llama2-70b@1"))
    ctx = StaticContext(
        models={"meta/llama2-70b@1": {"licence": "llama2", "access": "open-weights"}}
    )
    a = assess(doc, ctx, KB)
    gen = next(t for t in a.teachers if t.model == "meta/llama2-70b@1")
    assert gen.role == "generator" and gen.licence == "llama2" and gen.verdict == "prohibited"
    assert "1.b.v" in gen.clauses
    assert a.verdict == "prohibited"


def test_generator_without_licence_needs_review(plan: Plan) -> None:
    a = assess(
        plan(teachers=[{"licence": "apache-2.0"}], datasets=_synthetic("who/knows@1")), kb=KB
    )
    gen = next(t for t in a.teachers if t.model == "who/knows@1")
    assert gen.verdict == "needs_review" and gen.licence is None
    assert a.verdict == "needs_review"


def test_generator_through_api_gets_platform_terms(plan: Plan) -> None:
    doc = plan(
        teachers=[{"licence": "apache-2.0"}],
        datasets=_synthetic("anthropic/claude@1"),
        use={"competes_with": ["anthropic"]},
    )
    ctx = StaticContext(
        models={
            "anthropic/claude@1": {
                "licence": "anthropic-commercial",
                "access": "api",
                "provider": "anthropic",
            }
        }
    )
    a = assess(doc, ctx, KB)
    assert a.verdict == "prohibited"
    assert "D.4(a)" in next(t for t in a.teachers if t.model == "anthropic/claude@1").clauses


def test_teacher_that_also_generated_data_uses_generated_text(plan: Plan) -> None:
    doc = plan(
        teachers=[
            {
                "model": "g/gemini@1",
                "licence": "gemini-api-terms",
                "access": "api",
                "provider": "google",
                "signals": ["generated_text"],
            }
        ],
        datasets=_synthetic("g/gemini@1"),
        use={"regions": ["US"], "purpose": NARROW},
    )
    a = assess(doc, kb=KB)
    assert [t.model for t in a.teachers] == ["g/gemini@1"] and a.verdict == "permitted"


# -- init_from ------------------------------------------------------------------------------------
def test_init_from_licence_binds_the_student(plan: Plan) -> None:
    ctx = StaticContext(models={"meta/llama-3.1-8b@1": {"licence": "llama3.1"}})
    doc = plan(
        teachers=[{"licence": "apache-2.0"}],
        init_from="meta/llama-3.1-8b@1",
        use={"distribution": "open-weights"},
        student="acme/helper",
    )
    a = assess(doc, ctx, KB)
    base = next(f for f in a.findings if f.role == "init_from")
    assert base.licence == "llama3.1" and "1.b.i" in base.clauses
    kinds = {(o.kind, o.source): o.satisfied for o in a.obligations}
    assert kinds[("name_prefix", "llama3.1")] is False
    assert ("licence_copy", "llama3.1") in kinds and ("attribution", "llama3.1") in kinds
    assert not a.cleared
    renamed = plan(
        teachers=[{"licence": "apache-2.0"}],
        init_from="meta/llama-3.1-8b@1",
        use={"distribution": "open-weights"},
        student="acme/Llama-helper",
    )
    assert assess(renamed, ctx, KB).cleared


def test_init_from_gemma_passes_use_restrictions(plan: Plan) -> None:
    ctx = StaticContext(models={"google/gemma-2b@1": {"licence": "gemma"}})
    a = assess(plan(teachers=[{"licence": "mit"}], init_from="google/gemma-2b@1"), ctx, KB)
    assert any(o.kind == "pass_use_restrictions" and o.source == "gemma" for o in a.obligations)
    assert a.verdict == "conditional" and a.cleared


def test_init_from_unknown_licence_needs_review(plan: Plan) -> None:
    a = assess(plan(teachers=[{"licence": "mit"}], init_from="who/base@1"), kb=KB)
    assert a.verdict == "needs_review"
    assert any(f.role == "init_from" and f.topic == "evidence" for f in a.findings)
    # and a clause that depends on the base (Llama 2's family exception) cannot be decided either
    b = assess(plan(teachers=[{"licence": "llama2"}], init_from="who/base@1"), kb=KB)
    hit = next(h for f in b.findings for h in f.rules if h.rule == "no-other-llm")
    assert hit.status == "undetermined" and b.verdict == "needs_review"


# -- inheritance through lineage ------------------------------------------------------------------
def _two_generations(ancestor_licence: str) -> StaticContext:
    # grand/base (ancestor) --weight_init--> mid/model (apache) --distilled_from--> org/teacher-0
    return StaticContext(
        models={
            "grand/base@1": {"licence": ancestor_licence},
            "mid/model@1": {"licence": "apache-2.0"},
            "org/teacher-0@1": {"licence": "mit"},
        },
        parents={
            "org/teacher-0@1": [("mid/model@1", "distilled_from")],
            "mid/model@1": [("grand/base@1", "weight_init")],
        },
    )


@pytest.mark.parametrize(
    ("ancestor", "use", "verdict", "cleared", "kind"),
    [
        ("gemma", {}, "conditional", True, "pass_use_restrictions"),
        ("llama3.1", {"distribution": "open-weights"}, "conditional", False, "name_prefix"),
        ("bigscience-openrail-m", {}, "conditional", True, "pass_use_restrictions"),
        ("llama2", {}, "prohibited", False, "authorization_required"),
        ("apache-2.0", {}, "permitted", True, None),
    ],
)
def test_inheritance_two_generations_deep_static(
    plan: Plan, ancestor: str, use: dict[str, str], verdict: str, cleared: bool, kind: str | None
) -> None:
    a = assess(plan(teachers=[{"licence": "mit"}], use=use), _two_generations(ancestor), KB)
    assert a.verdict == verdict and a.cleared is cleared
    inherited = [f for f in a.findings if f.topic == "inherited" and f.licence == ancestor]
    if kind is None:
        assert not inherited
        return
    assert inherited and "grand/base@1" in inherited[0].reasons[0]
    assert "distilled_from, weight_init" in (inherited[0].via or "")
    assert any(o.kind == kind and o.source == ancestor for o in a.obligations)
    assert ancestor in a.teachers[0].terms


def test_inheritance_two_generations_deep_in_a_real_registry(
    registry: Registry, plan: Plan
) -> None:
    # google/gemma-2-9b -generated-> acme/synth -trained_on-> acme/mid -weight_init-> acme/teacher
    registry.add_model(ModelRecord(name="google/gemma-2-9b", version="1", licence="gemma"))
    registry.add_model(ModelRecord(name="acme/mid", version="1", licence="apache-2.0"))
    registry.add_model(ModelRecord(name="acme/teacher", version="2", licence="apache-2.0"))
    registry.add_dataset(DatasetRecord(name="acme/synth", version="1", kind="synthetic"))
    registry.add_edge("google/gemma-2-9b@1", "acme/synth@1", "generated")
    registry.add_edge("acme/synth@1", "acme/mid@1", "trained_on")
    registry.add_edge("acme/mid@1", "acme/teacher@2", "weight_init")
    doc = plan(
        teachers=[{"model": "acme/teacher@2", "licence": "apache-2.0"}], use={"distribution": "api"}
    )
    a = assess(doc, RegistryContext(registry), KB)
    inherited = [f for f in a.findings if f.topic == "inherited"]
    assert [f.licence for f in inherited] == ["gemma"]
    assert "generated" in (inherited[0].via or "") and "trained_on" in (inherited[0].via or "")
    assert {o.kind for o in a.obligations if o.source == "gemma"} >= {
        "pass_use_restrictions",
        "licence_copy",
        "notice",
    }
    assert a.verdict == "conditional" and a.cleared
    # a plan that declares another licence than the registry's is refused, naming both
    registry.add_model(ModelRecord(name="acme/other", version="1", licence="llama3"))
    with pytest.raises(Conflict) as caught:
        assess(
            plan(teachers=[{"model": "acme/other@1", "licence": "apache-2.0"}]),
            RegistryContext(registry),
            KB,
        )
    text = str(caught.value)
    assert "teachers[0].licence of acme/other@1: the registry (registered by" in text
    assert "says llama3; the plan says apache-2.0" in text


def test_init_from_chain_in_registry_sets_the_family(registry: Registry, plan: Plan) -> None:
    # meta/llama-2-7b --weight_init--> acme/chat (licence not recorded) = student.init_from
    registry.add_model(ModelRecord(name="meta/llama-2-7b", version="1", licence="llama2"))
    registry.add_model(ModelRecord(name="acme/chat", version="1", licence="llama2"))
    registry.add_edge("meta/llama-2-7b@1", "acme/chat@1", "weight_init")
    doc = plan(teachers=[{"licence": "llama2"}], init_from="acme/chat@1")
    a = assess(doc, RegistryContext(registry), KB)
    assert a.verdict == "conditional" and a.cleared


# -- unknown licences and local directories -------------------------------------------------------
@pytest.mark.parametrize("licence", ["mystery-1.0", "other", "unknown"])
def test_unknown_teacher_licence_needs_review(plan: Plan, licence: str) -> None:
    a = assess(plan(teachers=[{"licence": licence}]), kb=KB)
    assert a.verdict == "needs_review" and not a.cleared
    assert a.teachers[0].verdict == "needs_review"


@pytest.mark.parametrize(
    ("licence", "kind", "verdict"),
    [
        ("mystery", "real", "needs_review"),
        (None, "real", "needs_review"),
        (None, "hybrid", "needs_review"),
        ("cc-by-nc-4.0", "real", "prohibited"),
        ("proprietary", "real", "permitted"),
    ],
)
def test_dataset_licences(plan: Plan, licence: str | None, kind: str, verdict: str) -> None:
    ds: dict[str, object] = {"name": "d/x", "version": "1", "kind": kind, "examples": 5}
    if licence:
        ds["licence"] = licence
    if kind != "real":
        ds["generated_by"] = ["org/teacher-0@1"]
    a = assess(
        plan(teachers=[{"licence": "apache-2.0"}], datasets=[ds], use={"regions": ["US"]}), kb=KB
    )
    assert a.verdict == verdict


def test_local_directory_licence_is_read(plan: Plan, tmp_path: Path) -> None:
    d = tmp_path / "teacher"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "README.md").write_text("---\nlicense: other\nlicense_name: qwen-research\n---\n# card\n")
    ctx = StaticContext(dirs={"org/teacher-0@1": d})
    # the plan declares nothing usable: the card decides
    a = assess(plan(teachers=[{"licence": "other"}], use={"commercial": False}), ctx, KB)
    assert a.teachers[0].licence == "qwen-research" and a.verdict == "conditional"
    # the plan declares something else than the card: refused, naming both
    with pytest.raises(Conflict, match="says qwen-research; the plan says apache-2.0"):
        assess(plan(teachers=[{"licence": "apache-2.0"}]), ctx, KB)


def test_registry_model_path_is_read(registry: Registry, plan: Plan, tmp_path: Path) -> None:
    d = tmp_path / "w"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "LICENSE").write_text("Gemma Terms of Use\n\nLast modified: March 24, 2025\n")
    registry.add_model(ModelRecord(name="org/teacher-0", version="1", path=str(d)))
    a = assess(plan(teachers=[{"licence": "gemma"}]), RegistryContext(registry), KB)
    assert a.verdict == "conditional" and a.teachers[0].terms == ["gemma"]
    b = assess(plan(teachers=[{"licence": "mit"}]), RegistryContext(registry), KB)
    assert b.verdict == "needs_review" and set(b.teachers[0].terms) == {"mit", "gemma"}


def test_missing_intended_use_fails_closed(plan: Plan) -> None:
    doc = plan(teachers=[{"licence": "cc-by-nc-4.0"}])
    bare = doc.model_copy(update={"intended_use": None})
    a = assess(bare, kb=KB)
    assert a.verdict == "needs_review"
    assert any("intended_use.commercial" in h.missing for f in a.findings for h in f.rules)


def test_self_distillation_base_uses_the_teachers_declared_licence(plan: Plan) -> None:
    doc = plan(
        teachers=[{"model": "acme/big@2", "licence": "llama3.1"}],
        init_from="acme/big@2",
        student="acme/Llama-small",
        method="self_distillation",
        use={"distribution": "api"},
    )
    a = assess(doc, kb=KB)
    base = [f for f in a.findings if f.role == "init_from"]
    assert [f.licence for f in base] == ["llama3.1"] and a.cleared
