"""The conformance audit: tests 8.1-8.5 over every distilled model, and the maturity level.

Each finding names the model, the test, the requirement, what is missing and the command that
fixes it. MUST failures fail the test; the SHOULDs (4.6 scorecard, 4.7 reproducibility) are warnings.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from heredity.errors import NotFound
from heredity.govern._approvals import (
    ApprovalDecision,
    Deployment,
    approvals_for,
    current_approval,
)
from heredity.govern._common import html_page, html_table, plan_suites
from heredity.govern._evidence import (
    SAFETY_DIMENSIONS,
    check_rights,
    check_transfer,
    validate_body,
)
from heredity.govern._policy import EvidenceRules, published
from heredity.identity import ADMIN, Party, get_actor, same_person
from heredity.records import DraftConfig, DraftRun, ProvenanceDraft, Stored
from heredity.transfer import TransferAssessmentRecord

if TYPE_CHECKING:
    from heredity.registry import Registry

TESTS = ("8.1", "8.2", "8.3", "8.4", "8.5")
LEVELS = ("none", "basic", "intermediate", "advanced")
Outcome = Literal["pass", "fail", "n/a"]
_AMEND = "heredity record DOC.yaml (the corrected document, with supersedes: {id})"
_FIELD_NAMES = {
    "teachers": "the teacher models",
    "model": "the teacher's identity and version",
    "licence": "the rights basis (teacher licence or terms)",
    "access": "how the teacher was accessed",
    "method": "the distillation method",
    "datasets": "the distillation dataset",
    "name": "the name",
    "version": "the version",
    "kind": "the composition (real/synthetic/hybrid)",
    "examples": "the size (examples)",
    "generated_by": "the generating teachers",
    "responsible": "the responsible party",
    "date": "the date",
    "student": "the student",
}


class AuditFinding(BaseModel):
    """One gap: which test, which requirement, how serious, what is missing, how to fix it."""

    test: str
    requirement: str
    severity: Literal["fail", "warning"]
    message: str
    fix: str


class ModelAudit(BaseModel):
    """One distilled model's results."""

    ref: str
    tests: dict[str, Outcome]
    findings: list[AuditFinding] = Field(default_factory=list)


class Maturity(BaseModel):
    """The organisation's level as the standard defines it, why, and what the next level needs."""

    level: Literal["none", "basic", "intermediate", "advanced"]
    evidence: list[str] = Field(default_factory=list)
    next_level: str | None = None
    needs: list[str] = Field(default_factory=list)


