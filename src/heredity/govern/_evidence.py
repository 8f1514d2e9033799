"""The evidence a student stands on: provenance, rights, transfer and its own evaluations.

Shared by approval requests (what is missing?) and the conformance audit (8.1-8.3): one reading of
the records, so an approval and the audit never disagree about the same student.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import NotFound
from heredity.evaluate import EvaluationRun
from heredity.govern._common import parse_time, plan_suites
from heredity.govern._policy import ApprovalPolicy, EvidenceRules
from heredity.records import (
    DraftResponsible,
    FieldProblem,
    ProvenanceDraft,
    RecordBody,
    RecordKind,
    Stored,
    short_name,
)
from heredity.rights import Obligation, RightsAssessment, effective
from heredity.transfer import TransferAssessmentRecord

if TYPE_CHECKING:
    from heredity.registry import Registry

SAFETY_DIMENSIONS = ("safety_refusal", "over_refusal", "bias")
SCORECARD_DIMENSIONS = ("task_accuracy", "safety_refusal", "reasoning", "factuality")
# Obligations that follow a model to its students (DESIGN: "obligations carry forward").
CARRIED_KINDS = (
    "name_prefix",
    "attribution",
    "licence_copy",
    "notice",
    "pass_use_restrictions",
    "non_commercial",
)


class Problem(BaseModel):
    """One thing wrong with a piece of evidence, with the command that fixes it."""

    requirement: str
    message: str
    fix: str
    blocking_only: bool = Field(
        False,
        description="a gap that must block approval but is no audit failure by itself "
        "(an unwaived breach on a model that is not approved)",
    )


class TransferWaiver(RecordBody):
    """A waiver of a transfer assessment's breach: who granted it and why (``transfer_waiver``)."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.TRANSFER_WAIVER

    format: int = 1
    assessment: str
    student: str
    teacher: str | None
    dimensions: list[str]
    justification: str
    granted_by: str
    policy: str


def run_start(draft: ProvenanceDraft) -> tuple[dt.datetime | None, bool]:
    """When the distillation started, and whether it was assumed from the document date."""
    started = parse_time(draft.run.started_at if draft.run else None)
    if started is not None:
        return started, False
    return parse_time(draft.date), True


def validate_body(draft: ProvenanceDraft) -> list[FieldProblem]:
    """Every way a stored provenance body fails the 4.1 document model."""
    return draft.problems()


# -- rights (4.3) ------------------------------------------------------------------------------
class RightsCheck(BaseModel):
    """The assessment a distillation relies on, its effective state and what is wrong with it."""

    assessment: str | None = None
    created_at: dt.datetime | None = None
    verdict: str | None = None
    state: str | None = None
    cleared: bool = False
    run_start: dt.datetime | None = None
    run_start_assumed: bool = False
    obligations: list[Obligation] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)


class Recorded(BaseModel):
    """When a record was written, as the registry knows it: its time and its ledger event."""

    id: str
    at: dt.datetime
    seq: int | None

    def before(self, other: Recorded) -> bool:
        """Written before ``other``: by ledger order (the write lock orders them), else time."""
        if self.seq is not None and other.seq is not None:
            return self.seq < other.seq
        return self.at <= other.at

    @property
    def text(self) -> str:
        event = f", ledger event {self.seq}" if self.seq is not None else ""
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC{event}"


def recorded(registry: Registry, record_id: str, at: dt.datetime) -> Recorded:
    """When ``record_id`` was written: its ``created_at`` and the ledger event that wrote it."""
    events = registry.ledger_events(entity=f"record:{record_id}", limit=1)
    return Recorded(id=record_id, at=at, seq=events[0].seq if events else None)


def first_provenance(registry: Registry, student: str) -> Recorded | None:
    """When ``student``'s distillation was first recorded (its oldest provenance record)."""
    headers = registry.headers(RecordKind.DISTILLATION, subject=student)
    if not headers:
        return None
    oldest = headers[-1]
    return recorded(registry, oldest.id, oldest.created_at)


def _effective(registry: Registry, rec: Stored[RightsAssessment]) -> tuple[bool, str, str]:
    """(cleared, state, explanation) of an assessment with its reviews and authorizations."""
    eff = effective(registry, rec.id)
    return eff.cleared, eff.state, eff.explanation


