"""Benchmark: one teacher, five students, one 500-item suite, on tiny local models (issue 4).

Measures the time of the raw Inspect runs the assessments need (the teacher once, each student
once: ``inspect_ai.eval`` on the same task, model and generation settings) and the time of
Heredity's ``assess_models`` for the five students on a fresh registry (the teacher's baseline is
evaluated once and reused). Each student's raw runs and its assessment run back to back, so both
see the same machine. Prints one JSON object with both and their ratio. Target: Heredity at most
1.1x the raw runs.

    python benchmarks/assess.py --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def build(root: Path, students: int, items: int) -> tuple[Path, list[Path], Path]:
    """A toy teacher, ``students`` short distillations of it, and an ``items``-item suite."""
    from heredity.distill import DistillSpec, TeacherSpec, distill, write_jsonl
    from heredity.distill.toy import make_world, train_teacher, transfer_set

    world = make_world(0)
    teacher = root / "teacher"
    train_teacher(world, teacher, seed=0, epochs=4)
    out: list[Path] = []
    for i in range(students):
        res = distill(
            DistillSpec(
                teachers=[TeacherSpec(path=str(teacher))],
                output_dir=str(root / f"student{i}"),
                examples=transfer_set(world, "safety_aware"),
                max_steps=10,
                seed=i + 1,
            )
        )
        out.append(Path(res.output_dir))
    rows = [i.suite_row() for i in world.heldout()] + [i.suite_row() for i in world.train()]
    suite = write_jsonl(rows[:items], root / "suite.jsonl")
    return teacher, out, suite


def raw_run(model: Path, suite: Path, log_dir: Path, max_tokens: int) -> float:
    """One plain ``inspect_ai.eval`` of the suite's task: what the assessment needs per model.

    The call has the task and arguments Heredity's own run passes (the same functions build
    them), so the two sides differ only by what Heredity does around Inspect.
    """
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelInfo, set_model_info

    from heredity.evaluate import EvalSettings, ModelTarget, eval_arguments, get_suite, run_task

    set_model_info("hf/local", ModelInfo(context_length=512))
    the_suite = get_suite(str(suite))
    target = ModelTarget(ref=str(model), inspect_model="hf/local", path=str(model))
    settings = EvalSettings(max_tokens=max_tokens).resolved(local=True)
    started = time.perf_counter()
    logs = inspect_eval(
        run_task(the_suite, settings),
        log_dir=str(log_dir),
        **eval_arguments(target, the_suite, settings),
    )
    assert logs[0].status == "success", logs[0].error
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--max-tokens", type=int, default=24)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from heredity.evaluate import EvalSettings, EvaluationRun
    from heredity.registry import Registry
    from heredity.transfer import assess_models

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        teacher, students, suite = build(root, args.students, args.items)
        # Load the libraries once, for both sides.
        raw_run(teacher, suite, root / "warmup", args.max_tokens)
        reg = Registry.open(f"sqlite:///{root / 'registry.db'}", actor="bench")
        reg.register_model_dir(teacher, name="bench/teacher", version="1", licence="apache-2.0")
        for i, s in enumerate(students):
            reg.register_model_dir(s, name=f"bench/student{i}", version="1", licence="apache-2.0")
        settings = EvalSettings(max_tokens=args.max_tokens)
        # Each student's raw runs and its assessment run back to back, so both see the same machine.
        raw: list[float] = []
        per_student: list[float] = []
        for i in range(args.students):
            needed = [teacher, students[i]] if i == 0 else [students[i]]
            raw += [raw_run(m, suite, root / "raw", args.max_tokens) for m in needed]
            t0 = time.perf_counter()
            assess_models(
                reg,
                ["bench/teacher@1"],
                f"bench/student{i}@1",
                suites=[str(suite)],
                settings=settings,
                log_dir=root / "heredity",
            )
            per_student.append(time.perf_counter() - t0)
        heredity_s = sum(per_student)
        teacher_runs = len(reg.find(EvaluationRun, subject="bench/teacher@1"))
        reg.close()
    result: dict[str, Any] = {
        "students": args.students,
        "items": args.items,
        "raw_inspect_s": round(sum(raw), 2),
        "raw_runs_s": [round(r, 2) for r in raw],
        "heredity_s": round(heredity_s, 2),
        "heredity_per_student_s": [round(r, 2) for r in per_student],
        "ratio": round(heredity_s / sum(raw), 3),
        "teacher_evaluations": teacher_runs,
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0 if teacher_runs == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
