"""``distill(spec)``: run one distillation from a plain spec and say exactly what was used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import torch
import transformers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from heredity.distill._data import check_examples, fingerprint, read_jsonl, write_jsonl
from heredity.distill._generate import generate_responses
from heredity.distill._models import (
    architecture_of,
    build_model,
    load_model_dir,
    model_card,
    save_model_dir,
)
from heredity.distill._training import cpu_threads, run_training
from heredity.errors import BadInput, ValidationFailed
from heredity.records import error_lines

DistillMethod = Literal["standard_kd", "multi_teacher", "sequence_level", "self_distillation"]
FRAMEWORK_NAME = "heredity.distill"


class TeacherSpec(BaseModel):
    """One teacher: its local model directory, weight in the mixture, and registry ref if known."""

    model_config = ConfigDict(extra="forbid")

    path: str
    weight: float = Field(1.0, gt=0)
    ref: str | None = Field(None, description="name@version of the teacher in the registry")
    role: str | None = None


class DistillSpec(BaseModel):
    """Everything a distillation run needs; ``None`` settings take the method's defaults."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    teachers: list[TeacherSpec] = Field(min_length=1)
    output_dir: str
    method: DistillMethod = "standard_kd"
    examples: list[dict[str, Any]] | None = Field(None, description="prompt/response objects")
    dataset: str | None = Field(None, description="JSONL file of prompt/response objects")
    dataset_name: str = "transfer-set"
    temperature: float | None = Field(None, gt=0)
    kd_weight: float | None = Field(None, ge=0)
    hard_label_weight: float | None = Field(None, ge=0)
    epochs: float = Field(20.0, gt=0)
    max_steps: int | None = Field(None, gt=0)
    seed: int = 0
    learning_rate: float = Field(5e-3, gt=0)
    batch_size: int = Field(64, gt=0)
    threads: int = Field(1, gt=0)
    student_size: str | None = Field(
        None, description="named size; default 'student' (self-distillation: the teacher's)"
    )
    student_init: str | None = Field(
        None, description="model directory whose weights start the student"
    )
    student_init_ref: str | None = Field(
        None, description="registry ref of student_init (card base_model)"
    )
    student_name: str = "heredity/student"
    license: str = "apache-2.0"
    synthetic_dir: str | None = Field(
        None, description="where sequence-level generations are written"
    )
    max_new_tokens: int = Field(32, gt=0)
    callbacks: list[Any] = Field(
        default_factory=list, description="Trainer callbacks or factories(trainer)"
    )
    progress: bool = False

    @field_validator("callbacks")
    @classmethod
    def _callables(cls, v: list[Any]) -> list[Any]:
        for i, cb in enumerate(v):
            if not callable(cb) and not hasattr(cb, "on_train_begin"):
                raise ValueError(f"callbacks[{i}]: not a TrainerCallback or a factory")
        return v


class DistillResult(BaseModel):
    """What ``distill`` produced and the configuration it actually used (normalised + raw)."""

    model_config = ConfigDict(extra="forbid")

    output_dir: Path
    weights_file: Path
    method: DistillMethod
    config: dict[str, Any] = Field(description="fields of the provenance document's config")
    teachers: list[dict[str, Any]]
    datasets: list[dict[str, Any]]
    student_architecture: dict[str, Any]
    parameters: int
    seconds: float
    steps: int
    final_loss: float | None = None


def _spec(spec: DistillSpec | dict[str, Any]) -> DistillSpec:
    if isinstance(spec, DistillSpec):
        return spec
    try:
        return DistillSpec.model_validate(spec)
    except ValidationError as exc:
        raise ValidationFailed("distillation spec is invalid", details=error_lines(exc)) from None