def check_rights(registry: Registry, student: str, draft: ProvenanceDraft) -> RightsCheck:
    """Test 8.3 for one student: assessed before the run started, cleared, obligations carried.

    The time that counts is recorded time: the assessment must have been recorded before the
    student's provenance record was (ledger order), whatever dates the document types. A typed
    run start (``run.started_at``, else the document date) earlier than the assessment fails
    too; a typed date can only make the check stricter, never pass it.
    """
    start, assumed = run_start(draft)
    provenance = first_provenance(registry, student)
    out = RightsCheck(run_start=start, run_start_assumed=assumed)
    plan = "the plan (heredity rights check PLAN.yaml --record)"
    named = draft.run.rights_assessment if draft.run else None
    rec: Stored[RightsAssessment] | None = None
    if named:
        try:
            header = registry.header(named)
        except NotFound:
            out.problems.append(
                Problem(
                    requirement="4.3",
                    message=f"run.rights_assessment names {named}, which is not in the registry",
                    fix=f"assess {plan} before distilling and record the assessment id",
                )
            )
            return out
        if header.kind != RecordKind.RIGHTS_ASSESSMENT or header.subject != student:
            out.problems.append(
                Problem(
                    requirement="4.3",
                    message=f"run.rights_assessment {named} is a {header.kind} of {header.subject}, "
                    f"not a rights assessment of {student}",
                    fix=f"assess {plan} and record its id",
                )
            )
            return out
        rec = registry.get(named, RightsAssessment)
    else:
        found = registry.find(RightsAssessment, subject=student)
        if not found:
            out.problems.append(
                Problem(
                    requirement="4.3",
                    message="no rights assessment of this distillation",
                    fix=f"assess {plan} before distilling",
                )
            )
            return out
        states = [(r, _effective(registry, r)[0]) for r in found]
        before = [
            r
            for r, ok in states
            if ok
            and (start is None or r.created_at <= start)
            and (provenance is None or recorded(registry, r.id, r.created_at).before(provenance))
        ]
        cleared = [r for r, ok in states if ok]
        rec = (before or cleared or found)[0]
    ok, state, explanation = _effective(registry, rec)
    a = rec.body
    out.assessment, out.created_at, out.verdict = rec.id, rec.created_at, a.verdict
    out.state, out.cleared = state, ok
    out.obligations = list(a.obligations)
    out.records = [rec.id]
    mine = recorded(registry, rec.id, rec.created_at)
    if provenance is not None and not mine.before(provenance):
        out.problems.append(
            Problem(
                requirement="4.3",
                message=f"rights assessment {rec.id} was recorded {mine.text}, after the "
                f"distillation's provenance record {provenance.id} ({provenance.text}); "
                "what counts is when each was recorded, not a date the document gives",
                fix=f"assess {plan} before distilling; a later assessment cannot clear an earlier "
                "run (heredity rights check PLAN.yaml --record before training, or train with "
                "heredity.capture.attach, which gates before the first step)",
            )
        )
    if start is None and provenance is None:
        out.problems.append(
            Problem(
                requirement="4.3",
                message="the record gives no run start and no date to compare with",
                fix="record run.started_at (the capture callback does) or the document date",
            )
        )
    elif start is not None and rec.created_at > start:
        out.problems.append(
            Problem(
                requirement="4.3",
                message=f"rights assessment {rec.id} was made {rec.created_at:%Y-%m-%d %H:%M:%S} UTC, after "
                f"the distillation started ({start:%Y-%m-%d %H:%M:%S} UTC"
                f"{', taken from the document date' if assumed else ''})",
                fix=f"assess {plan} before distilling; a later assessment cannot clear an earlier run "
                "(heredity rights check PLAN.yaml --record before training, or train with "
                "heredity.capture.attach, which gates before the first step)",
            )
        )
    if not ok:
        fix = (
            f"heredity rights review {rec.id} --decision approve|reject --basis TEXT"
            if state == "needs_review"
            else f"heredity rights authorize {rec.id} --evidence REF --basis TEXT, or change the plan"
        )
        out.problems.append(
            Problem(
                requirement="4.3",
                message=f"rights assessment {rec.id} is not cleared ({a.verdict}, "
                f"{state}): {explanation}",
                fix=fix,
            )
        )
    covered = {t.model for t in a.teachers}
    for teacher in draft.all_teacher_refs:
        if teacher not in covered:
            out.problems.append(
                Problem(
                    requirement="4.3",
                    message=f"rights assessment {rec.id} does not cover teacher {teacher}",
                    fix=f"re-assess {plan} with every teacher listed",
                )
            )
    name = (draft.student.name if draft.student else None) or student.rpartition("@")[0]
    for o in out.obligations:
        if o.kind == "name_prefix" and o.value and not short_name(name).startswith(str(o.value)):
            out.problems.append(
                Problem(
                    requirement="4.3",
                    message=f"obligation name_prefix {o.value!r} ({o.source}) is not carried: the "
                    f"student is named {name}",
                    fix=f"rename the student to begin with {o.value!r} and record it",
                )
            )
    out.problems += _inherited(registry, draft, out)
    return out


