"""``heredity rights``: check (exit 0/1/2), record, review, authorize, licences, show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_identity import ADMIN, as_cli
from heredity.cli import main
from heredity.identity import os_user
from heredity.records import DistillationDocument
from heredity.registry import Registry

Plan = Callable[..., DistillationDocument]


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])  # as the OS user


def write(
    tmp_path: Path, doc: DistillationDocument | dict[str, Any], name: str = "plan.yaml"
) -> str:
    data = (
        doc.model_dump(mode="json", exclude_none=True)
        if isinstance(doc, DistillationDocument)
        else doc
    )
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(p)


def test_check_exit_codes_and_json(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = write(tmp_path, plan(teachers=[{"licence": "llama3.1"}]), "ok.yaml")
    assert run(db_url, "init") == 0  # a check reads a registry, never creates one
    capsys.readouterr()
    assert run(db_url, "rights", "check", ok, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "conditional" and data["cleared"] is True
    assert data["teachers"][0]["licence"] == "llama3.1"
    bad = write(
        tmp_path, plan(teachers=[{"licence": "llama3.1"}], use={"distribution": "api"}), "bad.yaml"
    )
    assert run(db_url, "rights", "check", bad) == 1
    out = capsys.readouterr().out
    assert "1.b.i" in out and "https://github.com/meta-llama/llama-models" in out
    assert "UNMET" in out and "not legal advice" in out


def test_check_bad_input_is_exit_2(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    data = plan(teachers=[{"licence": "mit"}]).model_dump(mode="json", exclude_none=True)
    data["teachers"][0]["licnce"] = "mit"
    assert run(db_url, "rights", "check", write(tmp_path, data)) == 2
    assert "teachers[0].licnce: unknown field" in capsys.readouterr().err
    assert run(db_url, "rights", "check", str(tmp_path / "missing.yaml")) == 2
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "broken.yaml").write_text("id: broken\ntitle: x\n")
    ok = write(tmp_path, plan(teachers=[{"licence": "mit"}]), "ok.yaml")
    assert run(db_url, "rights", "check", ok, "--licences", str(kb)) == 2
    err = capsys.readouterr().err
    assert "broken.yaml" in err and "rules: required" in err


def as_lee(db_url: str, *args: str) -> int:
    return main([*as_cli(db_url, "lee"), *args])


def test_record_review_and_authorize_through_the_cli(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    review_plan = write(tmp_path, plan(teachers=[{"licence": "mystery"}]), "r.yaml")
    assert run(db_url, "rights", "check", review_plan, "--record", "--format", "json") == 1
    rid = json.loads(capsys.readouterr().out)["id"]
    with Registry.open(db_url) as reg:
        assert reg.header(rid).actor == os_user()
    assert main([*as_cli(db_url, ADMIN), "actor", "add", "lee", "--role", "legal"]) == 0
    capsys.readouterr()
    review_args = ["rights", "review", rid, "--decision", "approve", "--basis", "read it"]
    assert as_lee(db_url, *review_args, "--on-behalf-of", "Legal, EMEA", "--format", "json") == 0
    eff = json.loads(capsys.readouterr().out)
    assert eff["cleared"] is True and eff["reviews"][0]["reviewer"] == "lee"
    assert eff["reviews"][0]["on_behalf_of"] == "Legal, EMEA"
    assert (eff["by"], eff["actor"]) == ("rights_review", "lee")
    assert as_lee(db_url, "rights", "review", rid, "--decision", "perhaps", "--basis", "x") == 2

    blocked = write(tmp_path, plan(teachers=[{"licence": "grok2-community"}]), "b.yaml")
    assert run(db_url, "rights", "check", blocked, "--record", "--format", "json") == 1
    bid = json.loads(capsys.readouterr().out)["id"]
    assert as_lee(db_url, "rights", "review", bid, "--decision", "approve", "--basis", "x") == 2
    letter = tmp_path / "xai-letter-9.pdf"
    letter.write_bytes(b"written permission")
    auth = ["rights", "authorize", bid, "--evidence", str(letter), "--basis", "written permission"]
    assert as_lee(db_url, *auth) == 0
    out = capsys.readouterr().out
    assert "authorized" in out and "sha256" in out and "by lee" in out
    assert run(db_url, "rights", "show", bid, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (
        shown["effective"]["state"] == "authorized"
        and shown["assessment"]["verdict"] == "prohibited"
    )
    assert shown["effective"]["authorizations"][0]["evidence_file"]["size"] == 18


def test_review_and_authorize_refusals_through_the_cli(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = write(tmp_path, plan(teachers=[{"licence": "mystery"}]))
    assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 1
    rid = json.loads(capsys.readouterr().out)["id"]
    approve = ["rights", "review", rid, "--decision", "approve", "--basis", "fine"]
    # the plan's author, without the legal role, as today's walkthrough would try it
    assert run(db_url, *approve) == 1
    assert f"{os_user()} requested this rights check" in capsys.readouterr().err
    assert main([*as_cli(db_url, "Dana Smith"), *approve]) == 1
    assert "Dana Smith is the responsible party" in capsys.readouterr().err
    assert main([*as_cli(db_url, "pat"), *approve]) == 1
    assert "pat holds engineer; to review" in capsys.readouterr().err
    # another person's name is not a reviewer: the option is gone
    assert run(db_url, *approve, "--reviewer", "Lee Chen (Legal)") == 2
    assert "--reviewer" in capsys.readouterr().err
    blocked = write(tmp_path, plan(teachers=[{"licence": "grok2-community"}]), "b.yaml")
    assert run(db_url, "rights", "check", blocked, "--record", "--format", "json") == 1
    bid = json.loads(capsys.readouterr().out)["id"]
    assert main([*as_cli(db_url, ADMIN), "actor", "add", "lee", "--role", "legal"]) == 0
    capsys.readouterr()
    friend = ["rights", "authorize", bid, "--evidence", "email from a friend", "--basis", "ok"]
    assert as_lee(db_url, *friend) == 2
    assert "--evidence: 'email from a friend' is neither a file" in capsys.readouterr().err
    with Registry.open(db_url) as reg:
        from heredity.rights import RightsAuthorization, RightsReview

        assert not reg.find(RightsReview) and not reg.find(RightsAuthorization)


def test_check_reports_the_effective_state(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = write(tmp_path, plan(teachers=[{"licence": "mystery"}]))
    assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 1
    first = json.loads(capsys.readouterr().out)
    assert first["verdict"] == "needs_review" and first["effective"]["cleared"] is False
    assert first["effective"]["state"] == "needs_review" and first["effective"]["by"] is None
    assert main([*as_cli(db_url, ADMIN), "actor", "add", "lee", "--role", "legal"]) == 0
    capsys.readouterr()
    review_args = ["rights", "review", first["id"], "--decision", "approve", "--basis", "read"]
    assert as_lee(db_url, *review_args, "--format", "json") == 0
    review_id = json.loads(capsys.readouterr().out)["reviews"][0]["id"]
    # the same plan, checked again (stored or not): the engine's verdict, and what clears it
    for extra in ([], ["--record"]):
        assert run(db_url, "rights", "check", doc, *extra, "--format", "json") == 0
        data = json.loads(capsys.readouterr().out)
        assert data["verdict"] == "needs_review" and data["cleared"] is False
        eff = data["effective"]
        assert eff["cleared"] is True and eff["state"] == "reviewed"
        assert (eff["by"], eff["record"], eff["actor"]) == ("rights_review", review_id, "lee")
        assert eff["at"] and eff["assessment_id"] == first["id"]
    assert run(db_url, "rights", "check", doc) == 0
    out = capsys.readouterr().out
    assert "NEEDS_REVIEW" in out  # the engine's verdict is still shown
    assert "effective: CLEARED (reviewed); the engine's verdict is needs_review" in out
    assert f"decided by rights review {review_id}: lee, " in out


def test_check_without_a_registry_reports_the_verdict_as_effective(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = write(tmp_path, plan(teachers=[{"licence": "llama3.1"}]))
    assert main(["rights", "check", doc, "--format", "json"]) == 0
    eff = json.loads(capsys.readouterr().out)["effective"]
    assert eff["cleared"] is True and eff["state"] == "cleared" and eff["assessment_id"] is None
    assert eff["by"] == "rights_assessment" and eff["record"] is None
    assert not (tmp_path / ".heredity").exists()


def test_licences_and_show(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_url, "rights", "licences", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    ids = {x["id"] for x in data["licences"]}
    assert {"llama3.1", "gemma", "xai-enterprise", "deepseek-api"} <= ids and len(ids) >= 31
    assert run(db_url, "rights", "licences") == 0
    assert run(db_url, "rights", "show", "Llama 3.1") == 0
    out = capsys.readouterr().out
    assert "1.b.i" in out and "models/llama3_1/LICENSE" in out and "name_prefix 'Llama'" in out
    assert run(db_url, "rights", "show", "no-such-thing") == 2


def test_show_a_stored_assessment_explains_it(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = write(tmp_path, plan(teachers=[{"licence": "llama3.1"}]))
    assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 0
    rid = json.loads(capsys.readouterr().out)["id"]
    assert run(db_url, "rights", "show", rid) == 0
    out = capsys.readouterr().out
    assert "Rights assessment of acme/assistant@1: CONDITIONAL" in out
    assert "1.b.i" in out and "state" not in out.splitlines()[0]
    assert "effective: CLEARED (cleared); the engine's verdict is conditional" in out
    assert f"assessment {rid} of acme/assistant@1: cleared by the assessment" in out
    assert run(db_url, "rights", "show", "status_chang_0000000000000000") == 2
    assert "nor a rights assessment" in capsys.readouterr().err


def test_record_twice_stores_one_assessment(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = write(tmp_path, plan(teachers=[{"licence": "mystery"}]))
    ids = []
    for _ in range(2):
        assert run(db_url, "rights", "check", doc, "--record", "--format", "json") == 1
        ids.append(json.loads(capsys.readouterr().out)["id"])
    assert ids[0] == ids[1]
    with Registry.open(db_url) as reg:
        from heredity.rights import RightsAssessment

        assert [r.id for r in reg.find(RightsAssessment)] == ids[:1]
    # Other facts are another assessment.
    other = write(tmp_path, plan(teachers=[{"licence": "mit"}]), "other.yaml")
    assert run(db_url, "rights", "check", other, "--record", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["id"] != ids[0]
