"""Where a report comes from: when, by whom, from which registry, at which ledger head, of what.

Every report (scorecard, audit, incident, evidence pack) carries a :class:`ReportContext`. The
scorecard renderers take it as ``context=``; documents rendered elsewhere are stamped with
:func:`stamp_html`, :func:`stamp_markdown` or :func:`stamp_json`, so every report shows the same
header, and JSON reports carry it under ``report_context``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from heredity import __version__
from heredity.records import RecordKind
from heredity.transfer import TransferAssessmentRecord

if TYPE_CHECKING:
    from heredity.registry import Registry

JSON_KEY = "report_context"
#: Record ids shown in full in an HTML or Markdown header; the rest are counted (JSON has all).
SHOWN_RECORDS = 25
_SECRET_KEY = re.compile(r"pass|secret|token|key", re.I)


class StoredLike(Protocol):
    """A stored record as the registry returns it (its body a mapping or a typed body model)."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def subject(self) -> str | None: ...

    @property
    def body(self) -> Any: ...


def _body(rec: StoredLike) -> Mapping[str, Any]:
    """A record's body as JSON data, whether the registry returned a mapping or a typed body."""
    body = rec.body
    if isinstance(body, BaseModel):
        data: Mapping[str, Any] = body.model_dump(mode="json")
        return data
    return body if isinstance(body, Mapping) else {}


class LedgerHead(BaseModel):
    """The newest ledger event when the report was made (``seq`` 0 and no hash: empty ledger)."""

    model_config = ConfigDict(extra="forbid")

    seq: int
    hash: str | None


class SuiteDigest(BaseModel):
    """A suite a report's evidence used, by content digest, and the models run on it."""

    model_config = ConfigDict(extra="forbid")

    suite: str
    digest: str | None
    models: list[str] = Field(default_factory=list)


class ReportContext(BaseModel):
    """The provenance header of a report."""

    model_config = ConfigDict(extra="forbid")

    made_at: dt.datetime
    made_by: str
    tool: str = Field(default_factory=lambda: f"heredity {__version__}")
    registry: str | None = Field(None, description="the registry URL, without any password")
    ledger_head: LedgerHead | None = None
    subjects: list[str] = Field(default_factory=list, description="the models the report is of")
    records: list[str] = Field(default_factory=list, description="ids of the records it shows")
    suites: list[SuiteDigest] = Field(default_factory=list)


