"""The auditor's evidence pack for one model: every record it stands on, the ledger, one index."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from heredity.errors import BadInput
from heredity.govern._approvals import DEPLOYMENT_KIND, approvals_for
from heredity.govern._audit import audit
from heredity.govern._common import html_page, html_table, utcnow
from heredity.govern._evidence import EVALUATION_KIND, RIGHTS_KIND, TRANSFER_KIND, WAIVER_KIND
from heredity.govern._incidents import INCIDENT_KIND, incident_view

if TYPE_CHECKING:
    from heredity.registry import Registry, StoredRecord


class EvidencePack(BaseModel):
    """What :func:`write_evidence` wrote."""

    model: str
    out_dir: str
    files: dict[str, str] = Field(default_factory=dict, description="file name -> what it holds")
    ledger_ok: bool
    skipped: list[str] = Field(default_factory=list)


def _dump(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _rec(r: StoredRecord) -> dict[str, Any]:
    return r.model_dump(mode="json")


def _scorecard(rec: StoredRecord, registry: Registry) -> str | None:
    """The scorecard HTML of a stored transfer assessment, when the report package can render it."""
    try:
        from heredity.report import assessment_context, render_html
        from heredity.transfer import TransferAssessment, assessment_from_record
    except ImportError:
        return None
    try:
        ctx = assessment_context(registry, rec)
        if isinstance(rec.body.get("assessment"), dict):
            return str(render_html(assessment_from_record(rec), context=ctx))
        fields = TransferAssessment.model_fields
        data = {k: v for k, v in rec.body.items() if k in fields}
        return str(render_html(TransferAssessment.model_validate(data), context=ctx))
    except Exception:  # noqa: BLE001 - a scorecard we cannot render is skipped, the JSON stays
        return None


def _rights_text(body: dict[str, Any]) -> str | None:
    try:
        from heredity.rights import RightsAssessment, render_assessment

        return str(render_assessment(RightsAssessment.model_validate(body)))
    except Exception:  # noqa: BLE001 - the JSON with its clauses is always written
        return None


def write_evidence(registry: Registry, ref: str, out_dir: str | Path) -> EvidencePack:
    """Write the evidence pack of ``ref`` into ``out_dir`` (created; existing files are replaced)."""
    model = registry.get_model(ref)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out: {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    pack = EvidencePack(model=ref, out_dir=str(out), ledger_ok=False)
    ids: set[str] = set()

    def write(name: str, what: str, data: Any) -> None:
        _dump(out / name, data)
        pack.files[name] = what

    dists = registry.find_records("distillation", subject=ref)
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
    from heredity.rights import effective

    for r in registry.find_records(RIGHTS_KIND, subject=ref):
        ids.add(r.id)
        eff = effective(registry, r.id)
        ids |= {x["id"] for x in eff.reviews + eff.authorizations}
        rights.append({"record": _rec(r), "effective": eff.model_dump(mode="json")})
        text = _rights_text(r.body)
        if text is not None:
            name = f"rights-{r.id}.txt"
            (out / name).write_text(text + "\n", encoding="utf-8")
            pack.files[name] = f"rights assessment {r.id} explained, clause by clause"
    write(
        "rights.json", "rights assessments with clauses, reviews and authorizations (4.3)", rights
    )

    transfers = registry.find_records(TRANSFER_KIND, subject=ref)
    waivers = registry.find_records(WAIVER_KIND, subject=ref)
    ids |= {t.id for t in transfers} | {w.id for w in waivers}
    write(
        "transfer.json",
        "transfer assessments and waivers (4.2, 4.6)",
        {"assessments": [_rec(t) for t in transfers], "waivers": [_rec(w) for w in waivers]},
    )
    for t in transfers:
        html = _scorecard(t, registry)
        name = f"scorecard-{t.id}.html"
        if html is None:
            pack.skipped.append(f"{name}: the scorecard could not be rendered")
            continue
        (out / name).write_text(html, encoding="utf-8")
        pack.files[name] = (
            f"scorecard of transfer assessment {t.id} (teacher {t.body.get('teacher')})"
        )

    evals = registry.find_records(EVALUATION_KIND, subject=ref)
    ids |= {e.id for e in evals}
    write(
        "evaluations.json",
        "the model's own evaluation runs (suite, digest, items)",
        [
            {
                "id": e.id,
                "created_at": e.created_at.isoformat(),
                "suite": e.body.get("suite"),
                "suite_digest": e.body.get("suite_digest"),
                "items": len(e.body.get("items") or []),
                "settings": e.body.get("settings"),
            }
            for e in evals
        ],
    )

    states = approvals_for(registry, ref)
    deployments = registry.find_records(DEPLOYMENT_KIND, subject=ref)
    for s in states:
        ids.add(s.id)
        ids |= {d.id for d in s.decisions}
        if s.revoked:
            ids.add(str(s.revoked["id"]))
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
        for r in registry.find_records(INCIDENT_KIND)
        if r.subject == ref or ref in (r.body.get("affected_models") or [])
    ]
    ids |= {i["id"] for i in incidents}
    write("incidents.json", "incidents that reached this model", incidents)

    from heredity.report import report_context, stamp_html, stamp_json, suite_digests

    ctx = report_context(
        registry, subjects=[ref], records=sorted(ids), suites=suite_digests([*evals, *transfers])
    )
    if dists or registry.teachers(ref):
        report = audit(registry, ref)
        audit_json = stamp_json(report.to_json(), ctx)
        write("audit.json", "the conformance audit of this model (8.1-8.5)", audit_json)

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
    (out / "index.html").write_text(page, encoding="utf-8")
    pack.files["index.html"] = "this index"
    return pack
