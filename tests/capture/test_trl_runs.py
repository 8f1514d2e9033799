"""Real TRL runs (GKD, SFT on teacher-written data) on tiny local models, recorded by the callback (4.7).

Every model and tokenizer is built here; nothing is downloaded. Each run takes a few seconds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import torch
from datasets import Dataset
from transformers import PreTrainedModel, PreTrainedTokenizerBase
from trl import DistillationConfig, DistillationTrainer, SFTConfig, SFTTrainer
from trl.experimental.gkd import GKDConfig, GKDTrainer

from heredity.capture import (
    AsPassed,
    HeredityCallback,
    PlanMismatch,
    TeacherMismatch,
    attach,
    fingerprint,
    snapshot,
)
from heredity.distill import build_model, load_model_dir, save_model_dir
from heredity.distill._tokenizer import build_tokenizer
from heredity.errors import RightsBlocked
from heredity.records import ModelRecord
from heredity.registry import Registry, weights_digest
from heredity.registry._digest import whole_directory_digest
from heredity.rights import RightsAssessment

pytestmark = pytest.mark.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "what",
    "is",
    "the",
    "colour",
    "of",
    "sky",
    "grass",
    "sea",
    "snow",
    "blue",
    "green",
    "white",
    "red",
]
# Renders a whole conversation (TRL's collators need the answer too) and the prompt alone.
TEMPLATE = (
    "{% for m in messages %}{% if m['role'] == 'user' %}{{ m['content'] }} <sep>"
    "{% else %} {{ m['content'] }} </s>{% endif %}{% endfor %}"
)
THINGS = [("sky", "blue"), ("grass", "green"), ("sea", "blue"), ("snow", "white")]
TEACHER = "acme/tiny-teacher@1"
STUDENT = "acme/tiny-student@1"


def _tokenizer() -> PreTrainedTokenizerBase:
    tok = build_tokenizer(WORDS)
    tok.chat_template = TEMPLATE
    return tok


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tok = _tokenizer()
    card = "---\nlicense: apache-2.0\n---\n# tiny teacher\n"
    return save_model_dir(
        build_model(tok, "tiny", 2), tok, tmp_path_factory.mktemp("teacher"), card=card
    )


def _register(registry: Registry, teacher_dir: Path) -> str:
    rec = registry.register_model_dir(
        teacher_dir, name="acme/tiny-teacher", version="1", licence="apache-2.0", access="internal"
    )
    assert rec.digest
    return rec.digest


def _plan(signals: list[str], **over: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "student": {"name": "acme/tiny-student", "version": "1"},
        "teachers": [
            {
                "model": TEACHER,
                "licence": "apache-2.0",
                "access": "internal",
                "provider": "acme",
                "signals": signals,
            }
        ],
        "method": "on_policy",
        "datasets": [
            {"name": "acme/colours", "version": "1", "kind": "real", "licence": "apache-2.0"}
        ],
        "intended_use": {"commercial": False, "distribution": "internal", "competes_with": []},
        "responsible": {"name": "Dana Smith"},
    }
    plan.update(over)
    return plan


def _conversations(n: int = 18) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        thing, colour = THINGS[i % len(THINGS)]
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"what is the colour of the {thing}"},
                    {"role": "assistant", "content": colour},
                ]
            }
        )
    return rows


def _gkd(
    out: Path,
    teacher: PreTrainedModel,
    tok: PreTrainedTokenizerBase,
    rows: list[dict[str, Any]],
    **cfg: Any,
) -> tuple[GKDTrainer, AsPassed]:
    """A GKD trainer on a tiny student, with the snapshot of its arguments taken before it was built."""
    settings: dict[str, Any] = {
        "output_dir": str(out),
        "max_steps": 5,
        "per_device_train_batch_size": 2,
        "lmbda": 0.0,
        "beta": 1.0,
        "max_new_tokens": 3,
        "report_to": [],
        "save_strategy": "no",
        "logging_strategy": "no",
        "use_cpu": True,
        "seed": 3,
        "disable_tqdm": True,
    } | cfg
    args = GKDConfig(**settings)
    data = Dataset.from_list(rows)
    as_passed = snapshot(args, data)  # before GKDTrainer edits the arguments
    trainer = GKDTrainer(
        model=build_model(tok, "tiny", 1),
        teacher_model=teacher,
        args=args,
        train_dataset=data,
        processing_class=tok,
    )
    return trainer, as_passed


def _only_model_files(student_dir: Path, files: list[str], into: Path) -> Path:
    into.mkdir()
    for name in files:
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(student_dir / name, into / name)
    return into


def test_gkd_run_records_steps_epochs_teacher_and_the_final_files(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    digest = _register(registry, teacher_dir)
    tok = _tokenizer()
    teacher, _ = load_model_dir(teacher_dir)
    rows = _conversations()
    out = tmp_path / "student"
    plan = _plan(["logits"], config={"loss": "forward_kl", "temperature": 2.0, "epochs": 3})
    # Checkpoints (and the model card TRL writes with them) land in the output directory too.
    trainer, as_passed = _gkd(out, teacher, tok, rows, save_strategy="steps", save_steps=2)
    cb = attach(trainer, plan, registry, as_passed=as_passed)
    cb.train()
    assert trainer.state.global_step == 5

    body = registry.distillation_for(STUDENT).body.dump()  # type: ignore[union-attr]
    run, config = body["run"], body["config"]
    # 5 steps of 2 examples over 18 examples: 10/18 of an epoch, and no epoch count invented.
    assert run["steps"] == 5 and run["epochs"] == pytest.approx(5 / 9)
    assert config["max_steps"] == 5 and config["epochs"] is None
    # GKD with beta=1.0 is reverse KL at loss temperature 1.0; the plan said otherwise: named conflicts.
    assert config["loss"] == "reverse_kl" and config["temperature"] == 1.0
    conflicts = {c["field"]: c for c in config["conflicts"]}
    assert conflicts["loss"]["plan"] == "forward_kl" and conflicts["loss"]["run"] == "reverse_kl"
    assert conflicts["temperature"]["plan"] == 2.0 and conflicts["temperature"]["run"] == 1.0
    assert conflicts["epochs"]["run"] is None and "max_steps=5" in conflicts["epochs"]["note"]
    # No generation in this run: lmbda=0 and seq_kd off.
    assert config["on_policy_fraction"] == 0.0 and config["teacher_generates"] is False
    # The arguments as passed, before GKDTrainer set remove_unused_columns and dataset_kwargs.
    raw = config["raw"]
    assert (
        raw["passed"]["remove_unused_columns"] is True and raw["passed"]["dataset_kwargs"] is None
    )
    assert raw["effective"]["remove_unused_columns"] is False
    assert raw["effective"]["dataset_kwargs"] == {"skip_prepare_dataset": True}
    # The teacher the trainer held was checked against the registered one.
    [check] = run["teacher_checks"]
    assert check["status"] == "verified" and check["held_by"] == "teacher_model"
    assert run["teacher_digests"] == {TEACHER: digest}
    # The student digest covers the final model files only, and matches a deployed copy.
    files = run["student_files"]
    assert "model.safetensors" in files and "config.json" in files and "tokenizer.json" in files
    assert not any(
        f.startswith("checkpoint-") or f in ("README.md", "training_args.bin") for f in files
    )
    assert {"README.md", "training_args.bin", "checkpoint-2"} <= {p.name for p in out.iterdir()}
    deployed = _only_model_files(out, files, tmp_path / "deployed")
    assert run["student_digest"] == weights_digest(deployed) == weights_digest(out)
    assert registry.get_model(STUDENT).digest == run["student_digest"]
    # Data: GKD trains on the dataset as passed (its collator tokenises per batch).
    assert run["dataset_fingerprints"]["as_passed"] == fingerprint(rows)
    assert run["dataset_fingerprints"]["as_trained"] == fingerprint(rows)
    assert body["datasets"][0]["fingerprint"] == fingerprint(rows)
    assert body["datasets"][0]["examples"] == 18
    assert registry.verify_ledger().ok


def test_swapped_teacher_is_refused_before_any_step(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    _register(registry, teacher_dir)
    tok = _tokenizer()
    impostor = build_model(tok, "tiny", 99)  # random init, same architecture
    trainer, as_passed = _gkd(tmp_path / "student", impostor, tok, _conversations())
    student = cast(Any, trainer.model)
    before = {k: v.clone() for k, v in student.state_dict().items()}
    cb = attach(trainer, _plan(["logits"]), registry, as_passed=as_passed)
    with pytest.raises(
        TeacherMismatch, match="teacher_model .* is not a teacher of the plan"
    ) as err:
        cb.train()
    assert isinstance(err.value, RightsBlocked) and err.value.exit_code == 1
    assert any("differ in value" in d for d in err.value.details)
    assert trainer.state.global_step == 0
    after = student.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # no optimiser step
    # Nothing recorded: no assessment, no provenance, no student, a clean ledger.
    assert registry.distillation_for(STUDENT) is None
    assert registry.find(RightsAssessment, subject=STUDENT) == []
    assert registry.find_model(STUDENT) is None
    assert registry.verify_ledger().ok


def test_teacher_in_another_precision_is_the_registered_teacher(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    _register(registry, teacher_dir)
    tok = _tokenizer()
    teacher, _ = load_model_dir(teacher_dir)
    trainer, _ = _gkd(
        tmp_path / "student", cast(Any, teacher).to(torch.bfloat16), tok, _conversations()
    )
    [check] = HeredityCallback(trainer, _plan(["logits"]), registry).check_teachers()
    assert check.status == "verified"
    assert any("cast from float32 to bfloat16" in n for n in check.notes)


def test_teacher_registrations_that_cannot_vouch_for_the_weights_are_refused(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    tok = _tokenizer()
    teacher, _ = load_model_dir(teacher_dir)
    trainer, _ = _gkd(tmp_path / "student", teacher, tok, _conversations())
    cb = HeredityCallback(trainer, _plan(["logits"]), registry)
    # Registered by name only: nothing to compare the held teacher with.
    registry.add_model(
        ModelRecord(name="acme/tiny-teacher", version="1", licence="apache-2.0", access="internal")
    )
    with pytest.raises(TeacherMismatch) as err:
        cb.check_teachers()
    assert any("registered without weights" in d for d in err.value.details)
    assert any("heredity model add acme/tiny-teacher@1 --path" in d for d in err.value.details)


def test_registered_files_that_changed_are_not_the_registered_teacher(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    copy = Path(shutil.copytree(teacher_dir, tmp_path / "teacher"))
    registry.register_model_dir(copy, name="acme/tiny-teacher", version="1", licence="apache-2.0")
    tok = _tokenizer()
    teacher, _ = load_model_dir(copy)
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("}", " }"))
    trainer, _ = _gkd(tmp_path / "student", teacher, tok, _conversations())
    with pytest.raises(TeacherMismatch) as err:
        HeredityCallback(trainer, _plan(["logits"]), registry).check_teachers()
    assert any("no longer have the registered digest" in d for d in err.value.details)


def test_a_digest_registered_over_the_whole_directory_still_matches(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    # Registries written before the digest left out the model card hold the whole-directory root.
    registry.add_model(
        ModelRecord(
            name="acme/tiny-teacher",
            version="1",
            licence="apache-2.0",
            digest=whole_directory_digest(teacher_dir),
            path=str(teacher_dir),
        )
    )
    assert whole_directory_digest(teacher_dir) != weights_digest(teacher_dir)
    teacher, _ = load_model_dir(teacher_dir)
    trainer, _ = _gkd(tmp_path / "student", teacher, _tokenizer(), _conversations())
    [check] = HeredityCallback(trainer, _plan(["logits"]), registry).check_teachers()
    assert check.status == "verified" and check.digest == whole_directory_digest(teacher_dir)


def test_teacher_generation_must_be_in_the_plan(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    _register(registry, teacher_dir)
    tok = _tokenizer()
    teacher, _ = load_model_dir(teacher_dir)
    trainer, as_passed = _gkd(tmp_path / "s1", teacher, tok, _conversations(), seq_kd=True)
    cb = attach(trainer, _plan(["logits"]), registry, as_passed=as_passed)
    with pytest.raises(PlanMismatch, match="generated_text"):
        cb.train()
    assert trainer.state.global_step == 0
    assert registry.find(RightsAssessment, subject=STUDENT) == []

    trainer, as_passed = _gkd(
        tmp_path / "s2", teacher, tok, _conversations(), seq_kd=True, max_steps=2
    )
    attach(trainer, _plan(["logits", "generated_text"]), registry, as_passed=as_passed).train()
    config = registry.distillation_for(STUDENT).body.dump()["config"]  # type: ignore[union-attr]
    # The teacher wrote every batch's sequences (lmbda=0: the student never generated).
    assert config["teacher_generates"] is True and config["on_policy_fraction"] == 0.0


def test_trl_distillation_trainer_run_is_on_policy_with_the_registered_teacher(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    digest = _register(registry, teacher_dir)
    tok = _tokenizer()
    teacher, _ = load_model_dir(teacher_dir)
    rows = [
        {"prompt": [{"role": "user", "content": f"what is the colour of the {t}"}]}
        for t, _ in THINGS * 2
    ]
    args = DistillationConfig(
        output_dir=str(tmp_path / "student"),
        max_steps=2,
        per_device_train_batch_size=2,
        max_completion_length=3,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
    )
    data = Dataset.from_list(rows)
    as_passed = snapshot(args, data)
    trainer = DistillationTrainer(
        model=build_model(tok, "tiny", 1),
        teacher_model=teacher,
        args=args,
        train_dataset=data,
        processing_class=tok,
    )
    attach(trainer, _plan(["logits"]), registry, as_passed=as_passed).train()
    body = registry.distillation_for(STUDENT).body.dump()  # type: ignore[union-attr]
    run, config = body["run"], body["config"]
    assert run["steps"] == 2 and run["epochs"] == pytest.approx(0.5)
    assert config["framework"]["trainer"] == "DistillationTrainer"
    # DistillationTrainer trains on the student's own completions: fully on-policy.
    assert config["on_policy_fraction"] == 1.0
    [check] = run["teacher_checks"]
    assert check["status"] == "verified" and run["teacher_digests"] == {TEACHER: digest}


def _teacher_answers(teacher_dir: Path, prompts: list[str]) -> list[str]:
    loaded, tokenizer = load_model_dir(teacher_dir)
    model, tok = cast(Any, loaded), cast(Any, tokenizer)
    answers = []
    for p in prompts:
        ids = tok.apply_chat_template(
            [{"role": "user", "content": p}],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        out = model.generate(
            **ids,
            max_new_tokens=3,
            do_sample=False,
            pad_token_id=tok.pad_token_id,
            suppress_tokens=tok.all_special_ids,  # an untrained teacher: words only
        )
        answers.append(
            tok.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True).strip()
        )
    return answers


def _sft_plan() -> dict[str, Any]:
    return _plan(
        ["generated_text"],
        method="sequence_level",
        datasets=[
            {
                "name": "acme/colours-answered",
                "version": "1",
                "kind": "synthetic",
                "licence": "apache-2.0",
                "generated_by": [TEACHER],
            }
        ],
    )


def test_sft_on_teacher_written_data_records_epochs_and_both_fingerprints(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    digest = _register(registry, teacher_dir)
    tok = _tokenizer()
    prompts = [f"what is the colour of the {t}" for t, _ in THINGS] * 3
    rows = [
        {"prompt": p + " <sep>", "completion": " " + a}
        for p, a in zip(prompts, _teacher_answers(teacher_dir, prompts), strict=True)
    ]
    assert all(r["completion"].strip() for r in rows)
    data = Dataset.from_list(rows)
    args = SFTConfig(
        output_dir=str(tmp_path / "student"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        report_to=[],
        save_strategy="no",
        logging_strategy="no",
        use_cpu=True,
        seed=3,
        disable_tqdm=True,
    )
    as_passed = snapshot(args, data)
    trainer = SFTTrainer(
        model=build_model(tok, "tiny", 1), args=args, train_dataset=data, processing_class=tok
    )
    attach(trainer, _sft_plan(), registry, as_passed=as_passed).train()

    body = registry.distillation_for(STUDENT).body.dump()  # type: ignore[union-attr]
    run, config = body["run"], body["config"]
    # 12 examples, batches of 4, 2 epochs: 6 steps; num_train_epochs governed, so it is a fact.
    assert run["steps"] == 6 and run["epochs"] == 2.0
    assert config["epochs"] == 2.0 and config["max_steps"] is None
    assert config["loss"] == "ce" and config["framework"]["trainer"] == "SFTTrainer"
    # No teacher in the trainer: the check is not applicable, and the record says so.
    [check] = run["teacher_checks"]
    assert check["status"] == "not_applicable" and "generated_text" in check["notes"][0]
    assert run["teacher_digests"] == {TEACHER: digest}
    # The data as passed and TRL's tokenised copy are both fingerprinted; the entry is the former.
    fps = run["dataset_fingerprints"]
    assert fps["as_passed"] == fingerprint(rows) != fps["as_trained"]
    assert body["datasets"][0]["fingerprint"] == fps["as_passed"]
    assert body["datasets"][0]["examples"] == 12
    assert registry.teachers(STUDENT) == [TEACHER]


def test_a_plan_teacher_giving_logits_needs_a_teacher_in_the_trainer(
    registry: Registry, teacher_dir: Path, tmp_path: Path
) -> None:
    _register(registry, teacher_dir)
    tok = _tokenizer()
    data = Dataset.from_list(
        [{"prompt": "what is the colour of the sky <sep>", "completion": " blue"}] * 4
    )
    args = SFTConfig(
        output_dir=str(tmp_path / "student"),
        max_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = SFTTrainer(
        model=build_model(tok, "tiny", 1), args=args, train_dataset=data, processing_class=tok
    )
    cb = attach(trainer, _plan(["logits"]), registry, as_passed=snapshot(args, data))
    with pytest.raises(TeacherMismatch, match="holds no teacher"):
        cb.train()
    assert trainer.state.global_step == 0
    assert registry.distillation_for(STUDENT) is None


def _python_blocks(doc: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)


def test_the_capture_doc_snippet_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Run in this process (imports are paid once), in a fresh directory, as a script would.
    [snippet] = _python_blocks(ROOT / "docs" / "capture.md")
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/capture.md", "exec"), {"__name__": "__main__"})  # noqa: S102
    assert "completed 5 steps, 0.56 epochs" in capsys.readouterr().out
