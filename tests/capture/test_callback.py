"""The trainer callback on a real transformers Trainer: gate first, record at the end (4.7, 4.8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainerCallback, TrainingArguments

from heredity.capture import HeredityCallback, attach, snapshot
from heredity.errors import RightsBlocked
from heredity.records import ModelRecord
from heredity.registry import Registry, weights_digest
from heredity.rights import RightsAssessment


class _Rows(torch.utils.data.Dataset):  # type: ignore[type-arg]
    def __init__(self, n: int = 16) -> None:
        g = torch.Generator().manual_seed(0)
        self.rows = [torch.randint(0, 40, (12,), generator=g) for _ in range(n)]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {"input_ids": self.rows[i], "labels": self.rows[i]}


def _trainer(out: Path, steps: int = 3, cls: type[Trainer] = Trainer, **over: Any) -> Trainer:
    torch.manual_seed(0)
    model = GPT2LMHeadModel(
        GPT2Config(vocab_size=40, n_positions=16, n_embd=16, n_layer=1, n_head=2)
    )
    args = TrainingArguments(
        output_dir=str(out),
        max_steps=steps,
        disable_tqdm=True,
        per_device_train_batch_size=4,
        learning_rate=1e-3,
        seed=11,
        report_to=[],
        save_strategy="no",
        logging_strategy="no",
        use_cpu=True,
        dataloader_num_workers=0,
        **over,
    )
    return cls(model=model, args=args, train_dataset=_Rows())


def _plan(**intended: Any) -> dict[str, Any]:
    return {
        "student": {"name": "acme/tiny-student", "version": "1"},
        "teachers": [
            {
                "model": "acme/tiny-teacher@1",
                "licence": "apache-2.0",
                "access": "internal",
                "provider": "acme",
                "signals": ["generated_text"],
            }
        ],
        "method": "sequence_level",
        "datasets": [
            {
                "name": "acme/tiny-synthetic",
                "version": "1",
                "kind": "synthetic",
                "licence": "apache-2.0",
                "generated_by": ["acme/tiny-teacher@1"],
            }
        ],
        "intended_use": {
            "commercial": False,
            "distribution": "internal",
            "competes_with": [],
            **intended,
        },
        "responsible": {"name": "Dana Smith"},
    }


def test_cleared_run_is_recorded_without_a_handwritten_document(
    registry: Registry, tmp_path: Path
) -> None:
    registry.add_model(
        ModelRecord(name="acme/tiny-teacher", version="1", licence="apache-2.0", access="internal")
    )
    trainer = _trainer(tmp_path / "student")
    cb = attach(trainer, _plan(), registry)
    cb.train()
    assert trainer.state.global_step == 3
    stored = registry.distillation_for("acme/tiny-student@1")
    assert stored is not None and stored.id == cb.record.id  # type: ignore[union-attr]
    body = stored.body.dump()
    run = body["run"]
    assert run["status"] == "completed"
    assert run["student_digest"] == weights_digest(tmp_path / "student")
    assert registry.get_model("acme/tiny-student@1").digest == run["student_digest"]
    assert run["versions"]["transformers"] and run["versions"]["torch"]
    assert run["seeds"]["seed"] == 11
    assessment = registry.get(run["rights_assessment"], RightsAssessment)
    assert assessment.kind == "rights_assessment" and assessment.body.cleared is True
    assert assessment.created_at <= dt.datetime.fromisoformat(run["started_at"])
    config = body["config"]
    assert config["seed"] == 11 and config["framework"]["trainer"] == "Trainer"
    assert config["raw"]["passed"]["max_steps"] == 3
    assert config["raw"]["effective"]["learning_rate"] == pytest.approx(1e-3)
    # 3 steps of 4 over 16 examples: 0.75 epochs; max_steps governed, so no epoch count is claimed.
    assert run["steps"] == 3 and run["epochs"] == pytest.approx(0.75)
    assert config["max_steps"] == 3 and config["epochs"] is None and config["conflicts"] == []
    # A teacher that only wrote the data is not in the trainer: the record says it was not checked.
    [check] = run["teacher_checks"]
    assert check["teacher"] == "acme/tiny-teacher@1" and check["status"] == "not_applicable"
    assert run["student_files"] == ["config.json", "generation_config.json", "model.safetensors"]
    assert (tmp_path / "student" / "training_args.bin").is_file()
    dataset = body["datasets"][0]
    assert dataset["examples"] == 16 and dataset["fingerprint"].startswith("sha256:")
    # transformers' Trainer trains on the dataset as given: one fingerprint, read both ways.
    assert run["dataset_fingerprints"] == {
        "as_passed": dataset["fingerprint"],
        "as_trained": dataset["fingerprint"],
    }
    assert registry.teachers("acme/tiny-student@1") == ["acme/tiny-teacher@1"]
    assert registry.verify_ledger().ok


def test_blocked_plan_raises_before_any_step(registry: Registry, tmp_path: Path) -> None:
    plan = _plan(commercial=True, competes_with=["openai"])
    plan["teachers"][0].update(
        model="openai/gpt-5@2026-08", licence="openai-terms", access="api", provider="openai"
    )
    plan["datasets"][0]["generated_by"] = ["openai/gpt-5@2026-08"]
    trainer = _trainer(tmp_path / "student")
    cb = HeredityCallback(trainer, plan, registry)
    trainer.add_callback(cb)
    with pytest.raises(RightsBlocked):
        cb.train()
    assert trainer.state.global_step == 0
    assert registry.distillation_for("acme/tiny-student@1") is None
    stored = registry.find(RightsAssessment, subject="acme/tiny-student@1")
    assert len(stored) == 1 and stored[0].body.verdict == "prohibited"


class _Boom(TrainerCallback):
    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.global_step == 2:
            raise RuntimeError("disk full")


def test_failed_run_is_recorded_as_failed(registry: Registry, tmp_path: Path) -> None:
    trainer = _trainer(tmp_path / "student", steps=5)
    trainer.add_callback(_Boom())
    cb = attach(trainer, _plan(), registry)
    with pytest.raises(RuntimeError, match="disk full"):
        cb.train()
    stored = registry.distillation_for("acme/tiny-student@1")
    assert stored is not None
    run = stored.body.run
    assert run is not None and run.status == "failed"
    assert run.error and "disk full" in run.error
    assert run.student_digest is None
    assert run.steps == 2 and run.student_files == []


def test_epochs_are_recorded_when_they_governed_the_run(registry: Registry, tmp_path: Path) -> None:
    trainer = _trainer(tmp_path / "student", steps=-1, num_train_epochs=2)
    attach(trainer, _plan(), registry).train()
    body = registry.distillation_for("acme/tiny-student@1").body  # type: ignore[union-attr]
    assert body.run is not None and body.run.steps == 8 and body.run.epochs == 2.0
    assert body.config.epochs == 2.0 and body.config.max_steps is None


def test_plan_config_never_overrides_the_run(registry: Registry, tmp_path: Path) -> None:
    plan = _plan() | {"config": {"seed": 5, "loss": "forward_kl", "temperature": 2.0, "epochs": 3}}
    plan["datasets"][0]["examples"] = 20
    trainer = _trainer(tmp_path / "student")
    attach(trainer, plan, registry).train()
    config = registry.distillation_for("acme/tiny-student@1").body.dump()["config"]  # type: ignore[union-attr]
    assert config["seed"] == 11 and config["loss"] == "ce" and config.get("temperature") is None
    conflicts = {c["field"]: (c["plan"], c["run"]) for c in config["conflicts"]}
    assert conflicts == {
        "seed": (5, 11),
        "loss": ("forward_kl", "ce"),
        "temperature": (2.0, None),
        "epochs": (3, None),
        "datasets[0].examples": (20, 16),
    }


class _OwnLoss(Trainer):
    """A trainer whose objective is the user's own code: Heredity cannot read it."""

    def compute_loss(self, model: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return super().compute_loss(model, inputs, *args, **kwargs)


def test_a_custom_loss_takes_the_objective_from_the_plan_and_says_so(
    registry: Registry, tmp_path: Path
) -> None:
    plan = _plan() | {"config": {"loss": "forward_kl", "temperature": 2.0, "seed": 5}}
    trainer = _trainer(tmp_path / "student", cls=_OwnLoss)
    attach(trainer, plan, registry).train()
    config = registry.distillation_for("acme/tiny-student@1").body.dump()["config"]  # type: ignore[union-attr]
    assert config["temperature"] == 2.0 and config["loss"] == "forward_kl"
    assert any("temperature: from the plan" in n for n in config["raw"]["notes"])
    # Training settings are still the run's.
    assert [c["field"] for c in config["conflicts"]] == ["seed"]


class _Editing(Trainer):
    """A trainer that edits the arguments in its __init__, as TRL's do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["args"].remove_unused_columns = False
        super().__init__(*args, **kwargs)


def test_snapshot_keeps_the_arguments_as_passed(registry: Registry, tmp_path: Path) -> None:
    args = TrainingArguments(
        output_dir=str(tmp_path / "student"), max_steps=1, report_to=[], use_cpu=True
    )
    rows = _Rows()
    as_passed = snapshot(args, rows)
    model = GPT2LMHeadModel(
        GPT2Config(vocab_size=40, n_positions=16, n_embd=16, n_layer=1, n_head=2)
    )
    trainer = _Editing(model=model, args=args, train_dataset=rows)
    attach(trainer, _plan(), registry, as_passed=as_passed).train()
    raw = registry.distillation_for("acme/tiny-student@1").body.dump()["config"]["raw"]  # type: ignore[union-attr]
    assert raw["passed"]["remove_unused_columns"] is True
    assert raw["effective"]["remove_unused_columns"] is False
