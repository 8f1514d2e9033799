"""torchdistill configs in normalised meaning, read by torchdistill's ``losses/`` and ``core/``.

Read against yoshitomo-matsubara/torchdistill at 3e4373c (``losses/high_level.py``,
``losses/mid_level.py``, ``core/distillation.py``) and, for the legacy ``type:``/``params:``
format, v0.3.3 (``losses/custom.py``, ``losses/single.py``). ``WeightedSumLoss`` adds
``weight * term`` over ``sub_terms``; ``KDLoss`` returns ``alpha * CE + beta * T^2 * KL`` with
``beta = 1 - alpha`` when absent, and the bare KL (no ``beta``, no ``T^2``) when ``alpha`` is
absent or 0. So ``alpha`` weighs the hard labels, and a KD weight of 2.0 on the term doubles both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heredity.capture._read import integer, mapping, number, text
from heredity.errors import BadInput

Read = tuple[dict[str, Any], list[str]]
Terms = tuple[list[dict[str, Any]], list[str]]

_KD = ("KDLoss", "LogitStdKDLoss")
# mid_level.py: role, loss, and how each loss names its student/teacher modules -- a pairs key
# (``at_pairs``...) or (student kwarg, teacher kwarg, student default, teacher default).
_Pairs = str | tuple[str, str, str | None, str | None] | None
_MID: dict[str, tuple[str, str, _Pairs, str | None]] = {
    "FSPLoss": ("feature", "other", "fsp_pairs", None),
    "ATLoss": ("feature", "other", "at_pairs", None),
    "PKTLoss": (
        "feature",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        None,
    ),
    "FTLoss": (
        "feature",
        "other",
        ("translator_path", "paraphraser_path", "translator", "paraphraser"),
        None,
    ),
    "AltActTransferLoss": ("feature", "other", "feature_pairs", None),
    "RKDLoss": (
        "feature",
        "other",
        ("student_output_path", "teacher_output_path", None, None),
        None,
    ),
    "VIDLoss": ("feature", "other", "feature_pairs", None),
    "CCKDLoss": (
        "feature",
        "other",
        ("student_linear_path", "teacher_linear_path", None, None),
        None,
    ),
    "SPKDLoss": (
        "feature",
        "other",
        ("student_output_path", "teacher_output_path", None, None),
        None,
    ),
    "CRDLoss": (
        "contrastive",
        "other",
        ("student_norm_module_path", "teacher_norm_module_path", None, None),
        None,
    ),
    "AuxSSKDLoss": ("other", "ce", None, None),
    "SSKDLoss": (
        "distillation",
        "other",
        ("student_linear_module_path", "teacher_linear_module_path", None, None),
        "kl_temp",
    ),
    "PADL2Loss": (
        "feature",
        "mse",
        ("student_embed_module_path", "teacher_embed_module_path", None, None),
        None,
    ),
    "HierarchicalContextLoss": (
        "feature",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        None,
    ),
    "RegularizationLoss": ("regularisation", "other", None, None),
    "KTALoss": (
        "feature",
        "other",
        ("feature_adapter_path", "knowledge_translator_path", "feature_adapter", "paraphraser"),
        None,
    ),
    "AffinityLoss": (
        "feature",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        None,
    ),
    "ChSimLoss": ("feature", "other", "feature_pairs", None),
    "DISTLoss": (
        "distillation",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        "tau",
    ),
    "SRDLoss": (
        "feature",
        "other",
        ("student_feature_module_path", "teacher_feature_module_path", None, None),
        None,
    ),
    "DISTPlusLoss": (
        "distillation",
        "other",
        ("student_logit_module_path", "teacher_logit_module_path", None, None),
        "tau",
    ),
    "SKDInstanceLoss": (
        "distillation",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        "temperature",
    ),
    "SKDDirectionLoss": (
        "feature",
        "other",
        ("student_module_path", "teacher_module_path", None, None),
        None,
    ),
}
# torch.nn losses torchdistill reaches through a wrapper (registry.get_low_level_loss)
_LOW_LOSS = {"CrossEntropyLoss": "ce", "NLLLoss": "ce", "MSELoss": "mse"}


def _round(value: float) -> float:
    """Products of config weights without float noise (0.1, not 0.09999999999999998)."""
    return round(value, 12)


def _need(src: Mapping[str, Any], key: str, where: str) -> Any:
    if src.get(key) is None:
        raise BadInput(f"{where}{key}: required by torchdistill, missing")
    return src[key]


def _weight(src: Mapping[str, Any], key: str, where: str) -> float:
    _need(src, key, where)
    value = number(src, key, where)
    assert value is not None
    if value < 0:
        raise BadInput(
            f"{where}{key}: a negative weight is not something Heredity records ({value:g})"
        )
    return value


def _side(node: Any, where: str) -> str:
    if not isinstance(node, Mapping) or node.get("path") is None:
        raise BadInput(f"{where}: expected {{io: ..., path: ...}}, got {node!r}")
    return str(node["path"])


def _pairs(kw: Mapping[str, Any], spec: _Pairs, at: str) -> dict[str, str]:
    """Student module -> teacher module, from the loss's own keys (``at``: where ``kw`` sits)."""
    if spec is None:
        return {}
    if isinstance(spec, tuple):
        s_key, t_key, s_default, t_default = spec
        s = kw.get(s_key, s_default)
        t = kw.get(t_key, t_default)
        if s is None or t is None:
            missing = s_key if s is None else t_key
            raise BadInput(f"{at}{missing}: required by torchdistill, missing")
        return {str(s): str(t)}
    pairs = mapping(kw, spec, at)
    if not pairs:
        raise BadInput(f"{at}{spec}: required by torchdistill, missing")
    out: dict[str, str] = {}
    for name, pair in pairs.items():
        here = f"{at}{spec}.{name}"
        if not isinstance(pair, Mapping):
            raise BadInput(f"{here}: expected a mapping, got {pair!r}")
        if spec == "fsp_pairs":
            for part in ("first", "second"):
                out[_side(pair.get(f"student_{part}"), f"{here}.student_{part}")] = _side(
                    pair.get(f"teacher_{part}"), f"{here}.teacher_{part}"
                )
        else:
            out[_side(pair.get("student"), f"{here}.student")] = _side(
                pair.get("teacher"), f"{here}.teacher"
            )
    return out


