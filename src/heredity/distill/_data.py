"""Transfer-set examples: validation, fingerprints, tokenisation and batching for causal LMs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from heredity.errors import BadInput
from heredity.records import DATASET_LIMITS, canonical_json, iter_lines, parse_json
from heredity.records import fingerprint as fingerprint  # the one the capture callback records

IGNORE = -100


def check_examples(
    examples: Sequence[Mapping[str, Any]], *, source: str, need_response: bool
) -> list[dict[str, str]]:
    """Validate prompt/response examples; errors name the source and the example index."""
    if not examples:
        raise BadInput(f"{source}: no examples")
    out: list[dict[str, str]] = []
    for i, ex in enumerate(examples):
        if not isinstance(ex, Mapping):
            raise BadInput(f"{source}[{i}]: expected an object with 'prompt' and 'response'")
        prompt = ex.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise BadInput(f"{source}[{i}].prompt: must be a non-empty string")
        response = ex.get("response")
        if need_response and (not isinstance(response, str) or not response.strip()):
            raise BadInput(
                f"{source}[{i}].response: must be a non-empty string for token-level distillation"
            )
        row = {"prompt": prompt}
        if isinstance(response, str):
            row["response"] = response
        out.append(row)
    return out


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file of objects; a malformed line is reported by number."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file (dataset)")
    rows: list[dict[str, Any]] = []
    for n, line in iter_lines(p, DATASET_LIMITS, bom=True):
        if not line.strip():
            continue
        row = parse_json(line, str(p), DATASET_LIMITS, line=n)
        if not isinstance(row, dict):
            raise BadInput(f"{p}: line {n}: expected a JSON object")
        rows.append(row)
    return rows


def write_jsonl(rows: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write rows as canonical JSONL (sorted keys), creating parent folders."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("".join(canonical_json(dict(r)) + "\n" for r in rows), encoding="utf-8")
    return p


def render_prompt(tokenizer: PreTrainedTokenizerBase, prompt: str) -> str:
    """The prompt as the model sees it: its chat template with a generation prompt, if any."""
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=False
        )
        return str(text)
    return f"{prompt}\n"


def encode_example(
    tokenizer: PreTrainedTokenizerBase, prompt: str, response: str
) -> dict[str, list[int]]:
    """Token ids of prompt + response + eos; labels mask the prompt (-100) so losses see the answer only."""
    eos = tokenizer.eos_token_id
    if eos is None:
        raise BadInput("tokenizer: has no eos token")
    p_ids = list(tokenizer(render_prompt(tokenizer, prompt), add_special_tokens=False)["input_ids"])
    r_ids = list(tokenizer(response, add_special_tokens=False)["input_ids"]) + [int(eos)]
    ids = p_ids + r_ids
    return {
        "input_ids": ids,
        "attention_mask": [1] * len(ids),
        "labels": [IGNORE] * len(p_ids) + r_ids,
    }


class EncodedDataset(torch.utils.data.Dataset[dict[str, list[int]]]):
    """A list of encoded examples (no workers, no shuffling of its own)."""

    def __init__(self, rows: list[dict[str, list[int]]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        return self.rows[index]


def encode_dataset(
    tokenizer: PreTrainedTokenizerBase, examples: Sequence[Mapping[str, str]]
) -> EncodedDataset:
    """Encode prompt/response examples for training."""
    return EncodedDataset(
        [encode_example(tokenizer, ex["prompt"], ex["response"]) for ex in examples]
    )


class PadCollator:
    """Right-pads a batch: input ids with the pad id, attention 0, labels -100."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, rows: list[dict[str, list[int]]]) -> dict[str, torch.Tensor]:
        width = max(len(r["input_ids"]) for r in rows)

        def pad(key: str, value: int) -> torch.Tensor:
            return torch.tensor(
                [r[key] + [value] * (width - len(r[key])) for r in rows], dtype=torch.long
            )

        return {
            "input_ids": pad("input_ids", self.pad_id),
            "attention_mask": pad("attention_mask", 0),
            "labels": pad("labels", IGNORE),
        }
