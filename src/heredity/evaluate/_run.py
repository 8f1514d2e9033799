"""Running a model on a suite through Inspect, with results cached in the registry."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from heredity.errors import BadInput
from heredity.evaluate._evidence import ImportReport, ReadOptions
from heredity.evaluate._importers import import_evidence, results_from_log
from heredity.evaluate._settings import EvalSettings, cache_key
from heredity.evaluate._suite import Suite, get_suite
from heredity.records import DOCUMENT_LIMITS, ItemResult, RecordBody, RecordKind, load_json
from heredity.registry import Registry, weights_digest

LOCAL_MODEL = "hf/local"
DEFAULT_LOG_DIR = ".heredity/logs"


class EvaluationRun(RecordBody):
    """One model's results on one suite, with what identifies the run.

    Stored as the body of an ``evaluation`` record, without the per-call fields (``cached``,
    ``record_id``, ``samples_generated``).
    """

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.EVALUATION

    format: int = 1
    model: str = Field(description="registry ref, Inspect model string or model directory")
    model_digest: str | None = None
    inspect_model: str | None = None
    model_path: str | None = None
    suite: str
    suite_digest: str
    suite_source: str | None = Field(None, description="builtin:NAME or the suite file's path")
    settings: dict[str, Any] = Field(default_factory=dict)
    settings_hash: str
    cache_key: str
    source: str = Field("inspect", description="inspect, or import:<format> for imported evidence")
    log_path: str | None = None
    created_at: dt.datetime
    duration_s: float = 0.0
    samples_generated: int = Field(
        0, description="model generations made by this call (0 if cached)"
    )
    items: list[ItemResult]
    cached: bool = False
    record_id: str | None = None
    reused_from: str | None = Field(None, description="evaluation record whose results were reused")
    import_report: ImportReport | None = Field(
        None, description="for imported evidence: how the file was read, cross-checks, warnings"
    )

    @property
    def partial(self) -> bool:
        """Imported evidence that was incomplete and accepted as such."""
        return bool(self.import_report and self.import_report.partial)

    def dump(self) -> dict[str, Any]:
        """What is stored in the registry (everything but the per-call fields)."""
        data: dict[str, Any] = self.model_dump(
            mode="json", exclude={"cached", "record_id", "samples_generated"}
        )
        return data

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per dimension: n and the share of items where the model did what was expected."""
        out: dict[str, dict[str, Any]] = {}
        for item in self.items:
            d = out.setdefault(item.dimension, {"n": 0, "ok": 0})
            d["n"] += 1
            d["ok"] += item.outcome
        for d in out.values():
            d["value"] = d["ok"] / d["n"] if d["n"] else None
        return out


@dataclass
class ModelTarget:
    """A model resolved for running: how Inspect names it and what identifies its weights."""

    ref: str
    inspect_model: str
    model_args: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    digest: str | None = None

    @property
    def local(self) -> bool:
        return self.path is not None

    @property
    def identity(self) -> str:
        return self.digest or self.inspect_model


def _local_dir(path: Path) -> Path:
    if not (path / "config.json").is_file():
        raise BadInput(f"{path}: not a model directory (no config.json)")
    return path.resolve()


def _digest(path: Path) -> str:
    return weights_digest(path)


def resolve_model(model: str, registry: Registry | None = None) -> ModelTarget:
    """Resolve a registry ref, a local model directory or an Inspect model string."""
    if not model or not model.strip():
        raise BadInput("model: empty model reference")
    if registry is not None and "@" in model:
        rec = registry.find_model(model)
        if rec is not None:
            if rec.path and Path(rec.path).is_dir():
                path = _local_dir(Path(rec.path))
                return ModelTarget(
                    ref=rec.ref,
                    inspect_model=LOCAL_MODEL,
                    path=str(path),
                    digest=rec.digest or _digest(path),
                )
            inspect_name = rec.card.get("inspect_model") if isinstance(rec.card, dict) else None
            if not inspect_name and rec.provider:
                inspect_name = f"{rec.provider}/{rec.name}"
            if not inspect_name:
                raise BadInput(
                    f"model {model}: no local weights path and no Inspect model string "
                    "(register it with --path, or give a provider)"
                )
            return ModelTarget(ref=rec.ref, inspect_model=str(inspect_name))
    p = Path(model).expanduser()
    if p.is_dir():
        path = _local_dir(p)
        return ModelTarget(
            ref=str(path), inspect_model=LOCAL_MODEL, path=str(path), digest=_digest(path)
        )
    if "/" in model and not p.exists() and not model.startswith((".", "/", "~")):
        return ModelTarget(ref=model, inspect_model=model)
    raise BadInput(
        f"model {model!r}: not a registered model, a model directory, or an Inspect model "
        "string (provider/model)"
    )


