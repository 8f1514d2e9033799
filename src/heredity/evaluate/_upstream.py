"""Recognising a benchmark's published file (by its columns or fields) where a suite was expected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

BENCHMARKS = ("xstest", "bbq", "truthfulqa")
"""Benchmarks ``heredity suites import`` reads in their published formats."""

_NAMES = {"xstest": "XSTest", "bbq": "BBQ", "truthfulqa": "TruthfulQA"}
_XSTEST_IDS = ("id", "id_v2", "id_v1")
_TQA_GENERATION = ("Question", "Best Answer", "Incorrect Answers")
_TQA_MC = ("question", "mc1_targets")
_BBQ_FIELDS = ("context", "question", "ans0", "ans1", "ans2", "answer_info")


def kind_of_columns(columns: Iterable[str]) -> str | None:
    """The benchmark whose published CSV has these columns, if any."""
    cols = set(columns)
    if {"prompt", "type"} <= cols and cols & set(_XSTEST_IDS):
        return "xstest"
    if set(_TQA_GENERATION) <= cols or set(_TQA_MC) <= cols:
        return "truthfulqa"
    return None


def kind_of_record(record: Any) -> str | None:
    """The benchmark whose published JSON/JSONL records look like this one, if any."""
    if not isinstance(record, Mapping) or "dimension" in record:
        return None
    keys = set(record)
    if set(_BBQ_FIELDS) <= keys:
        return "bbq"
    if set(_TQA_MC) <= keys:
        return "truthfulqa"
    return None


def import_hint(source: str, kind: str, found_by: str) -> str:
    """The message for an upstream file given where a Heredity suite was expected."""
    return (
        f"{source}: this is {_NAMES[kind]} data as published (its {found_by}), not a "
        f"Heredity suite; import it first: heredity suites import {kind} {source} "
        "--out SUITE.jsonl"
    )
