"""Tiny causal language models built locally, and saving them with a tokenizer and a model card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import yaml
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from heredity.errors import BadInput
from heredity.records import DOCUMENT_LIMITS, load_json

# name -> (hidden size, layers, attention heads, MLP width)
SIZES: dict[str, tuple[int, int, int, int]] = {
    "teacher": (128, 2, 4, 256),
    "student": (96, 2, 4, 192),
    "small": (48, 1, 4, 96),
    "tiny": (32, 1, 2, 64),
}
MAX_POSITIONS = 256


def model_config(tokenizer: PreTrainedTokenizerBase, size: str = "teacher") -> LlamaConfig:
    """The Llama configuration of a named size for ``tokenizer``'s vocabulary."""
    if size not in SIZES:
        raise BadInput(f"size: unknown model size {size!r}; expected one of {', '.join(SIZES)}")
    hidden, layers, heads, mlp = SIZES[size]
    return LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=mlp,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=MAX_POSITIONS,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )


def build_model(
    tokenizer: PreTrainedTokenizerBase,
    size: str = "teacher",
    seed: int = 0,
    *,
    config: LlamaConfig | None = None,
) -> LlamaForCausalLM:
    """A freshly initialised tiny causal LM (Llama architecture); same seed, same weights."""
    cfg = config if config is not None else model_config(tokenizer, size)
    if cfg.vocab_size != len(tokenizer):
        raise BadInput(
            f"config.vocab_size: {cfg.vocab_size} does not match the tokenizer's {len(tokenizer)} tokens"
        )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlamaForCausalLM(cfg)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.do_sample = False
    model.generation_config.max_new_tokens = 32
    return model


def model_card(
    *,
    name: str,
    description: str,
    license: str = "apache-2.0",
    base_model: str | None = None,
    tags: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A README.md model card with YAML front matter (deterministic: no dates)."""
    meta: dict[str, Any] = {"license": license}
    if base_model:
        meta["base_model"] = base_model
    meta["library_name"] = "transformers"
    meta["pipeline_tag"] = "text-generation"
    meta["tags"] = ["heredity", *(tags or [])]
    if extra:
        meta.update(extra)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()
    return f"---\n{front}\n---\n\n# {name}\n\n{description.strip()}\n"


def save_model_dir(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    out_dir: str | Path,
    *,
    card: str,
) -> Path:
    """Save weights (safetensors), config, tokenizer and card; every file is deterministic."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "README.md").write_text(card, encoding="utf-8")
    return out


def load_model_dir(path: str | Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load a model directory written by :func:`save_model_dir` (or any local HF causal LM)."""
    p = Path(path)
    if not (p / "config.json").is_file():
        raise BadInput(f"{p}: not a model directory (no config.json)")
    model = AutoModelForCausalLM.from_pretrained(p)
    tokenizer = AutoTokenizer.from_pretrained(p)
    model.eval()
    return model, tokenizer


def architecture_of(path: str | Path) -> dict[str, Any]:
    """The architecture-defining fields of a saved model's config.json."""
    cfg = load_json(Path(path) / "config.json", DOCUMENT_LIMITS, finite=False)
    if not isinstance(cfg, dict):
        raise BadInput(f"{Path(path) / 'config.json'}: expected a JSON object")
    keys = (
        "model_type",
        "hidden_size",
        "num_hidden_layers",
        "num_attention_heads",
        "intermediate_size",
        "vocab_size",
    )
    return {k: cfg.get(k) for k in keys}
