"""Reproducing a recorded run (4.7): a provenance record's configuration back into a distillation spec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from heredity.errors import BadInput


def spec_from_record(
    body: Mapping[str, Any],
    *,
    teacher_paths: Mapping[str, str | Path],
    examples: Sequence[Mapping[str, str]],
    output_dir: str | Path,
) -> Any:
    """A :class:`heredity.distill.DistillSpec` that re-runs a recorded distillation.

    Every setting comes from the record alone: method, teachers and their weights, the loss settings
    in normalised meaning, and the trainer arguments as passed (seed, steps, learning rate, batch
    size) with the thread count the run had. The caller supplies the teachers' weights and the
    training examples; a captured re-run records the dataset fingerprint to compare with the
    original's.
    """
    from heredity.distill import DistillSpec, TeacherSpec

    config = body.get("config") or {}
    passed = (config.get("raw") or {}).get("passed") or {}
    if not passed:
        raise BadInput(
            "record: config.raw.passed is missing; the run was not captured, so it cannot be re-run"
        )
    missing = [t["model"] for t in body["teachers"] if t["model"] not in teacher_paths]
    if missing:
        raise BadInput(f"teacher_paths: no weights given for {', '.join(missing)}")
    sequence = body["method"] == "sequence_level"
    threads = ((body.get("run") or {}).get("hardware") or {}).get("torch_threads") or 1
    max_steps = passed.get("max_steps")
    return DistillSpec(
        teachers=[
            TeacherSpec(
                path=str(teacher_paths[t["model"]]), weight=t.get("weight", 1.0), ref=t["model"]
            )
            for t in body["teachers"]
        ],
        output_dir=str(output_dir),
        method=body["method"],
        examples=[dict(e) for e in examples],
        temperature=None if sequence else config.get("temperature"),
        kd_weight=None if sequence else config.get("kd_weight"),
        hard_label_weight=None if sequence else config.get("hard_label_weight"),
        epochs=float(passed.get("num_train_epochs") or config.get("epochs") or 1.0),
        max_steps=max_steps if isinstance(max_steps, int) and max_steps > 0 else None,
        seed=int(config.get("seed", passed.get("seed", 0))),
        learning_rate=float(passed["learning_rate"]),
        batch_size=int(passed["per_device_train_batch_size"]),
        threads=int(threads),
        student_name=body["student"]["name"],
    )
