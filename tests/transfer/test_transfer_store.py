"""Storing assessments in a real registry: ledgered, linked to models and the distillation."""

from __future__ import annotations

from pathlib import Path

import pytest

from heredity.errors import BadInput, NotFound
from heredity.records import ItemResult, load_document
from heredity.registry import Registry
from heredity.transfer import (
    RECORD_KIND,
    MultiTeacherAssessment,
    TransferAssessment,
    TransferAssessmentRecord,
    assess_multi_teacher,
    assess_transfer,
    assessment_from_record,
    store_assessment,
)

TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"
STUDENT = "acme/support-1b@3"


def _results(right: int, n: int = 60) -> list[ItemResult]:
    return [
        ItemResult(id=f"r{i}", dimension="safety_refusal", outcome=int(i < right)) for i in range(n)
    ]


def test_stored_assessment_links_models_and_distillation(
    registry: Registry, examples: Path
) -> None:
    distillation = registry.record(load_document(examples / "standard-kd.yaml"))
    assessment = assess_transfer(
        _results(58), _results(40), teacher_ref=TEACHER, student_ref=STUDENT
    )
    before = registry.ledger_length()
    stored = store_assessment(registry, assessment)
    assert registry.ledger_length() > before
    assert registry.verify_ledger().ok
    assert stored.kind == RECORD_KIND and stored.subject == STUDENT
    assert stored.key == TEACHER
    assert stored.body.distillation == distillation.id
    assert stored.body.verdict == "fail"
    assert stored.body.student_link.registered is True
    assert stored.body.teachers[0].ref == TEACHER
    found = registry.find(TransferAssessmentRecord, subject=STUDENT)
    assert [r.id for r in found] == [stored.id]
    assert found[0].body.dump() == stored.body.dump()  # read back as written
    again = assessment_from_record(registry.get(stored.id, TransferAssessmentRecord))
    assert isinstance(again, TransferAssessment)
    assert again.model_dump(mode="json") == assessment.model_dump(mode="json")


def test_explicit_distillation_id_must_be_a_distillation(
    registry: Registry, examples: Path
) -> None:
    distillation = registry.record(load_document(examples / "standard-kd.yaml"))
    assessment = assess_transfer(
        _results(50), _results(50), teacher_ref=TEACHER, student_ref=STUDENT
    )
    stored = store_assessment(registry, assessment, distillation_id=distillation.id)
    assert stored.body.distillation == distillation.id
    with pytest.raises(BadInput, match="not a distillation"):
        store_assessment(registry, assessment, distillation_id=stored.id)
    with pytest.raises(NotFound):
        store_assessment(registry, assessment, distillation_id="no-such-record")


def test_unregistered_models_and_multi_teacher_assessments_are_stored(registry: Registry) -> None:
    result = assess_multi_teacher(
        {"x/safe@1": (_results(58), ["safety_refusal"])},
        _results(57),
        student_ref="x/student@1",
    )
    stored = store_assessment(registry, result)
    assert stored.body.distillation is None
    assert stored.body.dump()["student_link"] == {"ref": "x/student@1", "registered": False}
    assert stored.body.type == "multi_teacher"
    assert [d.against for d in stored.body.dimensions] == ["x/safe@1"]
    assert stored.body.dimensions_against("x/safe@1") == stored.body.dimensions
    again = assessment_from_record(stored)
    assert isinstance(again, MultiTeacherAssessment)
    assert again.incoherent_slices == result.incoherent_slices
