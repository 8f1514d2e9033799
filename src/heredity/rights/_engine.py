"""The rights engine: judge a distillation plan against the licence knowledge base (4.3, 4.8).

Every party whose terms bind the student is judged: each teacher (also teachers that appear only
as ``generated_by`` of a dataset), the platform terms of the route a teacher is reached by, the
student's ``init_from`` base, every dataset, and terms carried forward through lineage. Verdicts
follow from the rules in the knowledge-base files; the engine has no table of answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from heredity.records import DistillationDocument, content_hash, document_hash, short_name
from heredity.rights._assessment import (
    EFFECT_VERDICT,
    Obligation,
    RightsAssessment,
    RightsFinding,
    RightsVerdict,
    RuleHit,
    TeacherFinding,
    rank,
    worst,
)
from heredity.rights._conditions import FACT_SOURCES, evaluate
from heredity.rights._context import Ancestor, RightsContext, StaticContext
from heredity.rights._contradictions import refuse_contradictions
from heredity.rights._kb import UNDECLARED, KnowledgeBase, default_knowledge_base, normalise
from heredity.rights._schema import LicenceSpec

Role = Literal["teacher", "generator", "init_from", "dataset", "inherited"]
Topic = Literal["licence", "platform", "inherited", "evidence"]


@dataclass
class _Party:
    """A model or dataset whose terms bind the student."""

    ref: str
    role: Role
    declared: str | None = None
    access: str | None = None
    provider: str | None = None
    signals: list[str] | None = None
    terms: list[str] = field(default_factory=list)
    findings: list[RightsFinding] = field(default_factory=list)
    licence: str | None = None


def facts_hash(document: DistillationDocument) -> str:
    """sha256 of only what the rights engine reads: student, teachers, method, data, intended use.

    Two documents with the same facts get the same verdict, so a legal review or authorization
    recorded for one still holds when the run later fills in its configuration and run details.
    """
    data = document.model_dump(mode="json")
    facts = {
        "student": {k: data["student"].get(k) for k in ("name", "version", "init_from")},
        "teachers": data["teachers"],
        "method": data["method"],
        "datasets": [
            {k: d.get(k) for k in ("name", "version", "kind", "licence", "generated_by")}
            for d in data["datasets"]
        ],
        "intended_use": data.get("intended_use"),
    }
    return content_hash(facts)


# Kinds of student the terms themselves give as specialised, non-competing models: OpenAI Services
# Agreement 3.3(e) Permitted Exception (a) (models mainly meant to categorise, classify or organise
# data, such as embeddings or classifiers) and Anthropic's support article 12326764 (classifiers,
# summarisation, extraction tools). Word stems, matched at the start of a word.
_SPECIALISED = re.compile(
    r"\b(?:classif|categori[sz]|embedding|extract|summar|organi[sz](?:e|es|er|ers|ing)\b)",
    re.IGNORECASE,
)
# Words that name a general-purpose kind of model: a narrow word beside them does not make the
# student narrow ("a chat assistant that also summarises").
_GENERAL = re.compile(
    r"\b(?:general|assistant|chat|conversation|foundation|copilot|multi-?purpose|all-purpose)",
    re.IGNORECASE,
)


def general_purpose(purpose: str | None) -> bool | None:
    """Whether the plan's stated purpose makes the student general-purpose (None: not stated).

    Fail closed: a student is narrow only when its purpose names one of the specialised kinds the
    terms themselves call non-competing and no general-purpose kind; any other purpose (a
    chatbot, an assistant, translation, ...) is general-purpose.
    """
    if purpose is None or not purpose.strip():
        return None
    return bool(_GENERAL.search(purpose)) or not _SPECIALISED.search(purpose)


def _plan_facts(document: DistillationDocument) -> dict[str, Any]:
    use = document.intended_use
    facts: dict[str, Any] = {
        "method": document.method,
        "student_name": short_name(document.student.name),
        "purpose": None,
        "general_purpose": None,
        "commercial": None,
        "distribution": None,
        "distributed": None,
        "competes_with": None,
        "monthly_active_users": None,
        "regions": None,
    }
    if use is not None:
        facts.update(
            purpose=use.purpose or None,
            general_purpose=general_purpose(use.purpose),
            commercial=use.commercial,
            distribution=use.distribution,
            distributed=None if use.distribution is None else use.distribution != "internal",
            competes_with=None
            if use.competes_with is None
            else [c.strip().lower() for c in use.competes_with],
            monthly_active_users=use.monthly_active_users,
            regions=list(use.regions) or None,
        )
    return facts


def _competes(spec: LicenceSpec, party: _Party, plan: dict[str, Any]) -> bool | None:
    rivals = plan["competes_with"]
    if rivals is None:
        return None
    protected = [p.lower() for p in spec.licensor] or (
        [party.provider.lower()] if party.provider else []
    )
    if not rivals:
        return False
    if not protected:
        return None
    return any(p in rivals for p in protected)


def _judge(
    spec: LicenceSpec,
    party: _Party,
    role: Role,
    plan: dict[str, Any],
    student_base: list[str] | None,
    *,
    carried_only: bool = False,
) -> list[RuleHit]:
    facts = dict(plan)
    facts.update(
        role=role,
        access=party.access,
        provider=party.provider.lower() if party.provider else None,
        signals=party.signals,
        student_base=student_base,
        competes=_competes(spec, party, plan),
    )
    hits: list[RuleHit] = []
    for rule in spec.rules:
        if carried_only and not rule.carries_forward:
            continue
        result, missing = evaluate(rule.when, facts)
        status: Literal["applies", "assumed", "undetermined"]
        if result is True:
            status, verdict = "applies", EFFECT_VERDICT[rule.effect]
        elif result is None and rule.unknown_policy == "apply":
            status, verdict = "assumed", EFFECT_VERDICT[rule.effect]
        elif result is None and rule.unknown_policy == "review":
            status, verdict = "undetermined", "needs_review"
        else:
            continue
        hits.append(
            RuleHit(
                licence=spec.id,
                rule=rule.id,
                effect=rule.effect,
                verdict=verdict,
                clause=rule.clause,
                explanation=rule.explain.strip(),
                source=spec.source_for(rule),
                evidence=spec.evidence_for(rule),
                status=status,
                missing=list(dict.fromkeys(FACT_SOURCES.get(m, m) for m in missing)),
            )
        )
    return hits


def _reason(hit: RuleHit) -> str:
    text = f"{hit.licence} {hit.clause}: {hit.explanation}"
    if hit.status == "undetermined":
        text = (
            f"{hit.licence} {hit.clause}: cannot tell whether this applies because the plan does "
            f"not state {', '.join(hit.missing)}; if it does: {hit.explanation}"
        )
    elif hit.status == "assumed":
        text += f" (assumed to apply: the plan does not state {', '.join(hit.missing)})"
    return text


def _finding(
    party: _Party,
    role: Role,
    topic: Topic,
    spec: LicenceSpec,
    hits: list[RuleHit],
    via: str | None = None,
) -> RightsFinding:
    if not hits:
        return RightsFinding(
            subject=party.ref,
            role=role,
            topic=topic,
            licence=spec.id,
            verdict="needs_review",
            reasons=[f"{spec.id}: no rule of this licence covers the plan's facts (fail closed)"],
            clauses=[],
            via=via,
        )
    verdict = worst([h.verdict for h in hits])
    ordered = sorted(hits, key=lambda h: -rank(h.verdict))
    deciding = [h for h in ordered if h.verdict == verdict or h.verdict != "permitted"]
    clauses: list[str] = []
    for h in deciding:
        if h.clause not in clauses:
            clauses.append(h.clause)
    return RightsFinding(
        subject=party.ref,
        role=role,
        topic=topic,
        licence=spec.id,
        verdict=verdict,
        reasons=[_reason(h) for h in ordered],
        clauses=clauses,
        rules=ordered,
        via=via,
    )


def _evidence(party: _Party, role: Role, reasons: list[str], licence: str | None) -> RightsFinding:
    return RightsFinding(
        subject=party.ref,
        role=role,
        topic="evidence",
        licence=licence,
        verdict="needs_review",
        reasons=reasons,
        clauses=[],
    )


def _model_licences(
    party: _Party, ctx: RightsContext, kb: KnowledgeBase
) -> tuple[list[str], list[str]]:
    """The licence ids that bind a model and any problems with the evidence for them."""
    claims: list[tuple[str, str]] = []  # (where, name)
    if party.declared and normalise(party.declared) not in UNDECLARED:
        claims.append(("the plan", party.declared))
    facts = ctx.model(party.ref)
    if facts is not None:
        if facts.licence and normalise(facts.licence) not in UNDECLARED:
            claims.append(("the registry", facts.licence))
        party.access = party.access or facts.access
        party.provider = party.provider or facts.provider
    problems: list[str] = []
    local = ctx.local_licence(party.ref)
    if local is not None:
        card = local.card_license
        if card and normalise(card) in UNDECLARED:
            card = local.card_license_name
        if card:
            claims.append((f"the model card in {local.path}", card))
        if local.licence_text:
            found = kb.identify_text(local.licence_text)
            if found:
                claims.append((f"the licence file {local.licence_file}", found[0]))
    ids: list[str] = []
    for where, name in claims:
        resolved = kb.resolve(name)
        if resolved is None:
            problems.append(
                f"{where} names licence {name!r}, which is not in the knowledge base "
                f"{kb.version}; an unknown licence needs legal review (fail closed)"
            )
        elif resolved not in ids:
            ids.append(resolved)
    if not claims:
        problems.append(
            "no licence is declared in the plan, recorded in the registry or found in a model "
            "directory; an undeclared licence needs legal review (fail closed)"
        )
    if len(ids) > 1:
        said = "; ".join(f"{where} says {name!r}" for where, name in claims)
        problems.append(
            f"the licence evidence disagrees ({said}); all of {', '.join(ids)} are applied and a "
            "reviewer must settle which governs"
        )
    return ids, problems


class _Engine:
    def __init__(self, document: DistillationDocument, ctx: RightsContext, kb: KnowledgeBase):
        self.doc = document
        self.ctx = ctx
        self.kb = kb
        self.plan = _plan_facts(document)
        self.findings: list[RightsFinding] = []
        self.student_base: list[str] | None = []

    # -- parties ---------------------------------------------------------------------------
    def _teachers(self) -> list[_Party]:
        parties: dict[str, _Party] = {}
        for t in self.doc.teachers:
            parties[t.model] = _Party(
                ref=t.model,
                role="teacher",
                declared=t.licence,
                access=t.access,
                provider=t.provider,
                signals=list(t.signals),
            )
        for d in self.doc.datasets:
            for g in d.generated_by:
                p = parties.get(g)
                if p is None:
                    parties[g] = _Party(ref=g, role="generator", signals=["generated_text"])
                elif p.signals is not None and "generated_text" not in p.signals:
                    p.signals.append("generated_text")
        return list(parties.values())

    def _add(self, party: _Party, finding: RightsFinding) -> None:
        party.findings.append(finding)
        if finding.licence and finding.licence not in party.terms:
            party.terms.append(finding.licence)
        self.findings.append(finding)

    def _judge_ids(self, party: _Party, role: Role, ids: list[str]) -> None:
        for lid in ids:
            spec = self.kb.licences[lid]
            self._add(
                party,
                _finding(
                    party,
                    role,
                    "licence",
                    spec,
                    _judge(spec, party, role, self.plan, self.student_base),
                ),
            )

    def _platform(self, party: _Party, role: Role) -> None:
        if party.access == "api" and not party.provider:
            self._add(
                party,
                _evidence(
                    party,
                    role,
                    [
                        "the teacher is reached through an API but no provider is named, so the "
                        "platform terms that govern the route cannot be determined (fail closed)"
                    ],
                    None,
                ),
            )
            return
        if party.access is None and party.provider:
            candidates = self.kb.platform_terms(party.provider, "api")
            if candidates:
                names = ", ".join(s.id for s in candidates)
                self._add(
                    party,
                    _evidence(
                        party,
                        role,
                        [
                            f"the access route is not stated; if the model is reached through "
                            f"{party.provider}'s API, {names} also apply"
                        ],
                        None,
                    ),
                )
            return
        for spec in self.kb.platform_terms(party.provider, party.access):
            if spec.id in party.terms:
                continue
            hits = _judge(spec, party, role, self.plan, self.student_base)
            self._add(party, _finding(party, role, "platform", spec, hits))

    def _inherited(
        self, party: _Party, ancestors: list[Ancestor], weights_role: Role | None
    ) -> None:
        """Terms carried forward from ``party``'s ancestors (any depth)."""
        done = set(party.terms)
        for anc in ancestors:
            lid = self.kb.resolve(anc.licence)
            if lid is None or lid in done:
                continue
            done.add(lid)
            spec = self.kb.licences[lid]
            path = (
                f"{anc.ref} -> {anc.via}" if anc.via != party.ref else f"{anc.ref} -> {party.ref}"
            )
            via = f"{path} ({', '.join(anc.relations)})"
            full = weights_role is not None and anc.holds_weights
            role: Role = weights_role if (full and weights_role) else "inherited"
            hits = _judge(spec, party, role, self.plan, self.student_base, carried_only=not full)
            if not hits:
                continue
            finding = _finding(party, role, "inherited", spec, hits, via=via)
            prefix = f"inherited from {anc.ref} ({lid}) via {', '.join(anc.relations)}: "
            finding = finding.model_copy(update={"reasons": [prefix + r for r in finding.reasons]})
            self._add(party, finding)

    def _base(self) -> _Party | None:
        ref = self.doc.student.init_from
        if ref is None:
            self.student_base = []
            return None
        # the base may also be a teacher of the plan (self-distillation): its declared licence counts
        declared = next((t.licence for t in self.doc.teachers if t.model == ref), None)
        party = _Party(ref=ref, role="init_from", declared=declared)
        ids, problems = _model_licences(party, self.ctx, self.kb)
        party.licence = ids[0] if ids else None
        ancestors = self.ctx.ancestors(ref)
        if not ids:
            self.student_base = None
        else:
            base: list[str] = []
            for lid in ids + [
                self.kb.resolve(a.licence) or "" for a in ancestors if a.holds_weights
            ]:
                spec = self.kb.licences.get(lid)
                if spec is None:
                    continue
                for tag in (spec.id, spec.family):
                    if tag and tag not in base:
                        base.append(tag)
            self.student_base = base
        if problems:
            self._add(
                party,
                _evidence(
                    party,
                    "init_from",
                    [f"student.init_from {ref}: {p}" for p in problems],
                    party.licence,
                ),
            )
        self._judge_ids(party, "init_from", ids)
        self._inherited(party, ancestors, "init_from")
        return party

    # -- run -------------------------------------------------------------------------------
    def run(self) -> tuple[list[TeacherFinding], list[RightsFinding]]:
        self._base()
        teachers: list[TeacherFinding] = []
        for party in self._teachers():
            ids, problems = _model_licences(party, self.ctx, self.kb)
            party.licence = ids[0] if ids else None
            role: Role = party.role
            if problems:
                self._add(party, _evidence(party, role, problems, party.licence))
            self._judge_ids(party, role, ids)
            self._platform(party, role)
            self._inherited(party, self.ctx.ancestors(party.ref), None)
            teachers.append(self._teacher_entry(party))
        for d in self.doc.datasets:
            self._dataset(d.ref, d.licence, d.kind)
        return teachers, self.findings

    def _dataset(self, ref: str, licence: str | None, kind: str) -> None:
        party = _Party(ref=ref, role="dataset", declared=licence)
        lid = self.kb.resolve(licence)
        if lid is not None:
            spec = self.kb.licences[lid]
            self._add(
                party,
                _finding(
                    party,
                    "dataset",
                    "licence",
                    spec,
                    _judge(spec, party, "dataset", self.plan, self.student_base),
                ),
            )
        elif licence is None or normalise(licence) in UNDECLARED:
            if kind == "synthetic":
                self.findings.append(
                    RightsFinding(
                        subject=ref,
                        role="dataset",
                        topic="licence",
                        licence=None,
                        verdict="permitted",
                        reasons=[
                            "synthetic data with no licence of its own: its rights follow from "
                            "the teachers that generated it, which are judged as teachers"
                        ],
                        clauses=[],
                    )
                )
            else:
                self._add(
                    party,
                    _evidence(
                        party,
                        "dataset",
                        [
                            f"dataset {ref} declares no licence; {kind} data needs a licence or "
                            "legal review (fail closed)"
                        ],
                        None,
                    ),
                )
        else:
            self._add(
                party,
                _evidence(
                    party,
                    "dataset",
                    [
                        f"dataset {ref} names licence {licence!r}, which is not in the knowledge "
                        f"base {self.kb.version}; an unknown licence needs legal review "
                        "(fail closed)"
                    ],
                    None,
                ),
            )

    def _teacher_entry(self, party: _Party) -> TeacherFinding:
        own = party.licence
        reasons: list[str] = []
        clauses: list[str] = []
        obligations: list[str] = []
        for f in party.findings:
            reasons.extend(f.reasons)
            for c in f.clauses:
                text = c if f.licence == own and f.topic == "licence" else f"{f.licence} {c}"
                if text not in clauses:
                    clauses.append(text)
            for h in f.rules:
                if h.status == "undetermined":
                    continue
                spec = self.kb.licences[h.licence]
                rule = next(r for r in spec.rules if r.id == h.rule)
                for ob in rule.obligations:
                    line = f"{ob.kind}: {ob.value}" if ob.value is not None else ob.kind
                    line = f"{line} ({h.licence})"
                    if line not in obligations:
                        obligations.append(line)
        display = own or party.declared
        return TeacherFinding(
            model=party.ref,
            licence=display,
            verdict=worst([f.verdict for f in party.findings]),
            reasons=reasons,
            clauses=clauses,
            obligations=obligations,
            role="generator" if party.role == "generator" else "teacher",
            terms=list(party.terms),
        )


