"""Fidelity of a student to its teacher: next-token top-1 agreement and KL(teacher || student)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from heredity.errors import BadInput


def chat_prompt(tokenizer: Any, prompt: str) -> str:
    """The prompt text the way Inspect's ``hf`` provider renders a single user message."""
    if getattr(tokenizer, "chat_template", None):
        return str(
            tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=False
            )
        )
    return f"user: {prompt}\n"


def _load(path: str | Path, device: str) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    p = Path(path)
    if not (p / "config.json").is_file():
        raise BadInput(f"{p}: not a model directory (no config.json)")
    tok: Any = AutoTokenizer.from_pretrained(str(p))
    model: Any = AutoModelForCausalLM.from_pretrained(str(p))
    model = model.to(device)
    model.eval()
    return tok, model


def agreement(
    teacher_dir: str | Path,
    student_dir: str | Path,
    prompts: Sequence[str],
    *,
    device: str = "cpu",
) -> dict[str, Any]:
    """Top-1 agreement and mean KL(teacher || student) of next-token distributions (nats).

    Both models must share a tokenizer (same vocabulary). Each prompt is rendered as Inspect
    renders it, and the distributions compared are those over the first answer token.
    """
    import torch

    if not prompts:
        raise BadInput("agreement: no prompts")
    t_tok, teacher = _load(teacher_dir, device)
    s_tok, student = _load(student_dir, device)
    if t_tok.get_vocab() != s_tok.get_vocab():
        raise BadInput(f"agreement: {teacher_dir} and {student_dir} do not share a tokenizer")
    agree = 0
    kls: list[float] = []
    texts = [chat_prompt(t_tok, prompt) for prompt in prompts]
    with torch.inference_mode():
        for start in range(0, len(texts), _BATCH):
            chunk = texts[start : start + _BATCH]
            t_logits = _last_logits(teacher, t_tok, chunk, device)
            s_logits = _last_logits(student, t_tok, chunk, device)
            if t_logits.shape != s_logits.shape:
                raise BadInput("agreement: the models' output vocabularies differ in size")
            t_logp = torch.log_softmax(t_logits, dim=-1)
            s_logp = torch.log_softmax(s_logits, dim=-1)
            kls += (t_logp.exp() * (t_logp - s_logp)).sum(dim=-1).tolist()
            agree += int((t_logits.argmax(dim=-1) == s_logits.argmax(dim=-1)).sum())
    n = len(kls)
    return {"n": n, "top1_agreement": agree / n, "mean_kl": sum(kls) / n}


_BATCH = 64


def _last_logits(model: Any, tok: Any, texts: Sequence[str], device: str) -> Any:
    """Next-token logits after each text: one left-padded forward pass for the whole batch.

    Positions are counted from each text's first real token, so every row sees what it would
    see alone; models whose forward takes no ``position_ids`` run one text at a time.
    """
    import inspect

    import torch

    encoded = [tok(text, add_special_tokens=True)["input_ids"] for text in texts]
    for ids, text in zip(encoded, texts, strict=True):
        if not ids:
            raise BadInput(f"agreement: prompt {text!r} has no tokens")
    if "position_ids" not in inspect.signature(model.forward).parameters:
        rows = [
            model(input_ids=torch.tensor([ids], device=device)).logits[0, -1] for ids in encoded
        ]
        return torch.stack(rows).float()
    width = max(len(ids) for ids in encoded)
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in encoded], device=device)
    mask = torch.tensor(
        [[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded], device=device
    )
    positions = (mask.cumsum(dim=-1) - 1).clamp(min=0)
    out = model(input_ids=input_ids, attention_mask=mask, position_ids=positions)
    return out.logits[:, -1].float()
