"""Reproducing a recorded run (4.7): a provenance record's configuration back into a distillation spec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from heredity.distill._run import DistillMethod, DistillSpec, TeacherSpec
from heredity.errors import BadInput
from heredity.records import DistillationDocument


def spec_from_record(
    document: DistillationDocument,
    *,
    teacher_paths: Mapping[str, str | Path],
    examples: Sequence[Mapping[str, str]],
    output_dir: str | Path,
) -> DistillSpec:
    """A :class:`DistillSpec` that re-runs a recorded distillation.

    Every setting comes from the record alone: method, teachers and their weights, the loss settings
    in normalised meaning, and the trainer arguments as passed (seed, steps, learning rate, batch
    size) with the thread count the run had. The caller supplies the teachers' weights and the
    training examples; a captured re-run records the dataset fingerprint to compare with the
    original's.
    """
    config = document.config
    # config.raw is the framework's own configuration as captured: its keys are the trainer's.
    passed = config.raw.get("passed") or {}
    if not passed:
        raise BadInput(
            "record: config.raw.passed is missing; the run was not captured, so it cannot be re-run"
        )
    missing = [t.model for t in document.teachers if t.model not in teacher_paths]
    if missing:
        raise BadInput(
            f"teacher_paths: no weights given for {', '.join(missing)}", param="teacher_paths"
        )
    sequence = document.method == "sequence_level"
    hardware = document.run.hardware if document.run else {}
    threads = hardware.get("torch_threads") or 1
    max_steps = passed.get("max_steps")
    method: DistillMethod = document.method  # type: ignore[assignment]
    return DistillSpec(
        teachers=[
            TeacherSpec(path=str(teacher_paths[t.model]), weight=t.weight, ref=t.model)
            for t in document.teachers
        ],
        output_dir=str(output_dir),
        method=method,
        examples=[dict(e) for e in examples],
        temperature=None if sequence else config.temperature,
        kd_weight=None if sequence else config.kd_weight,
        hard_label_weight=None if sequence else config.hard_label_weight,
        epochs=float(passed.get("num_train_epochs") or config.epochs or 1.0),
        max_steps=max_steps if isinstance(max_steps, int) and max_steps > 0 else None,
        seed=int(config.seed if config.seed is not None else passed.get("seed", 0)),
        learning_rate=float(passed["learning_rate"]),
        batch_size=int(passed["per_device_train_batch_size"]),
        threads=int(threads),
        student_name=document.student.name,
    )
