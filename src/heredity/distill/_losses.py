"""Distillation losses over response tokens: temperature-scaled forward KL and cross-entropy."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from heredity.distill._data import IGNORE


def _shift(
    logits: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Align position t's logits with token t+1; return (logits, labels, mask) over answer tokens."""
    logits = logits[:, :-1, :]
    labels = labels[:, 1:]
    mask = labels != IGNORE
    return logits, labels, mask


def teacher_distribution(
    teacher_logits: Sequence[torch.Tensor], weights: Sequence[float], temperature: float
) -> torch.Tensor:
    """Weighted average of the teachers' softened distributions (weights are normalised)."""
    if not teacher_logits or len(teacher_logits) != len(weights):
        raise ValueError("one weight per teacher is required")
    total = float(sum(weights))
    probs = torch.zeros_like(teacher_logits[0], dtype=torch.float32)
    for logits, w in zip(teacher_logits, weights, strict=True):
        probs = probs + (w / total) * F.softmax(logits.float() / temperature, dim=-1)
    return probs


def answer_tokens(labels: torch.Tensor) -> torch.Tensor:
    """How many answer tokens (predicted positions with a label) a batch has, at least 1."""
    return (labels[:, 1:] != IGNORE).sum().clamp(min=1)


def forward_kl_sum(
    student_logits: torch.Tensor,
    teacher_probs: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """Sum over answer tokens of KL(p_teacher || p_student) at ``temperature`` (no T^2)."""
    s_logits, _, mask = _shift(student_logits, labels)
    t_probs = teacher_probs[:, :-1, :]
    log_s = F.log_softmax(s_logits.float() / temperature, dim=-1)
    per_token = (torch.xlogy(t_probs, t_probs) - t_probs * log_s).sum(dim=-1)
    return (per_token * mask).sum()


def forward_kl(
    student_logits: torch.Tensor,
    teacher_probs: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """Mean over answer tokens of KL(p_teacher || p_student) at ``temperature``, times T^2."""
    total = forward_kl_sum(student_logits, teacher_probs, labels, temperature)
    return total / answer_tokens(labels) * (temperature**2)


def cross_entropy_sum(student_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Summed token cross-entropy of the student on the answer tokens."""
    s_logits, s_labels, _ = _shift(student_logits, labels)
    return F.cross_entropy(
        s_logits.reshape(-1, s_logits.size(-1)).float(),
        s_labels.reshape(-1),
        ignore_index=IGNORE,
        reduction="sum",
    )


def cross_entropy(student_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean token cross-entropy of the student on the answer tokens (the hard-label term)."""
    return cross_entropy_sum(student_logits, labels) / answer_tokens(labels)


def combine_loss(
    kd_sum: torch.Tensor | None,
    ce_sum: torch.Tensor | None,
    n_tokens: torch.Tensor,
    *,
    temperature: float,
    kd_weight: float,
    hard_label_weight: float,
) -> tuple[torch.Tensor, dict[str, float]]:
    """``kd_weight * T^2 * mean KL + hard_label_weight * mean CE`` from per-token sums; and parts.

    The sums may come from one padded pass or be added up over chunks of the batch: dividing by
    the batch's answer-token count ``n_tokens`` gives the same per-batch means either way.
    """
    parts: dict[str, float] = {}
    loss = torch.zeros((), dtype=torch.float32, device=n_tokens.device)
    if kd_weight > 0 and kd_sum is not None:
        kd = kd_sum / n_tokens * (temperature**2)
        parts["kd"] = float(kd.detach())
        loss = loss + kd_weight * kd
    if hard_label_weight > 0 and ce_sum is not None:
        ce = ce_sum / n_tokens
        parts["ce"] = float(ce.detach())
        loss = loss + hard_label_weight * ce
    return loss, parts


def distillation_loss(
    student_logits: torch.Tensor,
    labels: torch.Tensor,
    teacher_logits: Sequence[torch.Tensor] = (),
    weights: Sequence[float] = (),
    *,
    temperature: float = 1.0,
    kd_weight: float = 1.0,
    hard_label_weight: float = 0.0,
) -> tuple[torch.Tensor, dict[str, float]]:
    """``kd_weight * T^2 * KL(teacher || student) + hard_label_weight * CE``; also the parts."""
    kd_sum = ce_sum = None
    if kd_weight > 0:
        if not teacher_logits:
            raise ValueError("kd_weight > 0 needs teacher logits")
        probs = teacher_distribution(teacher_logits, weights, temperature)
        kd_sum = forward_kl_sum(student_logits, probs, labels, temperature)
    if hard_label_weight > 0:
        ce_sum = cross_entropy_sum(student_logits, labels)
    return combine_loss(
        kd_sum,
        ce_sum,
        answer_tokens(labels),
        temperature=temperature,
        kd_weight=kd_weight,
        hard_label_weight=hard_label_weight,
    )
