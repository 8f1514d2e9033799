"""Recording distillations: registration, lineage edges, immutability, cycles (4.1, 4.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from heredity.errors import Conflict, NotFound
from heredity.records import DistillationDocument, ModelRecord, load_document, parse_document
from heredity.registry import Registry, StatusChange


def test_recording_registers_models_datasets_and_edges(registry: Registry, examples: Path) -> None:
    doc = load_document(examples / "sequence-level.yaml")
    stored = registry.record(doc)
    assert stored.kind == "distillation" and stored.subject == "acme/summariser-small@2"
    assert registry.get_model("acme/summariser-large@4").licence == "apache-2.0"
    assert registry.get_dataset("acme/summaries-synthetic@2026-09").kind == "synthetic"
    lin = registry.lineage("acme/summariser-small@2", "up")
    edges = {(e.parent, e.child, e.relation) for e in lin.edges}
    assert edges == {
        ("acme/summariser-large@4", "acme/summariser-small@2", "distilled_from"),
        ("acme/summariser-large@4", "acme/summaries-synthetic@2026-09", "generated"),
        ("acme/summaries-synthetic@2026-09", "acme/summariser-small@2", "trained_on"),
        ("acme/summaries-gold@1", "acme/summariser-small@2", "trained_on"),
        ("acme/summariser-base@1", "acme/summariser-small@2", "weight_init"),
    }
    assert registry.distillation_for("acme/summariser-small@2", DistillationDocument) == stored
    assert registry.verify_ledger().ok


def test_same_document_twice_is_a_no_op(registry: Registry, examples: Path) -> None:
    doc = load_document(examples / "standard-kd.yaml")
    first = registry.record(doc)
    length = registry.ledger_length()
    assert registry.record(doc).id == first.id
    assert registry.ledger_length() == length


def test_changed_document_needs_supersedes(registry: Registry, examples: Path) -> None:
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    first = registry.record(parse_document(data))
    data["config"]["temperature"] = 4.0
    length = registry.ledger_length()
    with pytest.raises(Conflict, match=f"supersedes: {first.id}"):
        registry.record(parse_document(data))
    assert registry.ledger_length() == length
    data["supersedes"] = first.id
    second = registry.record(parse_document(data))
    assert second.id != first.id
    assert registry.distillation_for("acme/support-1b@3", DistillationDocument) == second
    old = registry.get(first.id, DistillationDocument)
    assert old.body.config.temperature == 2.0  # history kept
    assert registry.verify_ledger().ok


def test_amendment_replaces_the_lineage_it_corrects(registry: Registry, examples: Path) -> None:
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    first = registry.record(parse_document(data))
    data["teachers"][0]["model"] = "meta-llama/Llama-3.3-70B-Instruct@1"
    data["teachers"][0]["licence"] = "llama3.3"
    data["supersedes"] = first.id
    registry.record(parse_document(data))
    assert registry.teachers("acme/support-1b@3") == ["meta-llama/Llama-3.3-70B-Instruct@1"]
    assert registry.students("meta-llama/Llama-3.1-70B-Instruct@1") == []
    assert registry.verify_ledger().ok


def test_supersedes_must_name_the_current_record(registry: Registry, examples: Path) -> None:
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    data["supersedes"] = "dist_doesnotexist"
    with pytest.raises(NotFound, match="supersedes"):
        registry.record(parse_document(data))
    assert registry.ledger_length() == 0


def test_cycle_through_a_dataset_is_refused_and_nothing_written(
    registry: Registry, examples: Path
) -> None:
    registry.record(load_document(examples / "sequence-level.yaml"))
    length = registry.ledger_length()
    # The teacher now claims to be distilled from its own student's student: a loop.
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    data["student"] = {"name": "acme/summariser-large", "version": "4"}
    data["teachers"][0].update(model="acme/summariser-small@2", licence="apache-2.0")
    with pytest.raises(Conflict, match="own ancestor"):
        registry.record(parse_document(data))
    assert registry.ledger_length() == length
    assert registry.find_model("meta-llama/Llama-3.1-70B-Instruct@1") is None
    assert registry.distillation_for("acme/summariser-large@4") is None


def test_duplicate_model_with_different_facts_is_refused(registry: Registry) -> None:
    registry.add_model(ModelRecord(name="acme/a", version="1", licence="mit"))
    assert (
        registry.add_model(ModelRecord(name="acme/a", version="1", licence="mit")).licence == "mit"
    )
    with pytest.raises(Conflict, match="licence"):
        registry.add_model(ModelRecord(name="acme/a", version="1", licence="apache-2.0"))
    assert registry.ledger_length() == 1


def test_status_changes_are_ledgered_with_reason(registry: Registry) -> None:
    registry.add_model(ModelRecord(name="acme/a", version="1"))
    registry.set_model_status("acme/a@1", "approved", "approval apr_1")
    assert registry.get_model("acme/a@1").status == "approved"
    actions = [e.action for e in registry.ledger_events()]
    assert actions == ["model.add", "model.status", "status_change.put"]
    assert registry.find(StatusChange, subject="acme/a@1")[0].body.reason == "approval apr_1"
    assert registry.verify_ledger().ok


def test_student_files_changed_since_the_run_are_refused(
    registry: Registry, examples: Path, tmp_path: Path
) -> None:
    from heredity.registry import weights_digest

    student = tmp_path / "student"
    student.mkdir()
    (student / "config.json").write_text('{"model_type": "llama"}')
    (student / "model.safetensors").write_bytes(b"weights the run wrote")
    produced = weights_digest(student)
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text())
    data["student"]["path"] = str(student)
    data["run"] = {"status": "completed", "student_digest": produced}
    (student / "model.safetensors").write_bytes(b"weights swapped in afterwards")
    length = registry.ledger_length()
    with pytest.raises(Conflict, match=r"student.path: the files at .* are not the ones the run"):
        registry.record(parse_document(data, "plan"))
    assert registry.ledger_length() == length
    (student / "model.safetensors").write_bytes(b"weights the run wrote")
    stored = registry.record(parse_document(data, "plan"))
    assert registry.get_model(stored.subject or "").digest == produced
