"""One training loop for teachers and students: deterministic, single process, CPU-friendly."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import (
    PreTrainedModel,
    PreTrainedTokenizerBase,
    PrinterCallback,
    TrainerCallback,
    TrainingArguments,
)

from heredity.distill._data import PadCollator, encode_dataset
from heredity.distill._trainer import DistillationTrainer
from heredity.errors import BadInput

CallbackLike = (
    TrainerCallback | type[TrainerCallback] | Callable[[DistillationTrainer], TrainerCallback]
)
"""A callback instance or class for the Trainer, or a factory given the trainer (for callbacks that
need the trainer itself, such as a provenance recorder that reads the teachers and the dataset)."""

_DETERMINISM_ENV = (
    "CUDA_LAUNCH_BLOCKING",
    "CUBLAS_WORKSPACE_CONFIG",
    "ASCEND_LAUNCH_BLOCKING",
    "HCCL_DETERMINISTIC",
    "FLASH_ATTENTION_DETERMINISTIC",
)


@contextlib.contextmanager
def cpu_threads(threads: int) -> Iterator[None]:
    """Run with a fixed number of intra-op CPU threads (part of what makes a run reproducible)."""
    if threads <= 0:
        raise BadInput("threads: must be a positive number of CPU threads")
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def deterministic_mode(threads: int = 1) -> Iterator[None]:
    """Let the Trainer switch on full determinism, then restore the process-wide settings."""
    enabled = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    env = {k: os.environ.get(k) for k in _DETERMINISM_ENV}
    try:
        with cpu_threads(threads):
            yield
    finally:
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class TrainOutcome:
    """What a training run did: time, steps and the arguments as passed and as effective."""

    seconds: float
    steps: int
    examples: int
    final_loss: float | None
    args_passed: dict[str, Any] = field(default_factory=dict)
    args_effective: dict[str, Any] = field(default_factory=dict)
    trainer_class: str = "DistillationTrainer"


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def run_training(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[Mapping[str, str]],
    output_dir: str | Path,
    *,
    teachers: Sequence[PreTrainedModel] = (),
    teacher_weights: Sequence[float] | None = None,
    teacher_paths: Sequence[str] | None = None,
    temperature: float = 1.0,
    kd_weight: float = 0.0,
    hard_label_weight: float = 1.0,
    epochs: float = 3.0,
    max_steps: int | None = None,
    seed: int = 0,
    learning_rate: float = 3e-3,
    batch_size: int = 32,
    callbacks: Sequence[CallbackLike] = (),
    progress: bool = False,
    threads: int = 1,
) -> TrainOutcome:
    """Train ``model`` in place on prompt/response examples with the distillation trainer.

    Single process, no dataloader workers, full determinism and ``threads`` CPU threads (one by
    default: tiny models train fastest that way on a busy machine, and the thread count is part of
    what makes two runs byte-identical).
    """
    if batch_size <= 0:
        raise BadInput("batch_size: must be positive")
    if learning_rate <= 0:
        raise BadInput("learning_rate: must be positive")
    if epochs <= 0 and not max_steps:
        raise BadInput("epochs: must be positive")
    passed: dict[str, Any] = {
        "output_dir": str(output_dir),
        "per_device_train_batch_size": batch_size,
        "num_train_epochs": float(epochs),
        "max_steps": int(max_steps) if max_steps else -1,
        "learning_rate": learning_rate,
        "lr_scheduler_type": "linear",
        "warmup_steps": 0,
        "weight_decay": 0.0,
        "optim": "adamw_torch",
        "seed": seed,
        "data_seed": seed,
        "full_determinism": True,
        "use_cpu": True,
        "dataloader_num_workers": 0,
        "report_to": "none",
        "save_strategy": "no",
        "logging_strategy": "steps",
        "logging_steps": 10,
        "disable_tqdm": not progress,
        "remove_unused_columns": False,
    }
    args = TrainingArguments(**passed)
    dataset = encode_dataset(tokenizer, examples)
    direct = [cb for cb in callbacks if isinstance(cb, TrainerCallback | type)]
    factories = [cb for cb in callbacks if not isinstance(cb, TrainerCallback | type)]
    pad_id = (
        tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    )
    with deterministic_mode(threads):
        trainer = DistillationTrainer(
            model=model,
            args=args,
            train_dataset=dataset,
            data_collator=PadCollator(int(pad_id)),
            processing_class=tokenizer,
            callbacks=list(direct),  # type: ignore[arg-type]
            teachers=teachers,
            teacher_weights=teacher_weights,
            teacher_paths=teacher_paths,
            temperature=temperature,
            kd_weight=kd_weight,
            hard_label_weight=hard_label_weight,
        )
        if not progress:
            trainer.remove_callback(PrinterCallback)
        for factory in factories:
            trainer.add_callback(factory(trainer))
        start = time.perf_counter()
        result = trainer.train()
        seconds = time.perf_counter() - start
    model.eval()
    effective = {k: _plain(v) for k, v in sorted(trainer.args.to_dict().items())}
    return TrainOutcome(
        seconds=seconds,
        steps=int(result.global_step),
        examples=len(dataset),
        final_loss=float(result.training_loss) if result.training_loss is not None else None,
        args_passed=passed,
        args_effective=effective,
        trainer_class=type(trainer).__name__,
    )
