"""The reference distiller: logit (forward-KL), multi-teacher, sequence-level and self-distillation
on the transformers ``Trainer``, plus tiny local models (the toy world lives in ``distill.toy``)."""

from heredity.distill._data import (
    PadCollator,
    encode_example,
    fingerprint,
    read_jsonl,
    render_prompt,
    write_jsonl,
)
from heredity.distill._generate import generate_responses
from heredity.distill._losses import (
    cross_entropy,
    distillation_loss,
    forward_kl,
    teacher_distribution,
)
from heredity.distill._models import SIZES, build_model, load_model_dir, model_card, save_model_dir
from heredity.distill._reproduce import spec_from_record
from heredity.distill._run import DistillMethod, DistillResult, DistillSpec, TeacherSpec, distill
from heredity.distill._tokenizer import build_tokenizer
from heredity.distill._trainer import DistillationTrainer
from heredity.distill._training import CallbackLike, TrainOutcome, cpu_threads, run_training

__all__ = [
    "SIZES",
    "CallbackLike",
    "DistillMethod",
    "DistillResult",
    "DistillSpec",
    "DistillationTrainer",
    "PadCollator",
    "TeacherSpec",
    "TrainOutcome",
    "build_model",
    "build_tokenizer",
    "cpu_threads",
    "cross_entropy",
    "distill",
    "distillation_loss",
    "encode_example",
    "fingerprint",
    "forward_kl",
    "generate_responses",
    "load_model_dir",
    "model_card",
    "read_jsonl",
    "render_prompt",
    "run_training",
    "save_model_dir",
    "spec_from_record",
    "teacher_distribution",
    "train_teacher",
    "write_jsonl",
]

from heredity.distill.toy import train_teacher  # noqa: E402  (re-export for convenience)
