"""Helpers of the hostile-input corpus: run the real CLI on a real registry, count what it stored.

Every case asserts three things: the exit code (2 for bad input), a message that names the field
or file, and that no row anywhere in the registry changed (:func:`table_counts` before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from heredity.registry import Registry


@dataclass(frozen=True)
class Outcome:
    """What one CLI invocation did."""

    rc: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def table_counts(db_url: str) -> dict[str, int]:
    """Rows per table of the registry at ``db_url`` (every table, ledger included)."""
    with Registry.open(db_url) as reg:
        engine = reg.engine
        names = sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            return {
                name: int(conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                for name in names
            }


Runner = Callable[..., Outcome]


def assert_refused(outcome: Outcome, *names: str, code: int = 2) -> None:
    """The invocation exited ``code`` with a message naming each of ``names`` and no traceback."""
    assert outcome.rc == code, outcome.text
    assert "Traceback" not in outcome.text, outcome.text
    for name in names:
        assert name in outcome.text, f"{name!r} not named in: {outcome.text}"