def _kd_terms(
    name: str, key: str, kw: Mapping[str, Any], weight: float, where: str, legacy: bool
) -> Terms:
    """``KDLoss``/``LogitStdKDLoss`` as its distillation term and its hard-label term."""
    at = f"{where}params." if legacy else f"{where}kwargs."
    _need(kw, "temperature", at)
    temperature = number(kw, "temperature", at)
    assert temperature is not None
    if temperature <= 0:
        raise BadInput(f"{at}temperature: must be above 0, got {temperature:g}")
    alpha = number(kw, "alpha", at)
    beta = number(kw, "beta", at)
    if alpha is None and beta is None:
        raise BadInput(
            f"{at}alpha: {key} needs alpha (or beta): without both, torchdistill fails computing 1 - alpha"
        )
    params: dict[str, Any] = {"sub_term": name}
    if legacy:
        params["logits"] = "model outputs"
    else:
        params["logits"] = {
            "student": f"{kw.get('student_module_path')}:{kw.get('student_module_io')}",
            "teacher": f"{kw.get('teacher_module_path')}:{kw.get('teacher_module_io')}",
        }
    if key == "LogitStdKDLoss":
        params["standardised_logits"] = True
    kd = {"name": key, "role": "distillation", "loss": "forward_kl", "temperature": temperature}
    if alpha is None or alpha == 0:
        note = (
            f"{name}: {key} with alpha={'absent' if alpha is None else '0'} returns the KL alone "
            f"(mid_level.py KDLoss.forward): weight {weight:g}, no T^2 factor, beta unused"
        )
        return [kd | {"weight": weight, "params": params | {"t_squared": False}}], [note]
    beta_eff = 1.0 - alpha if beta is None else beta
    if beta_eff < 0:
        raise BadInput(f"{at}alpha: {alpha:g} leaves a negative KL weight (beta = 1 - alpha)")
    note = (
        f"{name}: {key} alpha={alpha:g} weighs cross-entropy on the labels, "
        f"beta={beta_eff:g}{' (1 - alpha)' if beta is None else ''} the KL at T={temperature:g} "
        f"times T^2; term weight {weight:g} multiplies both (kd {weight * beta_eff:g}, "
        f"hard labels {weight * alpha:g})"
    )
    if beta_eff == 0:
        note += "; the KL contributes nothing"
    return [
        kd
        | {
            "weight": _round(weight * beta_eff),
            "params": params | {"t_squared": True, "alpha": alpha},
        },
        {
            "name": key,
            "role": "hard_label",
            "weight": _round(weight * alpha),
            "loss": "ce",
            "params": {"sub_term": name},
        },
    ], [note]


