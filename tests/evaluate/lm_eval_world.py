"""Real lm-eval runs for tests: tiny local models, local task YAMLs, lm-eval's own writers."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def train_continuations(model: Any, tok: Any, pairs: list[tuple[str, str]], steps: int) -> None:
    """A few full-batch steps so the tiny model prefers the given continuations."""
    import torch

    enc = []
    for ctx, cont in pairs:
        head = tok(ctx)["input_ids"]
        whole = tok(ctx + cont)["input_ids"]
        enc.append((whole, [-100] * len(head) + whole[len(head) :]))
    width = max(len(w) for w, _ in enc)
    ids = torch.tensor([w + [tok.pad_token_id] * (width - len(w)) for w, _ in enc])
    labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in enc])
    mask = torch.tensor([[1] * len(w) + [0] * (width - len(w)) for w, _ in enc])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    torch.manual_seed(0)
    for _ in range(steps):
        opt.zero_grad()
        model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
        opt.step()
    model.eval()


def run_lm_eval(
    model_dir: Path, tasks_dir: Path, tasks: list[str], out: Path
) -> tuple[Path, dict[str, Path]]:
    """Run lm-eval offline as its CLI does with ``--log_samples --output_path OUT``.

    Returns the run's output directory and the samples file of each task.
    """
    env = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        from lm_eval import simple_evaluate
        from lm_eval.loggers import EvaluationTracker
        from lm_eval.tasks import TaskManager

        # What `lm-eval run --log_samples --output_path OUT` does (lm_eval/_cli/run.py).
        tracker = EvaluationTracker(output_path=str(out))
        results = simple_evaluate(
            model="hf",
            model_args=f"pretrained={model_dir},dtype=float32",
            tasks=tasks,
            device="cpu",
            batch_size=16,
            log_samples=True,
            evaluation_tracker=tracker,
            task_manager=TaskManager(include_path=str(tasks_dir), include_defaults=False),
        )
        assert results is not None
        samples = results.pop("samples")
        tracker.save_results_aggregated(results=results, samples=samples)
        for name in results["configs"]:
            tracker.save_results_samples(task_name=name, samples=samples[name])
    (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
    named = {re.match(r"samples_(.+)_\d{4}-", p.name): p for p in run_dir.glob("samples_*")}
    return run_dir, {m[1]: p for m, p in named.items() if m}
