"""``approval decide MODEL@VERSION`` decides the model's one pending request (the README's way)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heredity.cli import main


def test_decide_by_model_ref_needs_exactly_one_pending_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["--db", db, "init"]) == 0
    rc = main(["--db", db, "approval", "decide", "acme/none@1", "--approve", "--reason", "ok"])
    assert rc == 2
    assert (
        "acme/none@1: 0 pending approval requests; give the request id" in capsys.readouterr().err
    )