def _model_config(path: str) -> dict[str, Any]:
    try:
        cfg = load_json(Path(path) / "config.json", DOCUMENT_LIMITS, finite=False)
    except BadInput:
        return {}
    return cfg if isinstance(cfg, dict) else {}


def _context_length(path: str) -> int | None:
    cfg = _model_config(path)
    for key in ("max_position_embeddings", "n_positions", "n_ctx"):
        if isinstance(cfg.get(key), int):
            return int(cfg[key])
    return None


# Inspect's HF provider has every waiting request poll its result with a 10 ms blocking wait
# once a second, on the event loop: past about a hundred requests in flight the loop does
# little else, and new requests trickle into the batch (a 424-item suite in batches of 212 took
# 79 s on a loaded machine, against 15 s in batches of 61).
MAX_LOCAL_BATCH = 64
# What the logits of one generation batch may take when it asks for logprobs: Inspect's HF
# provider then keeps every step's logits (batch x vocabulary x new tokens) and a log-softmax.
LOGITS_BUDGET_BYTES = 1 << 30


def local_batch_size(items: int, vocab_size: int | None, max_tokens: int) -> int:
    """Generation batch for a local model: the suite in as few equal batches as fit.

    Inspect's HF provider collects queued requests until a batch is full or none has arrived
    for two seconds, so a batch that cannot fill costs that wait: equal batches that divide the
    suite avoid it. The cap keeps the kept logits of one batch within ``LOGITS_BUDGET_BYTES``.
    """
    per_item = 8 * max(vocab_size or 32_000, 1) * max(max_tokens, 1)
    cap = max(1, min(MAX_LOCAL_BATCH, LOGITS_BUDGET_BYTES // per_item))
    n = max(items, 1)
    batches = -(-n // cap)
    return -(-n // batches)


def check_context(path: str, suite: Suite) -> None:
    """Refuse, before running, a suite with a prompt that fills a local model's whole context."""
    limit = _context_length(path)
    if limit is None:
        return
    from transformers import AutoTokenizer

    from heredity.evaluate._agreement import chat_prompt
    from heredity.evaluate._task import format_prompt

    tok: Any = AutoTokenizer.from_pretrained(path)
    texts = [chat_prompt(tok, format_prompt(item)) for item in suite.items]
    lengths = [len(ids) for ids in tok(texts)["input_ids"]]
    worst = max(range(len(lengths)), key=lengths.__getitem__)
    if lengths[worst] >= limit:
        raise BadInput(
            f"suite {suite.name}: item {suite.items[worst].id!r} needs {lengths[worst]} prompt "
            f"tokens, which leaves no room to answer in the {limit}-token context of {path}"
        )


def eval_arguments(target: ModelTarget, suite: Suite, settings: EvalSettings) -> dict[str, Any]:
    """Keyword arguments of the ``inspect_ai.eval`` call that runs ``suite`` on ``target``.

    Local models run greedy on the settings' device, in batches from :func:`local_batch_size`
    unless ``max_connections`` says otherwise. The realtime sample buffer, which only serves
    watching a run in progress, is off. Logprobs are not here: the task from :func:`run_task`
    asks for them on choice items only.
    """
    kwargs: dict[str, Any] = {
        "model": target.inspect_model,
        "model_args": dict(target.model_args),
        "display": "none",
        "score_display": False,
        "log_realtime": False,
        "max_tokens": settings.max_tokens,
        "seed": settings.seed,
    }
    if target.local:
        assert target.path is not None
        kwargs["model_args"].update(
            model_path=target.path, device=settings.device, do_sample=settings.do_sample
        )
        if settings.do_sample:
            kwargs["temperature"] = settings.temperature
        vocab = _model_config(target.path).get("vocab_size")
        kwargs["max_connections"] = settings.max_connections or local_batch_size(
            len(suite.items), vocab if isinstance(vocab, int) else None, settings.max_tokens
        )
    else:
        kwargs["temperature"] = settings.temperature
        if settings.max_connections:
            kwargs["max_connections"] = settings.max_connections
    # Logprobs (settings.logprobs) are asked for per item, by the task: see :func:`run_task`.
    if settings.grader:
        kwargs["model_roles"] = {"grader": settings.grader}
    return kwargs


def run_task(suite: Suite, settings: EvalSettings) -> Any:
    """The Inspect task a run uses: the suite, its scorer, logprobs on choice items if asked."""
    from heredity.evaluate._task import suite_task

    return suite_task(suite, grader=bool(settings.grader), choice_logprobs=bool(settings.logprobs))


def run_inspect(
    target: ModelTarget,
    suite: Suite,
    settings: EvalSettings,
    *,
    log_dir: str | Path,
    metadata: dict[str, Any] | None = None,
) -> Any:
    """Run one suite through ``inspect_ai.eval`` and return the (successful) EvalLog."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelInfo, set_model_info

    if target.local:
        assert target.path is not None
        check_context(target.path, suite)
        # Registering the model's info stops Inspect from looking "hf/local" up on the Hub.
        set_model_info(LOCAL_MODEL, ModelInfo(context_length=_context_length(target.path)))
    task = run_task(suite, settings)
    try:
        logs = inspect_eval(
            task,
            log_dir=str(log_dir),
            metadata=metadata,
            **eval_arguments(target, suite, settings),
        )
    except Exception as exc:  # Inspect raises many kinds; report them as a failed run
        raise BadInput(f"evaluating {target.ref} on suite {suite.name} failed: {exc}") from exc
    log = logs[0]
    if log.status != "success":
        message = log.error.message if log.error else log.status
        raise BadInput(
            f"evaluating {target.ref} on suite {suite.name} failed: {message} "
            f"(Inspect log: {log.location})"
        )
    return log


def _find_cached(registry: Registry, key: str) -> EvaluationRun | None:
    for rec in registry.find(EvaluationRun, key=key):
        return rec.body.model_copy(
            update={"cached": True, "record_id": rec.id, "samples_generated": 0}
        )
    return None


def store_run(registry: Registry, run: EvaluationRun) -> EvaluationRun:
    """Store a run as an ``evaluation`` record (subject: the model, key: the cache key)."""
    rec = registry.put(run, subject=run.model, key=run.cache_key)
    return run.model_copy(update={"record_id": rec.id})


def keep_run(registry: Registry, run: EvaluationRun) -> EvaluationRun:
    """The stored run with ``run``'s cache key, else ``run`` stored (what an import keeps)."""
    cached = _find_cached(registry, run.cache_key)
    return cached if cached is not None else store_run(registry, run)


def evaluate(
    model: str,
    suite: Suite | str,
    *,
    settings: EvalSettings | None = None,
    registry: Registry | None = None,
    refresh: bool = False,
    log_dir: str | Path | None = None,
) -> EvaluationRun:
    """Run ``model`` on ``suite`` with Inspect and return its per-item results (4.2).

    ``model`` is a registry ref (with a registry), a local model directory (run as ``hf/local``
    on CPU, greedy) or an Inspect model string. With a registry the run is stored under a key
    of (weights digest or model string, suite digest, settings) and reused unless ``refresh``.
    """
    the_suite = suite if isinstance(suite, Suite) else get_suite(suite)
    target = resolve_model(model, registry)
    eff = (settings or EvalSettings()).resolved(local=target.local)
    s_hash = eff.digest()
    key = cache_key(target.identity, the_suite.digest, s_hash)
    if registry is not None and not refresh:
        cached = _find_cached(registry, key)
        if cached is not None and cached.model != target.ref:
            # The same weights under another name: its results hold, but this model gets its own
            # evaluation record (an approval needs the student's own evidence, 4.5).
            copy = cached.model_copy(update={"model": target.ref, "reused_from": cached.record_id})
            return store_run(registry, copy).model_copy(update={"cached": True})
        if cached is not None:
            return cached
    logs = Path(log_dir or os.environ.get("INSPECT_LOG_DIR") or DEFAULT_LOG_DIR)
    started = time.monotonic()
    log = run_inspect(
        target,
        the_suite,
        eff,
        log_dir=logs,
        metadata={
            "heredity_model": target.ref,
            "model_digest": target.digest,
            "suite_digest": the_suite.digest,
            "cache_key": key,
        },
    )
    items = results_from_log(log, suite=the_suite, source=str(log.location))
    run = EvaluationRun(
        model=target.ref,
        model_digest=target.digest,
        inspect_model=target.inspect_model,
        model_path=target.path,
        suite=the_suite.name,
        suite_digest=the_suite.digest,
        suite_source=the_suite.source,
        settings=eff.model_dump(mode="json"),
        settings_hash=s_hash,
        cache_key=key,
        log_path=str(log.location),
        created_at=dt.datetime.now(dt.UTC),
        duration_s=round(time.monotonic() - started, 3),
        samples_generated=len(log.samples or []),
        items=items,
    )
    if registry is not None:
        run = store_run(registry, run)
    return run


def import_run(
    path: str | Path,
    *,
    model: str,
    suite: Suite | str | None = None,
    options: ReadOptions | None = None,
    registry: Registry | None = None,
) -> EvaluationRun:
    """Evidence from elsewhere as an :class:`EvaluationRun` of ``model`` (stored with a registry).

    The file is read by its tool's meaning (:func:`import_evidence`, with ``options``); the run
    keeps the report of how. Without a suite the run is named for the file's task. The cache
    key covers the model, the suite, the file's content and how it was read, so importing the
    same file the same way again finds the stored run instead of adding a duplicate.
    """
    import hashlib

    if not model or not model.strip():
        raise BadInput("model: the model the imported results belong to is required", param="model")
    the_suite = None if suite is None else suite if isinstance(suite, Suite) else get_suite(suite)
    p = Path(path)
    opts = options or ReadOptions()
    evidence = import_evidence(p, suite=the_suite, options=opts)
    report = evidence.report
    with p.open("rb") as fh:  # streamed: a results file may be large
        file_digest = "sha256:" + hashlib.file_digest(fh, "sha256").hexdigest()
    s_digest = the_suite.digest if the_suite else "none"
    reading = opts.reading() | {"read_by": report.scorer, "meaning": report.meaning}
    read_hash = hashlib.sha256(json.dumps(reading, sort_keys=True).encode()).hexdigest()
    source_hash = f"import:{file_digest}:{read_hash[:16]}"
    key = cache_key(model, s_digest, source_hash)
    if registry is not None:
        cached = _find_cached(registry, key)
        if cached is not None:
            return cached
    run = EvaluationRun(
        model=model,
        suite=the_suite.name if the_suite else (report.task or p.stem),
        suite_digest=s_digest,
        suite_source=the_suite.source if the_suite else None,
        settings={"imported_from": str(p), "file_digest": file_digest, **reading},
        settings_hash=source_hash,
        cache_key=key,
        source=f"import:{report.format}",
        log_path=str(p.resolve()),
        created_at=dt.datetime.now(dt.UTC),
        items=evidence.items,
        import_report=report,
    )
    if registry is not None:
        run = keep_run(registry, run)
    return run


def stored_runs(registry: Registry, model: str) -> list[EvaluationRun]:
    """Every evaluation run stored for ``model`` (imported or run), newest first."""
    runs = [
        rec.body.model_copy(update={"cached": True, "record_id": rec.id})
        for rec in registry.find(EvaluationRun, subject=model)
    ]
    runs.sort(key=lambda r: r.created_at, reverse=True)
    return runs


def evaluate_many(
    model: str,
    suites: Sequence[Suite | str],
    **kwargs: Any,
) -> list[EvaluationRun]:
    """:func:`evaluate` on several suites in turn."""
    return [evaluate(model, s, **kwargs) for s in suites]
