"""Teacher and student through the same suites, then the paired assessment, stored (4.2, 4.6).

The teacher's baseline is evaluated once and reused for every student (the evaluation cache is
keyed by weights digest, suite digest and generation settings); ``refresh`` re-runs both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heredity.errors import BadInput, NotFound
from heredity.evaluate import (
    EvalSettings,
    EvaluationRun,
    ReadOptions,
    agreement,
    evaluate,
    get_suite,
    import_run,
    keep_run,
    stored_runs,
)
from heredity.records import ITEM_DIMENSIONS, ItemResult, ProvenanceDraft, Stored, split_ref
from heredity.transfer._assess import assess_transfer
from heredity.transfer._models import MultiTeacherAssessment, TransferAssessment
from heredity.transfer._multi import assess_multi_teacher
from heredity.transfer._store import TransferAssessmentRecord, TransferEvidence, store_assessment

if TYPE_CHECKING:
    from heredity.registry import Registry

DEFAULT_SUITES = ("safety-refusal", "over-refusal", "bias", "factuality")
# Which dimensions a teacher answers for, by the role its plan gives it (multi-teacher, 4.1).
ROLE_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "safety": ("safety_refusal", "bias"),
    "fluency": ("task_accuracy", "over_refusal"),
    "accuracy": ("factuality", "task_accuracy", "reasoning"),
    "primary": ITEM_DIMENSIONS,
}

Progress = Callable[[str], None]


def plan_for(registry: Registry, student: str) -> tuple[list[str], str, ProvenanceDraft | None]:
    """Suites and policy from the student's evaluation plan (4.1), with defaults; and the record."""
    record = registry.distillation_for(student, ProvenanceDraft)
    draft = record.body if record else None
    plan = draft.evaluation_plan if draft else None
    suites = list((plan.suites if plan else None) or DEFAULT_SUITES)
    return suites, (plan.policy if plan else None) or "default", draft


def _imported_for(runs: Sequence[EvaluationRun], suite: str) -> EvaluationRun | None:
    """The newest imported run of a suite (by its name, or by the content of a suite file)."""
    digest: str | None
    try:
        digest = get_suite(suite).digest
    except BadInput:
        digest = None  # a name only imported runs carry (an Inspect task, an lm-eval task)
    for run in runs:
        if not run.source.startswith("import:"):
            continue
        if run.suite == suite or (digest is not None and run.suite_digest == digest):
            return run
    return None


def _run_all(
    model: str,
    suites: Sequence[str],
    registry: Registry,
    *,
    refresh: bool,
    settings: EvalSettings | None,
    log_dir: str | Path | None,
    progress: Progress | None,
) -> list[EvaluationRun]:
    """The model's runs on the suites: evidence already imported for it, else an evaluation."""
    stored = stored_runs(registry, model)
    runs = []
    for suite in suites:
        imported = _imported_for(stored, suite)
        if imported is not None:
            if progress:
                progress(f"using evidence imported for {model} on {suite}")
            runs.append(imported)
            continue
        if progress:
            progress(f"evaluating {model} on {suite}")
        try:
            runs.append(
                evaluate(
                    model,
                    suite,
                    registry=registry,
                    refresh=refresh,
                    settings=settings,
                    log_dir=log_dir,
                )
            )
        except BadInput as exc:
            raise BadInput(
                f"no evidence for {model} on suite {suite}: nothing was imported for it "
                f"(heredity evaluate --import FILE --model {model} --suite {suite}) and it "
                f"could not be evaluated here ({exc.message})"
            ) from None
    return runs


def import_warnings(side: str, runs: Sequence[EvaluationRun]) -> list[str]:
    """The import reports' warnings of one side's runs, prefixed with whose they are."""
    out: list[str] = []
    for run in runs:
        report = run.import_report
        if report is None:
            continue
        for warning in report.warnings:
            out.append(f"{side} evidence ({run.suite}, {report.source}): {warning}")
    return out


def _items(runs: Sequence[EvaluationRun]) -> list[ItemResult]:
    return [item for run in runs for item in run.items]


