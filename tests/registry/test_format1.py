"""Old record bodies still read: a registry written before bodies were typed (``data/format1.db``,
built by ``data/build_format1.py`` with the code of then) reads back typed, kind by kind, dumps to
exactly the JSON it stored, and still verifies; governance reads its records as they were."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heredity.cli import main
from heredity.evaluate import EvaluationRun
from heredity.govern import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRevocation,
    Clearance,
    Deployment,
    Incident,
    IncidentClose,
    PolicyPublication,
    RoleGrant,
    Suspension,
    TransferWaiver,
    approval_state,
    audit,
    incident_view,
    write_evidence,
)
from heredity.identity import AdminBootstrap, ApiToken, TokenRevocation
from heredity.records import (
    DistillationDocument,
    ProvenanceDraft,
    RecordBody,
    RecordKind,
    canonical_json,
    content_hash,
)
from heredity.registry import Registry, StatusChange
from heredity.rights import RightsAssessment, RightsAuthorization, RightsReview, effective
from heredity.transfer import TransferAssessmentRecord

FIXTURE = Path(__file__).parent / "data" / "format1.db"
MODELS: list[type[RecordBody]] = [
    DistillationDocument,
    EvaluationRun,
    RightsAssessment,
    RightsReview,
    RightsAuthorization,
    TransferAssessmentRecord,
    TransferWaiver,
    PolicyPublication,
    ApprovalRequest,
    ApprovalDecision,
    ApprovalRevocation,
    Deployment,
    Suspension,
    Clearance,
    RoleGrant,
    Incident,
    IncidentClose,
    StatusChange,
]
# Kinds that came after the fixture was written (so it holds none of them).
NEWER: list[type[RecordBody]] = [AdminBootstrap, ApiToken, TokenRevocation]


@pytest.fixture
def old(tmp_path: Path) -> Iterator[Registry]:
    """A copy of the registry written by the code of before typed bodies."""
    copy = tmp_path / "format1.db"
    shutil.copy(FIXTURE, copy)
    reg = Registry.open(f"sqlite:///{copy}", actor="auditor")
    try:
        yield reg
    finally:
        reg.close()


def _stored_rows(path: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT id, kind, hash, body FROM records ORDER BY created_at"
        ).fetchall()
    return [(rid, kind, digest, json.loads(body)) for rid, kind, digest, body in rows]


def test_every_kind_has_one_body_model_and_the_fixture_has_every_kind() -> None:
    assert sorted(m.record_kind for m in MODELS + NEWER) == sorted(RecordKind)
    kinds = {kind for _, kind, _, _ in _stored_rows(FIXTURE)}
    assert kinds == {k.value for k in RecordKind} - {m.record_kind.value for m in NEWER}


def test_every_old_record_reads_typed_and_dumps_to_what_it_stored(old: Registry) -> None:
    by_kind = {m.record_kind.value: m for m in MODELS}
    rows = _stored_rows(FIXTURE)
    assert len(rows) > 40
    for rid, kind, digest, stored in rows:
        model = by_kind[kind]
        rec = old.get(rid, model)
        assert rec.kind == kind and isinstance(rec.body, model)
        assert rec.hash == digest == content_hash(stored)
        if model.current_format() == 1:  # the shape of then: the same JSON, byte for byte
            assert canonical_json(rec.body.dump()) == canonical_json(stored), (kind, rid)
    for model in MODELS:
        assert old.find(model), model.record_kind


def test_old_registry_verifies_before_and_after_new_writes(old: Registry) -> None:
    before = old.verify_ledger()
    assert before.ok, before.problem
    good = "acme/good@1"
    request = old.find(ApprovalRequest, subject=good)[0]
    assert approval_state(old, request.id).status in ("approved", "suspended")
    from heredity.govern import request_approval

    request_approval(Registry(old.engine, actor="eve"), good)
    after = old.verify_ledger()
    assert after.ok, after.problem
    assert after.events > before.events


def test_governance_reads_old_records(old: Registry, tmp_path: Path) -> None:
    for rec in old.find(RightsAssessment):
        assert effective(old, rec.id).state in ("cleared", "reviewed", "authorized")
    (inc,) = old.find(Incident)
    view = incident_view(old, inc.id)
    assert view.status == "closed" and view.suspended[0].resolved
    report = audit(old)
    assert {m.ref for m in report.models} >= {"acme/good@1", "acme/weak@1", "acme/blend@1"}
    drafts = old.distillations(ProvenanceDraft)
    assert all(d.body.problems() == [] for d in drafts)
    pack = write_evidence(old, "acme/good@1", tmp_path / "pack")
    assert pack.ledger_ok
    assert any(name.startswith("rights-") for name in pack.files)


def test_rights_show_of_an_old_assessment(
    old: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = old.find(RightsAssessment, subject="acme/good@1")[0].id
    url = old.url
    assert main(["--db", url, "rights", "show", rid]) == 0
    out = capsys.readouterr().out
    assert "Rights assessment of acme/good@1" in out and "apache-2.0" in out
    assert main(["--db", url, "rights", "show", rid, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assessment"]["facts_hash"] and data["effective"]["cleared"] is True
