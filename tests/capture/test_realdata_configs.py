"""Every framework config in ../shared/realdata normalises to the values its own source defines.

Sources (commits as in realdata/README.md and the reads in src/heredity/capture/_*.py):
torchdistill @3e4373c ``torchdistill/losses/{high_level,mid_level}.py``, ``core/distillation.py``
(legacy format: v0.3.3 ``losses/{custom,single}.py``); DistillKit @a61c2e7 ``distillkit/*`` (v1:
``distil_logits.py`` @56f319d); TensorRT-Model-Optimizer @5a4242f
``modelopt/torch/distill/plugins/megatron.py``; Megatron-Bridge @067f987
``training/post_training/distillation.py``; TRL 1.16.0 as installed (``site-packages/trl``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heredity.capture import import_config
from heredity.errors import BadInput
from heredity.records import Config

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
CONFIGS = REALDATA / "configs"
TD = CONFIGS / "torchdistill"


def _read(path: Path, framework: str, trainer: str | None = None) -> Config:
    return import_config(path, framework, trainer=trainer)[0]


def _terms(config: Config) -> list[tuple[str, str, float | None]]:
    return [(t.name, t.role, t.weight) for t in config.terms]


def test_every_realdata_config_is_read_or_refused_with_its_reason() -> None:
    frameworks = {
        "torchdistill": "torchdistill",
        "distillkit": "distillkit",
        "modelopt": "modelopt",
    }
    files = sorted(p for p in CONFIGS.glob("*/*") if p.is_file())
    assert len(files) == 21
    for path in files:
        framework = frameworks.get(path.parent.name, "trl")
        trainer = "distil_logits" if path.name == "distil_logits_v1_config.yaml" else None
        if framework == "trl" and path.name != "gold_docs_config.yaml":
            with pytest.raises(BadInput, match="--trainer"):
                _read(path, framework, trainer)
        else:
            assert _read(path, framework, trainer).raw["passed"]


# -- torchdistill ---------------------------------------------------------------------------


def test_torchdistill_kd_resnet18_from_resnet34() -> None:
    c = _read(TD / "sample__ilsvrc2012__kd__resnet18_from_resnet34.yaml", "torchdistill")
    # file: KDLoss temperature 1.0, alpha 0.5, weight 1.0, num_epochs 20
    # mid_level.py:189 alpha * CE + beta * T^2 * KL; mid_level.py:174 beta = 1 - alpha
    assert (c.temperature, c.loss, c.kd_weight, c.hard_label_weight) == (
        1.0,
        "forward_kl",
        0.5,
        0.5,
    )
    assert (c.epochs, c.layer_mapping, c.stages) == (20.0, {}, [])
    assert _terms(c) == [("KDLoss", "distillation", 0.5), ("KDLoss", "hard_label", 0.5)]


def test_torchdistill_cifar10_kd() -> None:
    c = _read(
        TD / "sample__cifar10__kd__resnet20_from_densenet_bc_k12_depth100-final_run.yaml",
        "torchdistill",
    )
    # file: T 4.0, alpha 0.9, weight 1.0, 182 epochs; mid_level.py:189,174
    assert (c.temperature, c.kd_weight, c.hard_label_weight, c.epochs) == (4.0, 0.1, 0.9, 182.0)


def test_torchdistill_glue_kd_on_the_classifier_logits() -> None:
    path = TD / (
        "official__glue__yoshitomo-matsubara__nlp-oss2023__sst2__kd__"
        "bert_base_uncased_from_bert_large_uncased.yaml"
    )
    c = _read(path, "torchdistill")
    # file: KDLoss on 'classifier' outputs, T 3.0, alpha 0.9, 3 epochs; mid_level.py:189,174
    assert (c.temperature, c.kd_weight, c.hard_label_weight, c.epochs) == (3.0, 0.1, 0.9, 3.0)
    assert c.terms[0].params["logits"] == {
        "student": "classifier:output",
        "teacher": "classifier:output",
    }
    assert c.layer_mapping == {}


def test_torchdistill_crd_kd_weight_two() -> None:
    c = _read(TD / "sample__ilsvrc2012__crd__resnet18_from_resnet50.yaml", "torchdistill")
    # file: kd weight 2.0 (KDLoss T 4.0, alpha 0.5), crd weight 0.8; high_level.py:82 weight * term
    assert (c.temperature, c.kd_weight, c.hard_label_weight, c.epochs) == (4.0, 1.0, 1.0, 20.0)
    assert _terms(c) == [
        ("KDLoss", "distillation", 1.0),
        ("KDLoss", "hard_label", 1.0),
        ("CRDLoss", "contrastive", 0.8),
    ]
    crd = c.terms[2]
    # mid_level.py:860 -- CRD's temperature is its contrastive one, not a KD temperature
    assert (crd.temperature, crd.params["temperature"]) == (None, 0.07)
    assert crd.layers == {"normalizer": "normalizer"} == c.layer_mapping


def test_torchdistill_fitnet_two_stages() -> None:
    c = _read(TD / "sample__ilsvrc2012__fitnet__resnet18_from_resnet152.yaml", "torchdistill")
    # core/distillation.py:504 -- a multi-stage run's epochs are the sum of its stages' (5 + 15)
    assert c.epochs == 20.0
    assert [(s.name, s.epochs) for s in c.stages] == [("stage1", 5.0), ("stage2", 15.0)]
    # stage1: MSELoss from the student's '+convreg' output to the teacher's layer1 (wrapper input/target)
    (hint,) = c.stages[0].terms
    assert (hint.name, hint.role, hint.loss, hint.weight, hint.layers) == (
        "MSELoss",
        "feature",
        "mse",
        1.0,
        {"+convreg": "layer1"},
    )
    # stage2: KDLoss T 1.0 alpha 0.5 -> 0.5 KL, 0.5 CE (mid_level.py:189)
    assert [(t.role, t.weight, t.temperature) for t in c.stages[1].terms] == [
        ("distillation", 0.5, 1.0),
        ("hard_label", 0.5, None),
    ]
    # the stages disagree, so no single run-wide KD weight or temperature is recorded
    assert (c.kd_weight, c.hard_label_weight, c.temperature, c.loss) == (None, None, None, None)
    assert (c.terms, c.layer_mapping) == ([], {"+convreg": "layer1"})


def test_torchdistill_vid_pairs_from_its_feature_pairs() -> None:
    c = _read(TD / "sample__ilsvrc2012__vid__resnet18_from_resnet50.yaml", "torchdistill")
    pairs = {f"regressor_dict.regressor{i}": f"layer{i}" for i in range(1, 5)}
    # VIDLoss feature_pairs: student regressor_dict.regressorN <- teacher layerN (not hook order)
    assert c.layer_mapping == pairs
    # file: KDLoss alpha 1.0 -> beta 0 (mid_level.py:174): the KL has no weight; CE weight 1.0
    assert (c.kd_weight, c.hard_label_weight, c.temperature, c.loss) == (0.0, 1.0, None, "ce")
    assert _terms(c) == [
        ("KDLoss", "distillation", 0.0),
        ("KDLoss", "hard_label", 1.0),
        ("VIDLoss", "feature", 1.0),
    ]
    assert c.terms[2].layers == pairs


def test_torchdistill_attention_transfer() -> None:
    c = _read(TD / "sample__ilsvrc2012__at__resnet18_from_resnet34.yaml", "torchdistill")
    # file: CrossEntropyLoss on labels weight 1.0, ATLoss at_pairs layer3/layer4 weight 1000.0
    assert _terms(c) == [("CrossEntropyLoss", "hard_label", 1.0), ("ATLoss", "feature", 1000.0)]
    assert c.layer_mapping == {"layer3": "layer3", "layer4": "layer4"}
    assert (c.kd_weight, c.hard_label_weight, c.loss, c.temperature) == (0.0, 1.0, "ce", None)


def test_torchdistill_legacy_type_params_format() -> None:
    c = _read(
        TD / "legacy__sample__ilsvrc2012__single_stage__kd__resnet18_from_resnet152.yaml",
        "torchdistill",
    )
    # legacy: org_term KDLoss (type/params) T 1.0 alpha 0.5, factor 1.0; v0.3.3 custom.py:58
    # adds factor * org loss; v0.3.3 single.py:106 alpha * CE + beta * T^2 * KL
    assert (c.temperature, c.kd_weight, c.hard_label_weight, c.epochs) == (1.0, 0.5, 0.5, 20.0)
    assert c.terms[0].params["logits"] == "model outputs"


# -- DistillKit -----------------------------------------------------------------------------


def test_distillkit_afm_hidden_states_apart_from_the_logit_kd() -> None:
    c = _read(CONFIGS / "distillkit" / "afm_test.yml", "distillkit")
    # file: cross_entropy 0.25, kl 0.25 at T 2.0, hs_cosine 0.5 (sum 1.0; trainer.py:131 divides by it)
    assert _terms(c) == [
        ("cross_entropy", "hard_label", 0.25),
        ("kl", "distillation", 0.25),
        ("hs_cosine", "feature", 0.5),
    ]
    assert (c.kd_weight, c.hard_label_weight, c.temperature, c.loss) == (
        0.25,
        0.25,
        2.0,
        "forward_kl",
    )
    # layer_mapping: all -> i to i over the student's layers (main.py:336): no names in the file
    assert (c.layer_mapping, c.terms[2].params["layer_mapping"]) == ({}, "all")
    # dataset.seed 42 shuffles the data (configuration.py:93-94); training_args sets no seed
    assert (c.seed, c.epochs, c.learning_rate, c.batch_size) == (None, 1.0, 1e-5, 1)


@pytest.mark.parametrize("name", ["llama_70b_base.yml", "mistral3.yaml"])
def test_distillkit_offline_logit_configs(name: str) -> None:
    c = _read(CONFIGS / "distillkit" / name, "distillkit")
    # file: cross_entropy 0.5, kl 0.5 at T 1.0 (missing_probability_handling zero)
    assert (c.kd_weight, c.hard_label_weight, c.temperature, c.loss) == (
        0.5,
        0.5,
        1.0,
        "forward_kl",
    )
    assert c.terms[1].params["missing_probability_handling"] == "zero"
    # dataset.seed (9 / 58347) is the shuffling seed, not the training seed
    assert (c.seed, c.epochs, c.learning_rate) == (None, 1.0, 2e-7)


def test_distillkit_v1_by_the_logits_script() -> None:
    path = CONFIGS / "distillkit" / "distil_logits_v1_config.yaml"
    with pytest.raises(BadInput, match="distil_logits, distil_hidden"):
        _read(path, "distillkit")
    c = _read(path, "distillkit", "distil_logits")
    # distil_logits.py:164 alpha * KD + (1 - alpha) * original loss; file: T 2.0, alpha 0.5
    assert (c.kd_weight, c.hard_label_weight, c.temperature, c.loss) == (
        0.5,
        0.5,
        2.0,
        "forward_kl",
    )
    # distil_logits.py:162 the KL is scaled by T^2 / tokenizer.max_length (4096 in the file)
    assert c.terms[0].params["max_length"] == 4096
    # training.num_train_epochs 3; dataset.seed 42 shuffles (distil_logits.py:58); no training seed
    assert (c.epochs, c.seed, c.learning_rate, c.batch_size) == (3.0, None, 2e-5, 1)


# -- modelopt / Megatron Bridge ---------------------------------------------------------------


def test_modelopt_megatron_lm_config() -> None:
    c = _read(CONFIGS / "modelopt" / "megatron_lm_distill_cfg.yaml", "modelopt")
    # file: skip_lm_loss true, kd_loss_scale 10.0, T 1.0; megatron.py:433 without the LM loss the
    # total is logits + rescaled intermediates, kd_loss_scale unused
    assert (c.temperature, c.kd_weight, c.hard_label_weight, c.loss) == (
        1.0,
        1.0,
        0.0,
        "forward_kl",
    )
    assert c.layer_mapping == {
        "decoder.layers.0.input_layernorm": "decoder.layers.0.input_layernorm",
        "decoder.final_layernorm": "decoder.layers.30.input_layernorm",
    }
    # megatron.py:91 two-element pairs use cosine loss; :427 rescaled each step (no fixed weight)
    assert [(t.name, t.weight) for t in c.terms[1:]] == [("HiddenStateCosineLoss", None)] * 2


def test_modelopt_config_without_temperature_uses_the_dataclass_default() -> None:
    c = _read(CONFIGS / "modelopt" / "megatron_lm_distill_cfg_6ed528b.yaml", "modelopt")
    # megatron.py:66 logit_kl_temperature default 1.0
    assert (c.temperature, c.kd_weight, c.hard_label_weight) == (1.0, 1.0, 0.0)
    assert len(c.layer_mapping) == 2


def test_modelopt_keeping_the_lm_loss() -> None:
    c = _read(CONFIGS / "modelopt" / "hf_distill_cfg_skip_lm_false.yaml", "modelopt")
    # file: skip_lm_loss false, kd_loss_scale 1.0; megatron.py:438 total = LM + scale * KD
    assert (c.temperature, c.kd_weight, c.hard_label_weight) == (1.0, 1.0, 1.0)
    assert _terms(c)[-1] == ("lm_loss", "hard_label", 1.0)
    assert c.layer_mapping == {
        "decoder.layers.0.input_layernorm": "decoder.layers.0.input_layernorm"
    }


def test_megatron_bridge_nested_kd_config() -> None:
    c = _read(CONFIGS / "modelopt" / "megatron_bridge_kd_config.yaml", "modelopt")
    # model.kd_config is ModelOptDistillConfig (Megatron-Bridge distillation.py:24), a subclass of
    # modelopt's DistillationConfig; file: T 2.0, skip_lm_loss true, one final_layernorm pair
    assert (c.temperature, c.kd_weight, c.hard_label_weight) == (2.0, 1.0, 0.0)
    assert c.layer_mapping == {"decoder.final_layernorm": "decoder.final_layernorm"}


# -- TRL ------------------------------------------------------------------------------------

TRL = CONFIGS / "trl"


def test_trl_gkd_example_args() -> None:
    c = _read(TRL / "gkd_example_args.yaml", "trl", "gkd")
    # gkd_trainer.py:349 loss without a temperature -> 1.0; gkd_config.py:66 beta 0.5 -> JSD;
    # gkd_config.py:59 lmbda 0.5; gkd_config.py:96 seq_kd False
    assert (c.temperature, c.loss, c.kd_weight, c.hard_label_weight) == (1.0, "jsd", 1.0, 0.0)
    assert (c.on_policy_fraction, c.teacher_generates) == (0.5, False)
    # file: num_train_epochs 1, no max_steps; learning_rate '2e-5' (text in YAML), batch 4
    assert (c.epochs, c.max_steps, c.learning_rate, c.batch_size, c.seed) == (
        1.0,
        None,
        2e-5,
        4,
        None,
    )


def test_trl_gkd_example_with_gkd_keys() -> None:
    c, notes = import_config(
        TRL / "gkd_example_args_with_gkd_keys.yaml", "trl", trainer="GKDTrainer"
    )
    # file: lmbda 0.5, beta 0.5, temperature 0.9 -- the 0.9 only samples (gkd_trainer.py:349)
    assert (c.temperature, c.loss, c.on_policy_fraction, c.epochs) == (1.0, "jsd", 0.5, 1.0)
    assert any("temperature=0.9 is the sampling temperature" in n for n in notes)
    # the same keys read by GOLD: its JSD runs at the 0.9 (gold_trainer.py:2537)
    assert _read(TRL / "gkd_example_args_with_gkd_keys.yaml", "trl", "gold").temperature == 0.9
    with pytest.raises(BadInput, match="lmbda: not a field of DistillationConfig"):
        _read(TRL / "gkd_example_args_with_gkd_keys.yaml", "trl", "distillation")


def test_trl_distillation_example_args() -> None:
    c = _read(TRL / "distillation_example_args.yaml", "trl", "distillation")
    # distillation_config.py:250 temperature 1.0 (sampling and loss), :359 beta 1.0 -> reverse KL;
    # the student generates every completion (fully on-policy)
    assert (c.temperature, c.loss, c.on_policy_fraction, c.teacher_generates) == (
        1.0,
        "reverse_kl",
        1.0,
        False,
    )
    assert (c.epochs, c.learning_rate, c.batch_size) == (1.0, 2e-5, 4)


def test_trl_gold_docs_config() -> None:
    c, notes = import_config(TRL / "gold_docs_config.yaml", "trl")
    assert (
        c.framework is not None and c.framework.trainer == "GOLDTrainer"
    )  # use_uld_loss: GOLD only
    # file: use_uld_loss true, uld_use_hybrid_loss true; gold_config.py:344,348 both ULD
    # temperatures 1.0; matched/unmatched weights unset -> adaptive (gold_trainer.py:709)
    assert (c.temperature, c.loss, c.kd_weight, c.hard_label_weight) == (1.0, "other", 1.0, 0.0)
    assert _terms(c) == [
        ("uld_hybrid_matched_jsd", "distillation", None),
        ("uld_hybrid_unmatched", "distillation", None),
    ]
    assert c.terms[0].params["beta"] == 0.5  # gold_config.py:206
    assert c.on_policy_fraction == 0.5  # gold_config.py:199
    assert (c.epochs, c.batch_size) == (None, 1)


def test_trl_sft_cli_example() -> None:
    path = TRL / "cli_configs__example_config.yaml"
    with pytest.raises(BadInput, match="--trainer"):
        _read(path, "trl")
    c = _read(path, "trl", "sft")
    # sft_config.py:283 loss_type nll: cross-entropy on the data; file: learning_rate 0.0001
    assert (c.loss, c.kd_weight, c.hard_label_weight, c.learning_rate, c.epochs) == (
        "ce",
        0.0,
        1.0,
        1e-4,
        None,
    )
