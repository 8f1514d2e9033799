"""The web UI in a real headless Chromium (Debian's ``chromium``, driven by Playwright's client)
against a real ``heredity serve`` process: sign in with a token, see the inventory, a stored
script renders inert, the lineage is drawn, a legal reviewer clears a review, an approver
approves with the evidence shown, and an auditor is refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Dialog, Page, sync_playwright
from served import serve
from server_team import EXAMPLES, Team, make_team

from heredity.govern import approval_state
from heredity.records import ModelRecord
from heredity.registry import Registry
from heredity.rights import effective

XSS = "<script>alert(1)</script>"


# What a user could type in the console: a decide form with their own CSRF token, posted.
CRAFTED = """action => {
  const f = document.createElement("form");
  f.method = "post"; f.action = action;
  for (const [k, v] of [["csrf", document.querySelector("input[name=csrf]").value],
                        ["decision", "approve"], ["reason", "I read it"]]) {
    const i = document.createElement("input"); i.name = k; i.value = v; f.appendChild(i);
  }
  document.body.appendChild(f); f.submit();
}"""


def sign_in(page: Page, base: str, token: str) -> None:
    page.goto(f"{base}/ui/")
    assert page.url.endswith("/ui/signin")
    # By keyboard: type the token into its field and press Enter to submit.
    page.focus("#token")
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/ui/")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Team]]:
    """A team's registry (SQLite) served by ``heredity serve`` on a free loopback port."""
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    team, reg = make_team(url)
    team.student()
    reg.add_model(ModelRecord(name="acme/xss", version="1", owner=XSS))
    with serve(url, tmp_path) as served:
        yield served.base, team
        reg.close()


def test_reviewer_approver_and_auditor_in_a_real_browser(
    served: tuple[str, Team],
) -> None:
    base, team = served
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (apt-get install -y chromium; .ci/run does)"
    checked = httpx.post(
        f"{base}/api/rights/check",
        params={"record": True},
        headers={"Authorization": f"Bearer {team.tokens['eve']}"},
        content=(EXAMPLES / "standard-kd.yaml").read_text(),
    )
    assert checked.status_code == 200 and checked.json()["verdict"] == "needs_review"
    aid = checked.json()["id"]
    req = team.request()
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()

            def on_dialog(d: Dialog) -> None:
                dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", on_dialog)
            sign_in(page, base, team.tokens["lee"])
            assert "Signed in as lee" in page.inner_text("header")
            assert page.locator("table tbody tr").count() >= 3
            # The stored script is text in the page, not a script element, and fired nothing.
            assert XSS in page.inner_text("main")
            assert page.locator("main script").count() == 0
            page.goto(f"{base}/ui/models/acme/xss@1")
            assert XSS in page.inner_text("main")
            # The lineage graph of a distilled student is drawn, relations labelled.
            page.goto(f"{base}/ui/")
            page.click("text=acme/student-1@1")
            svg = page.locator("svg#lineage")
            assert svg.is_visible() and svg.locator("g.node").count() >= 3
            assert "distilled_from" in (svg.text_content() or "")
            # The legal reviewer's queue: clear the review with the form.
            page.click("nav >> text=Queues")
            page.fill(f"#basis-{aid}", "internal use only")
            page.click(f"form[action='/ui/rights/{aid}/review'] >> text=Clear")
            page.wait_for_url(f"{base}/ui/queues")
            assert page.locator(f"form[action='/ui/rights/{aid}/review']").count() == 0
            # An approver sees the request with its evidence and approves it.
            mira = browser.new_context().new_page()
            mira.on("dialog", on_dialog)
            sign_in(mira, base, team.tokens["mira"])
            mira.click("nav >> text=Queues")
            card = mira.locator("div.approval", has_text=req)
            assert "safety-refusal" in card.inner_text() and "Distilled" in card.inner_text()
            card.locator("textarea").fill("evidence reviewed")
            card.locator("text=Approve").click()
            mira.wait_for_url(f"{base}/ui/queues")
            assert mira.locator("div.approval", has_text=req).count() == 0
            # An auditor has no decide form; a crafted post of one is refused with the reason.
            aud = browser.new_context().new_page()
            sign_in(aud, base, team.tokens["aud"])
            aud.click("nav >> text=Queues")
            assert aud.locator(f"form[action='/ui/approvals/{req}/decide']").count() == 0
            with aud.expect_navigation():
                aud.evaluate(CRAFTED, f"/ui/approvals/{req}/decide")
            assert "Not allowed" in aud.inner_text("main")
            assert "auditor" in aud.inner_text("main").lower()
        finally:
            browser.close()
    assert dialogs == []
    with Registry.open(team.url) as reg:
        eff = effective(reg, aid)
        state = approval_state(reg, req)
    assert eff.cleared and eff.reviews[0].actor == "lee"
    assert state.filled == {"model_risk": "mira"} and [d.actor for d in state.decisions] == ["mira"]
