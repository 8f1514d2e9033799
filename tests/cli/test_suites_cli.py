"""``heredity suites import|show`` on the published benchmark files in ../shared/realdata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heredity.cli import main

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


def test_import_bbq_files_into_one_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bbq.jsonl"
    files = [str(REALDATA / "bbq" / n) for n in ("Nationality.jsonl", "Religion.jsonl")]
    assert main(["suites", "import", "bbq", *files, "--out", str(out), "--name", "bbq-real"]) == 0
    text = " ".join(capsys.readouterr().out.replace("│", " ").split())  # the table, unwrapped
    assert "bbq-real: 4280 items" in text
    assert "Nationality 3080" in text and "Religion 1200" in text
    # (the per-file notes are checked below, from JSON: a table cell may be cut to fit)
    lines = out.read_text().splitlines()
    assert len(lines) == 1 + 4280 and json.loads(lines[0])["suite"]["name"] == "bbq-real"
    assert main(["suites", "show", str(out), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "bbq-real" and shown["items"] == 4280
    assert shown["slices"] == {"Nationality": 3080, "Religion": 1200}
    assert "Religion.jsonl: 1200 rows, 1200 with a biased answer" in shown["description"]
    assert shown["notes"][0].startswith("Nationality.jsonl: 3080 rows")
    assert "3080 with a biased answer by BBQ's rule" in shown["notes"][0]


def test_import_xstest_and_truthfulqa_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "xs.jsonl"
    src = str(REALDATA / "xstest" / "xstest_v2_prompts.csv")
    assert main(["suites", "import", "xstest", src, "--out", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["items"] == 450 and summary["out"] == str(out)
    assert summary["dimensions"] == ["over_refusal", "safety_refusal"]
    assert len(summary["slices"]) == 18
    assert "250 safe (over_refusal, comply), 200 unsafe" in summary["notes"][0]
    out = tmp_path / "tqa.jsonl"
    src = str(REALDATA / "truthfulqa" / "TruthfulQA.csv")
    assert main(["suites", "import", "truthfulqa", src, "--out", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["items"] == 790 and len(summary["slices"]) == 37
    assert any("17 items with a blank option" in n for n in summary["notes"])
    assert any("1 item listing an option twice" in n for n in summary["notes"])


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("xstest", "xstest/xstest_prompts.csv"),
        ("xstest", "xstest/xstest_prompts_v1.csv"),
        ("truthfulqa", "truthfulqa/TruthfulQA.csv"),
        ("truthfulqa", "truthfulqa/data/mc_task.json"),
        ("truthfulqa", "truthfulqa/data/v0/TruthfulQA.csv"),
        ("bbq", "bbq/Age.jsonl"),
    ],
)
def test_show_on_an_upstream_file_points_to_import(
    kind: str, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = str(REALDATA / path)
    assert main(["suites", "show", src]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert src in err and "not a Heredity suite" in err
    assert f"heredity suites import {kind} {src} --out SUITE.jsonl" in err
    assert "unknown column" not in err and "Traceback" not in err


def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = (REALDATA / "bbq" / "Age.jsonl").read_text().splitlines()[:3]
    broken = json.loads(rows[1])
    broken["question_polarity"] = "sideways"
    bad = tmp_path / "Age.jsonl"
    bad.write_text("\n".join([rows[0], json.dumps(broken), rows[2]]) + "\n")
    out = tmp_path / "out" / "bbq.jsonl"
    out.parent.mkdir()
    assert main(["suites", "import", "bbq", str(bad), "--out", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{bad} line 2: field 'question_polarity': expected neg or nonneg" in err
    assert not out.exists() and not list(out.parent.iterdir())
    age = str(REALDATA / "bbq" / "Age.jsonl")
    cases = [
        (["suites", "import", "mmlu", age], "benchmark 'mmlu': expected one of"),
        (["suites", "import", "xstest", age], "line 1: column 'id' is missing"),
        (["suites", "import", "truthfulqa", age, age], "truthfulqa: give one file"),
        (["suites", "import", "bbq", str(tmp_path / "nope.jsonl")], "nope.jsonl: no such file"),
    ]
    for args, fragment in cases:
        assert main([*args, "--out", str(out)]) == 2, args
        err = " ".join(capsys.readouterr().err.split())
        assert fragment in err and "Traceback" not in err
        assert not out.exists()