def _squash(text: str) -> str:
    return re.sub(r"[\s._\-]+", "", text)


def _check(kind: str, value: Any, plan: dict[str, Any], assumed: bool) -> tuple[bool | None, str]:
    name = plan["student_name"]
    if kind == "name_prefix":
        # names cannot hold spaces: "Llama 3" is met by "Llama-3-...", "Llama_3..." or "Llama3..."
        ok = _squash(name).startswith(_squash(str(value)))
        text = f"student name {name!r} {'begins' if ok else 'does not begin'} with {value!r}"
        if assumed:
            text += " (the plan does not say whether the student is distributed; assumed it is)"
        return ok, text
    if kind == "non_commercial":
        c = plan["commercial"]
        if c is None:
            return None, "the plan does not state intended_use.commercial"
        return (not c), ("the plan is non-commercial" if not c else "the plan is commercial")
    if kind == "user_threshold":
        mau = plan["monthly_active_users"]
        if mau is None:
            return None, f"limit {value:,} monthly active users; the plan does not state its users"
        ok = mau <= int(value)
        return ok, f"{mau:,} planned monthly active users {'within' if ok else 'above'} {value:,}"
    return None, "recorded for the student: its card, exports and licence must carry it"


def _obligations(
    findings: list[RightsFinding], kb: KnowledgeBase, plan: dict[str, Any]
) -> list[Obligation]:
    out: dict[tuple[str, str, str], Obligation] = {}
    for f in findings:
        for h in f.rules:
            if h.status == "undetermined" or h.effect == "allow":
                continue
            rule = next(r for r in kb.licences[h.licence].rules if r.id == h.rule)
            for ob in rule.obligations:
                key = (ob.kind, str(ob.value), h.licence)
                if key in out:
                    continue
                satisfied, check = _check(ob.kind, ob.value, plan, h.status == "assumed")
                out[key] = Obligation(
                    kind=ob.kind,
                    value=ob.value,
                    source=h.licence,
                    satisfied=satisfied,
                    explanation=f"{ob.explain} ({h.licence} {h.clause}); {check}",
                )
    return list(out.values())


def assess(
    document: DistillationDocument,
    context: RightsContext | None = None,
    kb: KnowledgeBase | None = None,
) -> RightsAssessment:
    """Judge a distillation plan against the knowledge base; nothing is written.

    A plan that contradicts what ``context`` knows (a licence, access route, provider or
    dataset kind registered otherwise) is refused with Conflict before it is judged.
    """
    kb = kb or default_knowledge_base()
    ctx: RightsContext = context if context is not None else StaticContext()
    refuse_contradictions(document, ctx, kb)
    engine = _Engine(document, ctx, kb)
    teachers, findings = engine.run()
    obligations = _obligations(findings, kb, engine.plan)
    verdict: RightsVerdict = worst([f.verdict for f in findings])
    cleared = verdict in ("permitted", "conditional") and not any(
        o.satisfied is False for o in obligations
    )
    return RightsAssessment(
        verdict=verdict,
        cleared=cleared,
        teachers=teachers,
        obligations=obligations,
        knowledge_base=kb.version,
        student=document.student.ref,
        document_hash=document_hash(document),
        assessed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        findings=findings,
    )