def _wrapped_terms(
    name: str, key: str, kw: Mapping[str, Any], weight: float, wrapper: Mapping[str, Any] | None
) -> Terms:
    """A torch.nn loss behind ``SimpleLossWrapper``: its input and target say what it compares."""
    loss = _LOW_LOSS.get(key, "other")
    base = {"name": key, "weight": weight, "loss": loss, "params": {"sub_term": name, **kw}}
    if not wrapper or not isinstance(wrapper.get("input"), Mapping):
        return [base | {"role": "other"}], [
            f"{name}: {key} without a wrapper naming its input; recorded as 'other'"
        ]
    source = wrapper["input"]
    target = wrapper.get("target") if isinstance(wrapper.get("target"), Mapping) else {}
    assert isinstance(target, Mapping)
    s_path = str(source.get("module_path"))
    if target.get("uses_label") or (target.get("module_path") is None and target.get("io") is None):
        role = "hard_label" if not source.get("is_from_teacher") else "other"
        return [base | {"role": role}], [f"{name}: {key} of {s_path} against the labels"]
    t_path = str(target.get("module_path"))
    if source.get("is_from_teacher") or not target.get("is_from_teacher"):
        return [base | {"role": "other"}], [f"{name}: {key} between {s_path} and {t_path}"]
    if s_path == "." and t_path == ".":
        return [base | {"role": "distillation"}], [f"{name}: {key} between the models' outputs"]
    return [base | {"role": "feature", "layers": {s_path: t_path}}], [
        f"{name}: {key} from student {s_path} to teacher {t_path}"
    ]


def _mid_terms(
    name: str,
    key: str,
    kw: Mapping[str, Any],
    weight: float,
    wrapper: Mapping[str, Any] | None,
    where: str,
    legacy: bool = False,
) -> Terms:
    if key in _KD:
        return _kd_terms(name, key, kw, weight, where, legacy)
    if key in _MID:
        role, loss, spec, t_key = _MID[key]
        at = f"{where}params." if legacy else f"{where}kwargs."
        layers = _pairs(kw, spec, at)
        pair_keys = {spec} if isinstance(spec, str) else set(spec[:2]) if spec else set()
        params = {"sub_term": name} | {k: v for k, v in kw.items() if k not in pair_keys}
        term: dict[str, Any] = {"name": key, "role": role, "weight": weight, "loss": loss}
        if role == "distillation":
            params["modules"] = layers
        else:
            term["layers"] = layers
        temperature = number(kw, t_key, at) if t_key else None
        if temperature is not None and temperature > 0:
            term["temperature"] = temperature
        notes = [
            f"{name}: {key} ({role}), weight {weight:g}"
            + (f", student->teacher {layers}" if layers and role != "distillation" else "")
        ]
        if key == "VIDLoss" and "margin" in kw:
            notes.append(
                f"{name}: VIDLoss takes no margin (mid_level.py VIDLoss.__init__); ignored"
            )
        if key == "CRDLoss" and "temperature" in kw:
            notes.append(
                f"{name}: CRDLoss temperature is its contrastive one, not a KD temperature"
            )
        return [term | {"params": params}], notes
    return _wrapped_terms(name, key, kw, weight, wrapper)


