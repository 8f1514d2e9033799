"""The governed-distillation demo: the standard's Scenarios A, B and C in miniature, end to end.

Everything is real: a toy teacher is trained, students are distilled from it on the transformers
Trainer with the capture callback attached (rights gate first, provenance recorded at the end),
every model is evaluated through Inspect on the same held-out suites, the transfer is assessed,
and the approvals, the incident and the audit run over the resulting registry.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from heredity.demo._cast import API_STUDENT, BLEND, FLUENT, SAFETY_AWARE, SEQ, TASK_ONLY, TEACHER
from heredity.demo._config import FULL, DemoConfig
from heredity.demo._governance import run_governance
from heredity.errors import RightsBlocked
from heredity.registry import Registry

# Scenario C's mix leans on the fluent teacher, as a team chasing helpfulness would.
BLEND_WEIGHTS = (0.4, 0.6)


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
            "capability": "keep at least 90% of the teacher's task help",
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
        self.summary: dict[str, Any] = {}
        self.progress: Progress | None = None
        self.task: Any = None

    # -- narration -------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def heading(self, text: str) -> None:
        self.console.rule(f"[bold]{text}")

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.progress is not None:
            self.progress.update(self.task, description=label)
        yield
        if self.progress is not None:
            self.progress.advance(self.task)
        self.say(f"  [dim]{label}: {time.perf_counter() - started:.1f} s[/]")

    # -- building blocks ------------------------------------------------------------------------
    def _suites(self) -> list[str]:
        """One suite of every held-out item (all five dimensions): one Inspect run per model."""
        from heredity.distill.toy import write_suites

        paths = write_suites(self.world, self.out / "suites")
        cap = self.config.items_per_suite
        lines: list[str] = []
        for path in paths.values():
            lines += path.read_text().splitlines()[:cap]
        combined = self.out / "suites" / "toy-heldout.jsonl"
        combined.write_text("\n".join(lines) + "\n")
        return [str(combined)]

    def _teacher_dir(self, ref: str) -> Path:
        return self.models / ref.split("@")[0].split("/")[-1]

    def _register_teacher(self, ref: str, out: Path, *, owner: str) -> None:
        name, version = ref.split("@")
        self.registry.register_model_dir(
            out,
            name=name,
            version=version,
            licence="apache-2.0",
            provider="acme",
            owner=owner,
            access="internal",
        )

    def _distill(
        self,
        plan: dict[str, Any],
        teachers: list[tuple[str, float]],
        examples: list[dict[str, str]],
        method: str,
        seed: int | None = None,
    ) -> Future[str]:
        """Distil in a worker process (the two cores train two students at once)."""
        specs = [(str(self.registry.get_model(ref).path), w, ref) for ref, w in teachers]
        student = plan["student"]["name"]
        return self.pool.submit(
            _distill_job,
            self.db_url,
            plan,
            specs,
            examples,
            method,
            self.config.world_seed if seed is None else seed,
            self.config.student_steps,
            self.config.threads,
            str(self.models / student.split("/")[-1]),
        )

    def _baseline(self, ref: str, suites: list[str]) -> None:
        """Evaluate a teacher on the suites now, stored for every student's assessment (4.2)."""
        from heredity.evaluate import EvalSettings, evaluate_many

        evaluate_many(
            ref,
            suites,
            registry=self.registry,
            settings=EvalSettings(max_tokens=self.config.max_tokens),
            log_dir=self.logs,
        )

    def _assess(self, teachers: list[str], student: str) -> tuple[Any, Any]:
        from heredity.evaluate import EvalSettings
        from heredity.report import render_html
        from heredity.transfer import assess_models

        assessment, stored = assess_models(
            self.registry,
            teachers,
            student,
            settings=EvalSettings(max_tokens=self.config.max_tokens),
            log_dir=self.logs,
        )
        self.reports.mkdir(parents=True, exist_ok=True)
        (self.reports / f"{student.split('/')[-1].replace('@', '-')}.html").write_text(
            render_html(assessment)
        )
        return assessment, stored

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
            {
                "name": "acme/rival-synthetic",
                "version": "1",
                "kind": "synthetic",
                "generated_by": ["openai/gpt-5@2026-08"],
                "licence": "proprietary",
                "examples": 50000,
            },
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
        self.summary["scenario_b"] = {"blocked": blocked, "clause": clause}

    def scenario_a(self, suites: list[str]) -> None:
        from heredity.distill.toy import transfer_set

        self.heading("Scenario A — safety transfer: task-only vs safety-aware distillation")
        jobs: dict[str, Future[str]] = {}
        for ref, kind in ((TASK_ONLY, "task_only"), (SAFETY_AWARE, "safety_aware")):
            plan = _plan(
                ref,
                [_teacher_entry(TEACHER)],
                "standard_kd",
                {
                    "name": f"acme/toy-{kind.replace('_', '-')}-prompts",
                    "version": "1",
                    "kind": "real",
                    "licence": "proprietary",
                    "source": f"toy world training split ({kind})",
                },
                suites,
            )
            jobs[kind] = self._distill(
                plan,
                [(TEACHER, 1.0)],
                transfer_set(self.world, kind),
                "standard_kd",
                seed=self.config.student_seed,
            )
        # A sequence-level student learns from data the teacher generated (distillation all the same):
        # queued now, it trains as soon as a core is free.
        seq_plan = _plan(
            SEQ,
            [{**_teacher_entry(TEACHER), "signals": ["generated_text"]}],
            "sequence_level",
            {
                "name": "acme/toy-teacher-generations",
                "version": "1",
                "kind": "synthetic",
                "generated_by": [TEACHER],
                "licence": "proprietary",
                "source": "the teacher's greedy answers to the safety-aware prompts",
            },
            suites,
        )
        self.seq_job = self._distill(
            seq_plan,
            [(TEACHER, 1.0)],
            [{"prompt": e["prompt"]} for e in transfer_set(self.world, "safety_aware")],
            "sequence_level",
        )
        self.start_blend(suites)
        with self.step(f"record the teacher's baseline: {TEACHER} on the held-out suites"):
            self._baseline(TEACHER, suites)  # while both cores distil
        results: dict[str, Any] = {}
        for ref, kind in ((TASK_ONLY, "task_only"), (SAFETY_AWARE, "safety_aware")):
            with self.step(
                f"distil {ref} ({kind.replace('_', '-')} transfer set; gate, capture, record)"
            ):
                jobs[kind].result()
            with self.step(f"evaluate {ref} and assess it against the teacher's baseline"):
                assessment, _ = self._assess([TEACHER], ref)
            results[kind] = assessment
            refusal = _dimension(assessment, "safety_refusal")
            self.say(
                f"  {ref}: overall [bold]{assessment.verdict}[/]; refusal {refusal.teacher.value:.1%} -> "
                f"{refusal.student.value:.1%} ({refusal.verdict})"
            )
        t_only = _dimension(results["task_only"], "safety_refusal")
        s_aware = _dimension(results["safety_aware"], "safety_refusal")
        self.summary["scenario_a"] = {
            "task_only": results["task_only"].verdict,
            "safety_aware": results["safety_aware"].verdict,
            "task_only_refusal_verdict": t_only.verdict,
            "safety_aware_refusal_verdict": s_aware.verdict,
            "teacher_refusal": t_only.teacher.value,
            "task_only_refusal": t_only.student.value,
            "safety_aware_refusal": s_aware.student.value,
        }

    def start_blend(self, suites: list[str]) -> None:
        """Queue the multi-teacher student as soon as the fluent teacher is ready (Scenario C)."""
        from heredity.distill.toy import transfer_set

        plan = _plan(
            BLEND,
            [
                _teacher_entry(TEACHER, "safety", BLEND_WEIGHTS[0]),
                _teacher_entry(FLUENT, "fluency", BLEND_WEIGHTS[1]),
            ],
            "multi_teacher",
            {
                "name": "acme/toy-blend-prompts",
                "version": "1",
                "kind": "real",
                "licence": "proprietary",
                "source": "toy world training split (safety-aware)",
            },
            suites,
            rationale=(
                "The safety teacher answers for refusals and bias, the fluent teacher for tone "
                "and task help; expected conflict on harmful requests, where the fluent teacher "
                "complies. Assessed per slice against the responsible teacher."
            ),
        )
        self.blend_job = self._distill(
            plan,
            [(TEACHER, BLEND_WEIGHTS[0]), (FLUENT, BLEND_WEIGHTS[1])],
            transfer_set(self.world, "safety_aware"),
            "multi_teacher",
        )

    def scenario_c(self) -> None:
        with self.step(f"sequence-level distillation of {SEQ} on the teacher's generations"):
            self.seq_job.result()
        with self.step(f"evaluate {SEQ} and assess the transfer"):
            seq_assessment, _ = self._assess([TEACHER], SEQ)
        self.say(f"  {SEQ}: overall [bold]{seq_assessment.verdict}[/]")
        self.heading("Scenario C — multi-teacher: a safety teacher and a fluent teacher")
        self.say(f"  {FLUENT} answers everything; it was trained alongside the safety teacher")
        with self.step(
            f"distil {BLEND} from both teachers (weights {BLEND_WEIGHTS[0]} / {BLEND_WEIGHTS[1]})"
        ):
            self.blend_job.result()
        with self.step(f"evaluate {BLEND}; assess it against each teacher's role"):
            assessment, _ = self._assess([TEACHER, FLUENT], BLEND)
        self.say(
            f"  overall [bold]{assessment.verdict}[/]; incoherent on: "
            f"{', '.join(assessment.incoherent_slices) or 'none'}"
        )
        self.summary["scenario_c"] = {
            "incoherent_slices": list(assessment.incoherent_slices),
            "verdict": assessment.verdict,
        }

    def lineage(self) -> None:
        self.heading("Lineage and impact of the teacher")
        lin = self.registry.lineage(TEACHER, "down")
        tree = Tree(f"[bold]{TEACHER}[/]")
        children: dict[str, list[tuple[str, str]]] = {}
        for e in lin.edges:
            children.setdefault(e.parent, []).append((e.child, e.relation))
        seen: set[str] = set()

        def grow(node: Tree, ref: str) -> None:
            for child, rel in sorted(children.get(ref, [])):
                if child in seen:
                    continue
                seen.add(child)
                grow(node.add(f"{child} [dim]({rel})[/]"), child)

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
        suites = self._suites()
        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=self.console, transient=True) as progress:
            self.progress = progress
            self.task = progress.add_task("demo", total=18)
            self.heading("Setting up: the toy world and its safety-aligned teacher")
            # Both teachers train in worker processes, one per core; the main process records
            # the fluent teacher's baseline (Scenario C) as soon as it is ready.
            self.pool = pool = ProcessPoolExecutor(
                max_workers=2, mp_context=multiprocessing.get_context("spawn")
            )
            jobs = {
                ref: pool.submit(
                    _train,
                    self.config.world_seed,
                    str(self._teacher_dir(ref)),
                    self.config.fluent_epochs if ref == FLUENT else self.config.teacher_epochs,
                    ref == FLUENT,
                    ref.split("@")[0],
                )
                for ref in (TEACHER, FLUENT)
            }
            with self.step(f"train the fluent teacher {FLUENT} (answers everything)"):
                self._register_teacher(FLUENT, jobs[FLUENT].result(), owner="Conversation Team")
            with self.step(f"record the fluent teacher's baseline while {TEACHER} trains"):
                self._baseline(FLUENT, suites)
            with self.step(f"train the safety-aligned teacher {TEACHER}"):
                self._register_teacher(TEACHER, jobs[TEACHER].result(), owner="Safety Team")
            self.scenario_b()
            self.scenario_a(suites)
            self.scenario_c()
            self.lineage()
            self.governance()
            pool.shutdown()
        self.summary["students"] = sorted({TASK_ONLY, SAFETY_AWARE, SEQ, BLEND})
        self.summary["seconds"] = round(time.perf_counter() - started, 1)
        self.summary["reports"] = str(self.reports)
        (self.out / "summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")
        self.say(
            f"\nHTML reports in [bold]{self.reports}[/]; summary in {self.out / 'summary.json'}; "
            f"{self.summary['seconds']} s in all"
        )
        self.registry.close()
        return self.summary

    def governance(self) -> None:
        run_governance(self)