def _settings(spec: DistillSpec) -> tuple[float | None, float, float, str]:
    """(temperature, kd_weight, hard_label_weight, loss) after the method's defaults and checks."""
    n = len(spec.teachers)
    if spec.method == "multi_teacher" and n < 2:
        raise BadInput("teachers: multi_teacher needs two or more teachers")
    if spec.method != "multi_teacher" and n != 1:
        raise BadInput(
            f"teachers: {spec.method} takes exactly one teacher (use multi_teacher for several)"
        )
    if spec.method == "sequence_level":
        if spec.kd_weight:
            raise BadInput(
                "kd_weight: sequence_level trains with cross-entropy on the teacher's generations"
            )
        if spec.temperature is not None:
            raise BadInput(
                "temperature: sequence_level generates greedily and has no loss temperature"
            )
        return None, 0.0, 1.0, "ce"
    kd = 0.7 if spec.kd_weight is None else spec.kd_weight
    hard = 0.3 if spec.hard_label_weight is None else spec.hard_label_weight
    if kd == 0 and hard == 0:
        raise BadInput("kd_weight, hard_label_weight: at least one must be positive")
    return (
        (2.0 if spec.temperature is None else spec.temperature),
        kd,
        hard,
        "forward_kl" if kd > 0 else "ce",
    )


def _examples(spec: DistillSpec, need_response: bool) -> tuple[list[dict[str, str]], str]:
    if (spec.examples is None) == (spec.dataset is None):
        raise BadInput(
            "examples, dataset: give exactly one of them (inline examples or a JSONL file)"
        )
    if spec.examples is not None:
        return check_examples(
            spec.examples, source="examples", need_response=need_response
        ), "inline"
    assert spec.dataset is not None
    rows = read_jsonl(spec.dataset)
    return check_examples(rows, source=spec.dataset, need_response=need_response), spec.dataset


