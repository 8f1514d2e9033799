"""The trainer callback that gates a distillation on its rights and records it as it runs (4.7, 4.8).

What the record says about the run is what the run did: the steps taken and the epochs covered,
the teacher the trainer holds (checked against the registered teacher before the first step), the
trainer's settings in normalised meaning (the plan's ``config`` never overrides them: a
disagreement is a named conflict), the arguments as passed (:func:`snapshot`, taken before the
trainer is built) and as effective, both fingerprints of the data, and the digest of the final
model files. See ``docs/capture.md``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from transformers import Trainer, TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from heredity.capture._facts import (
    dataset_fingerprint,
    dataset_fingerprints,
    framework_versions,
    git_revision,
    hardware,
)
from heredity.capture._normalise import normalise
from heredity.errors import BadInput, RightsBlocked
from heredity.records import DistillationDocument, Stored, load_mapping, parse_document
from heredity.registry import Registry, weights_digest
from heredity.registry._digest import (
    TensorManifest,
    directory_tensors,
    model_files,
    model_tensors,
    whole_directory_digest,
)
from heredity.rights import RightsAssessment, gate

# Signals a teacher gives when the trainer holds it (its forward pass is in the loss).
IN_TRAINER_SIGNALS = frozenset({"logits", "hidden_states", "embeddings"})
# Fields of the objective: a known trainer's reading wins; a custom loss leaves them to the plan.
OBJECTIVE_FIELDS = (
    "objective",
    "temperature",
    "loss",
    "kd_weight",
    "hard_label_weight",
    "layer_mapping",
    "terms",
    "stages",
    "on_policy_fraction",
    "teacher_generates",
)


class PlanMismatch(RightsBlocked):
    """The run differs from its plan in a fact the rights gate judged; nothing ran or was recorded.

    A subclass of :class:`RightsBlocked` (exit 1): the plan's clearance does not cover the run
    (another teacher, another use of a teacher, other data), so no compute may be spent on it.
    """


class TeacherMismatch(PlanMismatch):
    """The teacher the trainer holds is not (or cannot be shown to be) the plan's registered teacher."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _args_dict(args: Any) -> dict[str, Any]:
    raw = args.to_dict() if hasattr(args, "to_dict") else dict(vars(args))
    return _jsonable({k: v for k, v in raw.items() if not k.startswith("_")})


@dataclass(frozen=True)
class AsPassed:
    """Training arguments and data as the user passed them, before a trainer changed them."""

    args: dict[str, Any]
    dataset_fingerprint: str | None
    examples: int | None
    taken_at: dt.datetime
    legacy_fingerprint: str | None = None  # as computed before the one JSON policy


def snapshot(args: Any, train_dataset: Any = None) -> AsPassed:
    """Capture ``args`` (and the training data's fingerprint) before the trainer is constructed.

    TRL trainers change arguments in their ``__init__`` (GKD sets ``remove_unused_columns`` and
    ``dataset_kwargs``) and replace the dataset with a tokenised copy (SFT); pass the result to
    :func:`attach` as ``as_passed=`` so the record keeps both readings.
    """
    fp, legacy, n = dataset_fingerprints(train_dataset)
    return AsPassed(_args_dict(args), fp, n or None, _now(), legacy)


@dataclass
class TeacherCheck:
    """How one plan teacher was checked against the trainer before the first step."""

    teacher: str
    status: Literal["verified", "not_applicable", "unverified"]
    held_by: str | None = None
    tensors: str | None = None
    digest: str | None = None
    source: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def held_teachers(trainer: Any) -> list[tuple[str, Any]]:
    """The teacher models a trainer holds, by attribute: Heredity's ``teacher_models``, TRL's ``teacher_model``."""
    accelerator = getattr(trainer, "accelerator", None)

    def unwrap(model: Any) -> Any:
        if accelerator is not None:
            try:
                return accelerator.unwrap_model(model)
            except (AttributeError, TypeError, ValueError):
                return model
        return model

    many = getattr(trainer, "teacher_models", None)
    if isinstance(many, list | tuple) and many:
        return [(f"teacher_models[{i}]", unwrap(m)) for i, m in enumerate(many)]
    one = getattr(trainer, "teacher_model", None)
    if one is not None and not isinstance(one, str):
        return [("teacher_model", unwrap(one))]
    return []


