"""The trainer callback that gates a distillation on its rights and records it as it runs (4.7, 4.8)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from heredity.capture._facts import dataset_fingerprint, framework_versions, git_revision, hardware
from heredity.capture._normalise import normalise
from heredity.errors import BadInput, RightsBlocked
from heredity.records import DistillationDocument, load_mapping, parse_document
from heredity.registry import Registry, StoredRecord, weights_digest


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _args_dict(args: Any) -> dict[str, Any]:
    raw = args.to_dict() if hasattr(args, "to_dict") else dict(vars(args))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


class HeredityCallback(TrainerCallback):
    """Attach to a transformers ``Trainer`` (TRL trainers included) with a trainer reference and a plan.

    Before the first optimisation step it runs the rights gate and raises :class:`RightsBlocked`
    when the plan is not cleared. It captures the training arguments as passed and as effective,
    the trainer class, framework versions, seeds, git revision, teacher digests, dataset
    fingerprint, hardware and times; at the end it saves and registers the student and writes the
    provenance record and lineage. Use :meth:`train` so a failed or interrupted run is recorded too.
    """

    def __init__(
        self,
        trainer: Any,
        plan: DistillationDocument | dict[str, Any] | str | Path,
        registry: Registry,
        *,
        output_dir: str | Path | None = None,
        distillation: dict[str, Any] | None = None,
        save_on_end: bool = True,
    ) -> None:
        self.trainer = trainer
        self.registry = registry
        if isinstance(plan, str | Path):
            plan = load_mapping(plan)
        self.plan: dict[str, Any] = (
            plan.model_dump(mode="json", exclude_none=True)
            if isinstance(plan, DistillationDocument)
            else copy.deepcopy(plan)
        )
        self.output_dir = Path(output_dir or trainer.args.output_dir)
        self.args_passed = _args_dict(trainer.args)
        self.distillation = dict(distillation or _trainer_settings(trainer))
        self.save_on_end = save_on_end
        self.started_at: dt.datetime | None = None
        self.ended_at: dt.datetime | None = None
        self.assessment: StoredRecord | None = None
        self.record: StoredRecord | None = None
        self.document: DistillationDocument | None = None

    # -- building the document -------------------------------------------------------------------
    def _framework(self) -> tuple[str, str]:
        cls = type(self.trainer)
        module = cls.__module__.split(".")[0]
        return ("trl" if module == "trl" else "transformers"), cls.__name__

    def _config(self, effective: dict[str, Any]) -> dict[str, Any]:
        framework, trainer_cls = self._framework()
        versions = framework_versions()
        source = dict(effective) | {
            k: v for k, v in self.distillation.items() if k not in ("loss", "temperature")
        }
        config, notes = normalise(
            framework, source, version=versions.get(framework), trainer=trainer_cls
        )
        data = config.model_dump(mode="json")
        # Settings our own distillation trainers report are already in normalised meaning.
        for key in ("temperature", "loss", "kd_weight", "hard_label_weight", "layer_mapping"):
            if key in self.distillation:
                data[key] = self.distillation[key]
        planned = self.plan.get("config") or {}
        data = {k: v for k, v in data.items() if v not in (None, {})} | {
            k: v for k, v in planned.items() if k != "raw" and v is not None
        }
        data["raw"] = {
            "passed": self.args_passed,
            "effective": effective,
            "notes": notes,
            "distillation": self.distillation,
            "plan": planned.get("raw", {}),
        }
        return data

    def _teacher_digests(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for t in self.plan.get("teachers", []):
            ref = t.get("model")
            model = self.registry.find_model(ref) if ref else None
            if model and model.digest:
                out[ref] = model.digest
            elif model and model.path and Path(model.path).exists():
                out[ref] = weights_digest(model.path)
        return out

    def _document(
        self,
        status: str,
        *,
        ended: dt.datetime | None = None,
        error: str | None = None,
        student_path: Path | None = None,
    ) -> DistillationDocument:
        args = self.trainer.args
        effective = _args_dict(args)
        doc = copy.deepcopy(self.plan)
        doc.setdefault("heredity", 1)
        doc.setdefault("kind", "distillation")
        doc.setdefault("date", (self.started_at or _now()).date().isoformat())
        doc["config"] = self._config(effective)
        fp, n = dataset_fingerprint(getattr(self.trainer, "train_dataset", None))
        for ds in doc.get("datasets", []):
            if fp and not ds.get("fingerprint") and len(doc["datasets"]) == 1:
                ds["fingerprint"] = fp
            if n and not ds.get("examples") and len(doc["datasets"]) == 1:
                ds["examples"] = n
        student = doc.setdefault("student", {})
        if student_path is not None:
            student["path"] = str(student_path)
        model_cfg = getattr(getattr(self.trainer, "model", None), "config", None)
        if model_cfg is not None:
            student.setdefault("architecture", getattr(model_cfg, "model_type", None))
        model = getattr(self.trainer, "model", None)
        if model is not None and hasattr(model, "parameters"):
            student.setdefault("parameters", int(sum(p.numel() for p in model.parameters())))
        seeds = {"seed": int(args.seed)}
        if getattr(args, "data_seed", None) is not None:
            seeds["data_seed"] = int(args.data_seed)
        doc["run"] = {
            "status": status,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "ended_at": ended.isoformat() if ended else None,
            "rights_assessment": self.assessment.id if self.assessment else None,
            "git_revision": git_revision(),
            "hardware": hardware(),
            "versions": framework_versions(),
            "seeds": seeds,
            "teacher_digests": self._teacher_digests(),
            "student_digest": weights_digest(student_path) if student_path else None,
            "error": error,
        }
        doc["config"].setdefault("seed", int(args.seed))
        return parse_document(doc, "captured distillation plan")

    # -- trainer events ----------------------------------------------------------------------------
    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> TrainerControl | None:
        if not state.is_world_process_zero or self.assessment is not None:
            return None
        from heredity.rights import gate

        # The gate judges the plan; the run starts only once it is cleared (8.3 compares the times).
        self.assessment = gate(self._document("planned"), self.registry)
        self.started_at = _now()
        return None

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> TrainerControl | None:
        if not state.is_world_process_zero:
            return None
        self.ended_at = _now()
        if self.save_on_end:
            self.trainer.save_model(str(self.output_dir))
            self.finish(self.output_dir)
        return None

    def finish(self, student_path: str | Path) -> StoredRecord | None:
        """Record the completed run with the student's final directory.

        For callers that write more files (a model card, a tokenizer) after training: create the
        callback with ``save_on_end=False`` and call this once the directory is final.
        """
        return self._finish("completed", student_path=Path(student_path))

    def _finish(
        self, status: str, *, error: str | None = None, student_path: Path | None = None
    ) -> StoredRecord | None:
        if self.assessment is None or self.record is not None:
            return self.record  # the gate never cleared this run, or it was already recorded
        ended = self.ended_at or _now()
        self.document = self._document(status, ended=ended, error=error, student_path=student_path)
        self.record = self.registry.record(self.document)
        return self.record

    def train(self, **kwargs: Any) -> Any:
        """Run ``trainer.train`` and record a failed or interrupted run as such."""
        try:
            return self.trainer.train(**kwargs)
        except RightsBlocked:
            raise
        except KeyboardInterrupt:
            self._finish("interrupted", error="KeyboardInterrupt")
            raise
        except Exception as exc:
            self._finish("failed", error=f"{type(exc).__name__}: {exc}")
            raise


def attach(
    trainer: Any,
    plan: DistillationDocument | dict[str, Any] | str | Path,
    registry: Registry,
    **kwargs: Any,
) -> HeredityCallback:
    """Create a :class:`HeredityCallback`, add it to ``trainer`` and return it."""
    if not hasattr(trainer, "add_callback"):
        raise BadInput("trainer: expected a transformers Trainer (or a subclass such as TRL's)")
    callback = HeredityCallback(trainer, plan, registry, **kwargs)
    trainer.add_callback(callback)
    return callback


def _trainer_settings(trainer: Any) -> dict[str, Any]:
    """Distillation settings a trainer keeps readable, already in normalised meaning.

    Heredity's DistillationTrainer exposes ``kd_weight``, ``hard_label_weight``, ``temperature``
    and ``teacher_weights``; TRL trainers are read through their config instead.
    """
    if getattr(trainer, "distillation_settings", None):
        return dict(trainer.distillation_settings)
    if not hasattr(trainer, "kd_weight") or not hasattr(trainer, "hard_label_weight"):
        return {}
    kd = float(trainer.kd_weight)
    out: dict[str, Any] = {
        "kd_weight": kd,
        "hard_label_weight": float(trainer.hard_label_weight),
        "loss": "forward_kl" if kd > 0 else "ce",
    }
    if kd > 0 and getattr(trainer, "temperature", None) is not None:
        out["temperature"] = float(trainer.temperature)
    weights = getattr(trainer, "teacher_weights", None)
    if weights:
        out["teacher_weights"] = [float(w) for w in weights]
    return out
