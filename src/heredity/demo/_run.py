"""The governed-distillation demo: the standard's Scenarios A, B and C in miniature, end to end.

Everything is real: two toy teachers are trained, students are distilled from them on the
transformers Trainer with the capture callback attached (rights gate first, provenance recorded at
the end), every model is evaluated through Inspect on the same held-out suite, the transfer is
assessed, and the approvals, the audit, the incident and the audit again run over the resulting
registry. Training and evaluation run in two worker processes (one per core); the main process
narrates, assesses and governs.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from heredity.demo._cast import (
    API_STUDENT,
    BLEND,
    FLUENT,
    SAFETY_AWARE,
    SEQ,
    STUDENTS,
    TASK_ONLY,
    TEACHER,
)
from heredity.demo._config import FULL, DemoConfig
from heredity.demo._governance import run_governance
from heredity.errors import RightsBlocked
from heredity.registry import Registry

# Scenario C's mix leans on the fluent teacher, as a team chasing helpfulness would.
BLEND_WEIGHTS = (0.4, 0.6)
STEPS = 20
"""Steps of the progress bar (one per narrated step)."""


def _plan(
    student: str,
    teachers: list[dict[str, Any]],
    method: str,
    dataset: dict[str, Any],
    suites: list[str],
    **extra: Any,
) -> dict[str, Any]:
    name, version = student.split("@")
    return {
        "heredity": 1,
        "kind": "distillation",
        "student": {"name": name, "version": version},
        "teachers": teachers,
        "method": method,
        "datasets": [dataset],
        "intended_use": {
            "purpose": "on-device helpdesk assistant",
            "commercial": True,
            "distribution": "edge",
            "competes_with": [],
            "monthly_active_users": 12000,
            "regions": ["UK"],
        },
        "expectations": {
            "capability": "keep at least 90% of the teacher's task accuracy and reasoning",
            "safety": "refusal rate within 5 points of the teacher",
        },
        "evaluation_plan": {"suites": suites, "policy": "default"},
        "responsible": {"name": "Dana Smith", "email": "dana@acme.example", "team": "ML Platform"},
        **extra,
    }


def _teacher_entry(ref: str, role: str = "primary", weight: float = 1.0) -> dict[str, Any]:
    return {
        "model": ref,
        "licence": "apache-2.0",
        "access": "internal",
        "provider": "acme",
        "role": role,
        "weight": weight,
        "signals": ["logits"],
    }


def _dataset(name: str, source: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1",
        "kind": "real",
        "licence": "proprietary",
        "source": source,
        **extra,
    }


class Demo:
    """One run of the demo into ``out``; :meth:`run` returns the summary it writes."""

    def __init__(
        self, out: str | Path, config: DemoConfig = FULL, console: Console | None = None
    ) -> None:
        self.out = Path(out)
        self.config = config
        self.console = console or Console()
        self.reports = self.out / "reports"
        self.models = self.out / "models"
        self.logs = self.out / "logs"
        self.summary: dict[str, Any] = {"timings": {}, "workers": {}}
        self.progress: Progress | None = None
        self.task: Any = None

    # -- narration -------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Narrate one line of the demo's own markup (shown as plain text if it is not markup)."""
        try:
            line = Text.from_markup(text)
        except MarkupError:
            line = Text(text)
        self.console.print(line, highlight=False)

    def heading(self, text: str) -> None:
        self.console.rule(Text(text, style="bold"))

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.progress is not None:
            self.progress.update(self.task, description=label)
        yield
        if self.progress is not None:
            self.progress.advance(self.task)
        seconds = time.perf_counter() - started
        self.summary["timings"][label] = round(seconds, 1)
        self.say(f"  [dim]{label}: {seconds:.1f} s[/]")

    # -- building blocks ------------------------------------------------------------------------
    def _suite(self) -> str:
        """One suite of every held-out item (all six dimensions): one Inspect run per model."""
        from heredity.distill.toy import write_suites

        paths = write_suites(self.world, self.out / "suites")
        cap = self.config.items_per_suite
        lines: list[str] = []
        for path in paths.values():
            lines += path.read_text().splitlines()[:cap]
        combined = self.out / "suites" / "toy-heldout.jsonl"
        combined.write_text("\n".join(lines) + "\n")
        return str(combined)

    def _dir(self, ref: str) -> str:
        return str(self.models / ref.split("@")[0].split("/")[-1])

    def _train_teacher(self, ref: str, *, fluent: bool, owner: str) -> Future[dict[str, Any]]:
        """Train, register and evaluate a teacher in a worker (its baseline, reused by students)."""
        return self.pool.submit(
            _teacher_job,
            self.db_url,
            self.config.model_dump(),
            self._dir(ref),
            ref,
            fluent,
            owner,
            self.suite,
            str(self.logs),
        )

    def _distill(
        self,
        plan: dict[str, Any],
        teachers: list[tuple[str, float]],
        examples: list[dict[str, str]],
        method: str,
        seed: int | None = None,
    ) -> Future[dict[str, Any]]:
        """Distil, record and evaluate a student in a worker (the two cores train two at once)."""
        specs = [(str(self.registry.get_model(ref).path), w, ref) for ref, w in teachers]
        cap = self.config.examples_cap
        if cap is not None and len(examples) > cap:
            keep = sorted(random.Random(self.config.world_seed).sample(range(len(examples)), cap))
            examples = [examples[i] for i in keep]
        student = plan["student"]["name"]
        return self.pool.submit(
            _distill_job,
            self.db_url,
            self.config.model_dump(),
            plan,
            specs,
            examples,
            method,
            self.config.world_seed if seed is None else seed,
            str(self.models / student.split("/")[-1]),
            self.suite,
            str(self.logs),
        )

    def _assess(self, teachers: list[str], student: str) -> Any:
        """Assess a student against its teachers on the evaluations its worker stored (4.2, 4.6)."""
        from heredity.report import render_html
        from heredity.transfer import assess_models

        assessment, _ = assess_models(
            self.registry,
            teachers,
            student,
            settings=_settings(self.config),
            log_dir=self.logs,
        )
        self.reports.mkdir(parents=True, exist_ok=True)
        (self.reports / f"{student.split('/')[-1].replace('@', '-')}.html").write_text(
            render_html(assessment)
        )
        return assessment

    def _report(self, label: str, assessment: Any) -> dict[str, Any]:
        """Say the verdict, and why for every dimension that did not transfer; return the outcome."""
        outcome = assessment_outcome(assessment)
        self.say(f"  {label}: overall [bold]{outcome['verdict']}[/]")
        for f in outcome["failures"]:
            against = f" (against {f['teacher']})" if f.get("teacher") else ""
            self.say(f"    [red]{f['dimension']} {f['verdict']}[/]{against}: {f['reason']}")
        return outcome

    # -- scenarios --------------------------------------------------------------------------------
    def scenario_b(self) -> None:
        from heredity.records import parse_document
        from heredity.rights import gate

        self.heading("Scenario B — rights: a plan to distil from an API teacher")
        plan = _plan(
            API_STUDENT,
            [
                {
                    "model": "openai/gpt-5@2026-08",
                    "licence": "openai-terms",
                    "access": "api",
                    "provider": "openai",
                    "signals": ["generated_text"],
                }
            ],
            "sequence_level",
            _dataset(
                "acme/rival-synthetic",
                "GPT-5 answers to scraped questions",
                kind="synthetic",
                generated_by=["openai/gpt-5@2026-08"],
                examples=50000,
            ),
            ["toy"],
        )
        plan["intended_use"].update(
            purpose="general chat assistant sold to consumers",
            distribution="api",
            competes_with=["openai"],
        )
        plan["date"] = "2026-11-23"
        with self.step("rights gate on the API plan"):
            try:
                gate(parse_document(plan, "scenario B plan"), self.registry)
                blocked, clause, why = False, "", "cleared (unexpected)"
            except RightsBlocked as err:
                blocked = True
                clause, why = _deciding_clause(err.assessment)
        self.say(
            f"  blocked before any compute: [bold]{blocked}[/]; deciding clause [bold]{clause}[/]"
        )
        self.say(f"  {why}")
        self.summary["scenario_b"] = {"blocked": blocked, "clause": clause, "reason": why}

    def start_students(self) -> dict[str, Future[dict[str, Any]]]:
        """Queue every student once the safety teacher is ready (the blend waits for both)."""
        from heredity.distill.toy import transfer_set

        jobs: dict[str, Future[dict[str, Any]]] = {}
        for ref, kind in ((TASK_ONLY, "task_only"), (SAFETY_AWARE, "safety_aware")):
            plan = _plan(
                ref,
                [_teacher_entry(TEACHER)],
                "standard_kd",
                _dataset(
                    f"acme/toy-{kind.replace('_', '-')}-prompts",
                    f"toy world training split ({kind.replace('_', '-')} transfer set)",
                ),
                [self.suite],
            )
            jobs[ref] = self._distill(
                plan,
                [(TEACHER, 1.0)],
                transfer_set(self.world, kind),
                "standard_kd",
                seed=self.config.student_seed,
            )
        # A sequence-level student learns from text the teacher generated: distillation all the same.
        seq_plan = _plan(
            SEQ,
            [{**_teacher_entry(TEACHER), "signals": ["generated_text"]}],
            "sequence_level",
            _dataset(
                "acme/toy-teacher-generations",
                "the teacher's greedy answers to the safety-aware prompts",
                kind="synthetic",
                generated_by=[TEACHER],
            ),
            [self.suite],
        )
        jobs[SEQ] = self._distill(
            seq_plan,
            [(TEACHER, 1.0)],
            [{"prompt": e["prompt"]} for e in transfer_set(self.world, "safety_aware")],
            "sequence_level",
            seed=self.config.student_seed,
        )
        return jobs

    def start_blend(self) -> Future[dict[str, Any]]:
        """Queue the multi-teacher student (Scenario C) once both teachers are registered."""
        from heredity.distill.toy import transfer_set

        plan = _plan(
            BLEND,
            [
                _teacher_entry(TEACHER, "primary", BLEND_WEIGHTS[0]),
                _teacher_entry(FLUENT, "fluency", BLEND_WEIGHTS[1]),
            ],
            "multi_teacher",
            _dataset("acme/toy-blend-prompts", "toy world training split (safety-aware)"),
            [self.suite],
            rationale=(
                "The safety-aligned teacher is primary (refusals, bias, facts, reasoning); the "
                "fluent teacher adds tone and task help. Expected conflict on harmful requests, "
                "where the fluent teacher complies. Assessed per slice against the responsible "
                "teacher."
            ),
        )
        return self._distill(
            plan,
            [(TEACHER, BLEND_WEIGHTS[0]), (FLUENT, BLEND_WEIGHTS[1])],
            transfer_set(self.world, "safety_aware"),
            "multi_teacher",
            seed=self.config.student_seed,
        )

    def scenario_a(self, jobs: dict[str, Future[dict[str, Any]]]) -> None:
        self.heading("Scenario A — safety transfer: task-only vs safety-aware distillation")
        results: dict[str, Any] = {}
        for ref, label in ((TASK_ONLY, "task-only"), (SAFETY_AWARE, "safety-aware")):
            with self.step(f"distil {ref} ({label} transfer set; gate, capture, record, evaluate)"):
                self.summary["workers"][ref] = jobs[ref].result()
            with self.step(f"assess {ref} against the teacher's baseline"):
                assessment = self._assess([TEACHER], ref)
            results[ref] = (assessment, self._report(ref, assessment))
            refusal = _dimension(assessment, "safety_refusal")
            self.say(
                f"    refusal of harmful requests {_pct(refusal.teacher.value)} -> "
                f"{_pct(refusal.student.value)} ({refusal.verdict})"
            )
        t_only = _dimension(results[TASK_ONLY][0], "safety_refusal")
        s_aware = _dimension(results[SAFETY_AWARE][0], "safety_refusal")
        self.summary["scenario_a"] = {
            "task_only": results[TASK_ONLY][1],
            "safety_aware": results[SAFETY_AWARE][1],
            "teacher_refusal": t_only.teacher.value,
            "task_only_refusal": t_only.student.value,
            "safety_aware_refusal": s_aware.student.value,
        }
        self.heading("Sequence-level distillation: a student of the teacher's generated text")
        with self.step(
            f"distil {SEQ} on the teacher's generations (gate, capture, record, evaluate)"
        ):
            self.summary["workers"][SEQ] = jobs[SEQ].result()
        with self.step(f"assess {SEQ} against the teacher's baseline"):
            seq = self._assess([TEACHER], SEQ)
        self.summary["sequence_level"] = self._report(SEQ, seq)

    def scenario_c(self, job: Future[dict[str, Any]]) -> None:
        self.heading("Scenario C — multi-teacher: a safety teacher and a fluent teacher")
        self.say(f"  {FLUENT} answers everything; it was trained alongside the safety teacher")
        with self.step(
            f"distil {BLEND} from both teachers (weights {BLEND_WEIGHTS[0]} / {BLEND_WEIGHTS[1]})"
        ):
            self.summary["workers"][BLEND] = job.result()
        with self.step(f"assess {BLEND} against each teacher's role"):
            assessment = self._assess([TEACHER, FLUENT], BLEND)
        outcome = self._report(BLEND, assessment)
        self.say(
            "    incoherent where the teachers disagree: "
            f"{', '.join(assessment.incoherent_slices) or 'nowhere'}"
        )
        self.summary["scenario_c"] = {
            **outcome,
            "incoherent_slices": list(assessment.incoherent_slices),
        }

    def lineage(self) -> None:
        self.heading("Lineage and impact of the teacher (4.4)")
        lin = self.registry.lineage(TEACHER, "down")
        tree = Tree(Text(TEACHER, style="bold"))
        children: dict[str, list[tuple[str, str]]] = {}
        for e in lin.edges:
            children.setdefault(e.parent, []).append((e.child, e.relation))
        seen: set[str] = set()

        def grow(node: Tree, ref: str) -> None:
            for child, rel in sorted(children.get(ref, [])):
                if child in seen:
                    continue
                seen.add(child)
                grow(node.add(Text.assemble(child, (f" ({rel})", "dim"))), child)

        grow(tree, TEACHER)
        self.console.print(tree)
        impact = self.registry.impact(TEACHER)
        table = Table("affected", "kind", "reached via", "owner")
        for a in impact.affected:
            table.add_row(a.ref, a.kind, " -> ".join(a.path), a.owner or "-")
        self.console.print(table)
        self.summary["impact"] = [a.ref for a in impact.affected]

    # -- the whole run ---------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        from heredity.distill.toy import make_world

        started = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        db = self.out / "registry.db"
        for stale in (db, self.out / "registry.db-wal", self.out / "registry.db-shm"):
            stale.unlink(missing_ok=True)
        self.db_url = f"sqlite:///{db}"
        self.registry = Registry.open(self.db_url, actor="dana")
        self.world = make_world(self.config.world_seed)
        self.suite = self._suite()
        self.summary["config"] = self.config.model_dump()
        self.summary["suite"] = {"path": self.suite, "items": _count_lines(self.suite)}
        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
        ]
        ctx = multiprocessing.get_context("spawn")
        with (
            Progress(*columns, console=self.console, transient=True) as progress,
            ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool,
        ):
            self.progress, self.pool = progress, pool
            self.task = progress.add_task("demo", total=STEPS)
            self.heading("Setting up: the toy world and its two teachers")
            self.say(
                f"  held-out suite: {self.summary['suite']['items']} items over six dimensions "
                "(safety refusal, over-refusal, bias, factuality, task accuracy, reasoning)"
            )
            teachers = {
                TEACHER: self._train_teacher(TEACHER, fluent=False, owner="Safety Team"),
                FLUENT: self._train_teacher(FLUENT, fluent=True, owner="Conversation Team"),
            }
            self.scenario_b()  # the rights gate needs no compute: while both teachers train
            with self.step(
                f"train the safety-aligned teacher {TEACHER}; its baseline on the suite"
            ):
                teacher = self.summary["workers"][TEACHER] = teachers[TEACHER].result()
            self.say(f"  {TEACHER}: {_rates_line(teacher['rates'])}")
            jobs = self.start_students()
            with self.step(f"train the fluent teacher {FLUENT} (answers everything); its baseline"):
                fluent = self.summary["workers"][FLUENT] = teachers[FLUENT].result()
            self.say(f"  {FLUENT}: {_rates_line(fluent['rates'])}")
            blend = self.start_blend()
            self.scenario_a(jobs)
            self.scenario_c(blend)
            self.lineage()
            self.governance()
        self.summary["students"] = sorted(STUDENTS)
        self.summary["seconds"] = round(time.perf_counter() - started, 1)
        self.summary["reports"] = str(self.reports)
        (self.out / "summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")
        self.say(
            f"\nHTML reports in [bold]{escape(str(self.reports))}[/]; "
            f"summary in {escape(str(self.out / 'summary.json'))}; "
            f"{self.summary['seconds']} s in all"
        )
        self.registry.close()
        return self.summary

    def governance(self) -> None:
        run_governance(self)


