"""One governance flow end to end over HTTP, on each backend: a plan from examples/ checked
and reviewed, recorded, assessed from results files, waived, requested and decided by two
approvers, deployed, then audited, verified and exported by an auditor."""

from __future__ import annotations

import io
import zipfile

from server_team import EXAMPLES, Team

STUDENT = "acme/support-1b@3"
TEACHER_70B = "meta-llama/Llama-3.1-70B-Instruct@1"


def _ok(r, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    return r.json()


def test_a_flow_over_http(team: Team) -> None:
    doc = (EXAMPLES / "standard-kd.yaml").read_text()
    # The engineer checks the plan's rights; it needs a legal review, which legal gives.
    check = _ok(team.call("POST", "/api/rights/check", "eve", params={"record": True}, content=doc))
    assert check["verdict"] == "needs_review" and not check["effective"]["cleared"]
    queue = _ok(team.call("GET", "/api/rights/assessments", "lee", params={"student": STUDENT}))
    assert [a["id"] for a in queue] == [check["id"]]
    body = {"decision": "approve", "basis": "internal use is within the licence"}
    reviewed = _ok(
        team.call("POST", f"/api/rights/assessments/{check['id']}/review", "lee", json=body), 201
    )
    assert reviewed["by"] == "lee" and reviewed["effective"]["cleared"]
    # The distillation is recorded, resting on the reviewed rights.
    recorded = _ok(team.call("POST", "/api/records", "eve", content=doc), 201)
    assert recorded["recorded"] and recorded["rights"]["cleared"]
    shown = _ok(team.call("GET", f"/api/records/{STUDENT}", "aud"))
    assert shown["id"] == recorded["id"] and shown["actor"] == "eve"
    up = _ok(team.call("GET", "/api/lineage", "aud", params={"ref": STUDENT}))
    assert TEACHER_70B in {n["ref"] for n in up["nodes"]}
    down = _ok(team.call("GET", "/api/impact", "aud", params={"ref": TEACHER_70B}))
    assert STUDENT in {a["ref"] for a in down["affected"]}
    # The safety evaluator assesses from results files; a breach, which model risk waives.
    results = EXAMPLES / "results"
    body = {
        "teacher_ref": TEACHER_70B,
        "student_ref": STUDENT,
        "teacher_results": {
            "name": "teacher.jsonl",
            "content": (results / "teacher.jsonl").read_text(),
        },
        "student_results": {
            "name": "student.jsonl",
            "content": (results / "student.jsonl").read_text(),
        },
    }
    assessed = _ok(team.call("POST", "/api/assessments", "sam", json=body), 201)
    assert assessed["id"] and assessed["assessment"]["verdict"] == "fail"
    waiver = {"assessment": assessed["id"], "justification": "accepted for an internal pilot"}
    refused = team.call("POST", "/api/waivers", "sam", json=waiver)  # sam recorded it
    assert refused.status_code == 403
    _ok(team.call("POST", "/api/waivers", "mira", json=waiver), 201)
    # The request says what evidence is still missing (the plan's other suites).
    request = _ok(team.call("POST", "/api/approvals", "eve", json={"student": STUDENT}), 201)
    assert request["status"] == "pending" and request["missing"]
    # A student with complete evidence: requested, then approved by model risk and safety.
    other = team.student()
    req = _ok(team.call("POST", "/api/approvals", "eve", json={"student": other}), 201)
    assert not req["missing"] and req["required_roles"] == ["model_risk", "safety"]
    mine = _ok(team.call("GET", "/api/approvals", "mira", params={"mine": True}))
    assert req["id"] in [s["id"] for s in mine]
    first = _ok(
        team.call(
            "POST",
            f"/api/approvals/{req['id']}/decide",
            "mira",
            json={"approve": True, "reason": "ok"},
        )
    )
    assert first["status"] == "pending" and first["filled"] == {"model_risk": "mira"}
    second = _ok(
        team.call(
            "POST",
            f"/api/approvals/{req['id']}/decide",
            "sam",
            json={"approve": True, "reason": "refusal held"},
        )
    )
    assert second["status"] == "approved"
    assert req["id"] not in [s["id"] for s in _ok(team.call("GET", "/api/approvals", "sam"))]
    deployed = _ok(team.call("POST", "/api/deployments", "eve", json={"model": other}), 201)
    assert deployed["deployment"]["approval"] == req["id"]
    assert _ok(team.call("GET", f"/api/models/{other}", "aud"))["status"] == "deployed"
    # The auditor audits, verifies the ledger and takes the evidence pack.
    report = _ok(team.call("GET", "/api/audit", "aud"))
    assert {m["ref"] for m in report["models"]} >= {STUDENT, other}
    assert report["failed"] is True  # acme/support-1b@3 lacks its evaluations
    assert _ok(team.call("GET", "/api/ledger/verify", "aud"))["ok"] is True
    log = _ok(team.call("GET", "/api/ledger", "aud", params={"limit": 200}))
    actors = {e["actor"] for e in log["items"]}
    assert {"eve", "lee", "sam", "mira"} <= actors
    pack = team.call("GET", f"/api/evidence/{other}", "aud")
    assert pack.status_code == 200 and pack.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(pack.content)).namelist()
    assert "index.html" in names and len(names) > 3
