"""``heredity audit`` verifies the ledger: a registry changed behind Heredity's back fails it.

Each tampering is made with SQL straight on the database, as someone with a shell on the server
would; ``audit`` then exits 1 with a finding naming the first bad event (the same one ``ledger
verify`` names), and its JSON says so. An untouched registry audits with the ledger verified.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hostile_cli import Runner

from heredity.registry import Registry


def _sql(db_url: str, statement: str, **params: Any) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def _distillation_id(db_url: str) -> str:
    with Registry.open(db_url, create=False) as reg:
        return reg.distillations()[0].id


def _edit_body(db_url: str) -> None:
    rid = _distillation_id(db_url)
    _sql(db_url, "UPDATE records SET body = :b WHERE id = :i", b='{"method": "forged"}', i=rid)


def _edit_body_and_hash(db_url: str) -> None:
    rid = _distillation_id(db_url)
    _sql(db_url, "UPDATE records SET hash = :h WHERE id = :i", h="0" * 64, i=rid)


def _delete_event(db_url: str) -> None:
    _sql(db_url, "DELETE FROM ledger WHERE seq = 3")


def _reorder(db_url: str) -> None:
    _sql(db_url, "UPDATE ledger SET seq = -1 WHERE seq = 2")
    _sql(db_url, "UPDATE ledger SET seq = 2 WHERE seq = 3")
    _sql(db_url, "UPDATE ledger SET seq = 3 WHERE seq = -1")


def _change_event_hash(db_url: str) -> None:
    _sql(db_url, "UPDATE ledger SET hash = :h WHERE seq = 4", h="f" * 64)


def _change_actor(db_url: str) -> None:
    _sql(db_url, "UPDATE ledger SET actor = 'mallory' WHERE seq = 1")


def _change_licence(db_url: str) -> None:
    _sql(db_url, "UPDATE models SET licence = 'mit' WHERE name = 'meta-llama/Llama-3.2-1B'")


def _delete_last_event(db_url: str) -> None:
    _sql(db_url, "DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)")


TAMPERINGS = {
    "edit-a-record-body": _edit_body,
    "change-a-record-hash": _edit_body_and_hash,
    "delete-an-event": _delete_event,
    "delete-the-newest-event": _delete_last_event,
    "reorder-events": _reorder,
    "change-an-event-hash": _change_event_hash,
    "change-who-acted": _change_actor,
    "change-a-licence-in-place": _change_licence,
}


@pytest.fixture
def recorded(fresh: str, cli: Runner, examples: Path) -> str:
    assert cli(fresh, "record", str(examples / "standard-kd.yaml")).rc == 0
    return fresh


def test_an_untouched_ledger_is_verified_by_the_audit(recorded: str, cli: Runner) -> None:
    outcome = cli(recorded, "audit", "--format", "json")
    data = json.loads(outcome.out)
    assert data["ledger"]["ok"] is True and data["ledger"]["findings"] == []
    assert data["ledger"]["events"] > 0
    assert "Ledger: verified" in cli(recorded, "audit").out


@pytest.mark.parametrize("tamper", list(TAMPERINGS.values()), ids=list(TAMPERINGS))
def test_audit_fails_on_a_tampered_ledger(recorded: str, cli: Runner, tamper: Any) -> None:
    tamper(recorded)
    verify = cli(recorded, "ledger", "verify", "--format", "json")
    assert verify.rc == 1
    bad = json.loads(verify.out)["first_bad_seq"]
    assert isinstance(bad, int)

    outcome = cli(recorded, "audit")
    assert outcome.rc == 1, outcome.text
    assert "Traceback" not in outcome.text
    assert f"Ledger: FAILED verification at event {bad}" in outcome.out
    assert re.search(
        rf"\[fail\] ledger \(4\.4\) the ledger does not verify: first bad event {bad}:", outcome.out
    )

    data = json.loads(cli(recorded, "audit", "--format", "json").out)
    assert data["ledger"]["ok"] is False and data["ledger"]["first_bad_seq"] == bad
    assert data["maturity"] == "none"
    assert data["summary"]["findings"]["fail"] >= 1
    html = cli(recorded, "audit", "--format", "html")
    assert html.rc == 1 and f"FAILED at event {bad}" in html.out


def test_audit_of_one_model_verifies_the_whole_ledger(recorded: str, cli: Runner) -> None:
    _change_actor(recorded)
    outcome = cli(recorded, "audit", "--model", "acme/support-1b@3")
    assert outcome.rc == 1
    assert "Ledger: FAILED verification at event 1" in outcome.out
