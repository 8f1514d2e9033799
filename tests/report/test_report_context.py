"""Reports are traceable: when, by whom, from which registry, at which ledger head, of what."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli_identity import as_cli
from heredity.cli import main
from heredity.records import ItemResult, ModelRecord
from heredity.registry import Registry
from heredity.report import (
    ReportContext,
    SuiteDigest,
    redact_url,
    render_html,
    render_json,
    render_markdown,
    report_context,
    stamp_html,
    stamp_json,
    stamp_markdown,
)
from heredity.transfer import assess_transfer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STUDENT = "acme/support-1b@3"
TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"


def test_passwords_never_reach_a_report() -> None:
    url = "postgresql+psycopg://heredity:s3cret@db.example:5432/reg?sslpassword=k3y&x=1"
    clean = redact_url(url)
    assert "s3cret" not in clean and "k3y" not in clean
    assert clean.startswith("postgresql+psycopg://heredity@db.example:5432/reg")
    assert "x=1" in clean
    assert redact_url("sqlite:///tmp/r.db") == "sqlite:///tmp/r.db"
    assert "pw" not in redact_url("not a url://user:pw@host")


def test_context_reads_the_registry_it_reports_from(registry: Registry) -> None:
    registry.add_model(ModelRecord(name="acme/m", version="1"))
    ctx = report_context(
        registry,
        subjects=["acme/m@1"],
        records=["rec_1"],
        suites=[SuiteDigest(suite="bias", digest="sha256:abc", models=["acme/m@1"])],
    )
    head = registry.verify_ledger().head
    assert ctx.ledger_head is not None
    assert ctx.ledger_head.seq == registry.ledger_length()
    assert ctx.ledger_head.hash == head
    assert ctx.made_by == "tester"
    assert ctx.registry == redact_url(registry.url)
    assert ctx.records == ["rec_1"]
    assert ctx.ledger_head.seq >= 1
    assert ctx.made_at.tzinfo is not None
    empty = report_context(None)
    assert empty.registry is None and empty.ledger_head is None


def _ctx() -> ReportContext:
    return ReportContext.model_validate(
        {
            "made_at": "2026-11-01T10:22:03+00:00",
            "made_by": "alice",
            "registry": "sqlite:///x/registry.db",
            "ledger_head": {"seq": 42, "hash": "ab" * 32},
            "subjects": ["acme/s@1"],
            "records": ["ta_0001", "ev_0002"],
            "suites": [{"suite": "bias", "digest": "sha256:" + "cd" * 32, "models": ["acme/s@1"]}],
        }
    )


def _shows_everything(text: str) -> None:
    for part in (
        "2026-11-01 10:22:03 UTC",
        "alice",
        "sqlite:///x/registry.db",
        "42",
        "ab" * 32,
        "ta_0001",
        "ev_0002",
        "sha256:" + "cd" * 32,
    ):
        assert part in text, part


def test_every_scorecard_rendering_carries_the_context() -> None:
    items = [ItemResult(id=f"i{i}", dimension="factuality", outcome=1) for i in range(20)]
    a = assess_transfer(items, items, teacher_ref="acme/t@1", student_ref="acme/s@1")
    ctx = _ctx()
    _shows_everything(render_html(a, context=ctx))
    _shows_everything(render_markdown(a, context=ctx))
    data = json.loads(render_json(a, context=ctx))
    assert data["report_context"] == ctx.model_dump(mode="json")
    assert {k: v for k, v in data.items() if k != "report_context"} == a.model_dump(mode="json")
    assert "report_context" not in json.loads(render_json(a))  # no context, the plain contract


def test_other_documents_are_stamped_the_same_way() -> None:
    ctx = _ctx()
    page = stamp_html("<!doctype html><html><body><h1>Audit</h1><p>x</p></body></html>", ctx)
    assert page.index("<h1>Audit</h1>") < page.index("ta_0001") < page.index("<p>x</p>")
    _shows_everything(page)
    md = stamp_markdown("# Audit\n\nbody\n", ctx)
    assert md.startswith("# Audit\n") and md.index("ta_0001") < md.index("body")
    assert stamp_json({"a": 1}, ctx) == {"a": 1, "report_context": ctx.model_dump(mode="json")}


def _results(path: Path, refused: int) -> Path:
    rows = [
        {"id": f"harm-{i}", "dimension": "safety_refusal", "outcome": int(i < refused)}
        for i in range(100)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _head(db_url: str) -> tuple[int, str | None]:
    with Registry.open(db_url) as reg:
        return reg.ledger_length(), reg.verify_ledger().head


def test_cli_reports_are_traceable(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = as_cli(db_url, "auditor-amy")
    assert main([*db, "record", str(EXAMPLES / "standard-kd.yaml")]) == 0
    teacher = _results(tmp_path / "t.jsonl", 95)
    student = _results(tmp_path / "s.jsonl", 95)
    assess = [*db, "assess", "--teacher", TEACHER, "--student", STUDENT]
    files = ["--teacher-results", str(teacher), "--student-results", str(student)]
    files += ["--suite", "safety-refusal"]
    capsys.readouterr()
    assert main([*assess, *files, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ctx = data["report_context"]
    seq, head = _head(db_url)
    assert ctx["ledger_head"] == {"seq": seq, "hash": head}
    assert ctx["made_by"] == "auditor-amy"
    with Registry.open(db_url) as reg:
        stored = reg.headers("transfer_assessment", subject=STUDENT)[0]
        dist = reg.headers("distillation", subject=STUDENT)[0]
    assert stored.id in ctx["records"]
    assert ctx["suites"] and all(s["digest"].startswith("sha256:") for s in ctx["suites"])
    assert main([*assess, *files, "--format", "md", "--no-store"]) == 0
    assert "ledger head" in capsys.readouterr().out

    assert main([*db, "audit", "--format", "json"]) == 1
    audit = json.loads(capsys.readouterr().out)
    assert {stored.id, dist.id} <= set(audit["report_context"]["records"])
    seq, head = _head(db_url)
    assert audit["report_context"]["ledger_head"]["hash"] == head
    out = tmp_path / "audit.html"
    assert main([*db, "audit", "--format", "html", "--out", str(out)]) == 1
    capsys.readouterr()
    page = out.read_text()
    assert head is not None and head in page and dist.id in page and "auditor-amy" in page

    pack = tmp_path / "pack"
    assert main([*db, "evidence", STUDENT, "--out", str(pack)]) == 0
    capsys.readouterr()
    index = (pack / "index.html").read_text()
    assert dist.id in index and stored.id in index and "ledger head" in index
    card = (pack / f"scorecard-{stored.id}.html").read_text()
    assert stored.id in card and "ledger head" in card
    audit_json = json.loads((pack / "audit.json").read_text())
    assert audit_json["report_context"]["subjects"] == [STUDENT]

    opened = [*db, "incident", "open", TEACHER, "--kind", "safety", "--summary", "bad"]
    assert main([*opened, "--format", "json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["id"] in view["report_context"]["records"]
    assert main([*db, "incident", "show", view["id"], "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert view["id"] in page and "ledger head" in page
    assert not re.search(r"\d\.\d{6,}", page)
