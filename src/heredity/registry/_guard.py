"""The last guard before a row is written: every value fits its column, on every backend.

The record models already bound what they accept (``heredity.records._limits``); this guard
checks the row itself, whatever built it, so no surface can reach a database error (SQLite's
``OverflowError``, PostgreSQL's ``DataError``) or store on one backend what the other refuses.
A value that does not fit is BadInput naming the column (``models.parameters: ...``): nothing is
written. Checked per column type: text of a ``String(n)`` column at most ``n`` characters, of a
``Text`` column at most 65,536, and never a NUL character; integers within signed 64 bits; JSON
values with finite numbers, 64-bit integers and no NUL in any string (see
:func:`~heredity.records.value_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Integer, String, Table, Text

from heredity.errors import BadInput
from heredity.records import MAX_INT64, MIN_INT64, TEXT_MAX, value_problem


@cache
def _limits(table: Table) -> dict[str, tuple[str, int]]:
    """``column -> (kind, max length)`` with kind ``text``, ``int`` or ``json``."""
    out: dict[str, tuple[str, int]] = {}
    for col in table.columns:
        kind = col.type
        if isinstance(kind, Text):
            out[col.name] = ("text", TEXT_MAX)
        elif isinstance(kind, String):
            out[col.name] = ("text", kind.length or TEXT_MAX)
        elif isinstance(kind, Integer):
            out[col.name] = ("int", 0)
        elif isinstance(kind, JSON):
            out[col.name] = ("json", 0)
    return out


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _problem(kind: str, limit: int, value: Any) -> str | None:
    if value is None:
        return None
    if kind == "text":
        if not isinstance(value, str):
            return f"{type(value).__name__} where text is stored"
        if len(value) > limit:
            return f"{len(value)} characters is over the {limit}-character limit"
        if "\x00" in value:
            return f"{_shown(value)} contains a NUL character (U+0000)"
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r} is not a whole number"
        if not MIN_INT64 <= value <= MAX_INT64:
            return f"{value} is out of range (at most {MAX_INT64})"
    elif kind == "json":
        found = value_problem(value)
        if found:
            path, problem = found
            return f"{path}: {problem}" if path else problem
    return None


def check_row(table: Table, values: Mapping[str, Any]) -> None:
    """BadInput naming the first column of ``table`` whose value in ``values`` cannot be stored."""
    limits = _limits(table)
    for name, value in values.items():
        spec = limits.get(name)
        if spec is None:
            continue
        problem = _problem(spec[0], spec[1], value)
        if problem:
            raise BadInput(f"{table.name}.{name}: {problem}; nothing was written", param=name)


# In canonical JSON text, what any unstorable value shows: an escaped NUL, a non-finite number
# or an integer of 19 digits or more. Text without these needs no walk (the fast path).
_SUSPECT = re.compile(r"\\u0000|NaN|Infinity|\d{19}")


def check_json_text(table: Table, name: str, value: Any, text: str) -> None:
    """:func:`check_row` for one JSON column whose canonical JSON ``text`` is at hand: the value
    is walked only when the text shows something that may not be storable."""
    if _SUSPECT.search(text):
        check_row(table, {name: value})


def check_rows(table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """:func:`check_row` over many rows of ``columns`` (the bulk path), column by column.

    Each column is checked with builtins over all its values at once (a million rows take a
    fraction of a second); only a column that fails is walked value by value for the message.
    """
    limits = _limits(table)
    rows = list(rows)
    if not rows:
        return
    for i, name in enumerate(columns):
        spec = limits.get(name)
        if spec is None:
            continue
        kind, limit = spec
        values = [v for v in map(itemgetter(i), rows) if v is not None]
        if not values:
            continue
        if kind == "text":
            try:
                joined = "".join(values)
            except TypeError:
                joined = None
            ok = joined is not None and "\x00" not in joined and max(map(len, values)) <= limit
        elif kind == "int":
            ok = set(map(type, values)) == {int}
            ok = ok and min(values) >= MIN_INT64 and max(values) <= MAX_INT64
        else:  # JSON: only non-empty values can hold anything unstorable
            values = [v for v in values if v]
            ok = not values
        if not ok:
            for v in values:
                problem = _problem(kind, limit, v)
                if problem:
                    raise BadInput(
                        f"{table.name}.{name}: {problem}; nothing was written", param=name
                    )


__all__ = ["check_json_text", "check_row", "check_rows"]
