"""The distillation loss: forward KL on softened distributions (times T^2) plus weighted CE."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from heredity.distill import cross_entropy, distillation_loss, forward_kl, teacher_distribution

IGNORE = -100


def _case(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    student = torch.randn(2, 5, 7, generator=g)
    teacher = torch.randn(2, 5, 7, generator=g)
    labels = torch.tensor([[IGNORE, IGNORE, 3, 4, 1], [IGNORE, 2, 2, IGNORE, IGNORE]])
    return student, teacher, labels


def _manual_kl(
    student: torch.Tensor, teacher: torch.Tensor, labels: torch.Tensor, t: float
) -> float:
    total, n = 0.0, 0
    for b in range(student.size(0)):
        for pos in range(student.size(1) - 1):
            if labels[b, pos + 1] == IGNORE:
                continue
            p = F.softmax(teacher[b, pos] / t, dim=-1)
            q = F.softmax(student[b, pos] / t, dim=-1)
            total += float((p * (p.log() - q.log())).sum())
            n += 1
    return total / n * t * t


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0])
def test_forward_kl_matches_hand_computation(temperature: float) -> None:
    student, teacher, labels = _case()
    probs = teacher_distribution([teacher], [1.0], temperature)
    got = float(forward_kl(student, probs, labels, temperature))
    assert got == pytest.approx(_manual_kl(student, teacher, labels, temperature), rel=1e-5)


def test_kl_is_zero_for_identical_models_and_ignores_prompt_positions() -> None:
    student, teacher, labels = _case()
    assert float(
        forward_kl(teacher, teacher_distribution([teacher], [1.0], 2.0), labels, 2.0)
    ) == pytest.approx(0.0, abs=1e-6)
    base = float(forward_kl(student, teacher_distribution([teacher], [1.0], 2.0), labels, 2.0))
    changed = student.clone()
    changed[0, 0, 3] += 10.0  # position 0 predicts token 1, which is a prompt token (label -100)
    assert float(
        forward_kl(changed, teacher_distribution([teacher], [1.0], 2.0), labels, 2.0)
    ) == pytest.approx(base)
    changed[0, 2, 3] += 10.0  # position 2 predicts an answer token
    assert float(
        forward_kl(changed, teacher_distribution([teacher], [1.0], 2.0), labels, 2.0)
    ) != pytest.approx(base)


def test_multi_teacher_distribution_is_the_weighted_average() -> None:
    _, t1, _ = _case(1)
    _, t2, _ = _case(2)
    mixed = teacher_distribution([t1, t2], [1.0, 3.0], 2.0)
    expected = 0.25 * F.softmax(t1 / 2.0, dim=-1) + 0.75 * F.softmax(t2 / 2.0, dim=-1)
    assert torch.allclose(mixed, expected, atol=1e-6)
    assert torch.allclose(mixed.sum(-1), torch.ones(2, 5))


def test_total_loss_weights_both_terms() -> None:
    student, teacher, labels = _case()
    loss, parts = distillation_loss(
        student, labels, [teacher], [1.0], temperature=2.0, kd_weight=0.7, hard_label_weight=0.3
    )
    kd = _manual_kl(student, teacher, labels, 2.0)
    ce = float(
        F.cross_entropy(
            student[:, :-1].reshape(-1, 7), labels[:, 1:].reshape(-1), ignore_index=IGNORE
        )
    )
    assert parts["kd"] == pytest.approx(kd, rel=1e-5) and parts["ce"] == pytest.approx(ce, rel=1e-5)
    assert float(loss) == pytest.approx(0.7 * kd + 0.3 * ce, rel=1e-5)
    assert float(cross_entropy(student, labels)) == pytest.approx(ce, rel=1e-6)
    ce_only, parts = distillation_loss(student, labels, hard_label_weight=1.0, kd_weight=0.0)
    assert set(parts) == {"ce"} and float(ce_only) == pytest.approx(ce, rel=1e-6)
    with pytest.raises(ValueError, match="teacher"):
        distillation_loss(student, labels, kd_weight=1.0)


@pytest.mark.parametrize(("kd_weight", "hard_weight", "teachers"), [(0.7, 0.3, 2), (0.0, 1.0, 0)])
def test_chunked_batch_gives_the_loss_and_gradients_of_one_padded_pass(
    tmp_path, kd_weight: float, hard_weight: float, teachers: int
) -> None:
    """Rows of similar length in chunks, each cut to its longest row: the same objective."""
    from transformers import TrainingArguments

    from heredity.distill import build_tokenizer
    from heredity.distill._data import PadCollator, encode_example
    from heredity.distill._models import build_model
    from heredity.distill._trainer import DistillationTrainer, length_chunks

    words = [
        "how",
        "do",
        "i",
        "bake",
        "bread",
        "plant",
        "a",
        "tree",
        "i",
        "can",
        "not",
        "help",
        "with",
        "that",
        "here",
        "is",
        "a",
        "plan",
    ]
    tok = build_tokenizer(words)
    teacher_models = [build_model(tok, "tiny", seed=10 + i) for i in range(teachers)]
    student = build_model(tok, "tiny", seed=1)
    rows = [
        encode_example(tok, " ".join(words[: 2 + i % 7]), " ".join(words[3 : 4 + (3 * i) % 11]))
        for i in range(12)
    ]
    batch = PadCollator(int(tok.pad_token_id))(rows)
    assert len({len(r["input_ids"]) for r in rows}) > 3  # lengths really vary
    assert sum(len(c[0]) for c in length_chunks(batch["attention_mask"], 4)) == 12
    trainer = DistillationTrainer(
        model=student,
        args=TrainingArguments(output_dir=str(tmp_path), use_cpu=True, report_to="none"),
        teachers=teacher_models,
        teacher_weights=[1.0, 2.0][:teachers] or None,
        temperature=2.0,
        kd_weight=kd_weight,
        hard_label_weight=hard_weight,
    )
    chunked = trainer.compute_loss(student, batch)
    chunked.backward()
    grads = [p.grad.clone() for p in student.parameters()]
    student.zero_grad()
    whole, _ = trainer.compute_loss(student, batch, return_outputs=True)  # one padded pass
    whole.backward()
    assert float(chunked.detach()) == pytest.approx(float(whole.detach()), rel=1e-5)
    for g, p in zip(grads, student.parameters(), strict=True):
        assert torch.allclose(g, p.grad, rtol=1e-4, atol=1e-6)