def _current(crit: Mapping[str, Any], where: str) -> Terms:
    """``criterion: {key: WeightedSumLoss, kwargs: {sub_terms, model_term}}`` (high_level.py)."""
    key = text(crit, "key", where)
    if key != "WeightedSumLoss":
        raise BadInput(
            f"{where}key: {key!r}; Heredity reads torchdistill's WeightedSumLoss "
            "(losses/high_level.py), the only high-level loss it registers"
        )
    kwargs = mapping(crit, "kwargs", where) or {}
    sub_terms = mapping(kwargs, "sub_terms", f"{where}kwargs.") or {}
    terms: list[dict[str, Any]] = []
    notes: list[str] = []
    for name, cfg in sub_terms.items():
        at = f"{where}kwargs.sub_terms.{name}."
        if not isinstance(cfg, Mapping):
            raise BadInput(f"{at.rstrip('.')}: expected a mapping, got {cfg!r}")
        weight = _weight(cfg, "weight", at)
        criterion = mapping(cfg, "criterion", at)
        if not criterion:
            raise BadInput(f"{at}criterion: required by torchdistill, missing")
        ckey = text(criterion, "key", f"{at}criterion.")
        if not ckey:
            raise BadInput(f"{at}criterion.key: required by torchdistill, missing")
        ckw = mapping(criterion, "kwargs", f"{at}criterion.")
        if ckw is None:
            raise BadInput(f"{at}criterion.kwargs: required by torchdistill, missing")
        wrapper = mapping(cfg, "criterion_wrapper", at)
        wkw = mapping(wrapper, "kwargs", f"{at}criterion_wrapper.") if wrapper else None
        t, n = _mid_terms(name, ckey, ckw, weight, wkw, f"{at}criterion.")
        terms += t
        notes += n
    model_term = mapping(kwargs, "model_term", f"{where}kwargs.")
    if model_term and number(model_term, "weight", f"{where}kwargs.model_term.") not in (None, 0.0):
        w = _weight(model_term, "weight", f"{where}kwargs.model_term.")
        terms.append({"name": "model_term", "role": "other", "weight": w})
        notes.append(f"model_term: the student model's own loss output, weight {w:g}")
    return terms, notes


def _legacy(crit: Mapping[str, Any], where: str) -> Terms:
    """Legacy ``type: GeneralizedCustomLoss`` with ``org_term`` and ``sub_terms`` (v0.3.3 custom.py)."""
    kind = text(crit, "type", where)
    if kind != "GeneralizedCustomLoss":
        raise BadInput(
            f"{where}type: {kind!r}; Heredity reads the legacy GeneralizedCustomLoss "
            "(torchdistill v0.3.3 losses/custom.py)"
        )
    terms: list[dict[str, Any]] = []
    notes = ["legacy torchdistill format (type/params, factor): read by torchdistill v0.3.3"]
    org = mapping(crit, "org_term", where)
    if org is None:
        raise BadInput(f"{where}org_term: required by legacy torchdistill, missing")
    factor = number(org, "factor", f"{where}org_term.")
    org_crit = mapping(org, "criterion", f"{where}org_term.")
    if org_crit and factor:
        at = f"{where}org_term.criterion."
        okind = text(org_crit, "type", at)
        params = mapping(org_crit, "params", at) or {}
        if okind in _KD:
            t, n = _kd_terms("org_term", okind, params, factor, at, legacy=True)
        else:
            loss = _LOW_LOSS.get(str(okind), "other")
            t = [{"name": str(okind), "role": "hard_label", "weight": factor, "loss": loss}]
            n = [f"org_term: {okind} of the student's output against the labels, factor {factor:g}"]
        terms += t
        notes += n
    for name, cfg in (mapping(crit, "sub_terms", where) or {}).items():
        at = f"{where}sub_terms.{name}."
        if not isinstance(cfg, Mapping):
            raise BadInput(f"{at.rstrip('.')}: expected a mapping, got {cfg!r}")
        weight = _weight(cfg, "factor", at)
        criterion = mapping(cfg, "criterion", at) or {}
        ckind = text(criterion, "type", f"{at}criterion.")
        if not ckind:
            raise BadInput(f"{at}criterion.type: required by legacy torchdistill, missing")
        cparams = mapping(criterion, "params", f"{at}criterion.") or {}
        t, n = _mid_terms(
            name, ckind, cparams, weight, mapping(cfg, "params", at), f"{at}criterion.", legacy=True
        )
        terms += t
        notes += n
    return terms, notes


def _criterion(stage: Mapping[str, Any], where: str) -> Terms:
    crit = mapping(stage, "criterion", where)
    if not crit:
        raise BadInput(f"{where}criterion: required by torchdistill, missing")
    at = f"{where}criterion."
    if "key" in crit:
        return _current(crit, at)
    if "type" in crit:
        return _legacy(crit, at)
    raise BadInput(f"{at}key: missing (nor a legacy `type`); torchdistill cannot build this loss")


