"""50 MB files: refused by their size (exit 2 naming the file), nothing written, memory bounded."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hostile_cli import Runner, assert_refused, table_counts

MB = 1024 * 1024
SIZE = 50 * MB


def _document(path: Path) -> Path:
    """A YAML document that starts like a plan and goes on for 50 MB."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("heredity: 1\nkind: distillation\nnotes: |\n")
        line = "  " + "x" * 1022 + "\n"
        for _ in range(SIZE // len(line)):
            fh.write(line)
    return path


def _one_line(path: Path) -> Path:
    """A results file that is one 50 MB line."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"id": "a", "dimension": "safety_refusal", "outcome": 1, "pad": "')
        chunk = "x" * MB
        for _ in range(50):
            fh.write(chunk)
        fh.write('"}\n')
    return path


def _peak(run: Runner, *args: str) -> tuple[int, object]:
    """Peak Python memory of the second run (the first imports what the command needs)."""
    run(*args)
    tracemalloc.start()
    try:
        out = run(*args)
        return tracemalloc.get_traced_memory()[1], out
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("command", ["validate", "record", "rights check"])
def test_a_50_mb_document_is_refused_by_size(
    fresh: str, cli: Runner, tmp_path: Path, command: str
) -> None:
    doc = _document(tmp_path / "huge.yaml")
    before = table_counts(fresh)
    peak, out = _peak(cli, fresh, *command.split(), str(doc))
    assert_refused(out, "huge.yaml")  # type: ignore[arg-type]
    assert table_counts(fresh) == before
    assert peak < 20 * MB, f"{command} held {peak // MB} MB reading a 50 MB file"


def test_a_50_mb_results_line_is_refused(fresh: str, cli: Runner, tmp_path: Path) -> None:
    big = _one_line(tmp_path / "teacher.jsonl")
    small = tmp_path / "student.jsonl"
    small.write_text('{"id": "a", "dimension": "safety_refusal", "outcome": 1}\n')
    before = table_counts(fresh)
    args = ["assess", "--teacher-results", str(big), "--student-results", str(small)]
    peak, out = _peak(cli, fresh, *args, "--no-store")
    assert_refused(out, "teacher.jsonl")  # type: ignore[arg-type]
    assert table_counts(fresh) == before
    assert peak < 40 * MB, f"assess held {peak // MB} MB reading a 50 MB line"
