"""The web UI in a real headless Chromium (Debian's ``chromium``, driven by Playwright's client)
against a real ``heredity serve`` process: sign in with a token, see the inventory, a stored
script renders inert, the lineage is drawn, and a legal reviewer clears a review."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Dialog, sync_playwright
from server_team import EXAMPLES, Team, make_team

from heredity.records import ModelRecord
from heredity.registry import Registry
from heredity.rights import effective

XSS = "<script>alert(1)</script>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Team]]:
    """A team's registry (SQLite) served by ``heredity serve`` on a free loopback port."""
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    team, reg = make_team(url)
    team.student()
    reg.add_model(ModelRecord(name="acme/xss", version="1", owner=XSS))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HEREDITY_TOKEN", "HEREDITY_ACTOR")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "heredity", "--db", url, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up in 30 s"
            time.sleep(0.2)
        yield base, team
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        reg.close()


def test_a_legal_reviewer_signs_in_sees_the_inventory_and_clears_a_review(
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
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()

            def on_dialog(d: Dialog) -> None:
                dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", on_dialog)
            page.goto(f"{base}/ui/")
            assert page.url.endswith("/ui/signin")
            page.fill("#token", team.tokens["lee"])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/ui/")
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
        finally:
            browser.close()
    assert dialogs == []
    with Registry.open(team.url) as reg:
        eff = effective(reg, aid)
    assert eff.cleared and eff.reviews[0].actor == "lee"
