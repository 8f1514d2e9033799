"""modelopt's Megatron distillation config (and Megatron Bridge's ``model.kd_config``), by its source.

Read against NVIDIA/TensorRT-Model-Optimizer at 5a4242f (and NVIDIA/Model-Optimizer at a2fbac7,
which has the same keys plus ``logit_kl_topk``): ``modelopt/torch/distill/plugins/megatron.py``
builds ``DistillationConfig(**yaml)``, so a key it does not define is an error there; there is no
``kd_loss_alpha``. ``LogitsAndIntermediatesLossBalancer`` forms the loss: the logit KL at
``logit_kl_temperature`` (no T^2), plus the mean of the intermediate-layer losses rescaled each
step to the logit loss's size; with ``skip_lm_loss: false`` that sum is rescaled to the LM loss's
size and added as ``lm + kd_loss_scale * kd``. Megatron Bridge nests the same dataclass under
``model.kd_config`` (``ModelOptDistillConfig``, training/post_training/distillation.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heredity.capture._read import boolean, integer, mapping, number
from heredity.errors import BadInput

Read = tuple[dict[str, Any], list[str]]

FIELDS = (
    "intermediate_layer_pairs",
    "logit_layers",
    "skip_lm_loss",
    "kd_loss_scale",
    "logit_kl_temperature",
    "logit_kl_topk",
)
_PYTHON_ONLY = ("criterion", "loss_balancer")


def _layer_pair(value: Any, where: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value):
        raise BadInput(f"{where}: expected a list of layer names, got {value!r}")
    return [str(x) for x in value]


def _distill_config(cfg: Mapping[str, Any], where: str) -> Read:
    for key in cfg:
        if key in _PYTHON_ONLY:
            raise BadInput(
                f"{where}{key}: a Python object in modelopt, not something a YAML file sets; "
                "Heredity cannot read a custom criterion or balancer"
            )
        if key not in FIELDS:
            hint = (
                " (modelopt has no kd_loss_alpha: use skip_lm_loss and kd_loss_scale)"
                if key == "kd_loss_alpha"
                else ""
            )
            raise BadInput(
                f"{where}{key}: not a field of modelopt's DistillationConfig "
                f"({', '.join(FIELDS)}){hint}"
            )
    notes: list[str] = []
    # megatron.py DistillationConfig defaults: skip_lm_loss True, kd_loss_scale 1.0, T 1.0
    temperature = number(cfg, "logit_kl_temperature", where)
    if temperature is None:
        temperature = 1.0
        notes.append("logit_kl_temperature absent: modelopt's default 1.0 (megatron.py)")
    if temperature <= 0:
        raise BadInput(f"{where}logit_kl_temperature: must be above 0 (modelopt asserts it)")
    skip = boolean(cfg, "skip_lm_loss", where)
    skip_set = skip is not None
    skip = True if skip is None else skip
    scale = number(cfg, "kd_loss_scale", where)
    scale_set = scale is not None
    scale = 1.0 if scale is None else scale
    if scale <= 0:
        raise BadInput(f"{where}kd_loss_scale: must be above 0 (modelopt asserts it)")
    top_k = integer(cfg, "logit_kl_topk", where)
    logit_layers = _layer_pair(
        cfg.get("logit_layers", ["output_layer", "output_layer"]), f"{where}logit_layers"
    )
    if len(logit_layers) != 2:
        raise BadInput(f"{where}logit_layers: expected [student, teacher], got {logit_layers!r}")
    raw_pairs = cfg.get("intermediate_layer_pairs") or []
    if not isinstance(raw_pairs, list):
        raise BadInput(f"{where}intermediate_layer_pairs: expected a list, got {raw_pairs!r}")
    logit_term: dict[str, Any] = {
        "name": "TopKLogitsKLLoss" if top_k is not None else "LogitsKLLoss",
        "role": "distillation",
        "weight": 1.0 if skip else scale,
        "loss": "forward_kl",
        "temperature": temperature,
        "params": {
            "logit_layers": {"student": logit_layers[0], "teacher": logit_layers[1]},
            "t_squared": False,
        },
    }
    if top_k is not None:
        logit_term["params"]["top_k"] = top_k
    terms = [logit_term]
    layers: dict[str, str] = {}
    for i, entry in enumerate(raw_pairs):
        pair = _layer_pair(entry, f"{where}intermediate_layer_pairs[{i}]")
        if len(pair) not in (2, 3):
            raise BadInput(
                f"{where}intermediate_layer_pairs[{i}]: expected [student, teacher] or "
                f"[student, teacher, cosine|mse], got {pair!r}"
            )
        kind = pair[2] if len(pair) == 3 else "cosine"
        if kind not in ("cosine", "mse"):
            raise BadInput(
                f"{where}intermediate_layer_pairs[{i}]: loss {kind!r} is not cosine or mse"
            )
        if layers.get(pair[0], pair[1]) != pair[1]:
            notes.append(f"student layer {pair[0]} is paired with more than one teacher layer")
        layers.setdefault(pair[0], pair[1])
        terms.append(
            {
                "name": "HiddenStateCosineLoss" if kind == "cosine" else "MSELoss",
                "role": "feature",
                "weight": None,
                "loss": "mse" if kind == "mse" else "other",
                "layers": {pair[0]: pair[1]},
                "params": {
                    "balance": "mean of the intermediate losses, rescaled each step to the logit loss"
                },
            }
        )
    notes.append(
        f"the logit KL ({logit_layers[0]} -> {logit_layers[1]}) runs at T={temperature:g}, forward "
        "KL, no T^2 factor"
        + (f", over the teacher's top {top_k} logits" if top_k is not None else "")
    )
    if len(terms) > 1:
        notes.append(
            "intermediate pairs default to cosine loss; their mean is rescaled each step to the "
            "logit loss's size, so they carry no fixed weight"
        )
    if skip:
        notes.append(
            f"skip_lm_loss={'true' if skip_set else 'true (default)'}: no LM (hard-label) loss; "
            + (f"kd_loss_scale={scale:g} is not used then" if scale_set else "kd_loss_scale unused")
        )
        kd_weight, hard = 1.0, 0.0
    else:
        notes.append(
            f"skip_lm_loss=false: loss = LM loss + kd_loss_scale={scale:g} x the KD loss rescaled "
            "each step to the LM loss's size (LogitsAndIntermediatesLossBalancer)"
        )
        kd_weight, hard = scale, 1.0
        terms.append({"name": "lm_loss", "role": "hard_label", "weight": 1.0, "loss": "ce"})
    return {
        "objective": "Megatron logit distillation (KL) with intermediate-layer losses",
        "temperature": temperature,
        "loss": "forward_kl",
        "kd_weight": kd_weight,
        "hard_label_weight": hard,
        "terms": terms,
        "layer_mapping": layers,
    }, notes


def normalise_modelopt(raw: Mapping[str, Any]) -> Read:
    """modelopt's Megatron ``DistillationConfig`` YAML, or a Megatron Bridge override's ``model.kd_config``."""
    if "model" in raw:
        model = mapping(raw, "model")
        kd = mapping(model or {}, "kd_config", "model.")
        if kd is None:
            raise BadInput(
                "model.kd_config: this looks like a Megatron Bridge override file but has no "
                "kd_config; Heredity reads the distillation settings from there"
            )
        fields, notes = _distill_config(kd, "model.kd_config.")
        notes.insert(
            0, "Megatron Bridge override: model.kd_config is modelopt's DistillationConfig"
        )
        return fields, notes
    return _distill_config(raw, "")
