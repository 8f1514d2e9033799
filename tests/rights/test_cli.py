"""``heredity rights``: check (exit 0/1/2), record, review, authorize, licences, show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from heredity.cli import main
from heredity.records import DistillationDocument
from heredity.registry import Registry

Plan = Callable[..., DistillationDocument]


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, "--actor", "cli-tester", *args])


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


def test_record_review_and_authorize_through_the_cli(
    db_url: str, tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    review_plan = write(tmp_path, plan(teachers=[{"licence": "mystery"}]), "r.yaml")
    assert run(db_url, "rights", "check", review_plan, "--record", "--format", "json") == 1
    rid = json.loads(capsys.readouterr().out)["id"]
    with Registry.open(db_url) as reg:
        assert reg.header(rid).actor == "cli-tester"
    assert (
        run(
            db_url,
            "rights",
            "review",
            rid,
            "--decision",
            "approve",
            "--basis",
            "read it",
            "--format",
            "json",
        )
        == 0
    )
    eff = json.loads(capsys.readouterr().out)
    assert eff["cleared"] is True and eff["reviews"][0]["reviewer"] == "cli-tester"
    assert run(db_url, "rights", "review", rid, "--decision", "perhaps", "--basis", "x") == 2

    blocked = write(tmp_path, plan(teachers=[{"licence": "grok2-community"}]), "b.yaml")
    assert run(db_url, "rights", "check", blocked, "--record", "--format", "json") == 1
    bid = json.loads(capsys.readouterr().out)["id"]
    assert run(db_url, "rights", "review", bid, "--decision", "approve", "--basis", "x") == 2
    assert (
        run(
            db_url,
            "rights",
            "authorize",
            bid,
            "--evidence",
            "xai-letter-9",
            "--basis",
            "written permission",
        )
        == 0
    )
    assert "authorized" in capsys.readouterr().out
    assert run(db_url, "rights", "show", bid, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (
        shown["effective"]["state"] == "authorized"
        and shown["assessment"]["verdict"] == "prohibited"
    )


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
    assert f"{rid} (acme/assistant@1): verdict conditional" in out
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
