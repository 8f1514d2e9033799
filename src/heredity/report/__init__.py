"""Scorecards (4.6): an assessment as a Rich table, JSON, Markdown or a self-contained HTML page.

Every report carries a :class:`ReportContext` (when, by whom, from which registry, at which
ledger head, of which records and suites): the renderers take it as ``context=``, and reports
rendered elsewhere (audit, incident, evidence pack) are stamped with ``stamp_*``.
"""

from heredity.report._common import fmt_number
from heredity.report._context import (
    LedgerHead,
    ReportContext,
    SuiteDigest,
    assessment_context,
    inventory_context,
    ledger_head,
    redact_url,
    report_context,
    stamp_html,
    stamp_json,
    stamp_markdown,
    suite_digests,
)
from heredity.report._html import render_html
from heredity.report._markdown import render_json, render_markdown
from heredity.report._text import render_text

__all__ = [
    "LedgerHead",
    "ReportContext",
    "SuiteDigest",
    "assessment_context",
    "fmt_number",
    "inventory_context",
    "ledger_head",
    "redact_url",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "report_context",
    "stamp_html",
    "stamp_json",
    "stamp_markdown",
    "suite_digests",
]