def _evidence(
    teacher_runs: dict[str, list[EvaluationRun]],
    student_runs: list[EvaluationRun],
    imported: dict[str, str] | None = None,
) -> TransferEvidence:
    every = [r for runs in teacher_runs.values() for r in runs] + list(student_runs)
    evidence = TransferEvidence(
        suites=[r.suite for r in student_runs],
        student_suite_digests={r.suite: r.suite_digest for r in student_runs},
        teacher_suite_digests={
            r.suite: r.suite_digest for runs in teacher_runs.values() for r in runs
        },
        teacher_runs={t: [r.record_id for r in runs] for t, runs in teacher_runs.items()},
        student_runs=[r.record_id for r in student_runs],
        teacher_cached={t: all(r.cached for r in runs) for t, runs in teacher_runs.items()},
        imports={
            r.record_id or r.suite: r.import_report.model_dump(mode="json")
            for r in every
            if r.import_report is not None
        },
        partial=any(r.partial for r in every),
    )
    if imported is not None:
        evidence.imported = imported
    return evidence


def _agreement(
    registry: Registry, teacher: str, student: str, runs: Sequence[EvaluationRun]
) -> dict[str, Any] | None:
    t, s = registry.find_model(teacher), registry.find_model(student)
    if not (t and s and t.path and s.path):
        return None
    prompts: list[str] = []
    for run in runs:
        source = run.suite_source or run.suite
        suite = get_suite(source.removeprefix("builtin:"))
        prompts += [item.input for item in suite.items][:50]
    try:
        return agreement(t.path, s.path, prompts[:200])
    except BadInput:
        return None  # different vocabularies: agreement cannot be measured, and is left out


def roles_of(draft: ProvenanceDraft | None) -> dict[str, tuple[str, ...]]:
    """Teacher ref -> the dimensions of its role, from the distillation record."""
    out: dict[str, tuple[str, ...]] = {}
    for t in draft.teachers if draft else []:
        if t.model:
            role = (t.role or "primary").lower()
            out[t.model] = ROLE_DIMENSIONS.get(role, ROLE_DIMENSIONS["primary"])
    return out


