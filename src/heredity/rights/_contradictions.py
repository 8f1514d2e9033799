"""A plan that contradicts what is registered is refused, never judged on its own word (4.3).

The rights engine reads a licence from the plan and from the registry; when they name different
licences the plan is wrong or the registry is, and judging the plan's version would let a plan
clear itself (a dataset registered ``cc-by-nc-4.0`` declared ``apache-2.0``). So a contradiction
is a Conflict naming the reference, both values and where each comes from, before anything is
judged or written: in ``rights check``, the trainer's gate and ``record``.
"""

from __future__ import annotations

from pydantic import BaseModel

from heredity.errors import Conflict
from heredity.records import DistillationDocument
from heredity.rights._context import RightsContext
from heredity.rights._kb import UNDECLARED, KnowledgeBase, default_knowledge_base, normalise

# An API-only model has no weights anyone outside its provider holds: a plan that says it read
# them contradicts the registry (and would escape the provider's platform terms).
_WEIGHTS_ACCESS = ("open-weights", "internal")


class Contradiction(BaseModel):
    """One fact the plan states differently from the registry (or a model card)."""

    ref: str
    field: str
    plan: str
    other: str
    source: str

    @property
    def text(self) -> str:
        """``teachers[0].licence of X: the registry says A (registered by ...); the plan says B``."""
        return (
            f"{self.field} of {self.ref}: {self.source} says {self.other}; "
            f"the plan says {self.plan}"
        )


def _declared(value: str | None) -> bool:
    return value is not None and normalise(value) not in UNDECLARED


def same_licence(a: str | None, b: str | None, kb: KnowledgeBase | None = None) -> bool:
    """Whether two licence names do not contradict: either undeclared, or the same licence
    (the same knowledge-base id, alias or spelling)."""
    if not _declared(a) or not _declared(b):
        return True
    assert a is not None and b is not None
    kb = kb or default_knowledge_base()
    ra, rb = kb.resolve(a), kb.resolve(b)
    if ra is not None and rb is not None:
        return ra == rb
    return normalise(a) == normalise(b)


def _registry(recorded: str | None) -> str:
    return f"the registry ({recorded})" if recorded else "the registry"


def contradictions(
    document: DistillationDocument, context: RightsContext, kb: KnowledgeBase | None = None
) -> list[Contradiction]:
    """Every licence, access route, provider or dataset kind the plan states differently from
    what ``context`` knows (the registry, a model card in a registered model directory)."""
    kb = kb or default_knowledge_base()
    out: list[Contradiction] = []
    for i, t in enumerate(document.teachers):
        where = f"teachers[{i}]"
        facts = context.model(t.model)
        if facts is not None:
            src = _registry(facts.recorded)
            if facts.licence and not same_licence(t.licence, facts.licence, kb):
                out.append(
                    Contradiction(
                        ref=t.model,
                        field=f"{where}.licence",
                        plan=str(t.licence),
                        other=facts.licence,
                        source=src,
                    )
                )
            if facts.access == "api" and t.access in _WEIGHTS_ACCESS:
                out.append(
                    Contradiction(
                        ref=t.model,
                        field=f"{where}.access",
                        plan=str(t.access),
                        other="api (an API-only model: nobody outside its provider holds its "
                        "weights)",
                        source=src,
                    )
                )
            if (
                t.provider
                and facts.provider
                and "api" in (t.access, facts.access)
                and t.provider.strip().casefold() != facts.provider.strip().casefold()
            ):
                out.append(
                    Contradiction(
                        ref=t.model,
                        field=f"{where}.provider",
                        plan=t.provider,
                        other=facts.provider,
                        source=src,
                    )
                )
        local = context.local_licence(t.model)
        if local is not None:
            card = local.card_license
            if card and not _declared(card):
                card = local.card_license_name
            if card and not same_licence(t.licence, card, kb):
                out.append(
                    Contradiction(
                        ref=t.model,
                        field=f"{where}.licence",
                        plan=str(t.licence),
                        other=card,
                        source=f"the model card in {local.path}",
                    )
                )
    for j, d in enumerate(document.datasets):
        found = context.dataset(d.ref)
        if found is None:
            continue
        src = _registry(found.recorded)
        if found.licence and not same_licence(d.licence, found.licence, kb):
            out.append(
                Contradiction(
                    ref=d.ref,
                    field=f"datasets[{j}].licence",
                    plan=str(d.licence),
                    other=found.licence,
                    source=src,
                )
            )
        if found.kind and d.kind != found.kind:
            out.append(
                Contradiction(
                    ref=d.ref,
                    field=f"datasets[{j}].kind",
                    plan=d.kind,
                    other=found.kind,
                    source=src,
                )
            )
    return out


def refuse_contradictions(
    document: DistillationDocument, context: RightsContext, kb: KnowledgeBase | None = None
) -> None:
    """Conflict (exit 2, nothing judged or written) when the plan contradicts ``context``."""
    found = contradictions(document, context, kb)
    if not found:
        return
    refs = ", ".join(dict.fromkeys(c.ref for c in found))
    raise Conflict(
        f"the plan contradicts what is registered about {refs}; a plan cannot clear itself "
        "by declaring other facts, so nothing was judged or written. Correct the plan to match "
        "(or, if the registered facts are wrong, register a new version with the right ones)",
        details=[c.text for c in found],
    )