def _inherited(registry: Registry, draft: ProvenanceDraft, mine: RightsCheck) -> list[Problem]:
    """Obligations of a distilled teacher's own cleared assessment that the student does not carry."""
    have = {(o.kind, str(o.value)) for o in mine.obligations}
    problems: list[Problem] = []
    for teacher in draft.all_teacher_refs:
        parent = registry.distillation_for(teacher, ProvenanceDraft)
        if parent is None:
            continue
        for rec in registry.find(RightsAssessment, subject=teacher):
            if not _effective(registry, rec)[0]:
                continue
            for o in rec.body.obligations:
                if o.kind in CARRIED_KINDS and (o.kind, str(o.value)) not in have:
                    problems.append(
                        Problem(
                            requirement="4.3",
                            message=f"obligation {o.kind} {o.value!r} of teacher {teacher} "
                            f"(assessment {rec.id}) is not carried by the student's assessment",
                            fix="re-assess the plan so inherited terms apply "
                            "(heredity rights check PLAN.yaml --record)",
                        )
                    )
            break
    return problems


# -- transfer (4.2, 4.6) ---------------------------------------------------------------------------
class TransferCheck(BaseModel):
    """The newest transfer assessment against each teacher, waivers, and what is wrong."""

    assessments: dict[str, str] = Field(default_factory=dict, description="teacher -> record id")
    verdicts: dict[str, str] = Field(default_factory=dict)
    breaches: dict[str, list[str]] = Field(
        default_factory=dict, description="teacher -> dimensions"
    )
    waivers: dict[str, str] = Field(default_factory=dict, description="assessment id -> waiver id")
    suites: dict[str, list[str]] = Field(default_factory=dict)
    student_digests: dict[str, str] = Field(default_factory=dict, description="suite -> digest")
    dimensions: list[str] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    warnings: list[Problem] = Field(default_factory=list)


