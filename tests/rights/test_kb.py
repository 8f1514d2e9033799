"""The knowledge base: every required id with sourced rules, aliases, user dirs, bad files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rights_ids import REQUIRED_IDS

from heredity.errors import ConfigError
from heredity.records import DistillationDocument
from heredity.rights import BUILTIN_DIR, OBLIGATION_KINDS, assess, load_knowledge_base

KB = load_knowledge_base()

GOOD = """\
id: acme-internal
title: ACME internal model licence
kind: model_licence
version: "1"
evidence: primary
sources: [{url: "https://legal.acme.example/models"}]
aliases: [acme-licence]
summary: Our own models; outputs may not leave the company.
rules:
  - id: internal-only
    when: {distributed: true}
    effect: deny
    clause: "2.1"
    explain: Students of ACME models may not be distributed.
  - id: internal
    when: {distributed: false}
    effect: allow
    clause: "2.2"
    explain: Internal use is allowed.
"""


def _write(d: Path, name: str, text: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(text)
    return p


def test_every_required_id_has_sourced_rules() -> None:
    kb = load_knowledge_base()
    assert set(REQUIRED_IDS) <= set(kb.ids())
    for lid in REQUIRED_IDS:
        spec = kb.licences[lid]
        assert spec.sources and all(s.url for s in spec.sources)
        assert spec.evidence in ("primary", "secondary")
        assert spec.rules
        for rule in spec.rules:
            assert rule.clause and rule.explain
            assert spec.source_for(rule).startswith("http")
            assert all(ob.kind in OBLIGATION_KINDS for ob in rule.obligations)
        # each licence file names its own id and only its own id
        assert kb.files[lid] == BUILTIN_DIR / f"{lid}.yaml"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama3.1", "llama3.1"),
        ("Llama 3.1", "llama3.1"),
        ("Apache-2.0", "apache-2.0"),
        ("MIT", "mit"),
        ("CC-BY-NC-4.0", "cc-by-nc-4.0"),
        ("OpenMDW-1.0", "openmdw-1.0"),
        ("qwen-research", "qwen-research"),
        ("mrl", "mistral-research"),
        ("mnpl", "mistral-non-production"),
        ("deepseek", "deepseek-license-v1"),
        ("nvidia-open-model-license", "nvidia-open-model"),
        ("LicenseRef-scancode-nvidia-open-model-2025", "nvidia-open-model"),
        ("google-gemma-terms-of-use", "gemma"),
        ("qwen-72b-licence", "tongyi-qianwen"),
        ("other", None),
        ("unknown", None),
        ("", None),
        ("some-new-licence", None),
    ],
)
def test_aliases_resolve(name: str, expected: str | None) -> None:
    assert KB.resolve(name) == expected


def test_licence_text_is_identified() -> None:
    kb = load_knowledge_base()
    assert kb.identify_text("  Apache License\n   Version 2.0, January 2004\n")[0] == "apache-2.0"
    assert (
        kb.identify_text("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release")[0]
        == "llama3.1"
    )
    assert (
        kb.identify_text("Tongyi Qianwen RESEARCH LICENSE AGREEMENT\n")[0]
        == "tongyi-qianwen-research"
    )
    assert kb.identify_text("nothing to see") == []


def test_user_directory_adds_a_licence_and_changes_the_version(
    tmp_path: Path, plan: Callable[..., DistillationDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = load_knowledge_base()
    mine = tmp_path / "mine"
    _write(mine, "acme-internal.yaml", GOOD)
    kb = load_knowledge_base([mine])
    assert "acme-internal" in kb and len(kb) == len(base) + 1
    assert kb.version != base.version
    assert kb.resolve("ACME-licence") == "acme-internal"
    internal = assess(plan(teachers=[{"licence": "acme-licence"}]), kb=kb)
    assert internal.verdict == "permitted" and internal.cleared
    out = assess(plan(teachers=[{"licence": "acme-internal"}], use={"distribution": "api"}), kb=kb)
    assert out.verdict == "prohibited"
    assert out.teachers[0].clauses == ["2.1"]
    # the same directory through $HEREDITY_LICENCES (colon-separated)
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("HEREDITY_LICENCES", f"{mine}:{other}")
    assert load_knowledge_base().version == kb.version
    # without the directory the id is unknown: needs review, never permitted
    monkeypatch.delenv("HEREDITY_LICENCES")
    assert assess(plan(teachers=[{"licence": "acme-internal"}]), kb=base).verdict == "needs_review"


def test_version_is_a_hash_of_content(tmp_path: Path) -> None:
    d = tmp_path / "d"
    p = _write(d, "acme-internal.yaml", GOOD)
    v1 = load_knowledge_base([d]).version
    assert load_knowledge_base([d]).version == v1
    p.write_text(GOOD.replace("Internal use is allowed.", "Internal use is fine."))
    assert load_knowledge_base([d]).version != v1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (GOOD.replace('    clause: "2.1"\n', ""), "rules[0].clause: required"),
        (GOOD.replace("effect: deny", "effect: maybe"), "rules[0].effect"),
        (
            GOOD.replace("when: {distributed: true}", "when: {distributd: true}"),
            "rules[0].when.distributd: unknown field",
        ),
        (
            GOOD.replace("kind: model_licence", "kind: model_licence\ncolour: blue"),
            "colour: unknown field",
        ),
        (GOOD.replace("evidence: primary", "evidence: rumour"), "evidence"),
        (
            GOOD.replace('sources: [{url: "https://legal.acme.example/models"}]', "sources: []"),
            "sources",
        ),
        (GOOD + "    obligations: [{kind: tithe, explain: x}]\n", "obligations[0].kind"),
        (
            GOOD + "    obligations: [{kind: name_prefix, explain: x}]\n",
            "name_prefix obligation needs",
        ),
        (GOOD.replace("id: internal\n", "id: internal-only\n"), "rule id listed twice"),
        ("id: [unclosed\n", "malformed YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_malformed_file_is_an_error_naming_file_and_field(
    tmp_path: Path, text: str, needle: str
) -> None:
    d = tmp_path / "bad"
    _write(d, "acme-internal.yaml", text)
    with pytest.raises(ConfigError) as err:
        load_knowledge_base([d])
    assert "acme-internal.yaml" in str(err.value)
    assert needle in str(err.value)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    d = tmp_path / "d"
    _write(d, "wrong-name.yaml", GOOD)
    with pytest.raises(ConfigError, match="must match the file name"):
        load_knowledge_base([d])


def test_duplicate_id_and_alias_collisions_are_errors(tmp_path: Path) -> None:
    d = tmp_path / "dup"
    d.mkdir()
    shutil.copy(BUILTIN_DIR / "mit.yaml", d / "mit.yaml")
    with pytest.raises(ConfigError, match="already defined"):
        load_knowledge_base([d])
    e = tmp_path / "alias"
    _write(e, "acme-internal.yaml", GOOD.replace("[acme-licence]", "[Apache-2.0]"))
    with pytest.raises(ConfigError, match="already names 'apache-2.0'"):
        load_knowledge_base([e])
    f = tmp_path / "undeclared"
    _write(f, "acme-internal.yaml", GOOD.replace("[acme-licence]", "[other]"))
    with pytest.raises(ConfigError, match="means 'no licence'"):
        load_knowledge_base([f])


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        load_knowledge_base([tmp_path / "nope"])


def test_every_competing_use_ban_sends_a_self_declaration_to_review() -> None:
    """Terms that forbid competing use treat the same plan facts the same way (issue 12).

    A plan's own "competes with nobody" for a general-purpose student used commercially or made
    available goes to review under the same clause as the prohibition, and no allow or condition
    rule of those terms can clear that plan.
    """
    checked = 0
    for spec in KB.licences.values():
        bans = [r for r in spec.rules if r.effect == "deny" and r.when.competes is True]
        if not bans:
            continue
        checked += 1
        reviews = [
            r
            for r in spec.rules
            if r.effect == "review"
            and r.when.competes is False
            and r.when.general_purpose is True
            and r.when.any_of is not None
            and {(c.commercial, c.distributed) for c in r.when.any_of}
            == {(True, None), (None, True)}
        ]
        assert reviews, f"{spec.id}: no review rule for a self-declared non-competing student"
        assert reviews[0].clause in {b.clause for b in bans}, spec.id
        assert "legal reviewer" in reviews[0].explain and "self-declaration" in reviews[0].explain
        for r in spec.rules:
            if r.effect in ("allow", "condition") and r.when.competes is False:
                # only a narrow student, or one neither commercial nor made available
                branches = r.when.any_of or [r.when]
                assert r.when.general_purpose is False or all(
                    b.general_purpose is False or (b.commercial is False and b.distributed is False)
                    for b in branches
                ), f"{spec.id} {r.id} could clear a commercial general-purpose student"
    assert checked == 5
