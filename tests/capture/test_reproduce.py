"""A completed record holds enough to reproduce the run: same data, same weights digest (4.7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heredity.capture import HeredityCallback
from heredity.distill import (
    DistillSpec,
    TeacherSpec,
    build_model,
    distill,
    save_model_dir,
    spec_from_record,
)
from heredity.distill.toy import make_world, toy_tokenizer, transfer_set
from heredity.registry import Registry, weights_digest


def _captured(registry: Registry, spec: DistillSpec, plan: dict[str, Any]) -> Any:
    holder: list[HeredityCallback] = []

    def factory(trainer: Any) -> HeredityCallback:
        holder.append(HeredityCallback(trainer, plan, registry, save_on_end=False))
        return holder[-1]

    result = distill(spec.model_copy(update={"callbacks": [factory]}))
    return holder[0].finish(result.output_dir)


def test_rerunning_a_record_gives_the_same_weights_digest(tmp_path: Path) -> None:
    world = make_world(0)
    tokenizer = toy_tokenizer(world)
    teacher_dir = save_model_dir(
        build_model(tokenizer, "teacher", 3),
        tokenizer,
        tmp_path / "teacher",
        card="---\nlicense: apache-2.0\n---\n",
    )
    examples = transfer_set(world, "safety_aware")[:96]
    plan = {
        "student": {"name": "acme/repro", "version": "1"},
        "teachers": [
            {
                "model": "acme/teacher@1",
                "licence": "apache-2.0",
                "access": "internal",
                "provider": "acme",
            }
        ],
        "method": "standard_kd",
        "datasets": [
            {"name": "acme/prompts", "version": "1", "kind": "real", "licence": "proprietary"}
        ],
        "intended_use": {"commercial": False, "distribution": "internal", "competes_with": []},
        "responsible": {"name": "Dana Smith"},
    }
    original = Registry.open(f"sqlite:///{tmp_path / 'a.db'}")
    original.register_model_dir(teacher_dir, name="acme/teacher", version="1", licence="apache-2.0")
    spec = DistillSpec(
        teachers=[TeacherSpec(path=str(teacher_dir), ref="acme/teacher@1")],
        output_dir=str(tmp_path / "run1"),
        examples=examples,
        max_steps=6,
        seed=5,
        temperature=2.0,
        kd_weight=0.6,
        hard_label_weight=0.4,
        batch_size=16,
        student_name="acme/repro",
    )
    first = _captured(original, spec, plan).body

    # Only the record (plus the teacher's weights and the same examples) goes into the re-run.
    again = spec_from_record(
        first,
        teacher_paths={"acme/teacher@1": teacher_dir},
        examples=examples,
        output_dir=tmp_path / "run2",
    )
    assert (again.seed, again.max_steps, again.temperature, again.kd_weight) == (5, 6, 2.0, 0.6)
    replay = Registry.open(f"sqlite:///{tmp_path / 'b.db'}")
    replay.register_model_dir(teacher_dir, name="acme/teacher", version="1", licence="apache-2.0")
    second = _captured(replay, again, plan).body

    assert first.run is not None and second.run is not None
    assert second.datasets[0].fingerprint == first.datasets[0].fingerprint
    assert second.run.student_digest == first.run.student_digest
    assert first.run.student_digest == weights_digest(tmp_path / "run1")
    # And a different seed is a different student: the digest is not constant by accident.
    other = distill(again.model_copy(update={"seed": 6, "output_dir": str(tmp_path / "run3")}))
    assert weights_digest(other.output_dir) != first.run.student_digest