def check_transfer(
    registry: Registry,
    student: str,
    teachers: list[str],
    suites: list[str],
    rules: EvidenceRules | None = None,
) -> TransferCheck:
    """Test 8.2 for one student: same suites (same digests) for teacher and student, verdicts
    documented, a breach waived or blocking; 4.6 scorecard coverage as warnings."""
    rules = rules or EvidenceRules()
    out = TransferCheck()
    found = registry.find(TransferAssessmentRecord, subject=student)
    waivers = registry.find(TransferWaiver, subject=student)
    assess = f"heredity assess --teacher {{t}} --student {student}" + "".join(
        f" --suite {s}" for s in suites
    )
    for teacher in teachers:
        rec = next((r for r in found if r.body.covers(teacher)), None)
        if rec is None:
            out.problems.append(
                Problem(
                    requirement="4.2",
                    message=f"no transfer assessment against teacher {teacher}",
                    fix=assess.format(t=teacher),
                )
            )
            continue
        b = rec.body
        out.assessments[teacher] = rec.id
        out.records.append(rec.id)
        out.verdicts[teacher] = b.verdict
        assessed = list(b.evidence.suites)
        t_dig, s_dig = b.evidence.teacher_suite_digests, b.evidence.student_suite_digests
        out.suites[teacher] = assessed
        lacking = [s for s in suites if s not in assessed]
        if lacking:
            out.problems.append(
                Problem(
                    requirement="4.2",
                    message=f"transfer assessment {rec.id} (teacher {teacher}) does not cover suite(s) "
                    f"{', '.join(lacking)} of the evaluation plan",
                    fix=assess.format(t=teacher),
                )
            )
        for s in assessed:
            td, sd = t_dig.get(s), s_dig.get(s)
            if sd:
                out.student_digests.setdefault(s, sd)
            if not td or not sd:
                out.problems.append(
                    Problem(
                        requirement="4.2",
                        message=f"transfer assessment {rec.id}: suite {s} has no recorded content digest for the "
                        f"{'teacher' if not td else 'student'}",
                        fix=assess.format(t=teacher),
                    )
                )
            elif td != sd:
                out.problems.append(
                    Problem(
                        requirement="4.2",
                        message=f"transfer assessment {rec.id}: teacher {teacher} and the student ran different "
                        f"versions of suite {s} (digests {td[:19]} vs {sd[:19]})",
                        fix=f"re-evaluate both on the same suite, then {assess.format(t=teacher)}",
                    )
                )
        dims = b.dimensions
        undocumented = [d.name for d in dims if not d.verdict]
        if not dims or undocumented or b.verdict not in ("pass", "fail", "inconclusive"):
            what = ", ".join(undocumented) if undocumented else "the assessment"
            out.problems.append(
                Problem(
                    requirement="4.2",
                    message=f"transfer assessment {rec.id}: no verdict documented for {what}",
                    fix=assess.format(t=teacher),
                )
            )
        names = [d.name for d in dims]
        out.dimensions += [n for n in names if n not in out.dimensions]
        if dims and not any(n in SAFETY_DIMENSIONS for n in names):
            out.problems.append(
                Problem(
                    requirement="4.2",
                    message=f"transfer assessment {rec.id} measures no safety dimension "
                    f"({', '.join(SAFETY_DIMENSIONS)})",
                    fix=assess.format(t=teacher) + " --suite safety-refusal",
                )
            )
        # A multi-teacher student is measured against each teacher on its role's dimensions:
        # a breach is the teacher's it was measured against, not every teacher's.
        against = b.dimensions_against(teacher)
        breach = [d.name for d in against if d.verdict == "breach"]
        unsure = [d.name for d in against if d.verdict == "inconclusive"]
        waiver = next((w for w in waivers if w.body.assessment == rec.id), None)
        if waiver is not None and rules.waivers:
            out.waivers[rec.id] = waiver.id
            out.records.append(waiver.id)
        if breach:
            out.breaches[teacher] = breach
        if breach and not (waiver and rules.waivers):
            out.problems.append(
                Problem(
                    requirement="4.2",
                    blocking_only=True,
                    message=f"breach against teacher {teacher} on {', '.join(breach)} (assessment {rec.id}) "
                    "with no waiver",
                    fix=f"heredity approval waive {rec.id} --justification TEXT, or re-distil "
                    "with a safety-aware objective",
                )
            )
        if unsure and rules.inconclusive_blocks and not (waiver and rules.waivers):
            out.problems.append(
                Problem(
                    requirement="4.2",
                    blocking_only=True,
                    message=f"inconclusive against teacher {teacher} on {', '.join(unsure)} (assessment "
                    f"{rec.id}): too few items to rule out a breach",
                    fix=f"evaluate on more items and re-assess, or heredity approval waive {rec.id} "
                    "--justification TEXT",
                )
            )
    if out.records:
        lacking = [d for d in SCORECARD_DIMENSIONS if d not in out.dimensions]
        if lacking:
            out.warnings.append(
                Problem(
                    requirement="4.6",
                    message=f"the transfer scorecard does not cover {', '.join(lacking)}",
                    fix=f"heredity assess --teacher TEACHER --student {student} --suite SUITE "
                    f"(a suite for each of {', '.join(lacking)})",
                )
            )
    return out


# -- the student's own evaluations -----------------------------------------------------------------
def check_evaluations(
    registry: Registry, student: str, suites: list[str], digests: dict[str, str]
) -> tuple[list[str], list[Problem]]:
    """The student's own evaluation records on every suite (same digest as its assessment)."""
    records: list[str] = []
    problems: list[Problem] = []
    own = registry.find(EvaluationRun, subject=student)
    for suite in suites:
        runs = [r for r in own if r.body.suite == suite]
        want = digests.get(suite)
        match = [r for r in runs if not want or r.body.suite_digest == want]
        if match:
            records.append(match[0].id)
            continue
        extra = (
            f" with digest {want[:19]} (the one its transfer assessment used)"
            if runs and want
            else ""
        )
        problems.append(
            Problem(
                requirement="4.5",
                message=f"no evaluation of {student} itself on suite {suite}{extra}",
                fix=f"heredity evaluate {student} --suite {suite}",
            )
        )
    return records, problems


# -- everything an approval needs ------------------------------------------------------------------
class EvidenceItem(BaseModel):
    """One requirement of the policy and whether the student meets it."""

    requirement: Literal["provenance", "rights", "transfer", "evaluation"]
    clause: str
    ok: bool
    summary: str
    missing: list[str] = Field(default_factory=list)
    fixes: list[str] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list)


class TeacherContext(BaseModel):
    """A teacher's own approval, shown with a student's evidence for context only (4.5)."""

    teacher: str
    status: str
    approval: str | None
    note: str = "context only: a teacher's approval never counts for its student (4.5)"


