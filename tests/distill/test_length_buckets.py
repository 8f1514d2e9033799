"""Batches of similar length: every example once an epoch, less padding, seeded order."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from heredity.distill import DistillSpec, TeacherSpec, distill
from heredity.distill._data import LengthBucketSampler
from heredity.distill.toy import make_world, train_teacher, transfer_set
from heredity.errors import BadInput

BATCH = 8


def _lengths(n: int = 100) -> list[int]:
    rng = random.Random(3)  # two populations, as the toy world's short tasks and long bias items
    return [rng.choice([rng.randint(10, 18), rng.randint(35, 52)]) for _ in range(n)]


def _batches(order: list[int]) -> list[list[int]]:
    return [order[i : i + BATCH] for i in range(0, len(order), BATCH)]


def _padded(lengths: list[int], order: list[int]) -> int:
    return sum(max(lengths[i] for i in b) * len(b) for b in _batches(order))


def test_each_epoch_is_a_permutation_with_only_the_last_batch_short() -> None:
    lengths = _lengths()
    sampler = LengthBucketSampler(lengths, BATCH, buckets=4, seed=0)
    for _ in range(3):
        order = list(sampler)
        assert sorted(order) == list(range(len(lengths))) and len(sampler) == len(lengths)
        sizes = [len(b) for b in _batches(order)]
        assert all(s == BATCH for s in sizes[:-1]) and sizes[-1] == len(lengths) % BATCH


def test_less_padding_than_plain_shuffling() -> None:
    lengths = _lengths()
    bucketed = [_padded(lengths, list(LengthBucketSampler(lengths, BATCH, 4, s))) for s in range(5)]
    plain = []
    for s in range(5):
        order = list(range(len(lengths)))
        random.Random(s).shuffle(order)
        plain.append(_padded(lengths, order))
    assert max(bucketed) < min(plain)


def test_order_is_seeded_and_changes_between_epochs() -> None:
    lengths = _lengths()
    a, b = LengthBucketSampler(lengths, BATCH, 4, 1), LengthBucketSampler(lengths, BATCH, 4, 1)
    first_a, first_b = list(a), list(b)
    assert first_a == first_b
    assert list(a) != first_a  # the next epoch draws new batches
    assert list(LengthBucketSampler(lengths, BATCH, 4, 2)) != first_a
    with pytest.raises(BadInput, match="length_buckets"):
        LengthBucketSampler(lengths, BATCH, 0, 1)


def test_bucketed_distillation_is_deterministic_and_recorded(tmp_path: Path) -> None:
    world = make_world(0)
    teacher = train_teacher(world, tmp_path / "teacher", size="tiny", epochs=1).output_dir
    examples = transfer_set(world, "safety_aware")[:96]

    def run(out: str, buckets: int) -> tuple[str, dict]:
        result = distill(
            DistillSpec(
                teachers=[TeacherSpec(path=str(teacher))],
                output_dir=str(tmp_path / out),
                examples=examples,
                max_steps=6,
                batch_size=16,
                length_buckets=buckets,
                student_size="tiny",
            )
        )
        return hashlib.sha256(result.weights_file.read_bytes()).hexdigest(), result.config

    first, config = run("a", 3)
    again, _ = run("b", 3)
    plain, _ = run("c", 0)
    assert first == again and first != plain  # same batches, same weights; other batches differ
    assert config["raw"]["length_buckets"] == 3
    assert config["raw"]["spec"]["length_buckets"] == 3