def _distill_job(
    db_url: str,
    plan: dict[str, Any],
    teachers: list[tuple[str, float, str]],
    examples: list[dict[str, str]],
    method: str,
    seed: int,
    steps: int,
    threads: int,
    out: str,
) -> str:
    """One distillation with the capture callback attached: gate, train, record. Returns the record id."""
    from heredity.capture import HeredityCallback
    from heredity.distill import DistillSpec, TeacherSpec, distill

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
        max_steps=steps,
        seed=seed,
        threads=threads,
        student_name=plan["student"]["name"],
        dataset_name=plan["datasets"][0]["name"],
        callbacks=[factory],
    )
    try:
        result = distill(spec)
        record = holder[0].finish(result.output_dir)
        assert record is not None
        return record.id
    finally:
        registry.close()


def _train(world_seed: int, out: str, epochs: float, fluent: bool, name: str) -> Path:
    """Train a toy teacher (run in this process or in a worker process)."""
    from heredity.distill.toy import make_world, train_teacher

    train_teacher(
        make_world(world_seed),
        out,
        seed=world_seed,
        epochs=epochs,
        fluent=fluent,
        name=name,
    )
    return Path(out)


def _dimension(assessment: Any, name: str) -> Any:
    for d in assessment.dimensions:
        if d.name == name:
            return d
    raise KeyError(name)


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