def distill(spec: DistillSpec | dict[str, Any]) -> DistillResult:
    """Distil a student from the spec's teachers and save it (weights, tokenizer, model card).

    Methods: ``standard_kd`` (one teacher), ``multi_teacher`` (weighted average of the teachers'
    softened distributions), ``self_distillation`` (the teacher is an earlier model of the same
    architecture; the student takes its architecture) and ``sequence_level`` (the teacher's
    greedy answers to the prompts become a synthetic dataset the student learns with CE).
    """
    s = _spec(spec)
    temperature, kd_weight, hard_weight, loss = _settings(s)
    out = Path(s.output_dir)
    if out.exists() and any(out.iterdir()):
        raise BadInput(f"output_dir: {out} is not empty; choose a new directory for the student")
    for i, t in enumerate(s.teachers):
        if not (Path(t.path) / "config.json").is_file():
            raise BadInput(
                f"teachers[{i}].path: {t.path} is not a model directory (no config.json)"
            )
    examples, source = _examples(s, need_response=s.method != "sequence_level")
    loaded = [load_model_dir(t.path) for t in s.teachers]
    tokenizer = loaded[0][1]
    teacher_refs = [t.ref or str(Path(t.path).resolve()) for t in s.teachers]
    datasets: list[dict[str, Any]] = []

    if s.method == "sequence_level":
        with cpu_threads(s.threads):
            answers = generate_responses(
                loaded[0][0],
                tokenizer,
                [e["prompt"] for e in examples],
                max_new_tokens=s.max_new_tokens,
            )
        examples = [
            {"prompt": e["prompt"], "response": a} for e, a in zip(examples, answers, strict=True)
        ]
        empty = [i for i, e in enumerate(examples) if not e["response"].strip()]
        if empty:
            raise BadInput(f"teachers[0]: generated an empty answer for example(s) {empty[:5]}")
        synthetic = (
            Path(s.synthetic_dir) if s.synthetic_dir else out.parent / f"{out.name}-synthetic"
        )
        data_file = write_jsonl(examples, synthetic / "data.jsonl")
        datasets.append(
            {
                "name": f"{s.dataset_name}-generated",
                "kind": "synthetic",
                "generated_by": teacher_refs,
                "examples": len(examples),
                "fingerprint": fingerprint(examples),
                "source": str(data_file),
                "prompts_fingerprint": fingerprint([e["prompt"] for e in examples]),
            }
        )
    else:
        datasets.append(
            {
                "name": s.dataset_name,
                "kind": "real",
                "generated_by": [],
                "examples": len(examples),
                "fingerprint": fingerprint(examples),
                "source": source,
            }
        )

    student = _student(s, tokenizer, loaded[0][0].config)
    teachers = [m for m, _ in loaded] if kd_weight > 0 else []
    outcome = run_training(
        student,
        tokenizer,
        examples,
        out,
        teachers=teachers,
        teacher_weights=[t.weight for t in s.teachers] if teachers else None,
        teacher_paths=[t.path for t in s.teachers],
        temperature=temperature or 1.0,
        kd_weight=kd_weight,
        hard_label_weight=hard_weight,
        epochs=s.epochs,
        max_steps=s.max_steps,
        seed=s.seed,
        learning_rate=s.learning_rate,
        batch_size=s.batch_size,
        callbacks=s.callbacks,
        progress=s.progress,
        threads=s.threads,
    )
    names = ", ".join(teacher_refs)
    card = model_card(
        name=s.student_name,
        license=s.license,
        base_model=s.student_init_ref if s.student_init else None,
        tags=["distillation", s.method],
        description=f"Student distilled by Heredity's reference distiller ({s.method}) from {names}.",
    )
    save_model_dir(student, tokenizer, out, card=card)
    raw_spec = s.model_dump(exclude={"callbacks", "examples"})
    raw_spec["callbacks"] = [getattr(cb, "__name__", type(cb).__name__) for cb in s.callbacks]
    config = {
        "framework": {
            "name": FRAMEWORK_NAME,
            "version": transformers.__version__,
            "trainer": outcome.trainer_class,
        },
        "temperature": temperature,
        "loss": loss,
        "kd_weight": kd_weight,
        "hard_label_weight": hard_weight,
        "layer_mapping": {},
        "epochs": s.epochs,
        "seed": s.seed,
        "learning_rate": s.learning_rate,
        "batch_size": s.batch_size,
        "raw": {
            "spec": json.loads(json.dumps(raw_spec, default=str)),
            "training_args_passed": outcome.args_passed,
            "training_args_effective": outcome.args_effective,
            "threads": s.threads,
            "torch": torch.__version__,
        },
    }
    return DistillResult(
        output_dir=out,
        weights_file=out / "model.safetensors",
        method=s.method,
        config=config,
        teachers=[
            {
                "path": t.path,
                "ref": t.ref,
                "weight": t.weight,
                "role": t.role,
                "signals": _signals(s.method),
            }
            for t in s.teachers
        ],
        datasets=datasets,
        student_architecture=architecture_of(out),
        parameters=int(student.num_parameters()),
        seconds=outcome.seconds,
        steps=outcome.steps,
        final_loss=outcome.final_loss,
    )


def _signals(method: str) -> list[str]:
    return ["generated_text"] if method == "sequence_level" else ["logits"]


def _student(spec: DistillSpec, tokenizer: Any, teacher_config: Any) -> Any:
    """The student model: from ``student_init`` weights, the teacher's architecture, or a named size."""
    if spec.student_init:
        model, init_tok = load_model_dir(spec.student_init)
        if len(init_tok) != len(tokenizer):
            raise BadInput(
                f"student_init: {spec.student_init} has a different vocabulary from the teachers"
            )
        model.train()
        return model
    if spec.method == "self_distillation":
        if spec.student_size is not None:
            raise BadInput(
                "student_size: self-distillation keeps the teacher's architecture; leave it unset"
            )
        return build_model(
            tokenizer, seed=spec.seed, config=teacher_config.__class__(**teacher_config.to_dict())
        )
    return build_model(tokenizer, spec.student_size or "student", spec.seed)