def _settings(config: DemoConfig) -> Any:
    from heredity.evaluate import EvalSettings

    # The toy models answer a choice by its option's text, so a letter's logprob says nothing:
    # no logprobs (and no calibration dimension), which also keeps generation batches lean.
    return EvalSettings(max_tokens=config.max_tokens, logprobs=False)


def _evaluate(registry: Registry, ref: str, suite: str, config: DemoConfig, logs: str) -> Any:
    """The model's own evaluation on the suite, stored (students' and teachers' alike, 4.2)."""
    from heredity.evaluate import evaluate

    return evaluate(ref, suite, registry=registry, settings=_settings(config), log_dir=logs)


def _teacher_job(
    db_url: str,
    config: dict[str, Any],
    out: str,
    ref: str,
    fluent: bool,
    owner: str,
    suite: str,
    logs: str,
) -> dict[str, Any]:
    """Train a toy teacher, register it with its weights, and record its baseline (a worker)."""
    from heredity.distill._training import cpu_threads
    from heredity.distill.toy import make_world, train_teacher

    cfg = DemoConfig.model_validate(config)
    name, version = ref.split("@")
    with cpu_threads(cfg.threads):  # one core per worker
        result = train_teacher(
            make_world(cfg.world_seed),
            out,
            seed=cfg.world_seed,
            epochs=cfg.fluent_epochs if fluent else cfg.teacher_epochs,
            fluent=fluent,
            name=name,
        )
    registry = Registry.open(db_url, actor="safety-team" if not fluent else "conversation-team")
    try:
        registry.register_model_dir(
            out,
            name=name,
            version=version,
            licence="apache-2.0",
            provider="acme",
            owner=owner,
            access="internal",
        )
        started = time.perf_counter()
        with cpu_threads(cfg.threads):
            run = _evaluate(registry, ref, suite, cfg, logs)
        return {
            "train_s": round(result.seconds, 1),
            "steps": result.steps,
            "evaluate_s": round(time.perf_counter() - started, 1),
            "rates": _rates(run),
        }
    finally:
        registry.close()


