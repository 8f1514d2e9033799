"""Build ``format1.db``: a small registry written by the code of before typed record bodies.

Run once (``python tests/registry/data/build_format1.py``) at the commit that added it; the
database it wrote is committed next to it and read by ``tests/registry/test_format1.py``. Every
record kind the registry stores appears in it at least once, written through the library.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from heredity.errors import RightsBlocked
from heredity.evaluate import EvaluationRun, get_suite, store_run
from heredity.govern import (
    add_actor,
    clear_model,
    close_incident,
    decide,
    deploy,
    open_incident,
    request_approval,
    revoke,
    waive_transfer,
)
from heredity.records import DatasetRecord, ItemResult, ModelRecord, parse_document
from heredity.registry import Registry
from heredity.rights import authorize, gate, record_assessment, review
from heredity.transfer import assess_multi_teacher, assess_transfer, store_assessment

HERE = Path(__file__).resolve().parent
TEACHER = "acme/teacher@1"
SECOND = "acme/fluent@1"
SUITES = ["safety-refusal", "factuality"]


def _as(reg: Registry, actor: str) -> Registry:
    return Registry(reg.engine, actor=actor)


def _plan(student: str, teachers: list[dict[str, Any]], **extra: Any) -> Any:
    name, _, version = student.rpartition("@")
    doc: dict[str, Any] = {
        "heredity": 1,
        "kind": "distillation",
        "student": {"name": name, "version": version, "architecture": "llama"},
        "teachers": [
            {"access": "open-weights", "signals": ["logits"], "provider": "acme", **t}
            for t in teachers
        ],
        "method": "multi_teacher" if len(teachers) > 1 else "standard_kd",
        "datasets": [
            {
                "name": f"{name}-data",
                "version": "2026-10",
                "kind": "real",
                "licence": "proprietary",
                "examples": 1000,
            }
        ],
        "config": {
            "framework": {"name": "transformers", "version": "4.57.1", "trainer": "Trainer"},
            "temperature": 2.0,
            "loss": "forward_kl",
            "seed": 42,
            "epochs": 1,
        },
        "intended_use": {
            "purpose": "customer-support assistant",
            "commercial": True,
            "distribution": "internal",
            "competes_with": [],
            "monthly_active_users": 1000,
            "regions": ["UK"],
        },
        "evaluation_plan": {"suites": SUITES, "policy": "default"},
        "responsible": {"name": "Dana Smith", "email": "dana@acme.example", "team": "ML"},
        "date": "2026-11-01",
    } | extra
    return parse_document(json.dumps(doc), "builder")


def _items(dim: str, right: int, n: int = 150) -> list[ItemResult]:
    return [ItemResult(id=f"{dim}-{i}", dimension=dim, outcome=int(i < right)) for i in range(n)]


def _run(reg: Registry, model: str, suite: str, right: int) -> EvaluationRun:
    s = get_suite(suite)
    dim = {"safety-refusal": "safety_refusal", "factuality": "factuality"}[suite]
    run = EvaluationRun(
        model=model,
        model_digest=None,
        inspect_model="mockllm/model",
        suite=s.name,
        suite_digest=s.digest,
        suite_source=s.source,
        settings={"temperature": 0.0},
        settings_hash="settings-hash",
        cache_key=f"key-{model}-{suite}",
        log_path="logs/x.eval",
        created_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        duration_s=1.5,
        items=_items(dim, right),
    )
    return store_run(reg, run)


def _evaluated(reg: Registry, teacher: str, student: str, t_right: int, s_right: int) -> Any:
    t_runs = [_run(reg, teacher, s, t_right) for s in SUITES]
    s_runs = [_run(reg, student, s, s_right) for s in SUITES]
    evidence = {
        "suites": SUITES,
        "student_suite_digests": {r.suite: r.suite_digest for r in s_runs},
        "teacher_suite_digests": {r.suite: r.suite_digest for r in t_runs},
        "teacher_runs": {teacher: [r.record_id for r in t_runs]},
        "student_runs": [r.record_id for r in s_runs],
        "teacher_cached": {teacher: False},
        "imports": {},
        "partial": False,
    }
    items = [i for r in t_runs for i in r.items], [i for r in s_runs for i in r.items]
    return items, evidence


def build(path: Path) -> None:
    if path.exists():
        path.unlink()
    reg = Registry.open(f"sqlite:///{path}", actor="builder")
    root = _as(reg, "root")
    for name, roles in [
        ("alice", ["model_risk"]),
        ("sam", ["safety"]),
        ("lee", ["legal"]),
        ("eve", ["engineer"]),
        ("ray", ["incident_responder"]),
        ("Zoë Ångström", ["auditor"]),  # non-ASCII text in a stored body
    ]:
        add_actor(root, name, roles, email=f"{name.split()[0].lower()}@acme.example")
    for ref, licence in [(TEACHER, "apache-2.0"), (SECOND, "apache-2.0")]:
        n, _, v = ref.rpartition("@")
        reg.add_model(
            ModelRecord(name=n, version=v, licence=licence, access="open-weights", owner="Res")
        )
    reg.bulk_ingest(
        [
            ModelRecord(name="acme/bulk-a", version="1", licence="mit"),
            DatasetRecord(name="acme/bulk-data", version="1", kind="real", examples=10),
        ],
        [("acme/bulk-data@1", "acme/bulk-a@1", "trained_on")],
    )

    # rights: a cleared plan (gated before its run), a needs_review one reviewed, a prohibited
    # one authorized
    good = "acme/good@1"
    cleared = gate(_plan(good, [{"model": TEACHER, "licence": "apache-2.0"}]), reg)
    review_plan = _plan("acme/reviewed@1", [{"model": TEACHER, "licence": "unlisted-licence"}])
    try:
        gate(review_plan, reg)
    except RightsBlocked as err:
        review(_as(reg, "lee"), err.record_id, "approve", "read it: outputs unrestricted")  # type: ignore[attr-defined]
    banned = _plan("acme/banned@1", [{"model": "meta/llama-2@1", "licence": "llama2"}])
    stored, _ = record_assessment(banned, reg)
    authorize(_as(reg, "lee"), stored.id, "meta-letter-17", "Meta permitted it in writing")

    # the good student: recorded with its gate, evaluated, assessed, approved, deployed
    doc = _plan(
        good,
        [{"model": TEACHER, "licence": "apache-2.0"}],
        run={
            "status": "completed",
            "started_at": (cleared.created_at + dt.timedelta(seconds=1)).isoformat(),
            "rights_assessment": cleared.id,
        },
    )
    reg.record(doc)
    (t_items, s_items), evidence = _evaluated(reg, TEACHER, good, 150, 150)
    store_assessment(
        reg,
        assess_transfer(t_items, s_items, teacher_ref=TEACHER, student_ref=good),
        evidence=evidence,
    )
    req = request_approval(_as(reg, "eve"), good)
    decide(_as(reg, "alice"), req.id, approve=True, reason="evidence reviewed")
    decide(_as(reg, "sam"), req.id, approve=True, reason="safety held", conditions=["internal"])
    deploy(_as(reg, "eve"), good, environment="edge", note="pilot — ünïcode")

    # a breaching student, waived, approved, then revoked
    weak = "acme/weak@1"
    weak_gate = gate(_plan(weak, [{"model": TEACHER, "licence": "apache-2.0"}]), reg)
    reg.record(
        _plan(
            weak,
            [{"model": TEACHER, "licence": "apache-2.0"}],
            run={
                "started_at": (weak_gate.created_at + dt.timedelta(seconds=1)).isoformat(),
                "rights_assessment": weak_gate.id,
            },
        )
    )
    (t_items, s_items), evidence = _evaluated(reg, TEACHER, weak, 150, 90)
    breach = store_assessment(
        reg,
        assess_transfer(t_items, s_items, teacher_ref=TEACHER, student_ref=weak),
        evidence=evidence,
    )
    waive_transfer(_as(reg, "sam"), breach.id, justification="accepted for a pilot")
    req2 = request_approval(_as(reg, "eve"), weak)
    decide(_as(reg, "alice"), req2.id, approve=True, reason="waived breach accepted")
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    decide(_as(reg, "sam"), req2.id, approve=True, reason="ok", expires=soon)
    revoke(_as(reg, "alice"), req2.id, reason="recalled")

    # a multi-teacher assessment
    blend = "acme/blend@1"
    reg.record(
        _plan(
            blend,
            [
                {"model": TEACHER, "licence": "apache-2.0", "role": "safety"},
                {"model": SECOND, "licence": "apache-2.0", "role": "fluency"},
            ],
            rationale="safety from one teacher, fluency from the other",
        )
    )
    t1 = _items("safety_refusal", 145)
    t2 = _items("safety_refusal", 125)
    multi = assess_multi_teacher(
        {TEACHER: (t1, ("safety_refusal",)), SECOND: (t2, ("safety_refusal",))},
        _items("safety_refusal", 140),
        "default",
        student_ref=blend,
    )
    store_assessment(reg, multi, evidence={"suites": ["safety-refusal"]})

    # an incident on the teacher: the deployed student is suspended, cleared; the incident closed
    view = open_incident(_as(reg, "ray"), TEACHER, kind="safety", summary="jailbreak found")
    clear_model(_as(reg, "alice"), view.id, good, reason="not affected: retrained filter")
    close_incident(_as(reg, "ray"), view.id, resolution="teacher patched")

    result = reg.verify_ledger()
    assert result.ok, result
    reg.close()


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "format1.db"
    build(out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
