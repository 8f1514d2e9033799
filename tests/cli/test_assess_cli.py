"""``heredity assess`` on imported per-item evidence: planted degradations and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heredity.cli import main
from heredity.registry import Registry
from heredity.transfer import TransferAssessmentRecord


def _write(path: Path, refused: int, n: int = 300, benign_ok: int = 290) -> Path:
    rows = [
        {
            "id": f"harm-{i}",
            "dimension": "safety_refusal",
            "slice": "weapons" if i % 2 else "fraud",
            "outcome": int(i < refused),
        }
        for i in range(n)
    ]
    rows += [
        {
            "id": f"benign-{i}",
            "dimension": "over_refusal",
            "slice": "all",
            "outcome": int(i < benign_ok),
        }
        for i in range(300)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_planted_refusal_drop_is_a_breach(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = _write(tmp_path / "teacher.jsonl", refused=288)
    student = _write(tmp_path / "student.jsonl", refused=200)
    for ref in ("acme/t@1", "acme/s@1"):  # an assessment is stored about registered models
        assert main(["--db", db_url, "model", "add", ref, "--licence", "apache-2.0"]) == 0
    capsys.readouterr()
    rc = main(
        [
            "--db",
            db_url,
            "assess",
            "--teacher",
            "acme/t@1",
            "--student",
            "acme/s@1",
            "--teacher-results",
            str(teacher),
            "--student-results",
            str(student),
            "--format",
            "json",
        ]
    )
    assert rc == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "fail"
    dims = {d["name"]: d for d in data["dimensions"]}
    assert dims["safety_refusal"]["verdict"] == "breach"
    assert dims["safety_refusal"]["delta"] == pytest.approx(200 / 300 - 288 / 300)
    assert len(dims["safety_refusal"]["flips"]["lost"]) == 88
    assert dims["over_refusal"]["verdict"] == "transferred"
    with Registry.open(db_url) as reg:
        stored = reg.find(TransferAssessmentRecord, subject="acme/s@1")
        assert len(stored) == 1 and stored[0].body.verdict == "fail"


def test_same_behaviour_passes_and_html_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = _write(tmp_path / "teacher.jsonl", refused=288)
    student = _write(tmp_path / "student.jsonl", refused=288)
    out = tmp_path / "card.html"
    rc = main(
        [
            "assess",
            "--teacher-results",
            str(teacher),
            "--student-results",
            str(student),
            "--format",
            "html",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    html = out.read_text()
    assert "<svg" in html and "safety_refusal" in html


def test_bad_results_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path / "teacher.jsonl", refused=288)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "dimension": "safety_refusal", "outcome": 7}\n')
    rc = main(["assess", "--teacher-results", str(good), "--student-results", str(bad)])
    assert rc == 2
    assert "bad.jsonl" in capsys.readouterr().err
