"""Turn pydantic errors into one line per problem, each naming its field path.

The one formatter of pydantic errors in Heredity: every error a user sees about a file, a record
or an argument that failed a model is worded here (``teachers[1].licence: required``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from heredity.errors import ValidationFailed


def field_path(loc: Sequence[int | str]) -> str:
    """Render a pydantic location tuple as ``teachers[1].licence``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out or "(document)"


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


_FIELD_MSG = re.compile(r"^([a-z_][a-z_0-9]*(?:\[\d+\])?(?:\.[a-z_][a-z_0-9]*)*): (.+)$", re.S)


@dataclass(frozen=True)
class FieldProblem:
    """One problem: the field path, what is wrong, and whether the field is simply missing."""

    path: str
    message: str
    missing: bool = False

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def field_problems(exc: ValidationError) -> list[FieldProblem]:
    """One :class:`FieldProblem` per error, in document order, without duplicates.

    Cross-field validators write messages as ``field: problem`` (several joined by ``"; "``);
    those are split and the field is appended to the location.
    """
    out: list[FieldProblem] = []
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if not (isinstance(p, str) and "[" in p and "]" in p)]
        base = field_path(loc)
        missing = err.get("type") == "missing"
        for part in _message(err).split("; "):
            m = _FIELD_MSG.match(part)
            if m:
                sub = m.group(1)
                path = sub if base == "(document)" else f"{base}.{sub}"
                problem = FieldProblem(path, m.group(2), missing)
            else:
                problem = FieldProblem(base, part, missing)
            if problem not in out:
                out.append(problem)
    return out


def error_lines(exc: ValidationError) -> list[str]:
    """One ``path: message`` line per error, in document order, without duplicates."""
    return [str(p) for p in field_problems(exc)]


def first_problem(exc: ValidationError) -> str:
    """The first problem of an error, as ``path: message`` (for one-line messages)."""
    found = field_problems(exc)
    return str(found[0]) if found else str(exc)


def validation_failed(exc: ValidationError, source: str) -> ValidationFailed:
    """Wrap a pydantic error into Heredity's error, naming the source file or object."""
    lines = error_lines(exc)
    noun = "problem" if len(lines) == 1 else "problems"
    return ValidationFailed(f"{source}: {len(lines)} {noun}", details=lines)
