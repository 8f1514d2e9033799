"""The corpus harness itself: it sees rows written and a refusal's exit code."""

from __future__ import annotations

from pathlib import Path

from hostile_cli import Runner, assert_refused, table_counts


def test_counts_see_a_record_and_a_refusal_writes_nothing(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path
) -> None:
    before = table_counts(fresh)
    bad = tmp_path / "bad.yaml"
    bad.write_text("student: [unclosed\n", encoding="utf-8")
    assert_refused(cli(fresh, "record", str(bad)), "bad.yaml")
    assert table_counts(fresh) == before
    assert cli(fresh, "record", str(examples / "standard-kd.yaml")).rc == 0
    assert table_counts(fresh) != before