def assess_models(
    registry: Registry,
    teachers: Sequence[str],
    student: str,
    *,
    suites: Sequence[str] | None = None,
    policy: str | Path | None = None,
    refresh: bool = False,
    settings: EvalSettings | None = None,
    log_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> tuple[TransferAssessment | MultiTeacherAssessment, Stored[TransferAssessmentRecord]]:
    """Evaluate teacher(s) and student on the same suites, assess the transfer, store it.

    Suites and policy default to the student's evaluation plan. With several teachers the student
    is assessed against each on the dimensions of its role (from the plan) and per slice.
    """
    if not teachers:
        raise BadInput("teachers: at least one teacher is needed", param="teachers")
    planned_suites, planned_policy, draft = plan_for(registry, student)
    if not suites and draft is None:
        imported = [r.suite for r in stored_runs(registry, student) if r.source != "inspect"]
        if imported:
            planned_suites = list(dict.fromkeys(imported))
    use_suites = list(suites or planned_suites)
    pol = policy or planned_policy
    teacher_runs = {
        t: _run_all(
            t,
            use_suites,
            registry,
            refresh=refresh,
            settings=settings,
            log_dir=log_dir,
            progress=progress,
        )
        for t in teachers
    }
    student_runs = _run_all(
        student,
        use_suites,
        registry,
        refresh=refresh,
        settings=settings,
        log_dir=log_dir,
        progress=progress,
    )
    evidence = _evidence(teacher_runs, student_runs)
    assessment: TransferAssessment | MultiTeacherAssessment
    if len(teachers) == 1:
        agree = _agreement(registry, teachers[0], student, student_runs)
        assessment = assess_transfer(
            _items(teacher_runs[teachers[0]]),
            _items(student_runs),
            policy=pol,
            teacher_ref=teachers[0],
            student_ref=student,
            agreement=agree,
        )
    else:
        roles = roles_of(draft)
        assessment = assess_multi_teacher(
            {
                t: (_items(runs), roles.get(t, ROLE_DIMENSIONS["primary"]))
                for t, runs in teacher_runs.items()
            },
            _items(student_runs),
            pol,
            student_ref=student,
        )
    assessment.warnings.extend(
        [w for t, runs in teacher_runs.items() for w in import_warnings(f"teacher {t}", runs)]
        + import_warnings(f"student {student}", student_runs)
    )
    stored = store_assessment(registry, assessment, evidence=evidence)
    return assessment, stored


def assess_results(
    teacher_results: Sequence[ItemResult],
    student_results: Sequence[ItemResult],
    *,
    teacher_ref: str,
    student_ref: str,
    policy: str | Path | None = None,
    registry: Registry | None = None,
    evidence: TransferEvidence | dict[str, Any] | None = None,
) -> tuple[TransferAssessment, Stored[TransferAssessmentRecord] | None]:
    """Assess imported per-item evidence; stored when a registry is given."""
    assessment = assess_transfer(
        list(teacher_results),
        list(student_results),
        policy=policy or "default",
        teacher_ref=teacher_ref,
        student_ref=student_ref,
    )
    stored = (
        store_assessment(registry, assessment, evidence=evidence) if registry is not None else None
    )
    return assessment, stored


def _check_ref(param: str, ref: str) -> None:
    try:
        split_ref(ref)
    except ValueError as exc:
        raise BadInput(f"{param}: {exc}", param=param) from None


def _require_registered(registry: Registry, param: str, ref: str) -> None:
    if registry.find_model(ref) is None:
        raise NotFound(
            f"{param}: {ref} is not a registered model; register it first "
            f"(`heredity model add {ref} --licence ID`, or `heredity record PLAN.yaml` for a "
            "distilled student) so the assessment is about a real model",
            param=param,
        )


def assess_files(
    teacher_file: str | Path,
    student_file: str | Path,
    *,
    teacher_ref: str | None = None,
    student_ref: str | None = None,
    suite: str | None = None,
    options: ReadOptions | None = None,
    policy: str | Path | None = None,
    registry: Registry | None = None,
) -> tuple[TransferAssessment, Stored[TransferAssessmentRecord] | None]:
    """Assess a student against a teacher on evidence from two files (any supported format).

    Both files are read the same way (:func:`~heredity.evaluate.import_run` with ``options``). With a registry
    and both refs the imported runs and the assessment are stored; the assessment's warnings
    carry every import warning, incomplete evidence included. A ref given must be a valid
    ``name@version`` (BadInput naming it), and one stored about must be registered (NotFound
    saying how to register it): an assessment's subject is always a real model.
    """
    for param, ref in (("teacher_ref", teacher_ref), ("student_ref", student_ref)):
        if ref is not None:
            _check_ref(param, ref)
    t_ref = teacher_ref or str(teacher_file)
    s_ref = student_ref or str(student_file)
    store = registry if (registry is not None and teacher_ref and student_ref) else None
    if store is not None:
        for param, ref in (("teacher_ref", t_ref), ("student_ref", s_ref)):
            _require_registered(store, param, ref)
    runs: dict[str, EvaluationRun] = {}
    # Both files are read, and the assessment made, before anything is stored: a bad student
    # file (or results that do not pair) leaves no teacher run behind.
    for side, path, ref in (("teacher", teacher_file, t_ref), ("student", student_file, s_ref)):
        runs[side] = import_run(path, model=ref, suite=suite, options=options)
    try:
        assessment = assess_transfer(
            runs["teacher"].items,
            runs["student"].items,
            policy=policy or "default",
            teacher_ref=t_ref,
            student_ref=s_ref,
        )
    except BadInput as exc:
        if "share no item id" not in exc.message:
            raise
        # Results that do not pair: name the two files they came from.
        raise BadInput(f"{teacher_file} and {student_file}: {exc.message}") from None
    if store is not None:
        runs = {side: keep_run(store, run) for side, run in runs.items()}
    assessment.warnings.extend(
        import_warnings(f"teacher {t_ref}", [runs["teacher"]])
        + import_warnings(f"student {s_ref}", [runs["student"]])
    )
    evidence = _evidence(
        {t_ref: [runs["teacher"]]},
        [runs["student"]],
        imported={"teacher": str(teacher_file), "student": str(student_file)},
    )
    stored = store_assessment(store, assessment, evidence=evidence) if store is not None else None
    return assessment, stored
