"""record_provenance: records a distillation and knows the rights it rests on (as 8.3 reads them)."""

from __future__ import annotations

import datetime as dt

import pytest
from govern_world import World, doc_body, rights_body

from heredity.errors import RightsBlocked
from heredity.govern import distillation_rights, record_provenance
from heredity.records import DistillationDocument

STUDENT = "acme/rec-1b@1"


def _document(assessment: str | None = None) -> DistillationDocument:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    return DistillationDocument.model_validate(
        doc_body(STUDENT, started_at=start, assessment=assessment)
    )


def test_unchecked_rights_are_said_and_refused_on_request(world: World) -> None:
    reg = world.reg
    doc = _document()
    before = reg.ledger_length()
    with pytest.raises(RightsBlocked, match="not cleared .unchecked") as err:
        record_provenance(reg, doc, require_cleared=True)
    assert err.value.exit_code == 1 and reg.ledger_length() == before
    assert reg.distillation_for(STUDENT) is None and reg.find_model(STUDENT) is None
    done = record_provenance(reg, doc)
    assert done.written and done.record.subject == STUDENT
    assert done.rights.state == "unchecked" and not done.rights.cleared
    assert "heredity rights check PLAN.yaml --record" in done.rights.warnings[0]
    again = record_provenance(reg, doc)
    assert not again.written and again.record.id == done.record.id


def test_a_cleared_assessment_that_misses_a_teacher_is_not_cleared(world: World) -> None:
    reg = world.reg
    rights = reg.put(rights_body(STUDENT, ["other/teacher@1"]), subject=STUDENT)
    doc = _document(rights.id)
    state = distillation_rights(reg, STUDENT, doc)
    assert state.state == "cleared" and not state.cleared
    assert state.uncovered == [doc.teachers[0].model]
    with pytest.raises(RightsBlocked, match="does not judge teacher"):
        record_provenance(reg, doc, require_cleared=True)


def test_cleared_rights_record_quietly(world: World) -> None:
    reg = world.reg
    world.ensure_teacher()
    doc = _document()
    rights = reg.put(rights_body(STUDENT, [doc.teachers[0].model]), subject=STUDENT)
    doc = _document(rights.id)
    done = record_provenance(reg, doc, require_cleared=True)
    assert done.written and done.rights.cleared and done.rights.assessment == rights.id
    assert done.rights.warnings == []
