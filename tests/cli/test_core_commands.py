"""The core CLI end to end: record, show, lineage, impact, ledger, schema — and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from heredity.cli import main
from heredity.identity import os_user
from heredity.registry import Registry, StatusChange


def run(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])  # as the OS user


def ledger_length(db_url: str) -> int:
    with Registry.open(db_url) as reg:
        return reg.ledger_length()


def test_walkthrough(db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_url, "init") == 0
    for name in ("standard-kd", "multi-teacher", "sequence-level", "self-distillation"):
        assert run(db_url, "record", str(examples / f"{name}.yaml")) == 0
    capsys.readouterr()
    assert (
        run(db_url, "lineage", "acme/summariser-small@3", "--direction", "up", "--format", "json")
        == 0
    )
    lin = json.loads(capsys.readouterr().out)
    assert lin["root"] == "acme/summariser-small@3"
    assert {"ref": "acme/summariser-large@4", "kind": "model", "depth": 2} in lin["nodes"]
    assert run(db_url, "impact", "acme/summariser-large@4", "--format", "json") == 0
    impact = json.loads(capsys.readouterr().out)
    assert {a["ref"] for a in impact["affected"]} == {
        "acme/summariser-small@2",
        "acme/summariser-small@3",
        "acme/summaries-synthetic@2026-09",
    }
    assert run(db_url, "lineage", "acme/summariser-small@3") == 0
    assert "acme/summariser-large@4" in capsys.readouterr().out
    assert run(db_url, "show", "acme/helpdesk-3b@1", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["body"]["method"] == "multi_teacher"
    assert run(db_url, "ledger", "verify") == 0
    assert "ledger verified" in capsys.readouterr().out
    assert run(db_url, "ledger", "log", "--format", "json") == 0
    events = json.loads(capsys.readouterr().out)
    assert events and {e["actor"] for e in events} == {os_user()}
    assert run(db_url, "model", "show", "acme/summariser-large@4", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["students"] == ["acme/summariser-small@2"]


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "distillation"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "DistillationDocument"
    assert main(["schema", "nonsense"]) == 2


def test_ledger_verify_exit_1_on_tampering(
    db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlalchemy as sa

    assert run(db_url, "record", str(examples / "standard-kd.yaml")) == 0
    with Registry.open(db_url) as reg, reg.engine.begin() as conn:
        conn.execute(sa.text("UPDATE models SET owner = 'mallory' WHERE name = 'acme/support-1b'"))
    capsys.readouterr()
    assert run(db_url, "ledger", "verify") == 1
    assert "model:acme/support-1b@3" in capsys.readouterr().out


def _doc(examples: Path) -> dict[str, Any]:
    return yaml.safe_load((examples / "standard-kd.yaml").read_text())


BAD: dict[str, Any] = {
    "malformed-yaml": ("student: [unclosed\n  teachers: {", "malformed YAML"),
    "not-a-mapping": ("- just\n- a list\n", "expected a mapping"),
    "wrong-type": (lambda d: d["datasets"][0].update(examples="many"), "datasets[0].examples"),
    "missing-field": (lambda d: d.pop("responsible"), "responsible: required"),
    "unknown-enum": (lambda d: d.update(method="osmosis"), "method:"),
    "unknown-field": (lambda d: d.update(notes="x"), "notes: unknown field"),
    "self-teaching": (
        lambda d: d["teachers"][0].update(model="acme/support-1b@3"),
        "cannot teach itself",
    ),
    "sql-in-name": (
        lambda d: d["student"].update(name="acme/x'; DROP TABLE models; --"),
        "student.name",
    ),
    "html-in-name": (
        lambda d: d["student"].update(name="<script>alert(1)</script>"),
        "student.name",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exit_2_names_the_problem_and_writes_nothing(
    case: str, db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, expected = BAD[case]
    path = tmp_path / "doc.yaml"
    if isinstance(change, str):
        path.write_text(change)
    else:
        data = _doc(examples)
        change(data)
        path.write_text(yaml.safe_dump(data))
    assert run(db_url, "init") == 0
    capsys.readouterr()
    assert run(db_url, "record", str(path)) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert ledger_length(db_url) == 0


def test_huge_document_is_refused(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as fh:
        fh.write("rationale: '")
        chunk = "x" * 1_000_000
        for _ in range(50):
            fh.write(chunk)
        fh.write("'\n")
    assert run(db_url, "record", str(path)) == 2
    assert "limit" in capsys.readouterr().err
    assert ledger_length(db_url) == 0


def test_cycle_and_duplicate_refused_without_writes(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "record", str(examples / "sequence-level.yaml")) == 0
    before = ledger_length(db_url)
    data = _doc(examples)
    data["student"] = {"name": "acme/summariser-large", "version": "4"}
    data["teachers"][0].update(model="acme/summariser-small@2", licence="apache-2.0")
    path = tmp_path / "cycle.yaml"
    path.write_text(yaml.safe_dump(data))
    capsys.readouterr()
    assert run(db_url, "record", str(path)) == 2
    assert "own ancestor" in capsys.readouterr().err
    assert run(db_url, "model", "add", "acme/summariser-large@4", "--licence", "mit") == 2
    assert "already registered" in capsys.readouterr().err
    assert ledger_length(db_url) == before


def test_metacharacters_in_free_text_are_stored_verbatim(
    db_url: str, examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _doc(examples)
    nasty = "Robert'); DROP TABLE models;-- <b>&amp;</b>"
    data["responsible"]["name"] = nasty
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(data))
    assert run(db_url, "record", str(path)) == 0
    capsys.readouterr()
    assert run(db_url, "show", "acme/support-1b@3", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["body"]["responsible"]["name"] == nasty
    assert run(db_url, "ledger", "verify") == 0


def test_ledger_log_shows_the_newest_first(
    db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "record", str(examples / "standard-kd.yaml")) == 0
    capsys.readouterr()
    assert run(db_url, "ledger", "log", "--limit", "3", "--format", "json") == 0
    newest = [e["seq"] for e in json.loads(capsys.readouterr().out)]
    total = ledger_length(db_url)
    assert newest == [total, total - 1, total - 2]
    assert run(db_url, "ledger", "log", "--limit", "2", "--oldest-first", "--format", "json") == 0
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)] == [1, 2]


def test_record_twice_says_nothing_was_written(
    db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = str(examples / "standard-kd.yaml")
    assert run(db_url, "record", doc, "--format", "json") == 0
    first = json.loads(capsys.readouterr().out)
    length = ledger_length(db_url)
    assert run(db_url, "record", doc, "--format", "json") == 0
    again = json.loads(capsys.readouterr().out)
    assert first["recorded"] is True and first["ledger_events"]
    assert again == first | {"recorded": False, "ledger_events": []}
    assert ledger_length(db_url) == length
    assert run(db_url, "record", doc) == 0
    assert "already recorded" in capsys.readouterr().out


def test_show_refuses_a_record_that_is_not_a_provenance_record(
    db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "record", str(examples / "standard-kd.yaml")) == 0
    with Registry.open(db_url) as reg:
        reg.set_model_status("acme/support-1b@3", "approved", "test")
        (change,) = reg.find(StatusChange, subject="acme/support-1b@3")
    capsys.readouterr()
    assert run(db_url, "show", change.id) == 2
    assert "not a distillation (it is a status change record)" in capsys.readouterr().err


def test_errors_name_the_flag_the_user_typed(
    db_url: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "record", str(examples / "standard-kd.yaml")) == 0
    capsys.readouterr()
    ref = "acme/support-1b@3"
    assert run(db_url, "lineage", ref, "--direction", "sideways") == 2
    assert "--direction: 'sideways' must be up or down" in capsys.readouterr().err
    assert run(db_url, "lineage", ref, "--relation", "cousin_of") == 2
    assert "--relation: unknown relation 'cousin_of'" in capsys.readouterr().err
    assert run(db_url, "actor", "add", "gina", "--role", "wizard") == 2
    assert "--role: unknown role 'wizard'" in capsys.readouterr().err
    assert main(["--db", "mysql://x/y", "ledger", "verify"]) == 2
    assert "--db/HEREDITY_DB: backend 'mysql' is not supported" in capsys.readouterr().err
