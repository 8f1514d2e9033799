"""``heredity record`` says what the rights of a distillation are; ``--require-cleared`` refuses.

And ``heredity show`` / ``model show`` show init_from, the intended use and the rights state,
with numbers formatted for people.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_identity import ADMIN, as_cli
from heredity.cli import main
from heredity.records import DistillationDocument
from heredity.registry import Registry


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])  # as the OS user


def _doc(examples: Path, tmp_path: Path, name: str = "plan.yaml", **changes: Any) -> str:
    """examples/standard-kd.yaml, changed, and run after now (so the check comes first)."""
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    start = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    data["run"] = {"started_at": start.isoformat()}
    for key, value in changes.items():
        data[key] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _flat(text: str) -> str:
    """Terminal output with table borders gone and whitespace collapsed (cells wrap)."""
    return " ".join(re.sub(r"[│┃┌┐└┘├┤┬┴┼─━]", " ", text).split())


def _recorded(db_url: str) -> list[str]:
    with Registry.open(db_url) as reg:
        return [r.id for r in reg.find(DistillationDocument)]


def test_record_says_when_rights_were_never_checked(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(examples, tmp_path)
    assert run(db_url, "record", doc) == 0
    captured = capsys.readouterr()
    assert "recorded acme/support-1b@3" in captured.out
    err = " ".join(captured.err.split())
    assert "warning: rights of acme/support-1b@3 are unchecked (NOT cleared)" in err
    assert "no rights assessment of this distillation" in err
    assert "heredity rights check PLAN.yaml --record" in err


def test_record_names_needs_review_and_the_command_that_fixes_it(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(examples, tmp_path)  # init_from's licence is unknown to the registry: review
    assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 1
    rid = json.loads(capsys.readouterr().out)["id"]
    assert run(db_url, "record", doc, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recorded"] is True
    rights = data["rights"]
    assert (rights["state"], rights["cleared"], rights["assessment"]) == (
        "needs_review",
        False,
        rid,
    )
    assert any(
        p["fix"] == f"heredity rights review {rid} --decision approve|reject --basis TEXT"
        for p in rights["problems"]
    )


def test_record_names_a_prohibited_plan(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use = {"purpose": "chat assistant", "commercial": True, "distribution": "api"}
    teachers = [
        {
            "model": "xai/grok-4@1",
            "licence": "xai-enterprise",
            "access": "api",
            "provider": "xai",
            "signals": ["generated_text"],
        }
    ]
    doc = _doc(examples, tmp_path, intended_use=use, teachers=teachers)
    assert run(db_url, "rights", "check", doc, "--record") == 1
    capsys.readouterr()
    assert run(db_url, "record", doc) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "are blocked (NOT cleared)" in err and "(prohibited) is blocked" in err
    assert "heredity rights authorize" in err


def test_require_cleared_refuses_and_writes_nothing(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(examples, tmp_path)
    assert run(db_url, "init") == 0
    with Registry.open(db_url) as reg:
        before = reg.ledger_length()
    assert run(db_url, "record", doc, "--require-cleared") == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "acme/support-1b@3: its rights are not cleared (unchecked" in err
    assert "nothing was recorded" in err
    assert run(db_url, "rights", "check", doc, "--record") == 1
    capsys.readouterr()
    with Registry.open(db_url) as reg:
        before = reg.ledger_length()
    assert run(db_url, "record", doc, "--require-cleared") == 1
    assert "not cleared (needs_review" in " ".join(capsys.readouterr().err.split())
    with Registry.open(db_url) as reg:
        assert reg.ledger_length() == before
        assert reg.find_model("acme/support-1b@3") is None
    assert _recorded(db_url) == []


def test_a_cleared_distillation_is_recorded_without_a_word(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "model", "add", "meta-llama/Llama-3.2-1B@1", "--licence", "llama3.2") == 0
    doc = _doc(examples, tmp_path)
    assert run(db_url, "rights", "check", doc, "--record") == 0
    capsys.readouterr()
    assert run(db_url, "record", doc, "--require-cleared", "--format", "json") == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["rights"]["state"] == "cleared" and data["rights"]["cleared"] is True
    assert data["rights"]["problems"] == [] and captured.err == ""


def test_a_review_clears_the_record_too(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(examples, tmp_path)
    assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 1
    rid = json.loads(capsys.readouterr().out)["id"]
    assert main([*as_cli(db_url, ADMIN), "actor", "add", "lee", "--role", "legal"]) == 0
    review = ["rights", "review", rid, "--decision", "approve", "--basis", "Llama 3.2 read"]
    assert main([*as_cli(db_url, "lee"), *review]) == 0
    capsys.readouterr()
    assert run(db_url, "record", doc, "--require-cleared") == 0
    assert capsys.readouterr().err == ""
    assert run(db_url, "show", "acme/support-1b@3", "--format", "json") == 0
    rights = json.loads(capsys.readouterr().out)["rights"]
    assert (rights["state"], rights["assessment"], rights["cleared"]) == ("reviewed", rid, True)
    assert run(db_url, "show", "acme/support-1b@3") == 0
    assert f"rights reviewed (cleared): assessment {rid}" in _flat(capsys.readouterr().out)


def test_show_gives_init_from_intended_use_rights_and_readable_numbers(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = yaml.safe_load((examples / "standard-kd.yaml").read_text())["config"]
    config |= {"kd_weight": 0.9000000000000001, "hard_label_weight": 0.09999999999999998}
    teachers = yaml.safe_load((examples / "standard-kd.yaml").read_text())["teachers"]
    teachers[0]["weight"] = 0.30000000000000004
    doc = _doc(examples, tmp_path, config=config, teachers=teachers)
    assert run(db_url, "record", doc) == 0
    capsys.readouterr()
    assert run(db_url, "show", "acme/support-1b@3") == 0
    out = _flat(capsys.readouterr().out)
    assert "init_from meta-llama/Llama-3.2-1B@1" in out
    assert "customer-support assistant; commercial yes; distribution internal" in out
    assert "competes with nobody (declared); monthly active users 20000; regions UK" in out
    assert "rights unchecked (NOT cleared): no rights assessment of this distillation" in out
    assert "hard_label_weight=0.1" in out and "kd_weight=0.9," in out
    assert "weight 0.3," in out
    assert "0.0999" not in out and "0.3000" not in out
    assert run(db_url, "show", "acme/support-1b@3", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["body"]["config"]["hard_label_weight"] == 0.09999999999999998  # JSON keeps all
    assert data["rights"]["state"] == "unchecked"
    assert run(db_url, "model", "show", "acme/support-1b@3") == 0
    out = _flat(capsys.readouterr().out)
    assert "rights unchecked (NOT cleared)" in out
    assert run(db_url, "model", "show", "acme/support-1b@3", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["rights"]["state"] == "unchecked"
    assert run(db_url, "model", "show", "meta-llama/Llama-3.2-1B@1", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["rights"] is None
