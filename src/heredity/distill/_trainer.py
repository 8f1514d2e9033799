"""The distillation trainer: the transformers ``Trainer`` with teachers in the loss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import torch
from torch import nn
from transformers import PreTrainedModel, Trainer

from heredity.distill._losses import (
    answer_tokens,
    combine_loss,
    cross_entropy_sum,
    distillation_loss,
    forward_kl_sum,
    teacher_distribution,
)
from heredity.errors import BadInput


class DistillationTrainer(Trainer):
    """``Trainer`` whose loss is ``kd_weight * T^2 * KL(teacher || student) + hard_label_weight * CE``.

    The KL is the forward KL over the answer tokens (labels other than -100) between the
    temperature-softened teacher distribution (a weighted average when there are several
    teachers) and the student's. With no teachers it is plain supervised training (CE).
    The teachers, their weights and the loss settings stay readable on the trainer
    (``teacher_models``, ``teacher_weights``, ``temperature``, ``kd_weight``,
    ``hard_label_weight``, ``teacher_paths``) so a provenance callback holding the trainer can
    record them.
    """

    loss_is_scaled_for_ga = False

    def __init__(
        self,
        *args: Any,
        teachers: Sequence[PreTrainedModel] = (),
        teacher_weights: Sequence[float] | None = None,
        teacher_paths: Sequence[str] | None = None,
        temperature: float = 1.0,
        kd_weight: float = 1.0,
        hard_label_weight: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        weights = list(teacher_weights) if teacher_weights is not None else [1.0] * len(teachers)
        if len(weights) != len(teachers):
            raise BadInput(
                f"teacher_weights: {len(weights)} weight(s) for {len(teachers)} teacher(s)"
            )
        if any(w <= 0 for w in weights):
            raise BadInput("teacher_weights: every weight must be positive")
        if temperature <= 0:
            raise BadInput("temperature: must be positive")
        if kd_weight < 0 or hard_label_weight < 0:
            raise BadInput("kd_weight, hard_label_weight: must not be negative")
        if kd_weight > 0 and not teachers:
            raise BadInput("kd_weight: a distillation term needs at least one teacher")
        if kd_weight == 0 and hard_label_weight == 0:
            raise BadInput("kd_weight, hard_label_weight: at least one must be positive")
        student_vocab = getattr(getattr(self.model, "config", None), "vocab_size", None)
        for i, teacher in enumerate(teachers):
            if teacher.config.vocab_size != student_vocab:
                raise BadInput(
                    f"teachers[{i}]: vocabulary of {teacher.config.vocab_size} tokens differs from the "
                    f"student's {student_vocab}; logit distillation needs a shared tokenizer"
                )
            teacher.eval()
            teacher.requires_grad_(False)
            cast(Any, teacher).to(self.args.device)
        self.teacher_models: list[PreTrainedModel] = list(teachers)
        self.teacher_weights: list[float] = weights
        self.teacher_paths: list[str] = list(teacher_paths or [])
        self.temperature = float(temperature)
        self.kd_weight = float(kd_weight)
        self.hard_label_weight = float(hard_label_weight)
        self.last_loss_parts: dict[str, float] = {}

    def compute_loss(
        self,
        model: nn.Module,
        inputs: dict[str, torch.Tensor | Any],
        return_outputs: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
    ) -> torch.Tensor | tuple[torch.Tensor, Any]:
        """The distillation loss of one batch (a per-batch mean over answer tokens).

        The batch runs in up to ``LENGTH_CHUNKS`` chunks of rows of similar length, each cut
        to its own longest row: the same loss over the same examples as one padded pass (the
        sums are divided by the batch's answer-token count), with less compute spent on
        padding when lengths vary.
        """
        labels = inputs["labels"]
        model_inputs = {
            "input_ids": inputs["input_ids"],
            "attention_mask": inputs["attention_mask"],
        }
        if return_outputs:
            outputs = model(**model_inputs)
            teacher_logits: list[torch.Tensor] = []
            if self.kd_weight > 0:
                with torch.no_grad():
                    teacher_logits = [t(**model_inputs).logits for t in self.teacher_models]
            loss, parts = distillation_loss(
                outputs.logits,
                labels,
                teacher_logits,
                self.teacher_weights,
                temperature=self.temperature,
                kd_weight=self.kd_weight,
                hard_label_weight=self.hard_label_weight,
            )
            self.last_loss_parts = parts
            return loss, outputs
        return self._chunked_loss(model, inputs)

    def _chunked_loss(self, model: nn.Module, inputs: dict[str, Any]) -> torch.Tensor:
        labels = inputs["labels"]
        mask = inputs["attention_mask"]
        n_tokens = answer_tokens(labels)
        kd_sum = torch.zeros((), dtype=torch.float32, device=labels.device)
        ce_sum = torch.zeros((), dtype=torch.float32, device=labels.device)
        for rows, width in length_chunks(mask, LENGTH_CHUNKS):
            part = {
                "input_ids": inputs["input_ids"][rows, :width],
                "attention_mask": mask[rows, :width],
            }
            chunk_labels = labels[rows, :width]
            logits = model(**part).logits
            if self.kd_weight > 0:
                with torch.no_grad():
                    teacher_logits = [t(**part).logits for t in self.teacher_models]
                    probs = teacher_distribution(
                        teacher_logits, self.teacher_weights, self.temperature
                    )
                kd_sum = kd_sum + forward_kl_sum(logits, probs, chunk_labels, self.temperature)
            if self.hard_label_weight > 0:
                ce_sum = ce_sum + cross_entropy_sum(logits, chunk_labels)
        loss, parts = combine_loss(
            kd_sum,
            ce_sum,
            n_tokens,
            temperature=self.temperature,
            kd_weight=self.kd_weight,
            hard_label_weight=self.hard_label_weight,
        )
        self.last_loss_parts = parts
        return loss


LENGTH_CHUNKS = 4


def length_chunks(attention_mask: torch.Tensor, chunks: int) -> list[tuple[torch.Tensor, int]]:
    """Rows of a right-padded batch in up to ``chunks`` groups of similar length.

    Each group is ``(row indices, width)``, the width being its longest row: cutting the
    group there drops only padding, which a causal model's real tokens never attend to.
    """
    lengths = attention_mask.sum(dim=1)
    order = torch.argsort(lengths, stable=True)
    out = []
    for rows in torch.tensor_split(order, min(chunks, len(order))):
        if len(rows):
            out.append((rows, int(lengths[rows].max())))
    return out