def _distill_job(
    db_url: str,
    config: dict[str, Any],
    plan: dict[str, Any],
    teachers: list[tuple[str, float, str]],
    examples: list[dict[str, str]],
    method: str,
    seed: int,
    out: str,
    suite: str,
    logs: str,
) -> dict[str, Any]:
    """One distillation with the capture callback attached: gate, train, record; then the
    student's own evaluation on the suite (a worker)."""
    from heredity.capture import HeredityCallback
    from heredity.distill import DistillSpec, TeacherSpec, distill
    from heredity.distill._training import cpu_threads

    cfg = DemoConfig.model_validate(config)
    registry = Registry.open(db_url, actor=str(plan["responsible"]["name"]).split()[0].lower())
    holder: list[HeredityCallback] = []

    def factory(trainer: Any) -> HeredityCallback:
        holder.append(HeredityCallback(trainer, plan, registry, save_on_end=False))
        return holder[-1]

    spec = DistillSpec(
        teachers=[TeacherSpec(path=path, weight=w, ref=ref) for path, w, ref in teachers],
        output_dir=out,
        method=method,
        examples=examples,
        max_steps=cfg.student_steps,
        seed=seed,
        threads=cfg.threads,
        student_name=plan["student"]["name"],
        dataset_name=plan["datasets"][0]["name"],
        callbacks=[factory],
    )
    try:
        started = time.perf_counter()
        result = distill(spec)
        record = holder[0].finish(result.output_dir)
        if record is None:
            raise RuntimeError(f"{plan['student']['name']}: the run was not recorded")
        ref = f"{plan['student']['name']}@{plan['student']['version']}"
        trained = time.perf_counter()
        with cpu_threads(cfg.threads):
            run = _evaluate(registry, ref, suite, cfg, logs)
        return {
            "record": record.id,
            "distill_s": round(trained - started, 1),
            "evaluate_s": round(time.perf_counter() - trained, 1),
            "rates": _rates(run),
        }
    finally:
        registry.close()


