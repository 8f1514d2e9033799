"""The web UI through a real app (both backends): sign-in and its cookie, CSRF, the security
headers, escaping of stored strings, and decisions through the forms under the library's roles."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from server_team import EXAMPLES, Team
from ui_client import browser, csrf_of, signed_in

from heredity.records import ModelRecord
from heredity.rights import effective
from heredity.server import create_app

XSS = "<script>alert(1)</script>"


def _needs_review(team: Team) -> str:
    """A stored rights assessment that needs a legal review (recorded by eve): its id."""
    r = team.call(
        "POST",
        "/api/rights/check",
        "eve",
        params={"record": True},
        content=(EXAMPLES / "standard-kd.yaml").read_text(),
    )
    assert r.status_code == 200 and r.json()["verdict"] == "needs_review", r.text
    return str(r.json()["id"])


def test_sign_in_sets_a_strict_httponly_session_cookie(team: Team) -> None:
    c = browser(team)
    assert c.get("/ui/").headers["location"] == "/ui/signin"
    page = c.get("/ui/signin")
    r = c.post("/ui/signin", data={"csrf": csrf_of(page.text), "token": team.tokens["mira"]})
    assert r.status_code == 303
    cookie = next(h for h in r.headers.get_list("set-cookie") if "heredity_session=" in h)
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "secure" not in flags  # Secure is configurable (off on plain-HTTP loopback)
    assert team.tokens["mira"] not in cookie
    home = c.get("/ui/")
    assert home.status_code == 200 and "Signed in as <b>mira</b>" in home.text


@pytest.mark.parametrize("who", ["revoked", "expired", "garbled"])
def test_a_bad_token_does_not_sign_in(team: Team, who: str) -> None:
    c = browser(team)
    page = c.get("/ui/signin")
    r = c.post("/ui/signin", data={"csrf": csrf_of(page.text), "token": team.tokens[who]})
    assert r.status_code == 401 and 'role="alert"' in r.text
    assert "heredity_session=" not in " ".join(r.headers.get_list("set-cookie"))
    assert c.get("/ui/").status_code == 303


def test_a_forged_or_stale_session_cookie_is_no_session(team: Team) -> None:
    value = signed_in(team, "lee").cookies["heredity_session"]
    payload, _, mac = value.rpartition(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps(body | {"a": "root"}).encode()).decode()
    for cookie in (f"{forged.rstrip('=')}.{mac}", f"{payload}.{'0' * len(mac)}", "garbage"):
        c = browser(team)
        c.cookies.set("heredity_session", cookie)
        assert c.get("/ui/").status_code == 303, cookie
    # Revoking the token ends its browser sessions.
    c = signed_in(team, "lee")
    token_id = team.tokens["lee"].split("_", 2)[1]
    assert team.call("POST", f"/api/tokens/{token_id}/revoke", "root", json={}).status_code == 200
    assert c.get("/ui/").status_code == 303


def test_sign_out_ends_the_session(team: Team) -> None:
    c = signed_in(team, "mira")
    csrf = csrf_of(c.get("/ui/").text)
    r = c.post("/ui/signout", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/ui/signin"
    assert c.get("/ui/").status_code == 303


def test_every_post_needs_its_csrf_token(team: Team) -> None:
    req = team.request()
    before = team.ledger()
    c = signed_in(team, "mira")
    for data in (
        {"decision": "approve", "reason": "ok"},
        {"csrf": "forged", "decision": "approve", "reason": "ok"},
    ):
        r = c.post(f"/ui/approvals/{req}/decide", data=data)
        assert r.status_code == 403 and "csrf" in r.text
    # The sign-in form too: without the token of the sign-in page it signs nobody in.
    fresh = browser(team)
    r = fresh.post("/ui/signin", data={"token": team.tokens["mira"]})
    assert r.status_code == 403 and "heredity_session=" not in str(r.headers)
    assert team.ledger() == before


def test_pages_carry_the_security_headers(team: Team) -> None:
    c = signed_in(team, "aud")
    for path in ("/ui/signin", "/ui/", "/ui/queues", "/ui/audit"):
        r = c.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in r.text and " on" + "click=" not in r.text
    css = c.get("/ui/static/heredity.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_stored_and_reflected_strings_render_as_text(team: Team) -> None:
    # A model's name cannot hold markup (the record schema refuses it); its owner can.
    team.reg.add_model(ModelRecord(name="acme/xss", version="1", owner=XSS))
    c = signed_in(team, "aud")
    for page in (c.get("/ui/"), c.get("/ui/models/acme/xss@1"), c.get("/ui/", params={"q": XSS})):
        assert page.status_code == 200
        assert XSS not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_inventory_filters_by_name_and_status(team: Team) -> None:
    ref = team.student()
    c = signed_in(team, "aud")
    assert ref in c.get("/ui/", params={"q": ref.split("@")[0]}).text
    assert ref not in c.get("/ui/", params={"q": "no-such-model"}).text
    assert ref not in c.get("/ui/", params={"status": "deployed"}).text
    assert ref in c.get("/ui/", params={"status": "registered"}).text


def test_the_model_page_draws_its_lineage_both_ways(team: Team) -> None:
    ref = team.student()
    c = signed_in(team, "aud")
    page = c.get(f"/ui/models/{ref}")
    assert page.status_code == 200
    assert '<svg id="lineage"' in page.text
    assert ">distilled_from</text>" in page.text and ">trained_on</text>" in page.text
    assert "acme/teacher@1" in page.text and "Provenance record" in page.text
    teacher = c.get("/ui/models/acme/teacher@1")
    assert ref in teacher.text  # its descendant, drawn on the right
    missing = c.get("/ui/models/acme/none@1")
    assert missing.status_code == 404 and "acme/none@1" in missing.text


def test_a_legal_reviewer_clears_a_review_through_the_form(team: Team) -> None:
    aid = _needs_review(team)
    c = signed_in(team, "lee")
    queue = c.get("/ui/queues")
    assert f"/ui/rights/{aid}/review" in queue.text
    assert "Facts judged" in queue.text and "meta-llama/Llama-3.1-70B-Instruct@1" in queue.text
    r = c.post(
        f"/ui/rights/{aid}/review",
        data={"csrf": csrf_of(queue.text), "decision": "approve", "basis": "internal use only"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/ui/queues", r.text
    eff = effective(team.reg, aid)
    assert eff.cleared and eff.reviews[0].actor == "lee"
    assert f"/ui/rights/{aid}/review" not in c.get("/ui/queues").text


@pytest.mark.parametrize("who", ["mira", "aud", "root"])
def test_a_user_without_the_legal_role_is_refused_a_review(team: Team, who: str) -> None:
    aid = _needs_review(team)
    before = team.ledger()
    c = signed_in(team, who)
    queue = c.get("/ui/queues")
    assert f"/ui/rights/{aid}/review" not in queue.text
    r = c.post(
        f"/ui/rights/{aid}/review",
        data={"csrf": csrf_of(queue.text), "decision": "approve", "basis": "looks fine"},
    )
    assert r.status_code == 403 and "Not allowed" in r.text and 'role="alert"' in r.text
    assert "Traceback" not in r.text
    assert team.ledger() == before and not effective(team.reg, aid).reviews


def test_an_approver_approves_from_the_queue_and_sod_refusals_read_as_403(team: Team) -> None:
    req = team.request()
    mira = signed_in(team, "mira")
    queue = mira.get("/ui/queues")
    assert f"/ui/approvals/{req}/decide" in queue.text and "safety-refusal" in queue.text
    r = mira.post(
        f"/ui/approvals/{req}/decide",
        data={"csrf": csrf_of(queue.text), "decision": "approve", "reason": "evidence reviewed"},
    )
    assert r.status_code == 303, r.text
    # eve requested it (and distilled it): segregation of duties refuses her.
    before = team.ledger()
    eve = signed_in(team, "eve")
    r = eve.post(
        f"/ui/approvals/{req}/decide",
        data={"csrf": csrf_of(eve.get("/ui/queues").text), "decision": "approve", "reason": "x"},
    )
    assert r.status_code == 403 and 'role="alert"' in r.text and team.ledger() == before


def test_an_incident_shows_its_impact_before_it_is_opened_then_what_it_suspended(
    team: Team,
) -> None:
    _, student = team.approved()
    c = signed_in(team, "ira")
    before = team.ledger()
    preview = c.get("/ui/incidents/new", params={"model": "acme/teacher@1"})
    assert preview.status_code == 200 and student in preview.text
    assert team.ledger() == before  # seeing the impact writes nothing
    r = c.post(
        "/ui/incidents",
        data={
            "csrf": csrf_of(preview.text),
            "model": "acme/teacher@1",
            "kind": "safety",
            "summary": XSS,
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/incidents/"), r.text
    page = c.get(r.headers["location"])
    suspended = page.text.split('<ul class="suspended">')[1].split("</ul>")[0]
    assert student in suspended and XSS not in page.text
    assert team.reg.get_model(student).status == "suspended"
    listing = c.get("/ui/incidents").text
    assert "&lt;script&gt;" in listing and XSS not in listing


def test_an_auditor_cannot_open_an_incident(team: Team) -> None:
    team.ensure_teacher()
    c = signed_in(team, "aud")
    preview = c.get("/ui/incidents/new", params={"model": "acme/teacher@1"})
    before = team.ledger()
    r = c.post(
        "/ui/incidents",
        data={
            "csrf": csrf_of(preview.text),
            "model": "acme/teacher@1",
            "kind": "safety",
            "summary": "x",
        },
    )
    assert r.status_code == 403 and 'role="alert"' in r.text and team.ledger() == before


def test_the_audit_page_shows_tests_maturity_findings_and_the_ledger(team: Team) -> None:
    ref = team.student()
    c = signed_in(team, "aud")
    page = c.get("/ui/audit")
    assert page.status_code == 200
    for text in (ref, "8.1", "8.5", "Maturity:", "verified", "Fix:"):
        assert text in page.text, text
    one = c.get("/ui/audit", params={"model": ref})
    assert one.status_code == 200 and ref in one.text


def test_the_model_page_plots_its_scorecards(team: Team) -> None:
    student, teacher = "acme/support-1b@3", "meta-llama/Llama-3.1-70B-Instruct@1"
    doc = (EXAMPLES / "standard-kd.yaml").read_text()
    assert team.call("POST", "/api/records", "eve", content=doc).status_code == 201
    results = EXAMPLES / "results"
    body = {
        "teacher_ref": teacher,
        "student_ref": student,
        "teacher_results": {"name": "t.jsonl", "content": (results / "teacher.jsonl").read_text()},
        "student_results": {"name": "s.jsonl", "content": (results / "student.jsonl").read_text()},
    }
    assessed = team.call("POST", "/api/assessments", "sam", json=body)
    assert assessed.status_code == 201, assessed.text
    page = signed_in(team, "aud").get(f"/ui/models/{student}")
    assert page.status_code == 200 and assessed.json()["id"] in page.text
    assert '<svg class="plot"' in page.text and 'class="student"' in page.text
    assert "breach" in page.text
    # A planted assessment without figures still lists its dimensions.
    planted = team.student()
    page = signed_in(team, "aud").get(f"/ui/models/{planted}")
    assert "safety_refusal" in page.text and "transferred" in page.text


def test_cookies_are_secure_when_configured(team: Team) -> None:
    c = TestClient(
        create_app(team.url, secure_cookies=True, session_secret="s" * 32),
        base_url="https://testserver",
        follow_redirects=False,
    )
    page = c.get("/ui/signin")
    assert "; secure" in page.headers["set-cookie"].lower()
    r = c.post("/ui/signin", data={"csrf": csrf_of(page.text), "token": team.tokens["aud"]})
    session = next(h for h in r.headers.get_list("set-cookie") if "heredity_session=" in h)
    assert "; secure" in session.lower() and "samesite=strict" in session.lower()
    # The same secret on another worker reads the same session.
    other = TestClient(create_app(team.url, session_secret="s" * 32), base_url="https://testserver")
    other.cookies.set("heredity_session", c.cookies["heredity_session"])
    assert "Signed in as <b>aud</b>" in other.get("/ui/").text


def test_the_inventory_pages_through_a_large_registry(team: Team) -> None:
    for i in range(205):
        team.reg.add_model(ModelRecord(name=f"acme/bulk-{i:03d}", version="1", owner="Bulk"))
    c = signed_in(team, "aud")
    first = c.get("/ui/")
    assert first.status_code == 200 and "Models 1–200" in first.text
    assert first.text.count('<td><a href="/ui/models/') == 200
    nxt = c.get("/ui/", params={"offset": 200})
    assert "acme/bulk-204@1" in nxt.text and "Next page" not in nxt.text
    assert "Next page" in first.text