def served_teacher(trainer: Any) -> str | None:
    """Where a trainer's teacher is served from, when it holds no weights (TRL server trainers)."""
    args = getattr(trainer, "args", None)
    for owner in (trainer, args):
        url = getattr(owner, "teacher_model_server_url", None)
        if isinstance(url, str) and url.strip():
            return url
        urls = getattr(owner, "teacher_server_urls", None)
        if isinstance(urls, dict) and urls:
            return ", ".join(str(u) for u in urls.values())
    if getattr(trainer, "teacher_client", None) is not None:
        return "a teacher server"
    return None


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(_jsonable(a) == _jsonable(b))


class HeredityCallback(TrainerCallback):
    """Attach to a transformers ``Trainer`` (TRL trainers included) with a trainer reference and a plan.

    Before the first optimisation step it checks the teachers the trainer holds against the
    plan's registered teachers (:class:`TeacherMismatch`), the run's use of them against the plan
    (:class:`PlanMismatch`), then runs the rights gate (:class:`RightsBlocked`). At the end it
    saves the student, digests its model files and records the provenance document and lineage.
    Use :meth:`train` so a failed or interrupted run is recorded too.

    ``as_passed`` is a :func:`snapshot` of the arguments and data taken before the trainer was
    built; ``unverified_teachers`` names plan teachers whose weights Heredity cannot check (a
    served teacher) and that the caller vouches for: they are recorded as unverified.
    """

    def __init__(
        self,
        trainer: Any,
        plan: DistillationDocument | dict[str, Any] | str | Path,
        registry: Registry,
        *,
        as_passed: AsPassed | None = None,
        output_dir: str | Path | None = None,
        distillation: dict[str, Any] | None = None,
        save_on_end: bool = True,
        unverified_teachers: Iterable[str] = (),
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
        if as_passed is not None and not isinstance(as_passed, AsPassed):
            raise BadInput("as_passed: expected heredity.capture.snapshot(args, train_dataset)")
        self.as_passed = as_passed
        self.output_dir = Path(output_dir or trainer.args.output_dir)
        self.args_at_attach = _args_dict(trainer.args)
        self.distillation = dict(distillation or _trainer_settings(trainer))
        self.save_on_end = save_on_end
        self.unverified_teachers = set(unverified_teachers)
        self.started_at: dt.datetime | None = None
        self.ended_at: dt.datetime | None = None
        self.assessment: Stored[RightsAssessment] | None = None
        self.record: Stored[DistillationDocument] | None = None
        self.document: DistillationDocument | None = None
        self.teacher_checks: list[TeacherCheck] = []
        self._as_trained: tuple[str | None, int | None] | None = None
        self._save_notes: list[str] = []

    # -- the teachers the trainer holds --------------------------------------------------------
    def _framework(self) -> tuple[str, str]:
        cls = type(self.trainer)
        module = cls.__module__.split(".")[0]
        return ("trl" if module == "trl" else "transformers"), cls.__name__

    def _compare(
        self, model: Any, held: TensorManifest, ref: str
    ) -> tuple[Literal["match", "differs", "unverifiable"], list[str], str | None, str | None]:
        """Compare a held model with the plan teacher ``ref`` as registered: status, notes, digest, source."""
        rec = self.registry.find_model(ref)
        if rec is None:
            return "unverifiable", [f"{ref} is not in the registry"], None, None
        source: str | None = None
        digest = rec.digest
        if rec.path and Path(rec.path).is_dir():
            now = weights_digest(rec.path)
            if digest and now != digest and whole_directory_digest(rec.path) == digest:
                now = digest  # registered before the digest left out cards and training files
            if digest and now != digest:
                return (
                    "differs",
                    [
                        f"the files at {rec.path} no longer have the registered digest {digest} (now {now})"
                    ],
                    digest,
                    rec.path,
                )
            source, digest = rec.path, digest or now
        elif digest:
            loaded = getattr(model, "name_or_path", None) or ""
            if loaded and Path(loaded).is_dir() and weights_digest(loaded) == digest:
                source = loaded
            else:
                return (
                    "unverifiable",
                    [
                        f"{ref} is registered with digest {digest} but no weights path, and the "
                        "teacher was not loaded from a directory with that digest"
                    ],
                    digest,
                    None,
                )
        else:
            return (
                "unverifiable",
                [f"{ref} is registered without weights (no path, no digest)"],
                None,
                None,
            )
        try:
            registered = directory_tensors(source, as_dtypes=held.dtypes)
        except BadInput as exc:
            return "unverifiable", [str(exc)], digest, source
        if registered.digest == held.digest:
            return "match", registered.notes, digest, source
        if registered.same_content(held):
            return "match", ["the same tensors under other names (renamed on load)"], digest, source
        return "differs", held.differences(registered), digest, source

    def check_teachers(self) -> list[TeacherCheck]:
        """Match every teacher the trainer holds with a plan teacher as registered; refuse otherwise.

        Runs by itself before the first step; call it after :func:`attach` to check earlier.
        """
        plan_teachers = [t for t in self.plan.get("teachers", []) if t.get("model")]
        held = held_teachers(self.trainer)
        checks: list[TeacherCheck] = []
        matched: set[str] = set()
        fix = (
            "hand the trainer the registered teacher (e.g. AutoModelForCausalLM.from_pretrained(<its "
            "registered path>)), or name the teacher it holds in the plan and register it with its weights"
        )
        for attr, model in held:
            try:
                manifest = model_tensors(model, f"the trainer's {attr}")
            except BadInput as exc:
                raise TeacherMismatch(
                    f"teacher check: {exc}; hand the trainer the teacher in the dtype and form it was registered in"
                ) from None
            reasons: list[str] = []
            found: TeacherCheck | None = None
            for t in plan_teachers:
                ref = t["model"]
                if ref in matched:
                    continue
                status, notes, digest, source = self._compare(model, manifest, ref)
                if status == "match" or (
                    status == "unverifiable" and ref in self.unverified_teachers
                ):
                    found = TeacherCheck(
                        ref,
                        "verified" if status == "match" else "unverified",
                        attr,
                        manifest.digest,
                        digest,
                        source,
                        notes
                        if status == "match"
                        else [*notes, "declared by the caller (unverified_teachers)"],
                    )
                    break
                reasons += [f"{ref}: {n}" for n in notes] or [f"{ref}: {status}"]
                if status == "unverifiable":
                    reasons.append(
                        f"{ref}: register it with its weights (`heredity model add {ref} --path DIR` "
                        "or registry.register_model_dir) so the teacher can be compared"
                    )
            if found is None:
                raise TeacherMismatch(
                    f"teacher check: the trainer's {attr} (tensors {manifest.digest}) is not a "
                    f"teacher of the plan as registered; {fix}. Nothing was run or recorded.",
                    details=reasons,
                )
            matched.add(found.teacher)
            checks.append(found)
        served = served_teacher(self.trainer)
        for t in plan_teachers:
            ref = t["model"]
            if ref in matched:
                continue
            rec = self.registry.find_model(ref)
            digest = rec.digest if rec else None
            signals = set(t.get("signals") or ["logits"])
            if ref in self.unverified_teachers:
                where = f"served at {served}" if served else "not held by the trainer"
                checks.append(
                    TeacherCheck(
                        ref,
                        "unverified",
                        None,
                        None,
                        digest,
                        None,
                        [f"{where}; declared by the caller"],
                    )
                )
            elif signals & IN_TRAINER_SIGNALS:
                if served:
                    raise TeacherMismatch(
                        f"teacher check: {ref} gives {', '.join(sorted(signals))} but the trainer's "
                        f"teacher is served at {served}: Heredity cannot check its weights. Pass "
                        f"unverified_teachers=[{ref!r}] to attach to record it as declared, unverified."
                    )
                holds = "no teacher" if not held else "no other teacher"
                raise TeacherMismatch(
                    f"teacher check: the plan says {ref} gives {', '.join(sorted(signals & IN_TRAINER_SIGNALS))} "
                    f"during training, but the trainer holds {holds}; hand it that teacher, or set "
                    "the teacher's signals to what the run uses (generated_text for data it wrote "
                    "before the run)."
                )
            else:
                checks.append(
                    TeacherCheck(
                        ref,
                        "not_applicable",
                        None,
                        None,
                        digest,
                        None,
                        [
                            "the teacher gives generated_text only: it wrote training data before the "
                            "run and is not in the trainer, so there are no weights to check here"
                        ],
                    )
                )
        return checks

    # -- plan against run ------------------------------------------------------------------------
    def _objective_known(self, framework: str) -> bool:
        """Whether the trainer's objective can be read (a known trainer), or is the user's own code."""
        if framework == "trl" or self.distillation:
            return True
        return type(self.trainer).compute_loss is Trainer.compute_loss

    def _generation(self, run: dict[str, Any], notes: list[str]) -> None:
        """Who generates during the run, from the trainer when the normalised reading lacks it."""
        t = self.trainer
        lmbda = getattr(t, "lmbda", None)
        if run.get("on_policy_fraction") is None and isinstance(lmbda, int | float):
            run["on_policy_fraction"] = float(lmbda)
            notes.append(
                f"on_policy_fraction={float(lmbda)}: trainer.lmbda, the share of batches the "
                "student generates itself"
            )
        seq_kd = getattr(t, "seq_kd", None)
        if run.get("teacher_generates") is None and isinstance(seq_kd, bool):
            on_policy = run.get("on_policy_fraction")
            run["teacher_generates"] = seq_kd and (on_policy is None or on_policy < 1.0)
            notes.append(
                f"teacher_generates={run['teacher_generates']}: trainer.seq_kd={seq_kd} (the "
                "teacher writes the sequences of the batches the student does not generate)"
            )

    def _config(self, effective: dict[str, Any], state: TrainerState | None) -> dict[str, Any]:
        framework, trainer_cls = self._framework()
        versions = framework_versions()
        source = dict(effective) | {
            k: v for k, v in self.distillation.items() if k not in ("loss", "temperature")
        }
        config, normalised_notes = normalise(
            framework, source, version=versions.get(framework), trainer=trainer_cls
        )
        notes = list(normalised_notes)
        run = config.model_dump(mode="json", exclude={"raw", "conflicts"})
        # Settings our own distillation trainers report are already in normalised meaning.
        for key in ("temperature", "loss", "kd_weight", "hard_label_weight", "layer_mapping"):
            if key in self.distillation:
                run[key] = self.distillation[key]
        # Steps or epochs: only the one that governed the run is a configured fact.
        max_steps = effective.get("max_steps")
        if isinstance(max_steps, int) and max_steps > 0:
            if run.get("epochs") is not None:  # the normalised reading took the epoch count
                notes.append(
                    f"max_steps={max_steps} governed the run; num_train_epochs="
                    f"{effective.get('num_train_epochs')} did not (run.epochs is what was covered)"
                )
            run["max_steps"], run["epochs"] = max_steps, None
        else:
            epochs = effective.get("num_train_epochs")
            run["max_steps"] = None
            run["epochs"] = (
                float(epochs) if isinstance(epochs, int | float) and epochs > 0 else None
            )
        self._generation(run, notes)
        known = self._objective_known(framework)
        if not known:  # the normalised reading of a custom loss would be a guess, not a fact
            for key in OBJECTIVE_FIELDS:
                if key not in self.distillation:
                    run[key] = None
            notes.append(
                f"{trainer_cls}.compute_loss is the user's own code: its objective is not read "
                "from the run"
            )
        planned = self.plan.get("config") or {}
        conflicts: list[dict[str, Any]] = []

        def conflict(name: str, want: Any, have: Any) -> None:
            note = "the run's value is recorded"
            if name == "epochs" and run.get("max_steps"):
                covered = f", covering {state.epoch:.4g} epochs" if state and state.epoch else ""
                note = f"max_steps={run['max_steps']} governed the run{covered}"
            conflicts.append({"field": name, "plan": want, "run": have, "note": note})

        for key, want in planned.items():
            if key in ("raw", "conflicts") or _empty(want):
                continue
            if key == "framework" and isinstance(want, dict):
                have_fw = run.get("framework") or {}
                for sub, w in want.items():
                    if w is not None and not _same(w, have_fw.get(sub)):
                        conflict(f"framework.{sub}", w, have_fw.get(sub))
                continue
            have = run.get(key)
            if _empty(have) and key in OBJECTIVE_FIELDS and not known:
                run[key] = want
                notes.append(
                    f"{key}: from the plan; {trainer_cls}.compute_loss is the user's own code, "
                    "which Heredity cannot read"
                )
            elif not _same(want, have):
                conflict(key, want, have)
        data = {k: v for k, v in run.items() if not _empty(v)}
        data["conflicts"] = conflicts
        raw: dict[str, Any] = {}
        if self.as_passed is not None:
            raw["passed"] = self.as_passed.args
        elif framework != "trl":
            raw["passed"] = self.args_at_attach
            notes.append(
                "raw.passed: trainer.args when the callback was attached (transformers' Trainer "
                "keeps the arguments as passed)"
            )
        else:
            notes.append(
                f"raw.passed: not captured; {trainer_cls} changes arguments in its __init__. Take "
                "heredity.capture.snapshot(args, train_dataset) before building the trainer and "
                "pass it to attach as as_passed="
            )
        raw |= {
            "effective": effective,
            "notes": notes,
            "distillation": self.distillation,
            "plan": planned.get("raw", {}),
        }
        if self._save_notes:
            raw["student_files"] = self._save_notes
        data["raw"] = raw
        return data

    def _fingerprints(self) -> dict[str, str]:
        if self._as_trained is None:
            self._as_trained = dataset_fingerprint(getattr(self.trainer, "train_dataset", None))
        out: dict[str, str] = {}
        if self.as_passed is not None and self.as_passed.dataset_fingerprint:
            out["as_passed"] = self.as_passed.dataset_fingerprint
        elif self._framework()[0] != "trl" and self._as_trained[0]:
            out["as_passed"] = self._as_trained[0]  # transformers' Trainer keeps the dataset given
        if self._as_trained[0]:
            out["as_trained"] = self._as_trained[0]
        return out

    def _passed_examples(self) -> int | None:
        if self.as_passed is not None:
            return self.as_passed.examples
        self._fingerprints()
        if self._framework()[0] != "trl" and self._as_trained:
            return self._as_trained[1] or None
        return None

    def _document(
        self,
        status: str,
        *,
        ended: dt.datetime | None = None,
        error: str | None = None,
        student_path: Path | None = None,
    ) -> DistillationDocument:
        args = self.trainer.args
        state: TrainerState | None = getattr(self.trainer, "state", None)
        effective = _args_dict(args)
        doc = copy.deepcopy(self.plan)
        doc.setdefault("heredity", 1)
        doc.setdefault("kind", "distillation")
        doc.setdefault("date", (self.started_at or _now()).date().isoformat())
        doc["config"] = self._config(effective, state)
        fps = self._fingerprints()
        datasets = doc.get("datasets", [])
        if len(datasets) == 1:
            ds = datasets[0]
            n = self._passed_examples()
            if fps.get("as_passed"):
                ds["fingerprint"] = fps["as_passed"]
            if n and ds.get("examples") and int(ds["examples"]) != n:
                doc["config"]["conflicts"].append(
                    {
                        "field": "datasets[0].examples",
                        "plan": ds["examples"],
                        "run": n,
                        "note": "the examples of the dataset passed to the trainer are recorded",
                    }
                )
            if n:
                ds["examples"] = n
        student = doc.setdefault("student", {})
        files: list[str] = []
        digest: str | None = None
        if student_path is not None:
            student["path"] = str(student_path)
            files = model_files(student_path)
            digest = weights_digest(student_path, files)
        model = getattr(self.trainer, "model", None)
        model_cfg = getattr(model, "config", None)
        if model_cfg is not None:
            student.setdefault("architecture", getattr(model_cfg, "model_type", None))
        if model is not None and hasattr(model, "parameters"):
            student.setdefault("parameters", int(sum(p.numel() for p in model.parameters())))
        seeds = {"seed": int(args.seed)}
        if getattr(args, "data_seed", None) is not None:
            seeds["data_seed"] = int(args.data_seed)
        checks = {c.teacher: c for c in self.teacher_checks}
        doc["run"] = {
            "status": status,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "ended_at": ended.isoformat() if ended else None,
            "rights_assessment": self.assessment.id if self.assessment else None,
            "git_revision": git_revision(),
            "hardware": hardware(),
            "versions": framework_versions(),
            "seeds": seeds,
            "teacher_digests": {
                ref: c.digest
                for ref, c in checks.items()
                if c.digest and c.status in ("verified", "not_applicable")
            },
            "teacher_checks": [c.as_dict() for c in self.teacher_checks],
            "steps": int(state.global_step) if state is not None else None,
            "epochs": float(state.epoch) if state is not None and state.epoch else None,
            "dataset_fingerprints": fps,
            "student_digest": digest,
            "student_files": files,
            "error": error,
        }
        if doc["run"]["steps"] == 0:
            doc["run"]["epochs"] = 0.0
        doc["config"].setdefault("seed", int(args.seed))
        return parse_document(doc, "captured distillation plan")

    def _check_uses(self, doc: DistillationDocument) -> None:
        """Refuse a run whose use of its teachers or data is not the one the plan was judged on."""
        by_ref = {t.model: t for t in doc.teachers}
        for c in self.teacher_checks:
            t = by_ref[c.teacher]
            if c.held_by and not set(t.signals) & IN_TRAINER_SIGNALS:
                raise PlanMismatch(
                    f"teachers[{doc.teachers.index(t)}].signals: the trainer holds {c.teacher} "
                    f"({c.held_by}) and trains on its logits, but the plan's signals are "
                    f"{', '.join(t.signals)}; add logits so the rights gate judges that use."
                )
            if c.held_by and doc.config.teacher_generates and "generated_text" not in t.signals:
                raise PlanMismatch(
                    f"teachers[{doc.teachers.index(t)}].signals: the run has {c.teacher} generate "
                    "sequences (teacher_generates), so its outputs are training data; add "
                    "generated_text to its signals so the rights gate judges that use, or turn "
                    "teacher generation off (TRL: seq_kd=False)."
                )
        if len(doc.datasets) == 1 and self.as_passed is not None:
            planned = (self.plan.get("datasets") or [{}])[0].get("fingerprint")
            passed = self.as_passed.dataset_fingerprint
            known = (passed, self.as_passed.legacy_fingerprint)
            if planned and passed and planned.startswith("sha256:") and planned not in known:
                raise PlanMismatch(
                    f"datasets[0].fingerprint: the plan names {planned} but the dataset passed to "
                    f"the trainer is {passed}; train on the planned data or correct the plan."
                )

    # -- trainer events ----------------------------------------------------------------------------
    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> TrainerControl | None:
        if not state.is_world_process_zero or self.assessment is not None:
            return None
        # The teachers and the run's use of them are checked first: a refused run writes nothing.
        self.teacher_checks = self.check_teachers()
        datasets = self.plan.get("datasets") or []
        if (
            len(datasets) == 1
            and not datasets[0].get("examples")
            and self._passed_examples() is None
        ):
            raise BadInput(
                "datasets[0].examples: not in the plan, and the trainer holds its own processed copy "
                "of the data; pass as_passed=heredity.capture.snapshot(args, train_dataset) to "
                "attach, or write examples in the plan"
            )
        planned = self._document("planned")
        self._check_uses(planned)
        # The gate judges the plan; the run starts only once it is cleared (8.3 compares the times).
        self.assessment = gate(planned, self.registry)
        self.started_at = _now()
        return None

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> TrainerControl | None:
        if not state.is_world_process_zero:
            return None
        self.ended_at = _now()
        if self.save_on_end:
            before = _stats(self.output_dir)
            self.trainer.save_model(str(self.output_dir))
            after = _stats(self.output_dir)
            stale = [f for f in model_files(self.output_dir) if before.get(f) == after.get(f)]
            if stale:
                self._save_notes.append(
                    f"model files not written by this run's save_model (left from before, and "
                    f"covered by the digest): {', '.join(stale)}"
                )
            self.finish(self.output_dir)
        return None

    def finish(self, student_path: str | Path) -> Stored[DistillationDocument] | None:
        """Record the completed run with the student's final directory.

        For callers that write more files (a model card, a tokenizer) after training: create the
        callback with ``save_on_end=False`` and call this once the directory is final.
        """
        return self._finish("completed", student_path=Path(student_path))

    def _finish(
        self, status: str, *, error: str | None = None, student_path: Path | None = None
    ) -> Stored[DistillationDocument] | None:
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


def _stats(directory: Path) -> dict[str, tuple[int, int, int]]:
    if not directory.is_dir():
        return {}
    out: dict[str, tuple[int, int, int]] = {}
    for f in directory.rglob("*"):
        if f.is_file():
            st = f.stat()
            out[f.relative_to(directory).as_posix()] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


def attach(
    trainer: Any,
    plan: DistillationDocument | dict[str, Any] | str | Path,
    registry: Registry,
    **kwargs: Any,
) -> HeredityCallback:
    """Create a :class:`HeredityCallback`, add it to ``trainer`` and return it.

    Keyword arguments go to the callback: ``as_passed=snapshot(args, train_dataset)`` (taken
    before the trainer was built), ``save_on_end``, ``output_dir``, ``unverified_teachers``.
    """
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
