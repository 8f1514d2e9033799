"""DistillKit configs in normalised meaning, read by DistillKit's own source.

v2 (arcee-ai/DistillKit at a61c2e7): ``distillkit/configuration.py`` defines the keys,
``distillkit/trainer.py`` sums ``weight * loss`` over ``loss_functions`` and divides by the sum of
the weights, ``distillkit/lossfuncs/*`` define each loss (``kl``, ``jsd`` and ``tvd`` at their
temperature times T^2; ``hs_*`` on hidden states through ``layer_mapping``), and
``distillkit/main.py`` passes ``training_args`` to ``trl.SFTConfig``. ``dataset.seed`` only
shuffles the dataset. v1 (the 2024 scripts, at 56f319d) kept its config in the script itself:
``distil_logits.py`` and ``distil_hidden.py`` give the same keys different losses, so which
script ran must be named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heredity.capture._read import integer, mapping, number, text, training_args, unit_interval
from heredity.errors import BadInput

Read = tuple[dict[str, Any], list[str]]

# lossfuncs/*: role, normalised loss, the constructor's keyword arguments (create_loss_func passes
# every set field but function and weight, so any other field makes DistillKit fail)
_V2: dict[str, tuple[str, str, frozenset[str]]] = {
    "cross_entropy": ("hard_label", "ce", frozenset()),
    "kl": (
        "distillation",
        "forward_kl",
        frozenset({"temperature", "missing_probability_handling", "sparse_chunk_length"}),
    ),
    "jsd": (
        "distillation",
        "jsd",
        frozenset({"temperature", "missing_probability_handling", "sparse_chunk_length"}),
    ),
    "tvd": (
        "distillation",
        "other",
        frozenset({"temperature", "missing_probability_handling", "sparse_chunk_length"}),
    ),
    "hinge": ("distillation", "other", frozenset({"margin"})),
    "logistic_ranking": ("distillation", "other", frozenset()),
    "hs_cosine": ("feature", "other", frozenset()),
    "hs_mse": ("feature", "mse", frozenset()),
}
_NEEDS = {"kl": "temperature", "jsd": "temperature", "tvd": "temperature", "hinge": "margin"}
_MISSING_HANDLING = ("zero", "symmetric_uniform")
V1_SCRIPTS = ("distil_logits", "distil_hidden")


def _loss_functions(raw: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    if "loss_functions" not in raw:
        # configuration.py: DistillationRunConfig.loss_functions default factory
        return [
            {"function": "cross_entropy", "weight": 0.5},
            {
                "function": "kl",
                "weight": 0.5,
                "temperature": 1.0,
                "missing_probability_handling": "zero",
            },
        ], [
            "loss_functions absent: DistillKit's default (configuration.py) is cross_entropy 0.5 "
            "and kl 0.5 at temperature 1.0"
        ]
    value = raw["loss_functions"]
    if not isinstance(value, list) or not value:
        raise BadInput(f"loss_functions: expected a non-empty list, got {value!r}")
    return value, []


def _v2(raw: Mapping[str, Any]) -> Read:
    entries, notes = _loss_functions(raw)
    teacher = mapping(raw, "teacher") or {}
    online = teacher.get("kind", "hf") == "hf"
    read: list[tuple[dict[str, Any], float]] = []
    for i, entry in enumerate(entries):
        at = f"loss_functions[{i}]."
        if not isinstance(entry, Mapping):
            raise BadInput(f"loss_functions[{i}]: expected a mapping, got {entry!r}")
        function = text(entry, "function", at)
        if function not in _V2:
            raise BadInput(
                f"{at}function: {function!r} is not a DistillKit loss ({', '.join(_V2)})"
            )
        if entry.get("weight") is None:
            raise BadInput(f"{at}weight: required by DistillKit, missing")
        weight = number(entry, "weight", at)
        assert weight is not None
        if weight < 0:
            raise BadInput(f"{at}weight: a negative weight is not something Heredity records")
        role, loss, accepts = _V2[function]
        given = {k for k, v in entry.items() if v is not None} - {"function", "weight"}
        unknown = given - {
            "temperature",
            "missing_probability_handling",
            "sparse_chunk_length",
            "margin",
        }
        if unknown:
            raise BadInput(f"{at}{sorted(unknown)[0]}: not a DistillKit loss_functions field")
        refused = given - accepts
        if refused:
            raise BadInput(
                f"{at}{sorted(refused)[0]}: DistillKit's {function} loss takes no such setting "
                "(create_loss_func passes it on and the loss fails)"
            )
        needed = _NEEDS.get(function)
        if needed and entry.get(needed) is None:
            raise BadInput(f"{at}{needed}: DistillKit's {function} loss requires it")
        term: dict[str, Any] = {"name": function, "role": role, "loss": loss, "params": {}}
        if "temperature" in given:
            temp = number(entry, "temperature", at)
            assert temp is not None
            if temp <= 0:
                raise BadInput(f"{at}temperature: must be above 0, got {temp:g}")
            term["temperature"] = temp
            term["params"]["t_squared"] = True
        for key in ("missing_probability_handling", "sparse_chunk_length", "margin"):
            if key in given:
                term["params"][key] = entry[key]
        handling = entry.get("missing_probability_handling")
        if handling is not None and handling not in _MISSING_HANDLING:
            raise BadInput(
                f"{at}missing_probability_handling: {handling!r} is not one of "
                f"{', '.join(_MISSING_HANDLING)}"
            )
        read.append((term, weight))
    total = sum(w for _, w in read)
    if total <= 0:
        raise BadInput("loss_functions: the weights sum to 0; DistillKit divides by their sum")
    terms = [term | {"weight": round(w / total, 12)} for term, w in read]
    notes.append(
        "DistillKit divides the weighted sum of losses by the sum of weights "
        f"({total:g}; trainer.py total_distillation_loss): weights below are shares of it"
    )
    fields: dict[str, Any] = {
        "objective": "DistillKit: weighted mean of its loss_functions",
        "terms": terms,
    }
    logit = [t for t in terms if t["role"] == "distillation"]
    hidden = [t for t in terms if t["role"] == "feature"]
    fields["kd_weight"] = round(sum(t["weight"] for t in logit), 12)
    fields["hard_label_weight"] = round(
        sum(t["weight"] for t in terms if t["role"] == "hard_label"), 12
    )
    temps = {t.get("temperature") for t in logit if t.get("temperature") is not None}
    if len(temps) == 1:
        fields["temperature"] = temps.pop()
    kinds = {t["loss"] for t in logit}
    fields["loss"] = kinds.pop() if len(kinds) == 1 else "other" if kinds else "ce"
    notes.append(
        "kd_weight counts the logit terms only"
        + (
            f"; hidden-state terms ({', '.join(t['name'] for t in hidden)}) are feature terms"
            if hidden
            else ""
        )
    )
    mapping_value = raw.get("layer_mapping")
    if hidden:
        if mapping_value is None:
            raise BadInput(
                "layer_mapping: hidden-state losses need it (DistillKit's trainer refuses without)"
            )
        if not online:
            raise BadInput(
                "teacher.kind: hidden-state losses need an online teacher (kind hf); DistillKit "
                "refuses them for a dataset teacher"
            )
    layers: dict[str, str] = {}
    if mapping_value == "all":
        notes.append(
            "layer_mapping=all: student hidden state i is matched to the teacher's i for every "
            "student layer (main.py); the count comes from the student model, not the config"
        )
        for t in hidden:
            t["params"]["layer_mapping"] = "all"
    elif mapping_value is not None:
        if not isinstance(mapping_value, list):
            raise BadInput(
                f"layer_mapping: expected a list of [student, teacher] or 'all', got {mapping_value!r}"
            )
        for pair in mapping_value:
            if (
                not isinstance(pair, list | tuple)
                or len(pair) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
            ):
                raise BadInput(
                    f"layer_mapping: expected [student, teacher] layer indices, got {pair!r}"
                )
            layers[str(pair[0])] = str(pair[1])
        for t in hidden:
            t["layers"] = dict(layers)
        if not hidden:
            notes.append("layer_mapping is set but no hidden-state loss uses it")
    fields["layer_mapping"] = layers
    kind = teacher.get("kind", "hf")
    notes.append(
        "teacher kind hf: the teacher runs alongside the student"
        if kind == "hf"
        else "teacher kind dataset: the teacher's top logits were captured beforehand"
    )
    return fields, notes


def _v1(raw: Mapping[str, Any], script: str | None) -> Read:
    if script not in V1_SCRIPTS:
        raise BadInput(
            "--trainer: a DistillKit v1 config means different losses in distil_logits.py and "
            f"distil_hidden.py; pass --trainer with one of: {', '.join(V1_SCRIPTS)}"
            + (f" (not {script!r})" if script else "")
        )
    d = mapping(raw, "distillation")
    assert d is not None
    for key in ("temperature", "alpha"):
        if d.get(key) is None:
            raise BadInput(f"distillation.{key}: required by DistillKit's {script}.py, missing")
    temperature = number(d, "temperature", "distillation.")
    alpha = unit_interval(number(d, "alpha", "distillation."), "alpha", "distillation.")
    assert temperature is not None and alpha is not None
    if temperature <= 0:
        raise BadInput(f"distillation.temperature: must be above 0, got {temperature:g}")
    tokenizer = mapping(raw, "tokenizer") or {}
    max_length = integer(tokenizer, "max_length", "tokenizer.")
    ce = {
        "name": "original_loss",
        "role": "hard_label",
        "weight": round(1.0 - alpha, 12),
        "loss": "ce",
    }
    if script == "distil_logits":
        notes = [
            f"DistillKit v1 distil_logits.py: alpha={alpha:g} weighs the KL at T={temperature:g} "
            f"(times T^2 / tokenizer.max_length), 1 - alpha the model's own cross-entropy"
        ]
        kd = {
            "name": "kl_div",
            "role": "distillation",
            "weight": alpha,
            "loss": "forward_kl",
            "temperature": temperature,
            "params": {"scale": "T^2 / tokenizer.max_length", "max_length": max_length},
        }
        return {
            "objective": "logit distillation (KL) plus the student's cross-entropy",
            "temperature": temperature,
            "loss": "forward_kl",
            "kd_weight": alpha,
            "hard_label_weight": round(1.0 - alpha, 12),
            "terms": [kd, ce],
        }, notes
    notes = [
        f"DistillKit v1 distil_hidden.py: alpha={alpha:g} weighs a KL between softened projected "
        f"student and teacher hidden states at T={temperature:g}, averaged over layers and "
        "divided by the hidden size; 1 - alpha the model's cross-entropy; no logit KD",
        "layers: student i -> teacher round(i * (teacher layers - 1) / (student layers - 1)), "
        "counts from the models, not the config",
    ]
    feature = {
        "name": "hidden_state_kl",
        "role": "feature",
        "weight": alpha,
        "loss": "forward_kl",
        "temperature": temperature,
        "params": {"layer_mapping": "spread evenly over the teacher's layers"},
    }
    return {
        "objective": "hidden-state distillation plus the student's cross-entropy",
        "loss": "ce",
        "kd_weight": 0.0,
        "hard_label_weight": round(1.0 - alpha, 12),
        "terms": [feature, ce],
    }, notes


def normalise_distillkit(raw: Mapping[str, Any], script: str | None = None) -> Read:
    """DistillKit v2 (``loss_functions`` and the run config) or v1 (``distillation``, by script)."""
    if "distillation" in raw:
        if not isinstance(raw["distillation"], Mapping):
            raise BadInput(f"distillation: expected a mapping, got {raw['distillation']!r}")
        fields, notes = _v1(raw, script)
        training = mapping(raw, "training") or {}
        facts, more = training_args(training, "training.")
        dataset = mapping(raw, "dataset") or {}
    elif "loss_functions" in raw or "teacher" in raw:
        if script:
            raise BadInput("--trainer: DistillKit v2 has one trainer; leave --trainer out")
        fields, notes = _v2(raw)
        training = mapping(raw, "training_args") or {}
        facts, more = training_args(training, "training_args.")
        dataset = mapping(raw, "dataset") or {}
    else:
        raise BadInput(
            "DistillKit config: neither `loss_functions`/`teacher` (v2) nor `distillation` (v1) found"
        )
    if dataset.get("seed") is not None:
        integer(dataset, "seed", "dataset.")
        notes.append(
            f"dataset.seed={dataset['seed']} only shuffles the dataset; it is not the training seed"
            + ("" if "seed" in facts else " (none set)")
        )
    return fields | facts, notes + more
