"""A provenance body that is not a valid document still reads, field by field, for the audit."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from heredity.records import ProvenanceDraft, load_document


def _body(examples: Path) -> dict[str, Any]:
    return load_document(examples / "multi-teacher.yaml").dump()


def test_a_valid_document_reads_as_a_draft_with_no_problems(examples: Path) -> None:
    body = _body(examples)
    draft = ProvenanceDraft.read(body)
    assert draft.problems() == []
    assert draft.dump() == body  # the body as stored, never rewritten
    assert draft.all_teacher_refs == [t["model"] for t in body["teachers"]]
    assert draft.responsible is not None and draft.responsible.name == body["responsible"]["name"]


def test_missing_and_mistyped_fields_read_as_absent_and_are_named(examples: Path) -> None:
    body = copy.deepcopy(_body(examples))
    del body["teachers"][0]["model"]
    body["config"]["temperature"] = "hot"
    body["run"] = {"started_at": "not a time", "rights_assessment": "rights_1"}
    draft = ProvenanceDraft.read(body)
    assert draft.teachers[0].model is None and draft.teachers[1].model
    assert draft.config is not None and draft.config.temperature is None
    assert draft.run is not None and draft.run.started_at is None
    assert draft.run.rights_assessment == "rights_1"
    found = {(p.path, p.missing) for p in draft.problems()}
    assert ("teachers[0].model", True) in found
    assert any(path == "config.temperature" and not missing for path, missing in found)