def redact_url(url: str) -> str:
    """A database URL without its password (and without query parameters that hold secrets)."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^/:@]*):[^@/]*@", r"\1@", url)
    clean = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={k: v for k, v in parsed.query.items() if not _SECRET_KEY.search(k)},
    )
    return clean.render_as_string(hide_password=False)


def ledger_head(registry: Registry) -> LedgerHead:
    """The registry's newest ledger event (read through the registry's public ledger calls)."""
    count = registry.ledger_length()
    if count == 0:
        return LedgerHead(seq=0, hash=None)
    # seqs are distinct and positive, so the newest one is at least ``count``
    events = registry.ledger_events(after=count - 1)
    newest = max(events, key=lambda e: e.seq)
    return LedgerHead(seq=newest.seq, hash=newest.hash)


def report_context(
    registry: Registry | None,
    *,
    subjects: Iterable[str] = (),
    records: Iterable[str | None] = (),
    suites: Iterable[SuiteDigest] = (),
    made_by: str | None = None,
    made_at: dt.datetime | None = None,
) -> ReportContext:
    """The context of a report made now from ``registry`` (None: a report of no registry)."""
    if made_by is None:
        if registry is not None:
            made_by = registry.actor
        else:
            from heredity.registry import default_actor

            made_by = default_actor()
    return ReportContext(
        made_at=made_at or dt.datetime.now(dt.UTC),
        made_by=made_by,
        registry=redact_url(registry.url) if registry is not None else None,
        ledger_head=ledger_head(registry) if registry is not None else None,
        subjects=list(dict.fromkeys(subjects)),
        records=list(dict.fromkeys(r for r in records if r)),
        suites=list(suites),
    )


def _merge(entries: Iterable[tuple[str, str | None, str]]) -> list[SuiteDigest]:
    merged: dict[tuple[str, str | None], list[str]] = {}
    for suite, digest, model in entries:
        models = merged.setdefault((suite, digest), [])
        if model and model not in models:
            models.append(model)
    return [SuiteDigest(suite=s, digest=d, models=m) for (s, d), m in merged.items()]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _evidence_entries(body: Mapping[str, Any]) -> list[tuple[str, str | None, str]]:
    evidence = body.get("evidence")
    if not isinstance(evidence, Mapping):
        return []
    student = str(body.get("student") or "student")
    found = body.get("teachers")
    links: list[Any] = found if isinstance(found, list) else []
    teachers = [str(t.get("ref")) for t in links if isinstance(t, Mapping) and t.get("ref")]
    out: list[tuple[str, str | None, str]] = []
    for key, models in (("teacher_suite_digests", teachers), ("student_suite_digests", [student])):
        digests = evidence.get(key)
        if not isinstance(digests, Mapping):
            continue
        for suite, digest in digests.items():
            for model in models or [""]:
                out.append((str(suite), _text(digest), model))
    return out


def _run_ids(body: Mapping[str, Any]) -> list[str]:
    evidence = body.get("evidence")
    if not isinstance(evidence, Mapping):
        return []
    ids: list[str] = []
    teacher_runs = evidence.get("teacher_runs")
    if isinstance(teacher_runs, Mapping):
        for runs in teacher_runs.values():
            ids += [r for r in runs or [] if isinstance(r, str)]
    ids += [r for r in evidence.get("student_runs") or [] if isinstance(r, str)]
    return ids


def suite_digests(records: Iterable[StoredLike]) -> list[SuiteDigest]:
    """The suites (and their digests) behind evaluation and transfer-assessment records."""
    entries: list[tuple[str, str | None, str]] = []
    for rec in records:
        body = _body(rec)
        if rec.kind == RecordKind.EVALUATION and _text(body.get("suite")):
            entries.append((str(body["suite"]), _text(body.get("suite_digest")), rec.subject or ""))
        elif rec.kind == RecordKind.TRANSFER_ASSESSMENT:
            entries += _evidence_entries(body)
    return _merge(entries)


def assessment_context(
    registry: Registry | None,
    stored: StoredLike | None,
    *,
    subjects: Iterable[str] = (),
) -> ReportContext:
    """The context of a scorecard: the stored assessment, its evaluation runs and their suites."""
    if stored is None:
        return report_context(registry, subjects=subjects)
    body = _body(stored)
    names = [str(body.get("student") or stored.subject or "")]
    names += [str(t.get("ref")) for t in body.get("teachers") or [] if isinstance(t, Mapping)]
    return report_context(
        registry,
        subjects=[*subjects, *(n for n in names if n)],
        records=[stored.id, *_run_ids(body)],
        suites=suite_digests([stored]),
    )


#: The kinds of record an audit reads for each model (its evidence for 8.1-8.5).
AUDITED_KINDS = (
    RecordKind.DISTILLATION,
    RecordKind.RIGHTS_ASSESSMENT,
    RecordKind.TRANSFER_ASSESSMENT,
    RecordKind.APPROVAL_REQUEST,
)


def inventory_context(registry: Registry, refs: Iterable[str]) -> ReportContext:
    """The context of a report over models (an audit): their records and the suites behind them."""
    subjects = list(dict.fromkeys(refs))
    ids: list[str] = []
    found: list[StoredLike] = []
    for ref in subjects:
        for kind in AUDITED_KINDS:
            ids += [h.id for h in registry.headers(kind, subject=ref)]
        found += registry.find(TransferAssessmentRecord, subject=ref)
    return report_context(registry, subjects=subjects, records=ids, suites=suite_digests(found))


# -- rendering ---------------------------------------------------------------------------------


def _when(ctx: ReportContext) -> str:
    return ctx.made_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _head(ctx: ReportContext) -> tuple[str, str]:
    """The ledger head as (``#seq``, hash); dashes when there is no registry or no event."""
    if ctx.ledger_head is None:
        return "—", ""
    return f"#{ctx.ledger_head.seq}", ctx.ledger_head.hash or "(empty ledger)"


def context_lines(ctx: ReportContext) -> list[str]:
    """The header as plain lines (for a terminal)."""
    seq, digest = _head(ctx)
    lines = [
        f"made {_when(ctx)} by {ctx.made_by} with {ctx.tool}; registry {ctx.registry or '—'}; "
        f"ledger head {seq} {digest}".rstrip(),
        f"of {', '.join(ctx.subjects) or '—'}; records {', '.join(ctx.records) or '—'}",
    ]
    if ctx.suites:
        lines.append("suites " + "; ".join(_suite(s) for s in ctx.suites))
    return lines


def _suite(s: SuiteDigest) -> str:
    models = f" ({', '.join(s.models)})" if s.models else ""
    return f"{s.suite} {s.digest or 'no digest'}{models}"


def context_markdown(ctx: ReportContext) -> list[str]:
    """The header as Markdown lines (a block quote)."""
    seq, digest = _head(ctx)
    records = ", ".join(f"`{r}`" for r in ctx.records[:SHOWN_RECORDS]) or "—"
    if len(ctx.records) > SHOWN_RECORDS:
        records += f" and {len(ctx.records) - SHOWN_RECORDS} more (all in the JSON report)"
    lines = [
        f"> Made {_when(ctx)} by **{ctx.made_by}** with {ctx.tool} · registry "
        f"`{ctx.registry or '—'}` · ledger head {seq}" + (f" `{digest}`" if digest else ""),
        ">",
        f"> Of: {', '.join(f'`{s}`' for s in ctx.subjects) or '—'} · records: {records}",
    ]
    if ctx.suites:
        suites = "; ".join(
            f"`{s.suite}` `{s.digest or 'no digest'}`"
            + (f" ({', '.join(s.models)})" if s.models else "")
            for s in ctx.suites
        )
        lines += [">", f"> Suites: {suites}"]
    return lines


def context_html(ctx: ReportContext) -> str:
    """The header as an HTML block (its text escaped)."""
    e = escape
    seq, digest = _head(ctx)
    shown = ", ".join(f"<code>{e(r)}</code>" for r in ctx.records[:SHOWN_RECORDS]) or "—"
    rest = ctx.records[SHOWN_RECORDS:]
    if rest:
        shown += (
            f" <details><summary>and {len(rest)} more</summary>"
            + ", ".join(f"<code>{e(r)}</code>" for r in rest)
            + "</details>"
        )
    parts = [
        "<div class='report-context meta'>",
        f"<p>Made <b>{e(_when(ctx))}</b> by <b>{e(ctx.made_by)}</b> with {e(ctx.tool)} · "
        f"registry <code>{e(ctx.registry or '—')}</code> · ledger head <b>{e(seq)}</b>"
        + (f" <code>{e(digest)}</code>" if digest else "")
        + "</p>",
        f"<p>Of: {e(', '.join(ctx.subjects) or '—')} · records: {shown}</p>",
    ]
    if ctx.suites:
        parts.append(
            "<p>Suites: "
            + "; ".join(
                f"{e(s.suite)} <code>{e(s.digest or 'no digest')}</code>"
                + (f" ({e(', '.join(s.models))})" if s.models else "")
                for s in ctx.suites
            )
            + "</p>"
        )
    parts.append("</div>")
    return "".join(parts)


def stamp_html(page: str, ctx: ReportContext) -> str:
    """``page`` with the header after its first heading (else at the top of its body)."""
    block = context_html(ctx)
    at = page.find("</h1>")
    if at >= 0:
        at += len("</h1>")
    else:
        body = re.search(r"<body[^>]*>", page)
        at = body.end() if body else 0
    return page[:at] + block + page[at:]


def stamp_markdown(text: str, ctx: ReportContext) -> str:
    """``text`` with the header after its title line (else at the top)."""
    block = "\n".join(context_markdown(ctx)) + "\n\n"
    if text.startswith("# "):
        title, _, rest = text.partition("\n")
        return f"{title}\n\n{block}{rest.lstrip(chr(10))}"
    return block + text


def stamp_json(data: Mapping[str, Any], ctx: ReportContext) -> dict[str, Any]:
    """A JSON report with the header under ``report_context``."""
    return {**data, JSON_KEY: ctx.model_dump(mode="json")}
