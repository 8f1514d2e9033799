"""Segregation of duties through the API: the library's refusals arrive as 403 with the
reason, and nothing is written."""

from __future__ import annotations

from server_team import EXAMPLES, Team

from heredity.identity import add_actor, issue_token


def _person(team: Team, name: str, roles: list[str], email: str | None = None) -> str:
    add_actor(team.reg, name, roles, email=email or f"{name}@acme.example")
    team.tokens[name] = issue_token(team.reg, name)[1]
    return name


def _refused(team: Team, who: str, path: str, body: dict, *reasons: str) -> None:
    before = team.ledger()
    r = team.call("POST", path, who, json=body)
    assert r.status_code == 403, r.text
    err = r.json()["error"]
    assert err["type"] == "approval_refused"
    for reason in reasons:
        assert reason in err["message"], err["message"]
    assert team.ledger() == before


APPROVE = {"approve": True, "reason": "looks fine"}


def test_the_responsible_party_cannot_approve(team: Team) -> None:
    # The documents name Dana Smith <dana@acme.example> as responsible.
    dana = _person(team, "dana", ["model_risk"], "dana@acme.example")
    _refused(team, dana, f"/api/approvals/{team.request()}/decide", APPROVE, "responsible")


def test_the_requester_cannot_approve(team: Team) -> None:
    student = team.student()
    r = team.call("POST", "/api/approvals", "mira", json={"student": student})
    assert r.status_code == 201
    _refused(team, "mira", f"/api/approvals/{r.json()['id']}/decide", APPROVE, "mira")


def test_the_distiller_cannot_approve(team: Team) -> None:
    sid = _person(team, "sid", ["safety"])
    r = team.call(
        "POST", "/api/records", sid, content=(EXAMPLES / "multi-teacher.yaml").read_text()
    )
    assert r.status_code == 201, r.text
    student = r.json()["student"]
    req = team.call("POST", "/api/approvals", "eve", json={"student": student})
    assert req.status_code == 201, req.text
    _refused(team, sid, f"/api/approvals/{req.json()['id']}/decide", APPROVE, "sid")


def test_an_admin_cannot_approve_even_with_the_role(team: Team) -> None:
    boss = _person(team, "boss", ["admin", "model_risk"])
    _refused(team, boss, f"/api/approvals/{team.request()}/decide", APPROVE, "admin")


def test_one_person_decides_once(team: Team) -> None:
    req = team.request()
    r = team.call("POST", f"/api/approvals/{req}/decide", "mira", json=APPROVE)
    assert r.status_code == 200 and r.json()["status"] == "pending"
    _refused(team, "mira", f"/api/approvals/{req}/decide", APPROVE | {"role": "safety"})


def test_the_auditor_writes_nothing(team: Team) -> None:
    _refused(
        team,
        "aud",
        "/api/approvals",
        {"student": team.student()},
        "auditors read everything and write nothing",
    )


def test_the_legal_reviewer_who_asked_for_the_check_cannot_review_it(team: Team) -> None:
    r = team.call(
        "POST",
        "/api/rights/check",
        "lee",
        params={"record": True},
        content=(EXAMPLES / "standard-kd.yaml").read_text(),
    )
    assert r.status_code == 200 and r.json()["verdict"] == "needs_review", r.text
    body = {"decision": "approve", "basis": "internal use is allowed"}
    _refused(team, "lee", f"/api/rights/assessments/{r.json()['id']}/review", body, "lee")


def test_an_approval_with_missing_evidence_is_refused(team: Team) -> None:
    r = team.call(
        "POST", "/api/records", "eve", content=(EXAMPLES / "standard-kd.yaml").read_text()
    )
    assert r.status_code == 201
    req = team.call("POST", "/api/approvals", "eve", json={"student": "acme/support-1b@3"})
    assert req.status_code == 201 and req.json()["missing"], req.text
    r = team.call("POST", f"/api/approvals/{req.json()['id']}/decide", "mira", json=APPROVE)
    assert r.status_code == 403 and r.json()["error"]["details"], r.text
    # A governance refusal that is not about roles is 409: deciding twice on a closed request.
    rej = team.call(
        "POST",
        f"/api/approvals/{req.json()['id']}/decide",
        "mira",
        json={"approve": False, "reason": "no"},
    )
    assert rej.status_code == 200 and rej.json()["status"] == "rejected"
    again = team.call(
        "POST",
        f"/api/approvals/{req.json()['id']}/decide",
        "sam",
        json={"approve": False, "reason": "no"},
    )
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"


def test_a_document_as_json_and_a_rights_block_as_409(team: Team) -> None:
    import json

    import yaml

    data = yaml.safe_load((EXAMPLES / "standard-kd.yaml").read_text())
    data["date"] = str(data["date"])
    before = team.ledger()
    r = team.call(
        "POST",
        "/api/records",
        "eve",
        params={"require_cleared": True},
        content=json.dumps(data),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["type"] == "rights_blocked" and "nothing was recorded" in err["message"]
    assert err["details"] and team.ledger() == before
    r = team.call("POST", "/api/records", "eve", content=json.dumps(data))
    assert r.status_code == 201 and r.json()["student"] == "acme/support-1b@3"
