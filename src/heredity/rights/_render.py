"""Plain-text renderings of an assessment and of a licence, for the terminal and for reviewers."""

from __future__ import annotations

import datetime as dt

from heredity.rights._assessment import RightsAssessment
from heredity.rights._gate import EffectiveRights
from heredity.rights._kb import KnowledgeBase
from heredity.rights._schema import LicenceSpec

DISCLAIMER = "Decision support for legal review, not legal advice."


def render_assessment(a: RightsAssessment, kb: KnowledgeBase | None = None) -> str:
    """Explain every finding with its clause and source."""
    lines = [
        f"Rights assessment of {a.student}: {a.verdict.upper()} "
        f"({'cleared' if a.cleared else 'NOT cleared'})",
        f"knowledge base {a.knowledge_base}; document {a.document_hash[:16]}",
        "",
    ]
    for f in a.findings:
        head = f"[{f.verdict}] {f.role} {f.subject}"
        head += f" under {f.licence}" if f.licence else ""
        if f.topic == "platform":
            head += " (platform terms of the access route)"
        if f.via:
            head += f" (inherited: {f.via})"
        lines.append(head)
        if f.rules:
            for h in f.rules:
                mark = {"applies": "", "assumed": " [assumed]", "undetermined": " [undetermined]"}
                lines.append(
                    f"  - {h.licence} {h.clause} -> {h.effect}{mark[h.status]}: {h.explanation}"
                )
                if h.missing:
                    lines.append(f"      missing from the plan: {', '.join(h.missing)}")
                lines.append(f"      source: {h.source} (evidence: {h.evidence})")
        else:
            lines.extend(f"  - {r}" for r in f.reasons)
    if a.obligations:
        lines += ["", "Obligations:"]
        for o in a.obligations:
            state = {True: "met", False: "UNMET", None: "recorded"}[o.satisfied]
            value = f" {o.value!r}" if o.value is not None else ""
            lines.append(f"  - [{state}] {o.kind}{value} ({o.source}): {o.explanation}")
    if not a.cleared:
        lines += ["", "Not cleared because:"]
        lines += [f"  - {b}" for b in a.blocking]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)


def _when(at: str | None) -> str:
    if not at:
        return "(not stored)"
    when = dt.datetime.fromisoformat(at).astimezone(dt.UTC)
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def render_effective(eff: EffectiveRights) -> str:
    """The effective state: the engine's verdict, and what cleared (or decided) it, by whom, when."""
    mark = "CLEARED" if eff.cleared else "NOT cleared"
    where = (
        f"assessment {eff.assessment_id}"
        if eff.assessment_id
        else "assessment not stored (rights check --record stores it)"
    )
    lines = [
        f"effective: {mark} ({eff.state}); the engine's verdict is {eff.verdict}",
        f"  {where} of {eff.student}: {eff.explanation}",
    ]
    for d in eff.decided_by:
        who = (d.actor or "?") + (f" on behalf of {d.on_behalf_of}" if d.on_behalf_of else "")
        lines.append(
            f"  decided by {d.kind.replace('_', ' ')} {d.record or '(not stored)'}: "
            f"{who if d.record else 'the engine'}, {_when(d.at)}"
        )
    return "\n".join(lines)


def render_licence(spec: LicenceSpec, kb: KnowledgeBase | None = None) -> str:
    """A licence's facts, rules and sources."""
    lines = [
        f"{spec.id}: {spec.title}",
        f"kind {spec.kind}; version {spec.version}"
        + (f"; dated {spec.date.isoformat()}" if spec.date else "")
        + f"; evidence {spec.evidence}",
    ]
    if spec.aliases:
        lines.append("aliases: " + ", ".join(spec.aliases))
    if spec.platform:
        lines.append(
            f"platform terms: added for access {', '.join(spec.platform.access)} via "
            f"{', '.join(spec.platform.providers)}"
        )
    if kb is not None and spec.id in kb.files:
        lines.append(f"file: {kb.files[spec.id]}")
    lines += ["", spec.summary.strip()]
    if spec.uncertain:
        lines += ["", "Uncertain: " + spec.uncertain.strip()]
    lines += ["", "Rules:"]
    for r in spec.rules:
        when = r.when.model_dump(exclude_none=True)
        lines.append(f"  {r.id}: {r.effect} (clause {r.clause})")
        lines.append(f"    when: {when or 'always'}")
        if r.carries_forward:
            lines.append("    carries forward to descendants")
        lines.append(f"    {r.explain.strip()}")
        for ob in r.obligations:
            lines.append(
                f"    obligation {ob.kind}" + (f" {ob.value!r}" if ob.value is not None else "")
            )
    lines += ["", "Sources:"]
    lines += [f"  - {s.url}" + (f" ({s.title})" if s.title else "") for s in spec.sources]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)