class LedgerAudit(BaseModel):
    """The ledger's verification as the audit ran it: the chain and every entity's state (4.4)."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head: str | None = None
    findings: list[AuditFinding] = Field(default_factory=list)


class AuditReport(BaseModel):
    """The audit: ``{"maturity", "models", "summary", "ledger"}`` in JSON."""

    maturity: Literal["none", "basic", "intermediate", "advanced"]
    models: list[ModelAudit]
    summary: dict[str, Any]
    ledger: LedgerAudit | None = Field(
        None, description="the ledger verification (None: a report made before audits verified it)"
    )

    @property
    def maturity_detail(self) -> Maturity:
        """The maturity level with why, and what the next level needs."""
        return Maturity.model_validate(self.summary["maturity"])

    @property
    def failed(self) -> bool:
        """True when any test of any model failed or the ledger does not verify (exit 1)."""
        if self.ledger is not None and not self.ledger.ok:
            return True
        return any(v == "fail" for m in self.models for v in m.tests.values())

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class _Facts(BaseModel):
    """What the maturity level needs to know about one model."""

    names_teacher_and_method: bool = False
    gated: bool = False
    safety_breach: bool = False
    withdrawn: bool = False
    """Retired without ever holding an approval or a deployment: kept out of service."""
    policies: list[str] = Field(default_factory=list)
    scorecard_warning: bool = False


def _field_text(loc: str) -> str:
    last = [p.partition("[")[0] for p in loc.split(".") if p.partition("[")[0]]
    desc = _FIELD_NAMES.get(last[-1]) if last else None
    return f"{loc} ({desc})" if desc else loc


class _ModelAuditor:
    def __init__(self, registry: Registry, ref: str, dist: Stored[ProvenanceDraft] | None) -> None:
        self.reg = registry
        self.ref = ref
        self.dist = dist
        self.draft = dist.body if dist else ProvenanceDraft()
        self.findings: list[AuditFinding] = []
        self.tests: dict[str, Outcome] = {t: "pass" for t in TESTS}
        self.facts = _Facts()
        found = registry.find_model(ref)
        self.status = found.status if found else None

    def add(
        self, test: str, requirement: str, message: str, fix: str, severity: str = "fail"
    ) -> None:
        self.findings.append(
            AuditFinding(
                test=test,
                requirement=requirement,
                severity=severity,  # type: ignore[arg-type]
                message=f"{self.ref}: {message}",
                fix=fix,
            )
        )
        if severity == "fail":
            self.tests[test] = "fail"

    def run(self) -> tuple[ModelAudit, _Facts]:
        if self.dist is None:
            self.add(
                "8.1",
                "4.1",
                "distilled (the registry records teachers) but has no provenance record",
                "heredity record DOC.yaml",
            )
            for t in ("8.2", "8.3"):
                self.tests[t] = "fail"
        else:
            self.test_81()
            self.test_82()
            self.test_83()
        self.test_84()
        self.test_85()
        return ModelAudit(ref=self.ref, tests=self.tests, findings=self.findings), self.facts

    # 8.1 — provenance complete and consistent (4.1), configuration sufficient (4.7)
    def test_81(self) -> None:
        assert self.dist is not None
        d = self.draft
        fix = _AMEND.format(id=self.dist.id)
        problems = validate_body(d)
        for p in problems:
            what = "is missing" if p.missing else f"is inconsistent: {p.message}"
            self.add("8.1", "4.1", f"provenance field {_field_text(p.path)} {what}", fix)
        student = d.student
        if student is not None and student.name and student.version:
            named = f"{student.name}@{student.version}"
            if named != self.ref:
                self.add(
                    "8.1", "4.1", f"the provenance record describes {named}, not {self.ref}", fix
                )
        teachers = d.teachers
        self.facts.names_teacher_and_method = (
            bool(teachers) and all(t.model for t in teachers) and bool(d.method)
        )
        cfg = d.config or DraftConfig()
        run = d.run or DraftRun()
        uses_logits = any("logits" in (t.signals or ["logits"]) for t in teachers)
        gaps: list[tuple[str, str]] = []
        if uses_logits and cfg.temperature is None:
            gaps.append(
                ("temperature", "the softmax temperature of the KD loss (the method uses logits)")
            )
        if cfg.loss is None:
            gaps.append(("loss", "the loss function"))
        if cfg.seed is None and not run.seeds:
            gaps.append(("seed", "the random seed"))
        fw = cfg.framework
        fw_name = fw.name if fw else None
        if not (fw and fw.version) and not (fw_name and run.versions.get(fw_name)):
            gaps.append(("framework.version", "the training framework and its version"))
        if not any(p.path.startswith("datasets") and p.path.endswith("version") for p in problems):
            for i, ds in enumerate(d.datasets):
                if not ds.version:
                    gaps.append((f"datasets[{i}].version", "the dataset version"))
        for field, desc in gaps:
            self.add(
                "8.1",
                "4.7",
                f"config cannot reproduce the run: {field} ({desc}) is not recorded",
                fix,
                severity="warning",
            )

    # 8.2 — safety transfer assessed on the same suites, breach waived or blocking (4.2, 4.6)
    def test_82(self) -> None:
        rules = EvidenceRules(inconclusive_blocks=False)
        tr = check_transfer(
            self.reg, self.ref, self.draft.all_teacher_refs, plan_suites(self.draft), rules
        )
        live = self.status in ("approved", "deployed")
        for p in tr.problems:
            if p.blocking_only and not live:
                continue
            msg = p.message + (f", yet the model is {self.status}" if p.blocking_only else "")
            self.add("8.2", p.requirement, msg, p.fix)
        for w in tr.warnings:
            self.add("8.2", w.requirement, w.message, w.fix, severity="warning")
        self.facts.scorecard_warning = bool(tr.warnings) or not tr.records
        for rid in dict.fromkeys(tr.assessments.values()):
            b = self.reg.get(rid, TransferAssessmentRecord).body
            self.facts.policies.append(f"{b.policy} {b.policy_digest}".strip())
            if any(d.name in SAFETY_DIMENSIONS and d.verdict == "breach" for d in b.dimensions):
                self.facts.safety_breach = True
        self.facts.withdrawn = (
            self.status == "retired"
            and not any(s.approved_at for s in approvals_for(self.reg, self.ref))
            and not self.reg.find(Deployment, subject=self.ref)
        )

    # 8.3 — rights assessed before the run, cleared or reviewed, obligations carried (4.3)
    def test_83(self) -> None:
        rc = check_rights(self.reg, self.ref, self.draft)
        for p in rc.problems:
            self.add("8.3", p.requirement, p.message, p.fix)
        if rc.run_start_assumed and rc.run_start is not None and rc.assessment:
            self.add(
                "8.3",
                "4.3",
                "the run start is not recorded: the assessment was compared with the "
                "document date at 00:00 UTC",
                "record run.started_at (the capture callback does)",
                severity="warning",
            )
        named = self.draft.run.rights_assessment if self.draft.run else None
        self.facts.gated = bool(named) and not rc.problems

    # 8.4 — traceability both ways, through synthetic data too (4.4)
    def test_84(self) -> None:
        if self.reg.find_model(self.ref) is None:
            self.add(
                "8.4",
                "4.4",
                "the student is not registered, so no lineage query reaches it",
                "heredity record DOC.yaml",
            )
            return
        known = set(self.reg.teachers(self.ref))
        for teacher in self.draft.all_teacher_refs:
            fix = "heredity record DOC.yaml (recording writes the lineage edges)"
            if teacher not in known:
                self.add(
                    "8.4",
                    "4.4",
                    f"the registry does not resolve the student to its teacher {teacher}",
                    fix,
                )
                continue
            try:
                students = self.reg.students(teacher)
            except NotFound:
                students = []
            if self.ref not in students:
                self.add("8.4", "4.4", f"teacher {teacher} does not list the student", fix)

    # 8.5 — every approved or deployed student holds its own approval on its own evidence (4.5)
    def test_85(self) -> None:
        if self.status not in ("approved", "deployed"):
            self.tests["8.5"] = "n/a"
            return
        request_fix = (
            f"heredity approval request {self.ref}, then heredity approval decide ID --approve "
            "--reason TEXT by independent approvers"
        )
        cur = current_approval(self.reg, self.ref)
        deployed_without_record = self.status == "deployed" and not self.reg.find(
            Deployment, subject=self.ref
        )
        if cur is None:
            states = approvals_for(self.reg, self.ref)
            own = (
                f"its own approvals are {', '.join(f'{s.id} {s.status}' for s in states)}"
                if states
                else "it has no approval of its own"
            )
            via = []
            for t in self.draft.all_teacher_refs:
                if self.reg.find_model(t) is not None and current_approval(self.reg, t) is not None:
                    via.append(t)
            msg = f"is {self.status} but {own}"
            if via:
                msg += f"; it is approved only through its teacher {', '.join(via)}, which never counts (4.5)"
            if deployed_without_record:
                msg += "; no deployment was recorded"
            self.add("8.5", "4.5", msg, request_fix)
            return
        resp = self.draft.responsible
        approving = [
            d
            for d in cur.decisions
            if d.decision == "approve" and (cur.approved_at is None or d.at <= cur.approved_at)
        ]
        seen: set[str] = set()
        for d in approving:
            held = get_actor(self.reg, d.actor, at=d.at)
            if same_person(d.actor, held.email if held else None, resp):
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: approver {d.actor} ({d.role}) was the responsible "
                    "party of the distillation",
                    request_fix,
                )
            if same_person(d.actor, held.email if held else None, Party(name=cur.requester)):
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: approver {d.actor} also requested it",
                    request_fix,
                )
            if held is not None and ADMIN in held.roles:
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: approver {d.actor} held the admin role when deciding",
                    request_fix,
                )
            if held is None or d.role not in held.roles:
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: {d.actor} did not hold the role {d.role} when deciding",
                    request_fix,
                )
            if d.actor in seen:
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: {d.actor} filled more than one role",
                    request_fix,
                )
            seen.add(d.actor)
        try:
            pol = published(self.reg, cur.policy)[0]
        except NotFound:
            self.add(
                "8.5",
                "4.5",
                f"approval {cur.id} names policy {cur.policy}, which was never published",
                request_fix,
            )
            pol = None
        if pol is not None and self.dist is not None:
            obligations = bool(check_rights(self.reg, self.ref, self.draft).obligations)
            lacking = [r for r in pol.required_roles(obligations) if r not in cur.filled]
            if lacking:
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id} lacks a decision by {', '.join(lacking)} that "
                    f"policy {pol.ref} requires",
                    request_fix,
                )
        recorded = {r.id: r.body for r in self.reg.find(ApprovalDecision, key=cur.id)}
        for d in approving:
            body = recorded.get(d.id)
            if body is None:
                continue
            if body.evidence_complete is False:
                self.add(
                    "8.5",
                    "4.5",
                    f"approval {cur.id}: {d.actor} approved while evidence was missing",
                    request_fix,
                )
            for rid in body.evidence:
                try:
                    ev = self.reg.header(rid)
                except NotFound:
                    continue
                if ev.subject != self.ref:
                    self.add(
                        "8.5",
                        "4.5",
                        f"approval {cur.id} rests on {ev.kind} {rid} of {ev.subject}, not on "
                        "the student's own evidence",
                        request_fix,
                    )
        if deployed_without_record:
            self.add(
                "8.5",
                "4.5",
                "is deployed but no deployment was recorded",
                f"heredity deploy {self.ref} (a deployment needs the model's own approval)",
            )


def _ledger_audit(registry: Registry) -> LedgerAudit:
    """Verify the ledger (hash chain, then every entity against its last event)."""
    result = registry.verify_ledger()
    out = LedgerAudit(
        ok=result.ok,
        events=result.events,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem,
        head=result.head,
    )
    if not result.ok:
        out.findings.append(
            AuditFinding(
                test="ledger",
                requirement="4.4",
                severity="fail",
                message=f"the ledger does not verify: first bad event {result.first_bad_seq}: "
                f"{result.problem}; no record it covers can be relied on until this is explained",
                fix="heredity ledger verify (names the same event); restore the registry from a "
                "backup taken before that event, or investigate who changed the database",
            )
        )
    return out


def _maturity(models: list[ModelAudit], facts: list[_Facts], ledger: LedgerAudit) -> Maturity:
    if not ledger.ok:
        return Maturity(
            level="none",
            evidence=[
                f"the ledger does not verify (first bad event {ledger.first_bad_seq}), so the "
                "registry's records cannot be shown to be the ones written"
            ],
            next_level="basic",
            needs=["a ledger that verifies (heredity ledger verify)"],
        )
    if not models:
        return Maturity(
            level="none",
            evidence=["no distilled model is recorded in the registry"],
            next_level="basic",
            needs=["record every distillation (heredity record DOC.yaml)"],
        )
    n = len(models)
    undocumented = [
        m.ref for m, f in zip(models, facts, strict=True) if not f.names_teacher_and_method
    ]
    if undocumented:
        return Maturity(
            level="none",
            evidence=[
                f"{len(undocumented)} of {n} distilled models have no record "
                "naming their teachers and method"
            ],
            next_level="basic",
            needs=[f"record teachers and method for {', '.join(undocumented)}"],
        )
    evidence = [f"all {n} distilled models have a provenance record naming teachers and method"]
    needs: list[str] = []
    for test in TESTS:
        failing = [m.ref for m in models if m.tests[test] == "fail"]
        if failing:
            needs.append(f"test {test} passes for every model (fails for {', '.join(failing)})")
    cards = [m.ref for m, f in zip(models, facts, strict=True) if f.scorecard_warning]
    if cards:
        needs.append(f"capability transfer scorecards (4.6) for {', '.join(cards)}")
    if needs:
        return Maturity(level="basic", evidence=evidence, next_level="intermediate", needs=needs)
    evidence += [
        "every distillation has a complete provenance record and a registry entry for its teachers (8.1, 8.4)",
        "safety transfer is assessed on the same suites for teacher and student (8.2)",
        "rights are assessed before every distillation (8.3); every live student has its own approval (8.5)",
        "capability transfer scorecards document every student (4.6)",
    ]
    ungated = [m.ref for m, f in zip(models, facts, strict=True) if not f.gated]
    if ungated:
        needs.append(
            f"automated rights verification before the run (run.rights_assessment) for {', '.join(ungated)}"
        )
    # A student that lost a safety property and was refused and retired, never approved or
    # deployed, shows the practice working; one still in the inventory's service does not.
    unsafe = [
        m.ref for m, f in zip(models, facts, strict=True) if f.safety_breach and not f.withdrawn
    ]
    caught = [m.ref for m, f in zip(models, facts, strict=True) if f.safety_breach and f.withdrawn]
    if unsafe:
        needs.append(
            f"safety-aware distillation as standard practice (safety breach: {', '.join(unsafe)}; "
            "a student that loses a safety property is refused and retired, never kept)"
        )
    policies = {p for f in facts for p in f.policies}
    if len(policies) > 1:
        needs.append(
            f"scorecards comparable across distillations (one transfer policy; found {len(policies)})"
        )
    if needs:
        return Maturity(level="intermediate", evidence=evidence, next_level="advanced", needs=needs)
    evidence += [
        "every distillation was gated by an automated rights check before it ran",
        "no student in service lost a safety property beyond tolerance (safety-aware distillation)"
        + (
            f"; those that did were refused and retired, never approved or deployed: {', '.join(caught)}"
            if caught
            else ""
        ),
        "scorecards share one transfer policy and are comparable",
        "lineage and impact queries are transitive across generations (heredity lineage, heredity impact)",
    ]
    return Maturity(level="advanced", evidence=evidence)


def _distilled_without_record(registry: Registry, recorded: set[str]) -> list[str]:
    out = []
    for m in registry.list_models():
        if m.ref not in recorded and registry.teachers(m.ref):
            out.append(m.ref)
    return out


def audit(registry: Registry, model: str | None = None) -> AuditReport:
    """Run tests 8.1-8.5 over every distilled model (or one) and state the maturity level."""
    dists = {d.subject: d for d in registry.distillations(ProvenanceDraft) if d.subject}
    if model is not None:
        if model in dists:
            targets: list[tuple[str, Stored[ProvenanceDraft] | None]] = [(model, dists[model])]
        elif registry.find_model(model) is not None and registry.teachers(model):
            targets = [(model, None)]
        else:
            raise NotFound(
                f"{model}: no provenance record and no teachers in the registry (not a distilled model)"
            )
    else:
        targets = sorted(dists.items())
        targets += [(r, None) for r in _distilled_without_record(registry, set(dists))]
        targets.sort(key=lambda t: t[0])
    results = [_ModelAuditor(registry, ref, dist).run() for ref, dist in targets]
    models = [r[0] for r in results]
    ledger = _ledger_audit(registry)
    mat = _maturity(models, [r[1] for r in results], ledger)
    counts = {
        t: {o: sum(1 for m in models if m.tests[t] == o) for o in ("pass", "fail", "n/a")}
        for t in TESTS
    }
    findings = [f for m in models for f in m.findings] + ledger.findings
    summary = {
        "models": len(models),
        "ledger": "verified" if ledger.ok else f"FAILED at event {ledger.first_bad_seq}",
        "passed": sum(1 for m in models if "fail" not in m.tests.values()),
        "failed": sum(1 for m in models if "fail" in m.tests.values()),
        "findings": {
            "fail": sum(f.severity == "fail" for f in findings),
            "warning": sum(f.severity == "warning" for f in findings),
        },
        "tests": counts,
        "maturity": mat.model_dump(mode="json"),
    }
    return AuditReport(maturity=mat.level, models=models, summary=summary, ledger=ledger)


def audit_text(report: AuditReport) -> str:
    """A plain-text rendering of the audit."""
    lines = [
        f"Conformance audit (AG-343 tests 8.1-8.5): {report.summary['models']} distilled model(s), "
        f"{report.summary['failed']} failing",
    ]
    if report.ledger is not None:
        led = report.ledger
        lines.append(
            f"Ledger: verified ({led.events} events, head {(led.head or '-')[:16]})"
            if led.ok
            else f"Ledger: FAILED verification at event {led.first_bad_seq}"
        )
        for f in led.findings:
            lines.append(f"  [{f.severity}] {f.test} ({f.requirement}) {f.message}")
            lines.append(f"      fix: {f.fix}")
    lines.append("")
    for m in report.models:
        lines.append(f"{m.ref}  " + "  ".join(f"{t} {o.upper()}" for t, o in m.tests.items()))
        for f in m.findings:
            lines.append(f"  [{f.severity}] {f.test} ({f.requirement}) {f.message}")
            lines.append(f"      fix: {f.fix}")
    mat = report.maturity_detail
    lines += ["", f"Maturity: {mat.level}"] + [f"  + {e}" for e in mat.evidence]
    if mat.next_level:
        lines.append(f"  {mat.next_level} needs:")
        lines += [f"  - {n}" for n in mat.needs]
    return "\n".join(lines) + "\n"


def audit_html(report: AuditReport) -> str:
    """A self-contained HTML page of the audit."""
    e = escape
    cls = {"pass": "pass", "fail": "fail", "n/a": "na"}
    rows = [
        [e(m.ref)] + [f"<span class='{cls[o]}'>{e(o)}</span>" for o in m.tests.values()]
        for m in report.models
    ]
    led = report.ledger
    ledger_html = (
        ""
        if led is None
        else "<p>Ledger: <span class='pass'>verified</span></p>"
        if led.ok
        else f"<p>Ledger: <span class='fail'>FAILED at event {led.first_bad_seq}: "
        f"{e(str(led.problem))}</span></p>"
    )
    parts = [
        ledger_html,
        f"<p class='meta'>{report.summary['models']} distilled model(s), {report.summary['failed']} failing; "
        f"{report.summary['findings']['fail']} failure(s), {report.summary['findings']['warning']} warning(s)</p>",
        html_table(["model", *TESTS], rows),
        "<h2>Findings</h2>",
    ]
    frows = [
        [
            e(f.test),
            e(f.requirement),
            f"<span class='{f.severity}'>{f.severity}</span>",
            e(f.message),
            f"<code>{e(f.fix)}</code>",
        ]
        for f in [*(led.findings if led else []), *(x for m in report.models for x in m.findings)]
    ]
    parts.append(
        html_table(["test", "requirement", "severity", "finding", "fix"], frows)
        if frows
        else "<p>None.</p>"
    )
    mat = report.maturity_detail
    parts.append(
        f"<h2>Maturity: {e(mat.level)}</h2><ul>"
        + "".join(f"<li>{e(x)}</li>" for x in mat.evidence)
        + "</ul>"
    )
    if mat.next_level:
        parts.append(
            f"<p>{e(mat.next_level)} needs:</p><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in mat.needs)
            + "</ul>"
        )
    return html_page("Conformance audit (AG-343 8.1–8.5)", "".join(parts))
