"""The auditor's pack for one model, and the approval commands end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from govern_world import SUITES, TEACHER, World, digest, transfer_body

from cli_identity import as_cli
from heredity.cli import main
from heredity.govern import write_evidence
from heredity.transfer import assess_transfer, store_assessment

S = "acme/packed@1"


def _real_assessment(world: World) -> str:
    """A real assessment, stored the way the transfer package stores it."""
    items = [
        {"id": f"{d}-{i}", "dimension": d, "slice": "all", "outcome": 1}
        for d in ("safety_refusal", "factuality")
        for i in range(300)
    ]
    assessment = assess_transfer(items, items, teacher_ref=TEACHER, student_ref=S)
    evidence = {
        "suites": SUITES,
        "teacher_suite_digests": {s: digest(s) for s in SUITES},
        "student_suite_digests": {s: digest(s) for s in SUITES},
    }
    return store_assessment(world.reg, assessment, evidence=evidence).id


def test_evidence_pack(world: World, tmp_path: Path) -> None:
    world.distil(S, transfer=False)
    tid = _real_assessment(world)
    world.approve(S)
    out = tmp_path / "pack"
    pack = write_evidence(world.reg, S, out)
    assert pack.ledger_ok
    expected = {
        "index.html",
        "model.json",
        "provenance.json",
        "rights.json",
        "transfer.json",
        "evaluations.json",
        "approvals.json",
        "incidents.json",
        "audit.json",
        "ledger.json",
        f"scorecard-{tid}.html",
    }
    assert expected <= set(pack.files)
    index = (out / "index.html").read_text()
    for name in expected - {"index.html"}:
        assert f"href='{name}'" in index
        assert (out / name).is_file()
    assert "verified" in index
    ledger = json.loads((out / "ledger.json").read_text())
    assert ledger["verification"]["ok"] is True
    entities = {e["entity"] for e in ledger["events"]}
    assert f"model:{S}" in entities and f"record:{tid}" in entities
    assert any(e.startswith("edge:") and S in e for e in entities)
    approvals = json.loads((out / "approvals.json").read_text())
    assert approvals["approvals"][0]["status"] == "approved"
    assert len(approvals["deployments"]) == 1
    rights = json.loads((out / "rights.json").read_text())
    assert (
        rights[0]["effective"]["cleared"] is True
        and rights[0]["record"]["body"]["teachers"][0]["clauses"]
    )
    assert json.loads((out / "audit.json").read_text())["models"][0]["tests"]["8.5"] == "pass"
    assert (
        "<svg" in (out / f"scorecard-{tid}.html").read_text()
        or "<table" in (out / f"scorecard-{tid}.html").read_text()
    )


def test_evidence_pack_reports_tampering(world: World, db_url: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    world.distil(S)
    with world.reg.engine.begin() as conn:
        conn.execute(sa.text("UPDATE models SET owner = 'someone else' WHERE name = 'acme/packed'"))
    assert main(["--db", db_url, "evidence", S, "--out", str(tmp_path / "p")]) == 1
    assert "FAILED" in (tmp_path / "p" / "index.html").read_text()


def test_approval_commands(world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    world.distil(S)
    capsys.readouterr()

    def run(actor: str, *args: str) -> int:
        return main([*as_cli(db_url, actor), *args])

    assert run("root", "actor", "add", "gina", "--role", "model_risk") == 0
    assert run("gina", "actor", "add", "gina", "--role", "safety") == 1  # self-grant refused
    capsys.readouterr()
    assert run("eve", "approval", "request", S, "--format", "json") == 0
    req = json.loads(capsys.readouterr().out)
    assert req["status"] == "pending" and req["missing"] == []
    assert run("eve", "deploy", S) == 1
    assert run("eve", "approval", "decide", req["id"], "--approve", "--reason", "mine") == 1
    assert run("gina", "approval", "decide", req["id"], "--reason", "no flag") == 2
    assert (
        run(
            "gina",
            "approval",
            "decide",
            req["id"],
            "--approve",
            "--reason",
            "ok",
            "--condition",
            "internal only",
        )
        == 0
    )
    assert run("sam", "approval", "decide", req["id"], "--approve", "--reason", "ok") == 0
    capsys.readouterr()
    assert run("sam", "approval", "show", req["id"], "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "approved" and shown["conditions"] == ["internal only"]
    assert run("eve", "deploy", S, "--environment", "edge") == 0
    assert "condition: internal only" in capsys.readouterr().out
    assert run("eve", "approval", "policy", "list", "--format", "json") == 0
    assert [p["ref"] for p in json.loads(capsys.readouterr().out)] == ["default@1"]
    assert run("alice", "approval", "revoke", req["id"], "--reason", "recall") == 0
    assert world.reg.get_model(S).status == "suspended"


def test_pack_explains_every_stored_rights_assessment(world: World, tmp_path: Path) -> None:
    """The gate's own assessments (stored with their facts hash) are explained clause by clause."""
    from govern_world import doc_body

    from heredity.records import parse_document
    from heredity.rights import gate

    world.distil(S)
    plan = doc_body(S)
    plan.pop("run")
    gated = gate(parse_document(plan), world.reg)
    assert gated.body.facts_hash
    pack = write_evidence(world.reg, S, tmp_path / "pack")
    name = f"rights-{gated.id}.txt"
    assert name in pack.files
    text = (tmp_path / "pack" / name).read_text()
    assert f"Rights assessment of {S}" in text and "apache-2.0" in text
    rights = json.loads((tmp_path / "pack" / "rights.json").read_text())
    assert {r["record"]["id"] for r in rights} == {
        n.removeprefix("rights-").removesuffix(".txt")
        for n in pack.files
        if n.startswith("rights-")
    }


def test_pack_says_what_it_leaves_out(world: World, tmp_path: Path) -> None:
    world.ensure_teacher()
    world.reg.put(transfer_body(TEACHER, S), subject=S)  # a scorecard that cannot be drawn
    from heredity.records import ModelRecord

    world.reg.add_model(ModelRecord(name="acme/packed", version="1"))
    pack = write_evidence(world.reg, S, tmp_path / "pack")
    assert "audit.json" not in pack.files
    assert any(s.startswith("audit.json: ") and "not a distilled model" in s for s in pack.skipped)
    assert any(s.startswith("scorecard-") and "does not read" in s for s in pack.skipped)
    index = (tmp_path / "pack" / "index.html").read_text()
    assert "Skipped:" in index and "audit.json" in index
