"""Authentication, the one error shape, and the request limits of the API."""

from __future__ import annotations

import logging

import pytest
from server_team import EXAMPLES, Team

from heredity.server import create_app


def _shape(body: dict) -> dict:
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"type", "message", "details", "field"}, err
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], list)
    assert "Traceback" not in err["message"]
    return err


def test_health_needs_no_credentials_and_everything_else_does(team: Team) -> None:
    assert team.client.get("/health").json() == {"status": "ok"}
    r = team.client.get("/api/models")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    err = _shape(r.json())
    assert err["field"] == "authorization" and "Bearer" in err["message"]


@pytest.mark.parametrize(
    "token, reason",
    [
        ("revoked", "was revoked by root"),
        ("expired", "expired at"),
        ("garbled", "no such token"),
    ],
    ids=["revoked", "expired", "unknown"],
)
def test_bad_tokens_are_401_naming_why(team: Team, token: str, reason: str) -> None:
    r = team.call("GET", "/api/whoami", token)
    assert r.status_code == 401
    err = _shape(r.json())
    assert reason in err["message"] and err["field"] == "token"
    assert team.tokens[token] not in r.text


@pytest.mark.parametrize(
    "header", ["Basic cm9vdDpwdw==", "Bearer", "Bearer   ", "heredity_tok_x"], ids=str
)
def test_a_malformed_authorization_header_is_401(team: Team, header: str) -> None:
    r = team.client.get("/api/whoami", headers={"Authorization": header})
    assert r.status_code == 401 and _shape(r.json())["field"] == "authorization"


def test_a_token_acts_as_its_actor(team: Team) -> None:
    r = team.call("GET", "/api/whoami", "lee")
    assert r.status_code == 200
    assert r.json() | {"token_id": None} == {
        "name": "lee",
        "how": "token",
        "token_id": None,
        "roles": ["legal"],
    }


def test_the_proxy_header_counts_only_from_a_trusted_proxy(team: Team) -> None:
    # TestClient's peer address is "testclient": never a trusted proxy.
    r = team.client.get("/api/whoami", headers={"X-Forwarded-User": "mira"})
    assert r.status_code == 401
    assert "trusted proxy" in _shape(r.json())["message"]
    trusting = create_app(team.url, trusted_proxies=["127.0.0.1", "10.0.0.0/8"])
    from fastapi.testclient import TestClient

    with TestClient(trusting, client=("10.1.2.3", 5000)) as via_proxy:
        r = via_proxy.get("/api/whoami", headers={"X-Forwarded-User": "mira"})
        assert r.status_code == 200 and r.json()["name"] == "mira" and r.json()["how"] == "proxy"
        r = via_proxy.get("/api/whoami", headers={"X-Forwarded-User": "nobody"})
        assert r.status_code == 401 and "no recorded actor" in _shape(r.json())["message"]
    with TestClient(trusting, client=("192.168.1.9", 5000)) as direct:
        r = direct.get("/api/whoami", headers={"X-Forwarded-User": "mira"})
        assert r.status_code == 401


def test_errors_share_one_shape(team: Team) -> None:
    r = team.call("GET", "/api/models/acme/none@1", "aud")
    assert r.status_code == 404 and _shape(r.json())["type"] == "not_found"
    r = team.call("GET", "/api/models", "aud", params={"limit": 0})
    assert r.status_code == 422
    assert _shape(r.json())["field"] == "limit"
    r = team.call("GET", "/api/no-such-endpoint", "aud")
    assert r.status_code == 404 and _shape(r.json())
    r = team.call("DELETE", "/api/models", "aud")
    assert r.status_code == 405 and _shape(r.json())["type"] == "method_not_allowed"
    r = team.call("POST", "/api/approvals", "eve", json={"student": "acme/x@1", "extra": 1})
    assert r.status_code == 422 and _shape(r.json())["field"] == "extra"
    r = team.call(
        "POST", "/api/approvals", "eve", json={"student": "acme/x@1", "policy": "../p.yaml"}
    )
    assert r.status_code == 400 and _shape(r.json())["field"] == "policy"


def test_a_bad_document_is_422_naming_its_field_and_writes_nothing(team: Team) -> None:
    before = team.ledger()
    text = (
        (EXAMPLES / "standard-kd.yaml").read_text().replace("temperature: 2.0", "temperature: hot")
    )
    r = team.call("POST", "/api/records", "eve", content=text)
    assert r.status_code == 422
    err = _shape(r.json())
    assert err["type"] == "validation_failed" and err["field"] == "config.temperature"
    r = team.call("POST", "/api/records", "eve", content=b"\xff\xfe not utf-8")
    assert r.status_code == 400 and _shape(r.json())["field"] == "body"
    r = team.call("POST", "/api/records", "eve", content="[1, 2")
    assert r.status_code in (400, 422) and _shape(r.json())
    r = team.call("POST", "/api/records", "eve", content="")
    assert r.status_code == 400 and _shape(r.json())["field"] == "body"
    assert team.ledger() == before


def test_a_body_over_the_limit_is_413(team: Team) -> None:
    small = create_app(team.url, max_body=1000)
    from fastapi.testclient import TestClient

    with TestClient(small) as client:
        headers = team.headers("eve")
        before = team.ledger()
        r = client.post("/api/records", content="x" * 1001, headers=headers)
        assert r.status_code == 413 and _shape(r.json())["type"] == "too_large"

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(5):
                yield b"y" * 400

        r = client.post("/api/records", content=chunks(), headers=headers)
        assert r.status_code == 413 and _shape(r.json())["field"] == "body"
        assert team.ledger() == before


def test_no_secret_is_logged(team: Team, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for who in ("eve", "revoked", "expired", "garbled"):
        team.call("GET", "/api/whoami", who)
        team.call("POST", "/api/records", who, content="not: a document")
    text = caplog.text
    for secret in team.tokens.values():
        assert secret not in text and secret.split("_", 2)[-1] not in text


def test_lists_are_paginated(team: Team) -> None:
    refs = [team.student() for _ in range(3)]
    first = team.call("GET", "/api/models", "aud", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = team.call("GET", "/api/models", "aud", params={"limit": 2, "offset": 2}).json()
    got = [m["name"] + "@" + m["version"] for m in first["items"] + rest["items"]]
    assert set(refs) <= set(got)
    log = team.call("GET", "/api/ledger", "aud", params={"limit": 5}).json()
    assert len(log["items"]) == 5 and log["items"][0]["seq"] > log["items"][-1]["seq"]
    more = team.call("GET", "/api/ledger", "aud", params={"limit": 5, "offset": 5}).json()
    assert more["items"][0]["seq"] == log["items"][-1]["seq"] - 1


def test_the_openapi_schema_is_served_to_callers_and_documents_every_area(team: Team) -> None:
    assert team.client.get("/openapi.json").status_code == 401
    assert team.client.get("/docs").status_code == 404  # no CDN-loaded pages
    schema = team.call("GET", "/openapi.json", "aud").json()
    paths = set(schema["paths"])
    for path in (
        "/health",
        "/api/models",
        "/api/records",
        "/api/rights/check",
        "/api/rights/assessments/{assessment_id}/review",
        "/api/assessments",
        "/api/waivers",
        "/api/approvals",
        "/api/approvals/{request_id}/decide",
        "/api/deployments",
        "/api/incidents",
        "/api/audit",
        "/api/evidence/{ref}",
        "/api/ledger",
        "/api/ledger/verify",
    ):
        assert path in paths, path