def _epochs(stage: Mapping[str, Any], where: str) -> int:
    _need(stage, "num_epochs", where)
    epochs = integer(stage, "num_epochs", where)
    assert epochs is not None
    if epochs <= 0:
        raise BadInput(f"{where}num_epochs: must be above 0, got {epochs}")
    return epochs


def summary(terms: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Top-level kd/hard-label weights, KD temperature and loss, and the layer mapping of terms."""
    kd = [t for t in terms if t["role"] == "distillation" and t["name"] in _KD]
    hard = [t for t in terms if t["role"] == "hard_label"]
    out: dict[str, Any] = {
        "kd_weight": _round(sum(t["weight"] for t in kd)),
        "hard_label_weight": _round(sum(t["weight"] for t in hard)),
    }
    notes: list[str] = []
    active = [t for t in kd if t["weight"] > 0]
    temps = {t["temperature"] for t in active}
    if len(temps) == 1:
        out["temperature"] = temps.pop()
    elif len(temps) > 1:
        notes.append("KD terms at different temperatures: see terms")
    other_kd = [t for t in terms if t["role"] == "distillation" and t["name"] not in _KD]
    out["loss"] = (
        "forward_kl"
        if active and not other_kd
        else "other"
        if other_kd
        else "ce"
        if hard
        else "other"
    )
    layers: dict[str, str] = {}
    for t in terms:
        for s, te in (t.get("layers") or {}).items():
            if layers.get(s, te) != te:
                notes.append(f"student module {s} is paired with more than one teacher module")
            layers.setdefault(s, te)
    out["layer_mapping"] = layers
    return out, notes


def normalise_torchdistill(raw: Mapping[str, Any]) -> Read:
    """A torchdistill config: terms (and stages), epochs, weights by each loss's own formula."""
    train = mapping(raw, "train")
    if not train:
        raise BadInput("train: a torchdistill config needs a train section")
    if "stage1" not in train:
        epochs = _epochs(train, "train.")
        terms, notes = _criterion(train, "train.")
        top, more = summary(terms)
        return {
            "objective": "torchdistill WeightedSumLoss of its sub_terms",
            "epochs": float(epochs),
            "terms": terms,
            **top,
        }, notes + more + [f"train.num_epochs={epochs}"]
    stages: list[dict[str, Any]] = []
    notes = []
    n = 1
    while f"stage{n}" in train:
        at = f"train.stage{n}."
        stage = mapping(train, f"stage{n}", "train.")
        if stage is None:
            raise BadInput(f"train.stage{n}: expected a mapping")
        epochs = _epochs(stage, at)
        terms, more = _criterion(stage, at)
        stages.append({"name": f"stage{n}", "epochs": float(epochs), "terms": terms})
        notes += [f"stage{n} ({epochs} epochs): {m}" for m in more]
        n += 1
    extra = sorted(
        k for k in train if k.startswith("stage") and k not in {s["name"] for s in stages}
    )
    if extra:
        raise BadInput(
            f"train.{extra[0]}: torchdistill advances stage1, stage2, ... in order and would "
            f"never reach it (no stage{n})"
        )
    total = sum(int(s["epochs"]) for s in stages)
    notes.append(
        f"multi-stage run: {' + '.join(str(int(s['epochs'])) for s in stages)} = {total} epochs "
        "(core/distillation.py MultiStagesDistillationBox sums the stages' num_epochs)"
    )
    if "num_epochs" in train:
        notes.append("train.num_epochs is not used when stages are given")
    fields: dict[str, Any] = {
        "objective": "torchdistill multi-stage run, each stage a WeightedSumLoss",
        "epochs": float(total),
        "stages": stages,
    }
    per_stage = [summary(s["terms"])[0] for s in stages]
    for key in ("kd_weight", "hard_label_weight", "temperature", "loss"):
        values = {p.get(key) for p in per_stage}
        if len(values) == 1 and None not in values:
            fields[key] = values.pop()
    if any(key not in fields for key in ("kd_weight", "temperature", "loss")):
        notes.append("stages differ in their losses: the weights and temperature are per stage")
    layers: dict[str, str] = {}
    for p in per_stage:
        for s, t in p["layer_mapping"].items():
            layers.setdefault(s, t)
    fields["layer_mapping"] = layers
    return fields, notes
