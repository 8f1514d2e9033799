"""Fixtures of the hostile-input corpus: the real CLI on a fresh real registry, both backends."""

from __future__ import annotations

import pytest
from hostile_cli import Outcome, Runner

from heredity.cli import main


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Runner:
    """``cli(db_url, *args)`` runs ``heredity --db URL ARGS`` in-process and returns its Outcome."""

    def run(db_url: str, *args: str) -> Outcome:
        capsys.readouterr()
        rc = main(["--db", db_url, *args])
        captured = capsys.readouterr()
        return Outcome(rc, captured.out, captured.err)

    return run


@pytest.fixture
def fresh(db_url: str, cli: Runner) -> str:
    """An initialised, empty registry on the current backend."""
    assert cli(db_url, "init").rc == 0
    return db_url
