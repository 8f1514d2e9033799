"""Reading benchmark files as published: text, CSV rows and JSON records, with line numbers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from heredity.errors import BadInput
from heredity.records import SUITE_LIMITS, parse_json
from heredity.records import read_text as read_limited

MAX_SOURCE_BYTES = SUITE_LIMITS.max_bytes


def read_text(path: str | Path) -> tuple[Path, str]:
    """A file's UTF-8 text (a byte-order mark is dropped); BadInput names the file otherwise."""
    p = Path(path)
    return p, read_limited(p, SUITE_LIMITS, bom=True)


def csv_header(text: str) -> list[str]:
    """The column names of CSV text (empty when there is no header)."""
    return next(csv.reader(io.StringIO(text)), [])


def csv_rows(p: Path, text: str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows as ``(line, row)``; a missing required column is refused on line 1."""
    reader = csv.DictReader(io.StringIO(text))
    cols = reader.fieldnames or []
    for col in required:
        if col not in cols:
            raise BadInput(f"{p} line 1: column '{col}' is missing")
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadInput(f"{p} line {start}: not valid CSV ({exc})") from None
        if None in row:
            raise BadInput(f"{p} line {start}: more cells than the header has columns")
        yield start, {k: (v or "") for k, v in row.items()}


PairsHook = Callable[[list[tuple[str, Any]]], Any]


def json_records(p: Path, text: str, hook: PairsHook | None = None) -> Iterator[tuple[int, Any]]:
    """Records of a JSON array file (numbered from 1 by position: see :func:`record_unit`) or
    of JSONL (by line)."""
    if text.lstrip().startswith("["):
        data = parse_json(text, str(p), SUITE_LIMITS, hook=hook)
        if not isinstance(data, list):
            raise BadInput(f"{p}: expected a JSON list of records")
        yield from enumerate(data, start=1)
        return
    for n, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield n, parse_json(raw, str(p), SUITE_LIMITS, line=n, hook=hook)


def record_unit(text: str) -> str:
    """How records are numbered in messages: ``item`` in a JSON array, ``line`` in JSONL."""
    return "item" if text.lstrip().startswith("[") else "line"


def slug(text: str) -> str:
    """Lower-case letters and digits joined by ``_`` (for ids)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "all"


def name_some(values: list[str], limit: int = 50) -> str:
    """``a, b, c`` — at most ``limit`` values, then how many more."""
    shown = ", ".join(values[:limit])
    more = len(values) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def count(n: int, noun: str) -> str:
    """``1 item``, ``2 items``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
