"""The auditor's evidence pack for one model: every record it stands on, the ledger, one index."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from heredity.errors import HeredityError
from heredity.evaluate import EvaluationRun
from heredity.files import OutDir
from heredity.govern._approvals import Deployment, approvals_for
from heredity.govern._audit import audit
from heredity.govern._common import html_page, html_table, utcnow
from heredity.govern._evidence import TransferWaiver
from heredity.govern._incidents import Incident, incident_view
from heredity.records import ModelRecord, ProvenanceDraft, RecordBody, Stored
from heredity.report import (
    assessment_context,
    render_html,
    report_context,
    stamp_html,
    stamp_json,
    suite_digests,
)
from heredity.rights import RightsAssessment, effective, render_assessment
from heredity.transfer import TransferAssessmentRecord

if TYPE_CHECKING:
    from heredity.registry import Registry


class EvidencePack(BaseModel):
    """What :func:`write_evidence` wrote."""

    model: str
    out_dir: str
    files: dict[str, str] = Field(default_factory=dict, description="file name -> what it holds")
    ledger_ok: bool
    skipped: list[str] = Field(default_factory=list)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"


def _rec(r: Stored[Any]) -> dict[str, Any]:
    """A stored record as the pack writes it: its header and its body as stored."""
    body: RecordBody = r.body
    return r.model_dump(mode="json", exclude={"body"}) | {"body": body.dump()}


def _scorecard(rec: Stored[TransferAssessmentRecord], registry: Registry) -> tuple[str | None, str]:
    """The scorecard HTML of a stored transfer assessment, or None and why it cannot be made."""
    try:
        assessment = rec.body.rebuild()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return None, f"its assessment does not read ({str(exc).splitlines()[0]})"
    try:
        return str(render_html(assessment, context=assessment_context(registry, rec))), ""
    except (HeredityError, ValueError, KeyError, TypeError) as exc:
        return None, f"the report could not render it ({type(exc).__name__}: {exc})"


def write_evidence(registry: Registry, ref: str, out_dir: str | Path) -> EvidencePack:
    """Write the evidence pack of ``ref`` into ``out_dir`` (created; existing files are replaced).

    Nothing is written outside ``out_dir`` or through a symbolic link: a directory that is a
    link, or holds one, is refused (BadInput) before anything is written.
    """
    model = registry.get_model(ref)
    with OutDir(out_dir, param="out_dir") as out:
        return _write_pack(registry, model, out)


def _write_pack(registry: Registry, model: ModelRecord, out: OutDir) -> EvidencePack:
    ref = model.ref
    pack = EvidencePack(model=ref, out_dir=str(out.path), ledger_ok=False)
    ids: set[str] = set()

    def write(name: str, what: str, data: Any) -> None:
        out.write(name, _json(data))
        pack.files[name] = what

    dists = registry.find(ProvenanceDraft, subject=ref)
    ids |= {d.id for d in dists}
    write(
        "model.json",
        "the model as registered, with teachers and students",
        model.model_dump(mode="json")
        | {"ref": ref, "teachers": registry.teachers(ref), "students": registry.students(ref)},
    )
    write(
        "provenance.json",
        "the provenance record (4.1, 4.7), newest first with superseded versions",
        [_rec(d) for d in dists],
    )

    rights = []
    for r in registry.find(RightsAssessment, subject=ref):
        ids.add(r.id)
        eff = effective(registry, r.id)
        ids |= {x.id for x in eff.reviews} | {x.id for x in eff.authorizations}
        rights.append({"record": _rec(r), "effective": eff.model_dump(mode="json")})
        name = f"rights-{r.id}.txt"
        out.write(name, render_assessment(r.body) + "\n")
        pack.files[name] = f"rights assessment {r.id} explained, clause by clause"
    write(
        "rights.json", "rights assessments with clauses, reviews and authorizations (4.3)", rights
    )

    transfers = registry.find(TransferAssessmentRecord, subject=ref)
    waivers = registry.find(TransferWaiver, subject=ref)
    ids |= {t.id for t in transfers} | {w.id for w in waivers}
    write(
        "transfer.json",
        "transfer assessments and waivers (4.2, 4.6)",
        {"assessments": [_rec(t) for t in transfers], "waivers": [_rec(w) for w in waivers]},
    )
    for t in transfers:
        html, why = _scorecard(t, registry)
        name = f"scorecard-{t.id}.html"
        if html is None:
            pack.skipped.append(f"{name}: the scorecard could not be rendered: {why}")
            continue
        out.write(name, html)
        against = t.body.teacher or ", ".join(t.body.teacher_refs)
        pack.files[name] = f"scorecard of transfer assessment {t.id} (teacher {against})"

    evals = registry.find(EvaluationRun, subject=ref)
    ids |= {e.id for e in evals}
    write(
        "evaluations.json",
        "the model's own evaluation runs (suite, digest, items)",
        [
            {
                "id": e.id,
                "created_at": e.created_at.isoformat(),
                "suite": e.body.suite,
                "suite_digest": e.body.suite_digest,
                "items": len(e.body.items),
                "settings": e.body.settings,
            }
            for e in evals
        ],
    )

    states = approvals_for(registry, ref)
    deployments = registry.find(Deployment, subject=ref)
    for s in states:
        ids.add(s.id)
        ids |= {d.id for d in s.decisions}
        if s.revoked:
            ids.add(s.revoked.id)
    ids |= {d.id for d in deployments}
    write(
        "approvals.json",
        "approval requests, decisions, revocations and deployments (4.5)",
        {
            "approvals": [s.model_dump(mode="json") for s in states],
            "deployments": [_rec(d) for d in deployments],
        },
    )

    incidents = [
        incident_view(registry, r.id).model_dump(mode="json")
        for r in registry.find(Incident)
        if r.subject == ref or ref in r.body.affected_models
    ]
    ids |= {i["id"] for i in incidents}
    write("incidents.json", "incidents that reached this model", incidents)

    ctx = report_context(
        registry, subjects=[ref], records=sorted(ids), suites=suite_digests([*evals, *transfers])
    )
    if dists or registry.teachers(ref):
        report = audit(registry, ref)
        audit_json = stamp_json(report.to_json(), ctx)
        write("audit.json", "the conformance audit of this model (8.1-8.5)", audit_json)
    else:
        pack.skipped.append(
            f"audit.json: {ref} has no provenance record and no teachers, so it is not a "
            "distilled model and the audit (8.1-8.5) does not apply to it"
        )

    entities = {f"model:{ref}"} | {f"record:{i}" for i in ids}
    for direction in ("up", "down"):
        for e in registry.lineage(ref, direction, depth=1).edges:  # type: ignore[arg-type]
            entities.add(f"edge:{e.parent}|{e.relation}|{e.child}")
    events = [
        ev.model_dump(mode="json")
        for ent in sorted(entities)
        for ev in registry.ledger_events(entity=ent)
    ]
    events.sort(key=lambda ev: ev["seq"])
    verify = registry.verify_ledger()
    pack.ledger_ok = verify.ok
    write(
        "ledger.json",
        "the ledger events of these records, with a fresh verification of the whole chain",
        {
            "verified_at": utcnow().isoformat(),
            "verification": verify.model_dump(mode="json"),
            "events": events,
        },
    )

    status = (
        "<span class='pass'>verified</span>"
        if verify.ok
        else f"<span class='fail'>FAILED at event {verify.first_bad_seq}: {escape(str(verify.problem))}</span>"
    )
    rows = [
        [f"<a href='{escape(n)}'>{escape(n)}</a>", escape(w)] for n, w in sorted(pack.files.items())
    ]
    body = (
        f"<p class='meta'>Model <b>{escape(ref)}</b> (status {escape(model.status)}); pack written "
        f"{utcnow():%Y-%m-%d %H:%M} UTC from {escape(registry.url)}</p>"
        f"<p>Ledger: {status} ({verify.events} events, head {escape(str(verify.head or '-'))[:16]}); "
        f"{len(events)} events concern this model.</p>" + html_table(["file", "contents"], rows)
    )
    if pack.skipped:
        body += "<p class='meta'>Skipped: " + escape("; ".join(pack.skipped)) + "</p>"
    page = stamp_html(html_page(f"Evidence pack: {ref}", body), ctx)
    out.write("index.html", page)
    pack.files["index.html"] = "this index"
    return pack
