"""Small helpers shared by the governance modules: time, suite names, HTML."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import PurePath
from typing import Any

from heredity.records import ProvenanceDraft

INCIDENT_KINDS = ("safety", "rights", "data", "bias")


def utcnow() -> dt.datetime:
    """The current time, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A datetime with a time zone (naive values are taken as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO datetime or date (a date means 00:00 UTC) as an aware datetime; None if absent/bad."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return aware(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    text = str(value).strip()
    try:
        if len(text) == 10:
            d = dt.date.fromisoformat(text)
            return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
        return aware(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def suite_name(entry: str) -> str:
    """The name a plan's suite entry evaluates under: a built-in name, or a suite file's stem."""
    if "/" in entry or "\\" in entry or entry.endswith((".jsonl", ".csv")):
        return PurePath(entry).stem
    return entry


def plan_suites(draft: ProvenanceDraft | None) -> list[str]:
    """The suites of a provenance record's evaluation plan, by the names their runs carry."""
    return [suite_name(s) for s in draft.plan_suites] if draft else []


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1d1d1f}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.pass{color:#176b2c;font-weight:600}
.fail{color:#b00020;font-weight:600}.warning{color:#8a5a00;font-weight:600}.na{color:#777}
code{background:#f5f5f5;padding:0 .2rem}.meta{color:#555}
"""


def html_page(title: str, body: str) -> str:
    """A self-contained HTML page."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>{body}</body></html>\n"
    )


def html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already-escaped HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    lines = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{lines}</table>"
