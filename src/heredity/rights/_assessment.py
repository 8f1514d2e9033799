"""The rights assessment record: the JSON contract of DESIGN.md plus the findings behind it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.records import RecordBody, RecordKind, Responsible

RightsVerdict = Literal["permitted", "conditional", "needs_review", "prohibited"]
VERDICTS: tuple[RightsVerdict, ...] = ("permitted", "conditional", "needs_review", "prohibited")
_RANK = {v: i for i, v in enumerate(VERDICTS)}
EFFECT_VERDICT: dict[str, RightsVerdict] = {
    "allow": "permitted",
    "condition": "conditional",
    "review": "needs_review",
    "deny": "prohibited",
}


def worst(verdicts: list[RightsVerdict], default: RightsVerdict = "needs_review") -> RightsVerdict:
    """Combine verdicts: prohibited > needs_review > conditional > permitted."""
    return max(verdicts, key=_RANK.__getitem__) if verdicts else default


def rank(verdict: RightsVerdict) -> int:
    """Severity of a verdict (0 = permitted)."""
    return _RANK[verdict]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleHit(_Record):
    """One rule of one licence that bears on the plan, and why."""

    licence: str
    rule: str
    effect: Literal["allow", "condition", "review", "deny"]
    verdict: RightsVerdict
    clause: str
    explanation: str
    source: str
    evidence: str
    status: Literal["applies", "assumed", "undetermined"] = Field(
        description="applies: the facts match; assumed: a fact is missing and the rule is applied "
        "to be safe; undetermined: a fact is missing, so the rule needs review"
    )
    missing: list[str] = Field(default_factory=list, description="plan facts the rule needed")


class RightsFinding(_Record):
    """The judgement of one party (teacher, generator, init_from base, dataset) under a licence."""

    subject: str
    role: Literal["teacher", "generator", "init_from", "dataset", "inherited"]
    topic: Literal["licence", "platform", "inherited", "evidence"]
    licence: str | None
    verdict: RightsVerdict
    reasons: list[str]
    clauses: list[str]
    rules: list[RuleHit] = Field(default_factory=list)
    via: str | None = Field(
        default=None, description="for inherited terms: the path they came along"
    )


class TeacherFinding(_Record):
    """One teacher (direct or generator of synthetic data) and everything that bears on it."""

    model: str
    licence: str | None
    verdict: RightsVerdict
    reasons: list[str]
    clauses: list[str]
    obligations: list[str]
    role: Literal["teacher", "generator"] = "teacher"
    terms: list[str] = Field(default_factory=list, description="every licence or terms id applied")


class Obligation(_Record):
    """An obligation the plan or the student must meet; ``satisfied`` is None when not checkable."""

    kind: str
    value: str | int | None
    source: str
    satisfied: bool | None
    explanation: str


class RightsAssessment(RecordBody):
    """The verdict on a distillation plan (4.3, 4.8) with every finding and obligation.

    Stored as the body of a ``rights_assessment`` record, with ``facts_hash`` (the hash of the
    plan's rights facts, which lets a review of one plan hold for another with the same facts)
    and ``responsible`` (the plan's responsible party, who may not decide on it). Format 2 added
    ``responsible``; a format-1 body does not name one.
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.RIGHTS_ASSESSMENT
    omit_none = frozenset({"facts_hash", "responsible"})

    format: int = 2
    verdict: RightsVerdict
    cleared: bool
    teachers: list[TeacherFinding]
    obligations: list[Obligation]
    knowledge_base: str
    student: str
    document_hash: str
    assessed_at: str
    findings: list[RightsFinding]
    facts_hash: str | None = Field(
        None, description="hash of the plan's rights facts (set when the assessment is stored)"
    )
    responsible: Responsible | None = Field(
        None, description="the plan's responsible party (set when the assessment is stored)"
    )

    @classmethod
    def upgrade(cls, data: dict[str, Any], from_format: int) -> dict[str, Any]:
        """Format 1 named no responsible party: read as not known."""
        if from_format == 1:
            return data
        return super().upgrade(data, from_format)

    @property
    def needs_review(self) -> bool:
        """Whether a legal review must clear it (needs_review overall or for any party)."""
        return self.verdict == "needs_review" or any(
            f.verdict == "needs_review" for f in self.findings
        )

    @property
    def needs_authorization(self) -> bool:
        """Whether only an authorization can clear it (prohibited, or an obligation unmet)."""
        return self.verdict == "prohibited" or any(o.satisfied is False for o in self.obligations)

    def same_judgement(self, other: RightsAssessment) -> bool:
        """Whether two assessments say the same about the same document (their time aside)."""
        mine = self.model_dump(mode="json", exclude={"assessed_at"})
        theirs = other.model_dump(mode="json", exclude={"assessed_at"})
        return mine == theirs

    def holds_for(self, other: RightsAssessment) -> bool:
        """Whether a decision on this assessment holds for ``other``: the same rights facts judged
        the same way (verdict, findings, obligations, knowledge base, responsible party); only the
        document around the facts (its configuration, its run) and the time may differ."""
        if self.facts_hash is None or self.facts_hash != other.facts_hash:
            return False
        skip = {"assessed_at", "document_hash"}
        return self.model_dump(mode="json", exclude=skip) == other.model_dump(
            mode="json", exclude=skip
        )

    @property
    def blocking(self) -> list[str]:
        """Short lines saying why the plan is not cleared (empty when cleared)."""
        out: list[str] = []
        for f in self.findings:
            if f.verdict in ("prohibited", "needs_review"):
                first = f.reasons[0] if f.reasons else ""
                out.append(f"{f.subject} [{f.licence or 'no licence'}] {f.verdict}: {first}")
        for o in self.obligations:
            if o.satisfied is False:
                out.append(f"unmet {o.kind} ({o.source}): {o.explanation}")
        return out