class Evidence(BaseModel):
    """What a student stands on, under one policy version."""

    student: str
    policy: str
    distilled: bool
    distillation: str | None = None
    responsible: DraftResponsible | None = None
    suites: list[str] = Field(default_factory=list)
    obligations: list[Obligation] = Field(default_factory=list)
    required_roles: list[str] = Field(default_factory=list)
    items: list[EvidenceItem]
    teacher_approvals: list[TeacherContext] = Field(
        default_factory=list,
        exclude=True,
        description="shown for context only: never counts for the student (4.5); not stored "
        "with the evidence (an approval request keeps it beside)",
    )

    @property
    def complete(self) -> bool:
        return all(i.ok for i in self.items)

    @property
    def missing(self) -> list[str]:
        return [f"{i.requirement}: {m}" for i in self.items for m in i.missing]

    @property
    def record_ids(self) -> list[str]:
        return [r for i in self.items for r in i.records]


def _item(
    requirement: str, clause: str, ok_text: str, problems: list[Problem], records: list[str]
) -> EvidenceItem:
    return EvidenceItem(
        requirement=requirement,  # type: ignore[arg-type]
        clause=clause,
        ok=not problems,
        summary=ok_text if not problems else f"{len(problems)} gap(s)",
        missing=[p.message for p in problems],
        fixes=list(dict.fromkeys(p.fix for p in problems)),
        records=records,
    )


def gather_evidence(registry: Registry, student: str, policy: ApprovalPolicy) -> Evidence:
    """Read every piece of evidence the policy asks of ``student`` (its own, never its teacher's)."""
    registry.get_model(student)
    rules = policy.evidence
    dist = registry.distillation_for(student, ProvenanceDraft)
    items: list[EvidenceItem] = []
    if dist is None:
        suites = list(dict.fromkeys(rules.suites))
        if rules.own_evaluations:
            recs, probs = check_evaluations(registry, student, suites, {})
            if not suites:
                probs.append(
                    Problem(
                        requirement="4.5",
                        message="the policy names no suite to evaluate on",
                        fix="publish a policy version with evidence.suites",
                    )
                )
            items.append(
                _item("evaluation", "4.5", f"own evaluations on {', '.join(suites)}", probs, recs)
            )
        return Evidence(
            student=student,
            policy=policy.ref,
            distilled=False,
            suites=suites,
            required_roles=policy.required_roles(False),
            items=items,
        )
    draft = dist.body
    suites = list(dict.fromkeys([*plan_suites(draft), *rules.suites]))
    teachers = draft.all_teacher_refs
    if rules.provenance:
        probs = [
            Problem(
                requirement="4.1",
                message=f"provenance record {dist.id}: {p}",
                fix="record an amended document (heredity record DOC.yaml with supersedes)",
            )
            for p in validate_body(draft)
        ]
        items.append(_item("provenance", "4.1", f"provenance record {dist.id}", probs, [dist.id]))
    rights = check_rights(registry, student, draft)
    if rules.rights_before_run:
        items.append(
            _item(
                "rights",
                "4.3",
                f"assessment {rights.assessment} ({rights.verdict}, {rights.state}) "
                "made before the run",
                rights.problems,
                rights.records,
            )
        )
    digests: dict[str, str] = {}
    if rules.transfer:
        tr = check_transfer(registry, student, teachers, suites, rules)
        digests = tr.student_digests
        probs = list(tr.problems)
        if not suites:
            probs.append(
                Problem(
                    requirement="4.2",
                    message="no suites: the evaluation plan and the policy name none",
                    fix="add evaluation_plan.suites to the provenance record",
                )
            )
        verdicts = ", ".join(f"{t}: {v}" for t, v in tr.verdicts.items())
        items.append(_item("transfer", "4.2", f"transfer assessed ({verdicts})", probs, tr.records))
    if rules.own_evaluations:
        recs, probs = check_evaluations(registry, student, suites, digests)
        items.append(
            _item("evaluation", "4.5", f"own evaluations on {', '.join(suites)}", probs, recs)
        )
    has_obligations = bool(rights.obligations) or rights.verdict == "conditional"
    return Evidence(
        student=student,
        policy=policy.ref,
        distilled=True,
        distillation=dist.id,
        responsible=draft.responsible,
        suites=suites,
        obligations=rights.obligations,
        required_roles=policy.required_roles(has_obligations),
        items=items,
    )