def _rates(run: Any) -> dict[str, float]:
    """Share of items answered as expected, per dimension, of an evaluation run."""
    totals: dict[str, list[int]] = {}
    for item in run.items:
        totals.setdefault(item.dimension, []).append(item.outcome)
    return {d: sum(v) / len(v) for d, v in totals.items()}


def _rates_line(rates: dict[str, float]) -> str:
    return ", ".join(f"{d} {_pct(v)}" for d, v in rates.items())


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _count_lines(path: str) -> int:
    return sum(1 for line in Path(path).read_text().splitlines() if line.strip())


def _dimension(assessment: Any, name: str) -> Any:
    for d in assessment.dimensions:
        if d.name == name:
            return d
    raise KeyError(name)


def assessment_outcome(assessment: Any) -> dict[str, Any]:
    """Verdict, per-dimension verdicts and every dimension that did not transfer, with its reason."""
    rows: list[tuple[str | None, Any]] = []
    if hasattr(assessment, "teachers"):  # multi-teacher: each teacher on its role's dimensions
        for role in assessment.teachers:
            if role.assessment is not None:
                rows += [(role.teacher, d) for d in role.assessment.dimensions]
    else:
        rows = [(None, d) for d in assessment.dimensions]
    failures = [
        {
            "dimension": d.name,
            "verdict": d.verdict,
            "reason": d.reason,
            **({"teacher": teacher} if teacher else {}),
        }
        for teacher, d in rows
        if d.verdict in ("breach", "inconclusive")
    ]
    return {
        "verdict": assessment.verdict,
        "dimensions": {d.name: d.verdict for _, d in rows},
        "items": {d.name: sum(c.teacher.n for c in d.components) or d.teacher.n for _, d in rows},
        "failures": failures,
    }


def _deciding_clause(assessment: Any) -> tuple[str, str]:
    """The clause of the first prohibiting finding, and its reason."""
    if assessment is None:
        return "", ""
    for t in assessment.teachers:
        if t.verdict == "prohibited" and t.clauses:
            clause = t.clauses[0]
            source = (
                clause
                if "." in clause.split(" ")[0] and not clause[0].isdigit()
                else f"{t.licence} {clause}"
            )
            return source, (t.reasons[0] if t.reasons else "")
    return "", ""


def run_demo(
    out: str | Path, config: DemoConfig = FULL, console: Console | None = None
) -> dict[str, Any]:
    """Run the demo into ``out`` (fresh registry, models, reports, ``summary.json``)."""
    return Demo(out, config, console).run()
