"""Reading benchmark files as published: text, CSV rows and JSON records, with line numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from heredity.errors import BadInput

MAX_SOURCE_BYTES = 200 * 1024 * 1024


def read_text(path: str | Path) -> tuple[Path, str]:
    """A file's UTF-8 text (a byte-order mark is dropped); BadInput names the file otherwise."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    if p.stat().st_size > MAX_SOURCE_BYTES:
        raise BadInput(f"{p}: larger than the {MAX_SOURCE_BYTES} byte limit")
    try:
        return p, p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{p}: not UTF-8 text") from None


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
        try:
            data = json.loads(text, object_pairs_hook=hook)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{p} line {exc.lineno}: not valid JSON ({exc.msg})") from None
        yield from enumerate(data, start=1)
        return
    for n, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            try:
                yield n, json.loads(raw, object_pairs_hook=hook)
            except json.JSONDecodeError as exc:
                raise BadInput(f"{p} line {n}: not valid JSON ({exc.msg})") from None


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
